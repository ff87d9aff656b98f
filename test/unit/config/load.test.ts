/** loadParts: only the parts asked for, every problem in one CONFIG_INVALID, the result deep-frozen. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { anyText, wholeNumber } from '../../../src/config/fields.js';
import { loadParts } from '../../../src/config/load.js';
import { defineConfigPart, withDefaults } from '../../../src/config/part.js';
import { createConfigVars } from '../../../src/config/vars.js';
import { AppError } from '../../../src/errors.js';

const sizePart = defineConfigPart(
  { SIZE: wholeNumber(1, 10), NAMES: anyText() },
  {
    defaults: { SIZE: '3' },
    checks: [
      {
        reads: ['NAMES'],
        check: (v, problems) => {
          if (v.NAMES.includes(' ')) problems.push('NAMES must not hold a space');
        },
      },
    ],
    build: (v) => ({ size: v.SIZE, names: v.NAMES.split(',').map((name) => ({ name })) }),
  },
);
const otherPart = defineConfigPart({ OTHER: wholeNumber(0, 1) }, { build: (v) => ({ other: v.OTHER }) });

const vars = (env: Record<string, string>, problems: string[] = []) => createConfigVars(env, '/', problems);

test('only the parts asked for are validated', () => {
  const c = loadParts(vars({ NAMES: 'a,b', OTHER: 'bad' }), { size: sizePart });
  assert.equal(c, { size: { size: 3, names: [{ name: 'a' }, { name: 'b' }] } });
});

test('the result is frozen all the way down', () => {
  const c = loadParts(vars({ NAMES: 'a' }), { size: sizePart });
  assert.ok(Object.isFrozen(c));
  assert.ok(Object.isFrozen(c.size));
  assert.ok(Object.isFrozen(c.size.names));
  assert.ok(Object.isFrozen(c.size.names[0]));
});

test('every problem of every part, and those of the file, in one CONFIG_INVALID', () => {
  try {
    loadParts(vars({ SIZE: '11', NAMES: 'a b', OTHER: '2' }, ['SD_CONFIG_FILE x: unknown key Y']), {
      size: sizePart,
      other: otherPart,
    });
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, AppError);
    assert.is((err as AppError).code, 'CONFIG_INVALID');
    assert.is(
      (err as AppError).message,
      [
        'invalid configuration:',
        'SD_CONFIG_FILE x: unknown key Y',
        'SIZE must be a whole number from 1 to 10, got "11"',
        'NAMES must not hold a space',
        'OTHER must be a whole number from 0 to 1, got "2"',
      ].join('\n  - '),
    );
  }
});

test('a cross-field check runs when the fields it reads are valid, even when others are not', () => {
  assert.throws(
    () => loadParts(vars({ SIZE: 'x', NAMES: 'a b' }), { size: sizePart }),
    (err: Error) =>
      err.message ===
      'invalid configuration:\n  - SIZE must be a whole number from 1 to 10, got "x"\n  - NAMES must not hold a space',
  );
});

test('an empty value is a value: it wins over the default', () => {
  assert.throws(() => loadParts(vars({ SIZE: '' }), { size: sizePart }), /got ""/);
});

test('withDefaults changes the defaults only', () => {
  const c = loadParts(vars({}), { size: withDefaults(sizePart, { SIZE: '7' }) });
  assert.is(c.size.size, 7);
  assert.is(loadParts(vars({}), { size: sizePart }).size.size, 3);
});

test.run();

import { generateKeyPairSync } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toCsv } from '../../../src/audit/csv.js';
import { niceCeiling } from '../../../src/audit/report-chart.js';
import { escapeHtml, escapeMarkdown } from '../../../src/audit/report-escape.js';
import { checkSignature, keyIdOf, signManifest, validSignatureOf } from '../../../src/bucket/signature.js';

test('escapeHtml: text and attribute values', () => {
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`"><img src=x onerror='y'>`, '&quot;&gt;&lt;img src=x onerror=&#39;y&#39;&gt;'],
    ['a & b', 'a &amp; b'],
  ];
  for (const [given, want] of cases) assert.is(escapeHtml(given), want, given);
});

test('escapeMarkdown: no markup, no raw HTML, one line', () => {
  const cases: [string, string][] = [
    ['lkc-abc', 'lkc-abc'],
    ['a|b', 'a\\|b'],
    ['**bold** _x_ `code` [l](u)', '\\*\\*bold\\*\\* \\_x\\_ \\`code\\` \\[l\\](u)'],
    ['<b>x</b> & y', '&lt;b&gt;x&lt;/b&gt; &amp; y'],
    ['two\nlines', 'two lines'],
  ];
  for (const [given, want] of cases) assert.is(escapeMarkdown(given), want, given);
});

test('toCsv: RFC 4180 quoting, formulas defused', () => {
  assert.is(
    toCsv([
      ['a', 'b,c', 'say "hi"', null, 3, true],
      ['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)', 'ok'],
    ]),
    'a,"b,c","say ""hi""",,3,true\r\n"\'=HYPERLINK(""x"")",\'+1,\'-2,\'@SUM(A1),ok\r\n',
  );
});

test('niceCeiling', () => {
  assert.equal([0, 1, 2, 3, 7, 12, 99, 101, 4500].map(niceCeiling), [1, 1, 2, 5, 10, 20, 100, 200, 5000]);
});

test('signatures: valid, altered, another key, not a signature', () => {
  const a = generateKeyPairSync('ed25519');
  const b = generateKeyPairSync('ed25519');
  const text = Buffer.from('{"runId":"20250101T000000Z"}\n');
  const sig = signManifest(text, a.privateKey);
  assert.is(signManifest(text, a.privateKey), sig, 'deterministic');
  assert.is(checkSignature(text, sig, a.publicKey), undefined);
  assert.match(
    checkSignature(Buffer.from(`${text} `), sig, a.publicKey) ?? '',
    /does not match the manifest's bytes/,
  );
  assert.is(
    checkSignature(text, sig, b.publicKey),
    `signed by key ${keyIdOf(a.publicKey)}, SD_VERIFY_KEY_FILE is key ${keyIdOf(b.publicKey)}`,
  );
  assert.match(checkSignature(text, '{}', a.publicKey) ?? '', /not an ed25519 signature/);
  assert.not.match(sig, a.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().split('\n')[1]!);
});

test('signatures: a carried previous signature counts for the bytes it signs, nothing else', () => {
  const a = generateKeyPairSync('ed25519');
  const b = generateKeyPairSync('ed25519');
  const before = Buffer.from('{"checkedAt":"1"}\n');
  const after = Buffer.from('{"checkedAt":"2"}\n');
  const old = validSignatureOf(before, signManifest(before, a.privateKey), a.publicKey);
  assert.ok(old);
  const both = signManifest(after, a.privateKey, old);
  assert.is(checkSignature(after, both, a.publicKey), undefined, 'the new bytes');
  assert.is(
    checkSignature(before, both, a.publicKey),
    undefined,
    'the bytes before, until the pointer is written',
  );
  assert.match(checkSignature(Buffer.from('{"checkedAt":"3"}\n'), both, a.publicKey) ?? '', /does not match/);
  // a previous of another key's signature, or of other bytes, is no signature of these
  const foreign = validSignatureOf(before, signManifest(before, b.privateKey), b.publicKey)!;
  assert.match(
    checkSignature(before, signManifest(after, a.privateKey, foreign), a.publicKey) ?? '',
    /does not match/,
  );
  assert.is(validSignatureOf(before, '{', a.publicKey), undefined);
});

test.run();

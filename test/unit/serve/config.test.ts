import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseListen } from '../../../src/serve/config.js';

const CASES: [given: string, want: { host: string; port: number } | string][] = [
  ['0.0.0.0:8080', { host: '0.0.0.0', port: 8080 }],
  // the Prometheus --web.listen-address convention: an empty host is every interface
  [':8080', { host: '0.0.0.0', port: 8080 }],
  ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
  ['[::]:9090', { host: '::', port: 9090 }],
  ['localhost:80', { host: 'localhost', port: 80 }],
  ['8080', 'SD_LISTEN must be host:port such as 0.0.0.0:8080 or :8080, got "8080"'],
  [':70000', 'SD_LISTEN must be host:port such as 0.0.0.0:8080 or :8080, got ":70000"'],
  ['[]:8080', 'SD_LISTEN must be host:port such as 0.0.0.0:8080 or :8080, got "[]:8080"'],
];

for (const [given, want] of CASES)
  test(`SD_LISTEN=${given}`, () => {
    const problems: string[] = [];
    const got = parseListen(given, problems);
    if (typeof want === 'string') assert.equal(problems, [want]);
    else {
      assert.equal(problems, []);
      assert.equal(got, want);
    }
  });

test.run();

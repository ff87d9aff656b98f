/** The forward proxy's variables and NO_PROXY's rules (`config/proxy.ts`), as a table of URL → proxy or direct. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type ProxyConfig, proxyForUrl, proxyFromValues } from '../../../src/config/proxy.js';

const P = 'http://proxy:3128';
const both = (noProxy: string): ProxyConfig => ({ httpProxy: P, httpsProxy: P, noProxy });

test('NO_PROXY: which URLs go direct', () => {
  const cases: [string, string, string | undefined][] = [
    ['', 'https://api.confluent.cloud', P],
    ['*', 'https://api.confluent.cloud', undefined],
    ['confluent.cloud', 'https://api.confluent.cloud', undefined],
    ['confluent.cloud', 'https://confluent.cloud', undefined],
    ['.confluent.cloud', 'https://confluent.cloud', P],
    ['.confluent.cloud', 'https://api.confluent.cloud', undefined],
    ['*.confluent.cloud', 'https://api.confluent.cloud', undefined],
    ['fluent.cloud', 'https://api.confluent.cloud', P],
    ['minio:9000', 'http://minio:9000', undefined],
    ['minio:9001', 'http://minio:9000', P],
    ['minio', 'http://minio:9000', undefined],
    ['API.Confluent.Cloud', 'https://api.confluent.cloud', undefined],
    ['10.0.0.0/8', 'http://10.1.2.3:9000', undefined],
    ['10.0.0.0/8', 'http://11.1.2.3:9000', P],
    ['10.1.2.3', 'http://10.1.2.3:9000', undefined],
    ['2.3', 'http://10.1.2.3:9000', P],
    ['::1', 'http://[::1]:9000', undefined],
    ['[::1]:9000', 'http://[::1]:9000', undefined],
    ['fd00::/8', 'http://[fd00::5]:9000', undefined],
    ['a.example, minio b.example', 'http://minio:9000', undefined],
  ];
  for (const [noProxy, url, want] of cases)
    assert.is(proxyForUrl(url, both(noProxy)), want, `${noProxy} ${url}`);
});

test('the scheme picks the variable; no proxy set is undefined', () => {
  assert.is(proxyForUrl('http://minio:9000', { httpsProxy: P, noProxy: '' }), undefined);
  assert.is(proxyForUrl('https://s3.amazonaws.com', { httpsProxy: P, noProxy: '' }), P);
  assert.is(proxyForUrl('https://s3.amazonaws.com', undefined), undefined);
});

test('lower-case spellings win; unset means no proxy config at all', () => {
  const none = {
    HTTPS_PROXY: undefined,
    https_proxy: undefined,
    HTTP_PROXY: undefined,
    http_proxy: undefined,
  };
  assert.is(proxyFromValues({ ...none, NO_PROXY: 'x', no_proxy: '' }), undefined);
  assert.equal(
    proxyFromValues({
      ...none,
      HTTPS_PROXY: 'http://upper:1',
      https_proxy: 'http://lower:1',
      NO_PROXY: 'a',
      no_proxy: 'b',
    }),
    { httpsProxy: 'http://lower:1', noProxy: 'b' },
  );
  assert.equal(proxyFromValues({ ...none, HTTP_PROXY: 'http://upper:1', NO_PROXY: ' a,b ', no_proxy: '' }), {
    httpProxy: 'http://upper:1',
    noProxy: 'a,b',
  });
});

test.run();

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { startCentral } from '../server.ts';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { LinkRegistry } from './links/link-registry.ts';
import { AUTH_FAILURES_PER_MINUTE, clientKey } from './auth-failures.ts';
import { isLoopbackHost } from './loopback.ts';

const ADMIN = 'admin-token-0123456789abcdef';
const READER = 'read-token-0123456789abcdef';

/** GET `path` from a chosen loopback source address (each is its own client to central). */
function getFrom(from: string, url: string, path: string, token: string): Promise<{ status: number; retryAfter: string | undefined; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { localAddress: from, headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body: JSON.parse(text) }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('failed authentication is rate-limited per client address', () => {
  let central: TestCentral;
  let linkToken = '';
  before(async () => {
    const links = await LinkRegistry.open(null);
    central = await startTestCentral({ adminToken: ADMIN, readToken: READER, links });
    const sink = await links.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
    linkToken = (await links.createLink(sink.id, { accountId: '444444444444', accountName: 'payments', types: ['traces'], labelTemplate: '$AccountName' })).token;
  });
  after(() => central.stop());

  test(`past ${AUTH_FAILURES_PER_MINUTE} failures a minute an address gets 429 with Retry-After; successes never count`, async () => {
    const from = '127.0.0.2';
    // Successes first: they cost nothing.
    for (let i = 0; i < 50; i++) assert.equal((await getFrom(from, central.url, '/api/traces', READER)).status, 200);
    for (let i = 0; i < AUTH_FAILURES_PER_MINUTE; i++) {
      const refused = await getFrom(from, central.url, '/api/traces', `wrong-token-${i}`);
      assert.equal(refused.status, 401, `failure ${i + 1}`);
    }
    const limited = await getFrom(from, central.url, '/api/traces', 'wrong-token-again');
    assert.equal(limited.status, 429);
    assert.match(limited.body.error, /^authorization: too many failed authentications from this address; retry in \d+ s$/);
    // 20 a minute refill one every 3 s: the next failure is allowed within 3 s.
    assert.ok(Number(limited.retryAfter) >= 1 && Number(limited.retryAfter) <= 3, `Retry-After ${limited.retryAfter}`);
    assert.equal((await getFrom(from, central.url, '/api/traces', 'not a bearer')).status, 429, 'a malformed header is a failure too');

    // Link tokens (unguessable) are still served from there; the guessable admin and read tokens wait.
    assert.equal((await getFrom(from, central.url, '/api/health', linkToken)).status, 200);
    assert.equal((await getFrom(from, central.url, '/api/traces', READER)).status, 429);
    // Another address is not affected.
    assert.equal((await getFrom('127.0.0.3', central.url, '/api/traces', 'wrong-token')).status, 401);
    assert.equal((await getFrom('127.0.0.3', central.url, '/api/traces', ADMIN)).status, 200);
  });

  test('addresses are counted as clients hold them: IPv4-mapped as IPv4, IPv6 by /64', () => {
    assert.equal(clientKey('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(clientKey('2001:db8:1:2:aaaa::1'), '2001:0db8:0001:0002::/64');
    assert.equal(clientKey('2001:db8:1:2::9'), clientKey('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    assert.notEqual(clientKey('2001:db8:1:2::9'), clientKey('2001:db8:1:3::9'));
  });
});

describe('loopback is decided by addresses, never by how a name starts', () => {
  test('names resolve; every address must be loopback', async () => {
    const dns = (table: Record<string, string[]>) => async (name: string) => {
      if (!table[name]) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
      return table[name].map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    const resolve = dns({ localhost: ['127.0.0.1', '::1'], 'mixed.example': ['127.0.0.1', '10.0.0.1'], '127.0.0.1.nip.example': ['203.0.113.9'] });
    const cases: Array<[string, boolean]> = [
      ['127.0.0.1', true], ['127.8.9.10', true], ['::1', true], ['[::1]', true], ['::ffff:127.0.0.1', true],
      ['localhost', true], ['0.0.0.0', false], ['::', false], ['10.0.0.1', false],
      ['127.foo.example', false], ['127.0.0.1.nip.example', false], ['mixed.example', false],
    ];
    for (const [host, loopback] of cases) assert.equal(await isLoopbackHost(host, resolve), loopback, host);
  });

  test('central without an admin token refuses a host named 127.foo.example, and listens on localhost', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    try {
      await assert.rejects(startCentral({ store, host: '127.foo.example', port: 0, decodeWorkers: 0, log: () => {} }), /^Error: adminToken: central would listen on 127\.foo\.example with no credential/);
      const local = await startCentral({ store, host: 'localhost', port: 0, decodeWorkers: 0, log: () => {} });
      assert.equal((await fetch(`http://127.0.0.1:${local.port}/api/health`)).status, 200);
      await local.close();
    } finally {
      await store.close();
    }
  });
});

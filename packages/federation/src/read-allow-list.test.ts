import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReadAllowList, type ResolveHost } from './read-allow-list.ts';

/** Names as a DNS server controlled by someone else might answer them. */
const DNS: Record<string, string[]> = {
  'agent.payments.internal': ['10.0.3.7'],
  'two.payments.internal': ['10.0.3.7', '10.0.3.8'],
  'rebound.payments.internal': ['10.0.3.7', '127.0.0.1'],
  'metadata.payments.internal': ['169.254.169.254'],
  'v6.payments.internal': ['fd00::7'],
  'localhost': ['127.0.0.1', '::1'],
};
const resolve: ResolveHost = async (name) => {
  const addresses = DNS[name];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('ReadAllowList: only what an entry allows, checked on every address a name resolves to', () => {
  test('verdicts, URL by URL', async () => {
    const cases: Array<[string[], string, true | RegExp]> = [
      [[], 'http://10.0.3.7:4319', /allow-list is empty/],
      // exact URLs: that scheme, host and port
      [['http://10.0.3.7:4319'], 'http://10.0.3.7:4319', true],
      [['http://10.0.3.7:4319'], 'http://10.0.3.7:4320', /no entry allows 10\.0\.3\.7:4320/],
      [['http://10.0.3.7:4319'], 'https://10.0.3.7:4319', /no entry allows/],
      [['http://127.0.0.1:4319'], 'http://127.0.0.1:8123', /no entry allows/],
      [['https://agent.payments.internal'], 'https://agent.payments.internal/stitch', true],
      // host:port, either scheme
      [['10.0.3.7:4319'], 'https://10.0.3.7:4319', true],
      [['agent.payments.internal:4319'], 'http://agent.payments.internal:4319', true],
      [['agent.payments.internal:4319'], 'http://two.payments.internal:4319', /resolves to 10\.0\.3\.7, which no entry allows/],
      // CIDRs and single addresses: any port
      [['10.0.0.0/8'], 'http://10.0.3.7:1234', true],
      [['10.0.0.0/8'], 'http://two.payments.internal:4319', true],
      [['10.0.3.7'], 'http://two.payments.internal:4319', /resolves to 10\.0\.3\.8, which no entry allows/],
      [['10.0.0.0/8'], 'http://169.254.169.254', /no entry allows 169\.254\.169\.254/],
      [['10.0.0.0/8'], 'http://localhost:4319', /localhost resolves to 127\.0\.0\.1, which no entry allows/],
      [['10.0.0.0/8'], 'http://rebound.payments.internal:4319', /resolves to 127\.0\.0\.1, which no entry allows/],
      [['fd00::/8'], 'http://v6.payments.internal:4319', true],
      [['fd00::/8'], 'http://[fd00::1]:4319', true],
      [['127.0.0.0/8'], 'http://[::ffff:127.0.0.1]:4319', true],
      [['10.0.0.0/8'], 'http://[::ffff:127.0.0.1]:4319', /no entry allows/],
      [['10.0.0.0/8'], 'http://nowhere.invalid:4319', /nowhere\.invalid does not resolve \(ENOTFOUND\)/],
      // An allowed *name* may not lead to loopback, link-local or metadata addresses...
      [['http://localhost:4319'], 'http://localhost:4319', /localhost resolves to 127\.0\.0\.1, a loopback, link-local or other special address/],
      [['metadata.payments.internal:80'], 'http://metadata.payments.internal', /169\.254\.169\.254, a loopback, link-local/],
      [['rebound.payments.internal:4319'], 'http://rebound.payments.internal:4319', /127\.0\.0\.1, a loopback/],
      // ...unless an entry names those addresses themselves.
      [['http://localhost:4319', '127.0.0.1/32', '::1'], 'http://localhost:4319', true],
      [['127.0.0.1:4319', '[::1]:4319'], 'http://localhost:4319', true],
      [['127.0.0.1:4319'], 'http://localhost:4319', /resolves to ::1, which no entry allows/],
    ];
    const wrong: string[] = [];
    for (const [entries, url, expected] of cases) {
      const verdict = await ReadAllowList.of(entries, resolve).check(new URL(url));
      const ok = expected === true ? verdict.allowed : !verdict.allowed && expected.test(verdict.why);
      if (!ok) wrong.push(`${JSON.stringify(entries)} ${url}: ${JSON.stringify(verdict)}`);
    }
    assert.deepEqual(wrong, []);
  });

  test('an allowed name is connected to at the addresses checked', async () => {
    const verdict = await ReadAllowList.of(['10.0.0.0/8'], resolve).check(new URL('http://two.payments.internal:4319'));
    assert.deepEqual(verdict, { allowed: true, addresses: [{ address: '10.0.3.7', family: 4 }, { address: '10.0.3.8', family: 4 }] });
  });

  test("a link's own entries add to central's", async () => {
    const central = ReadAllowList.of(['10.0.0.0/8'], resolve);
    const url = new URL('http://[fd00::7]:4319');
    assert.equal((await central.check(url)).allowed, false);
    assert.equal((await central.with(['http://[fd00::7]:4319']).check(url)).allowed, true);
    assert.deepEqual(central.with(['fd00::/8']).entries, ['10.0.0.0/8', 'fd00::/8']);
  });

  test('entries that are not one are refused, naming the entry', () => {
    for (const entry of ['', 'http://10.0.3.7:4319/path', 'http://u:p@10.0.3.7', 'http://10.0.3.7/?q', 'ftp://10.0.3.7', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/8/1', 'agent.payments.internal', 'host:0', 'host:70000', '999.1.1.1/8', 'a b:80']) {
      assert.throws(() => ReadAllowList.of([entry]), (error: Error) => error.message.startsWith(`"${entry}": `), entry);
    }
  });
});

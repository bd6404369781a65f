import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { LinkRegistry } from './link-registry.ts';

const PAYMENTS = '444444444444';

/** One span whose payload claims to come from another account. */
function spoofedSpan(traceId: string) {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'payments' } }, { key: 'cloud.account.id', value: { stringValue: '999999999999' } }] },
      scopeSpans: [{ spans: [{ traceId, spanId: '1111111111111111', name: 'charge', kind: 2, startTimeUnixNano: String(now - 1_000_000n), endTimeUnixNano: String(now) }] }],
    }],
  });
}

describe('sinks, links and link credentials', () => {
  let central: TestCentral;
  let dir: string;
  let registryFile: string;

  before(async () => {
    dir = await mkdtemp('/tmp/stitch-links-');
    registryFile = join(dir, 'links.json');
    central = await startTestCentral({ links: await LinkRegistry.open(registryFile) });
  });
  after(async () => {
    await central.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${central.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const ingest = (traceId: string, authorization?: string) =>
    call('POST', '/v1/traces', spoofedSpan(traceId), authorization === undefined ? {} : { authorization });

  test('a linked account writes as itself, whatever its payload claims; deleting the link stops it at once', async () => {
    const { status, body } = await call('POST', '/api/sinks', { name: 'observability', allowedAccounts: [PAYMENTS], types: ['traces'] });
    assert.equal(status, 201);
    const sinkId = body.sink.id;
    const created = await call('POST', `/api/sinks/${sinkId}/links`, { accountId: PAYMENTS, accountName: 'payments', labelTemplate: '$AccountName ($AccountId)' });
    assert.equal(created.status, 201);
    const { token, link } = created.body;
    assert.match(token, /^stl_/);
    assert.equal(link.label, `payments (${PAYMENTS})`);
    assert.equal(link.tokenHash, undefined, 'the hash is never shown');
    assert.ok(!(await readFile(registryFile, 'utf8')).includes(token), 'the token is stored only as its hash');

    const traceId = 'ab'.repeat(16);
    assert.equal((await ingest(traceId, `Bearer ${token}`)).status, 200);
    const stored = (await call('GET', `/api/traces/${traceId}`)).body.spans[0];
    assert.deepEqual(stored.account, { id: PAYMENTS, label: `payments (${PAYMENTS})` }, 'the link decides the account, not cloud.account.id');

    assert.equal((await call('DELETE', `/api/links/${link.id}`)).status, 200);
    const refused = await ingest('cd'.repeat(16), `Bearer ${token}`);
    assert.equal(refused.status, 403);
    assert.match(refused.body.message, /^authorization: link .* was deleted/);
    assert.equal((await call('GET', `/api/traces/${'cd'.repeat(16)}`)).status, 404, 'nothing of the refused batch was stored');
    const audit = (await call('GET', '/api/audit')).body.audit.map((entry: { action: string }) => entry.action);
    assert.deepEqual(audit.slice(-3), ['sink.create', 'link.create', 'link.delete']);

    // The registry survives a restart: the deleted link stays refused, a new one works.
    const reopened = await LinkRegistry.open(registryFile);
    assert.throws(() => reopened.linkOf(token), /was deleted/);
  });

  test('unknown, malformed and wrongly typed credentials are refused with 401/403 naming authorization', async () => {
    for (const [authorization, status] of [['Bearer stl_nope', 401], ['Basic dXNlcjpwYXNz', 401], ['Bearer', 401], ['', 401]] as const) {
      const response = await ingest('ef'.repeat(16), authorization);
      assert.equal(response.status, status, authorization);
      assert.match(response.body.message, /^authorization: /);
    }
    const sink = (await call('POST', '/api/sinks', { name: 'logs only', allowedAccounts: ['*'], types: ['logs'] })).body.sink;
    const logsLink = await call('POST', `/api/sinks/${sink.id}/links`, { accountId: '111111111111', accountName: 'edge', types: ['logs'] });
    const response = await ingest('ef'.repeat(16), `Bearer ${logsLink.body.token}`);
    assert.equal(response.status, 403);
    assert.match(response.body.message, /does not share traces/);
  });

  test('each link has a rate limit: over it, a 429 with Retry-After, and other links are unaffected', async () => {
    const sink = (await call('POST', '/api/sinks', { name: 'limited', allowedAccounts: ['*'], types: ['traces'] })).body.sink;
    const slow = (await call('POST', `/api/sinks/${sink.id}/links`, { accountId: '121212121212', accountName: 'slow', requestsPerSecond: 2 })).body;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await ingest('ab'.repeat(16), `Bearer ${slow.token}`)).status);
    assert.deepEqual(statuses.slice(0, 4), [200, 200, 200, 200], 'a burst of twice the rate');
    assert.ok(statuses.slice(4).includes(429), statuses.join(','));
    const limited = await ingest('ab'.repeat(16), `Bearer ${slow.token}`);
    assert.equal(limited.status, 429);
    assert.match(limited.body.message, /^rate: link .* over its 2 requests per second/);
    const other = (await call('POST', `/api/sinks/${sink.id}/links`, { accountId: '131313131313', accountName: 'other' })).body;
    assert.equal((await ingest('ab'.repeat(16), `Bearer ${other.token}`)).status, 200);
    assert.equal((await call('POST', `/api/sinks/${sink.id}/links`, { accountId: '141414141414', accountName: 'x', requestsPerSecond: 0 })).status, 400);
  });

  test('the sink policy decides who may link and what they may share', async () => {
    const sink = (await call('POST', '/api/sinks', { name: 'strict', allowedAccounts: [PAYMENTS], types: ['traces'] })).body.sink;
    const stranger = await call('POST', `/api/sinks/${sink.id}/links`, { accountId: '777777777777', accountName: 'stranger' });
    assert.equal(stranger.status, 403);
    assert.match(stranger.body.error, /^accountId: account 777777777777 is not in sink/);
    const metrics = await call('POST', `/api/sinks/${sink.id}/links`, { accountId: PAYMENTS, accountName: 'payments', types: ['traces', 'metrics'] });
    assert.equal(metrics.status, 403);
    assert.match(metrics.body.error, /^types: .* does not accept metrics/);
    assert.equal((await call('POST', '/api/sinks/sink-nope/links', { accountId: PAYMENTS, accountName: 'p' })).status, 404);
  });

  test('bad management bodies get a 400 naming the field; oversized ones a 413', async () => {
    for (const [body, field] of [
      ['{not json', /^body: not JSON/],
      [{ allowedAccounts: ['*'] }, /^name: /],
      [{ name: 'x', allowedAccounts: ["1'; DROP TABLE spans; --"] }, /^allowedAccounts\.0: /],
      [{ name: 'x', allowedAccounts: ['*'], types: ['spans'] }, /^types\.0: /],
    ] as const) {
      const response = await call('POST', '/api/sinks', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(response.body.error, field);
    }
    assert.equal((await call('POST', '/api/sinks', { name: 'x'.repeat(100_000), allowedAccounts: ['*'] })).status, 413);
    assert.equal((await call('PUT', '/api/sinks')).status, 405);
  });

  test('accounts: listed from links and data; every search can be narrowed to one account by id or label', async () => {
    const sink = (await call('POST', '/api/sinks', { name: 'by account', allowedAccounts: ['*'], types: ['traces'] })).body.sink;
    const link = async (accountId: string, accountName: string) => (await call('POST', `/api/sinks/${sink.id}/links`, { accountId, accountName })).body.token as string;
    const [edgeToken, ordersToken] = [await link('515151515151', 'edge-eu'), await link('525252525252', 'orders-eu')];
    await link('535353535353', 'quiet');
    const [edgeTrace, ordersTrace] = ['5a'.repeat(16), '5b'.repeat(16)];
    assert.equal((await ingest(edgeTrace, `Bearer ${edgeToken}`)).status, 200);
    assert.equal((await ingest(ordersTrace, `Bearer ${ordersToken}`)).status, 200);

    const accounts = (await call('GET', '/api/accounts')).body.accounts as Array<{ accountId: string; label: string; spanCount: number; services: string[]; link: { revokedAt: string | null } | null }>;
    const byId = new Map(accounts.map((account) => [account.accountId, account]));
    assert.deepEqual({ ...byId.get('515151515151'), link: undefined, lastSeenMs: undefined }, { accountId: '515151515151', label: 'edge-eu', services: ['payments'], spanCount: 1, link: undefined, lastSeenMs: undefined, federated: null });
    assert.equal(byId.get('535353535353')!.spanCount, 0, 'a linked account that never sent is listed');
    assert.ok(byId.get(PAYMENTS)!.link!.revokedAt, 'a revoked link shows as revoked, its data still listed');
    assert.equal(byId.get(PAYMENTS)!.spanCount, 1);

    const found = async (account: string) =>
      ((await call('GET', `/api/traces?start=${Date.now() - 86_400_000}&limit=1000&account=${encodeURIComponent(account)}`)).body.traces as Array<{ traceId: string }>).map((t) => t.traceId);
    assert.deepEqual(await found('515151515151'), [edgeTrace], 'by id');
    assert.deepEqual(await found('orders-eu'), [ordersTrace], 'by label');
    assert.deepEqual(await found('" OR 1=1 --'), [], 'hostile text is just a name nobody has');
    const narrowed = await call('GET', `/api/traces?start=${Date.now() - 86_400_000}&limit=1000&account=edge-eu&q=${encodeURIComponent('name = "charge"')}`);
    assert.deepEqual(narrowed.body.traces.map((t: { traceId: string }) => t.traceId), [edgeTrace], 'and it combines with q');
    const services = (await call('GET', '/api/services?account=535353535353')).body.services;
    assert.deepEqual(services, [], 'services of one account');
  });
});

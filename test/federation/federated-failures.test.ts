import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { checkoutTraces, ACCOUNTS } from '@stitch/test-support/fixtures';
import { ACCOUNT_KEYS, getJson, startFederation, until, type Federation } from './federated-accounts.ts';

const traces = checkoutTraces(10, 0xfa11);
const traceId = traces[0]![0]!.traceId;
const WINDOW = '&start=1763999000000&end=1764001000000';
const accountsOf = (body: any) => [...new Set(body.spans.map((s: any) => s.account.id))].sort();

describe('federated view when an account is missing', () => {
  let view: Federation;
  let hung: Server;
  const sockets = new Set<Socket>();

  before(async () => {
    view = await startFederation(ACCOUNT_KEYS, { timeoutMs: 3_000 });
    await view.send(traces);
    // An agent that accepts connections and never answers.
    hung = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    hung?.close();
    await view?.stop();
  });

  test('an account that does not answer within the deadline is named; the others still answer', async () => {
    const sink = view.registry.sinks()[0]!;
    const { token } = await view.registry.createLink(sink.id, { accountId: '999999999999', accountName: 'stalled', types: ['traces'], labelTemplate: '$AccountName' });
    const readUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
    const registered = await fetch(`${view.central.url}/api/federation/members`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ readUrl }) });
    assert.equal(registered.status, 200);

    const started = Date.now();
    const { status, body } = await view.get(`/api/traces/${traceId}`);
    const tookMs = Date.now() - started;
    assert.equal(status, 200);
    assert.equal(body.spans.length, traces[0]!.length);
    assert.deepEqual(body.partial.missingAccounts, [{ accountId: '999999999999', label: 'stalled', reason: 'timeout after 3000 ms' }]);
    assert.ok(tookMs >= 2_900 && tookMs < 9_000, `answered after ${tookMs} ms`);

    const search = (await view.get(`/api/traces?limit=5${WINDOW}`)).body;
    assert.equal(search.traces.length, 5);
    assert.equal(search.partial.missingAccounts[0].accountId, '999999999999');
    await view.registry.deleteLink((await view.registry.links()).find((l) => l.accountId === '999999999999')!.id);
    assert.equal((await view.get(`/api/traces/${traceId}`)).body.partial, undefined, 'a deleted link is no longer read, nor missed');
  });

  test('a stopped agent: trace, search and map answer from the other four and say which account is missing', async () => {
    await view.stopAgent('payments');
    const missing = [{ accountId: ACCOUNTS.payments.id, label: 'payments' }];
    const trace = (await view.get(`/api/traces/${traceId}`)).body;
    assert.deepEqual(accountsOf(trace), Object.values(ACCOUNTS).map((a) => a.id).filter((id) => id !== ACCOUNTS.payments.id).sort());
    assert.deepEqual(trace.partial.missingAccounts.map(({ reason: _, ...account }: any) => account), missing);
    assert.match(trace.partial.missingAccounts[0].reason, /unreachable/);
    const unknown = await view.get(`/api/traces/${'ab'.repeat(16)}`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error, /not every account answered: payments \(unreachable/);
    assert.equal(unknown.body.partial.missingAccounts[0].accountId, ACCOUNTS.payments.id);

    const search = (await view.get(`/api/traces?q=${encodeURIComponent('service("edge-gateway")')}&histogram=true${WINDOW}`)).body;
    assert.equal(search.traces.length, 10);
    assert.equal(search.histogram.total, 10);
    assert.deepEqual(search.partial.missingAccounts.map((a: any) => a.accountId), [ACCOUNTS.payments.id]);

    // Calls into payments were paired at central, so the edge stays; the requests payments itself counted do not.
    const map = (await view.get('/api/service-map?start=1763999940000&end=1764001000000')).body;
    assert.equal(map.nodes.find((n: any) => n.service === 'payments' && n.inferred === null).stats.requests, 0);
    assert.equal(map.nodes.find((n: any) => n.service === 'pricing').stats.requests, traces.length);
    assert.deepEqual(map.partial.missingAccounts.map((a: any) => a.accountId), [ACCOUNTS.payments.id]);
  });
});

describe('federated view after a link is deleted', () => {
  let view: Federation;
  before(async () => {
    view = await startFederation(ACCOUNT_KEYS);
    await view.send(traces);
  });
  after(async () => {
    await view?.stop();
  });

  test("the account's spans are no longer read, and its agent refuses the revoked token", async () => {
    const catalog = view.accounts.get('catalog')!;
    const readUrl = catalog.agent.federated!.readUrl;
    const asCentral = { authorization: `Bearer ${catalog.token}` };
    assert.equal((await getJson(readUrl, '/federation/v1/health', asCentral)).status, 200);
    assert.ok(accountsOf((await view.get(`/api/traces/${traceId}`)).body).includes(ACCOUNTS.catalog.id));

    await view.registry.deleteLink(catalog.linkId);
    const after = (await view.get(`/api/traces/${traceId}`)).body;
    assert.equal(accountsOf(after).includes(ACCOUNTS.catalog.id), false);
    assert.equal(after.partial, undefined);
    assert.deepEqual((await view.get('/api/federation')).body.members.map((m: any) => m.accountId).sort(), Object.values(ACCOUNTS).map((a) => a.id).filter((id) => id !== ACCOUNTS.catalog.id).sort());
    const search = (await view.get(`/api/traces?q=${encodeURIComponent('service("pricing")')}${WINDOW}`)).body;
    assert.deepEqual(search.traces, []);

    // The agent learns it at its next heartbeat: from then on its read API refuses even the right token.
    await until(() => catalog.agent.federated!.registration.refusal !== null, 'the agent saw the refusal');
    const refused = await getJson(readUrl, '/federation/v1/health', asCentral);
    assert.equal(refused.status, 403);
    assert.match(refused.body.error, /refused this account's link/);
  });
});

describe('registration and the read API refuse bad credentials and bad input', () => {
  let view: Federation;
  before(async () => {
    view = await startFederation(['payments']);
  });
  after(async () => {
    await view?.stop();
  });

  const register = (body: string, headers: Record<string, string>) =>
    fetch(`${view.central.url}/api/federation/members`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (r) => ({ status: r.status, body: await r.json() }));

  test('central: only a link token registers, with a readable URL and well-formed spans', async () => {
    const token = view.accounts.get('payments')!.token;
    const auth = { authorization: `Bearer ${token}` };
    assert.equal((await register('{"readUrl":"http://127.0.0.1:1"}', {})).status, 401);
    assert.equal((await register('{"readUrl":"http://127.0.0.1:1"}', { authorization: 'Bearer stl_not-a-token' })).status, 401);
    const cases: Array<[string, number, RegExp]> = [
      ['not json', 400, /body: not JSON/],
      ['{"readUrl":"javascript:alert(1)"}', 400, /readUrl/],
      ['{"readUrl":"http://x/' + 'a'.repeat(3000) + '"}', 400, /readUrl/],
      ['{"readUrl":"http://127.0.0.1:1","unpaired":[{"traceId":"zz"}]}', 400, /unpaired\.0/],
      ['{"readUrl":"http://127.0.0.1:1","unpaired":"DROP TABLE"}', 400, /unpaired/],
      [JSON.stringify({ readUrl: 'http://127.0.0.1:1', pad: 'x'.repeat(33 * 1024 * 1024) }), 413, /./],
    ];
    for (const [body, status, message] of cases) {
      const answer = await register(body, auth);
      assert.equal(answer.status, status, body.slice(0, 60));
      assert.match(answer.body.error, message);
    }
    // Still serving, and the real agent is still the member.
    assert.deepEqual((await view.get('/api/federation')).body.members.map((m: any) => m.readUrl), [view.accounts.get('payments')!.agent.federated!.readUrl]);
  });

  test("the agent's read API takes only its link's token", async () => {
    const { agent, token } = view.accounts.get('payments')!;
    const readUrl = agent.federated!.readUrl;
    assert.equal((await getJson(readUrl, '/federation/v1/health')).status, 401);
    assert.equal((await getJson(readUrl, '/federation/v1/health', { authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await getJson(readUrl, '/federation/v1/health', { authorization: `Basic ${token}` })).status, 401);
    const other = view.accounts.get('edge')!.token;
    assert.equal((await getJson(readUrl, '/federation/v1/health', { authorization: `Bearer ${other}` })).status, 401);
    const ok = await getJson(readUrl, '/federation/v1/health', { authorization: `Bearer ${token}` });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.accountId, ACCOUNTS.payments.id);
  });
});

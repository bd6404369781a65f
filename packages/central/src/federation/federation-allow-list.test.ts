import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { startCentral } from '../server.ts';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';

const SECRET = 'Code: 516. DB::Exception: default: Authentication failed: password is incorrect SECRET-7f3a';
const TRACE = 'ab'.repeat(16);

/** A loopback HTTP server that records the Authorization header of each request it gets. */
async function server(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; port: number; tokens: Array<string | undefined>; server: Server }> {
  const tokens: Array<string | undefined> = [];
  const http = createServer((req, res) => {
    tokens.push(req.headers.authorization);
    handler(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, tokens, server: http };
}

describe("central registers and reads members only at read URLs on the admin's allow-list", () => {
  let central: TestCentral;
  let allowed: Awaited<ReturnType<typeof server>>;
  let bystander: Awaited<ReturnType<typeof server>>;
  let sinkId = '';
  const tokens: Record<string, string> = {};

  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${central.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) };
  };
  const register = (account: string, readUrl: string) => call('POST', '/api/federation/members', { readUrl }, tokens[account]);
  const link = async (accountId: string, extra: Record<string, unknown> = {}) => {
    const created = await call('POST', `/api/sinks/${sinkId}/links`, { accountId, accountName: `account-${accountId}`, ...extra });
    assert.equal(created.status, 201, created.text);
    tokens[accountId] = created.body.token;
    return created.body.link;
  };

  before(async () => {
    // The "agent" central may read fails with a database's error text; the bystander is another local service.
    allowed = await server((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: SECRET }));
    });
    bystander = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"traces":{}}');
    });
    central = await startTestCentral({ federation: { timeoutMs: 2_000, allowReadUrls: [allowed.url] } });
    sinkId = (await call('POST', '/api/sinks', { name: 'observability', allowedAccounts: ['*'], types: ['traces'] })).body.sink.id;
    await link('111111111111');
    await link('222222222222');
  });
  after(async () => {
    await central.stop();
    for (const { server: http } of [allowed, bystander]) {
      http.closeAllConnections();
      http.close();
    }
  });

  test('a read URL off the list is refused with a 403 naming readUrl, and never contacted', async () => {
    const refusals: Array<[string, RegExp]> = [
      ['http://169.254.169.254/', /no entry allows 169\.254\.169\.254/],
      ['http://[fd00:ec2::254]/', /no entry allows/],
      [bystander.url, new RegExp(`no entry allows 127\\.0\\.0\\.1:${bystander.port}`)],
      [`https://127.0.0.1:${allowed.port}`, /no entry allows/],
      // A name resolving to loopback is checked by its addresses: another port there is not allowed.
      [`http://localhost:${bystander.port}`, /localhost resolves to 127\.0\.0\.1, which no entry allows/],
    ];
    for (const [readUrl, why] of refusals) {
      const answer = await register('111111111111', readUrl);
      assert.equal(answer.status, 403, `${readUrl}: ${answer.text}`);
      assert.match(answer.body.error, /^readUrl: \S+ is not on central's federation allow-list \(/, readUrl);
      assert.match(answer.body.error, why, readUrl);
    }
    assert.deepEqual((await call('GET', '/api/federation')).body.members, []);
    assert.deepEqual(bystander.tokens, [], 'the bystander never saw a request, nor the token');
  });

  test('userinfo, queries, fragments and escaped paths are refused with a 400 naming readUrl', async () => {
    const cases: Array<[string, RegExp]> = [
      [`${allowed.url}/#`, /fragment/],
      [`${allowed.url}/?query=SELECT%201#`, /query|fragment/],
      [`http://127.0.0.1:${allowed.port}@127.0.0.1:${bystander.port}/`, /user name/],
      [`${allowed.url}/%2f..%2f`, /%-escapes/],
      [`${allowed.url}/..%2fadmin`, /%-escapes/],
      ['gopher://127.0.0.1:9000/', /http\(s\)/],
    ];
    for (const [readUrl, why] of cases) {
      const answer = await register('111111111111', readUrl);
      assert.equal(answer.status, 400, readUrl);
      assert.match(answer.body.error, /^readUrl: /, readUrl);
      assert.match(answer.body.error, why, readUrl);
    }
    assert.deepEqual(bystander.tokens, []);
  });

  test("a failing member's error body never reaches a reader: a fixed reason and the status", async () => {
    const registered = await register('111111111111', `${allowed.url}/`);
    assert.equal(registered.status, 200, registered.text);
    const search = await call('GET', '/api/traces?limit=5');
    assert.equal(search.status, 200);
    assert.deepEqual(search.body.partial.missingAccounts, [{ accountId: '111111111111', label: 'account-111111111111', reason: 'its agent answered HTTP 500' }]);
    const byId = await call('GET', `/api/traces/${TRACE}`);
    assert.equal(byId.status, 404);
    assert.match(byId.body.error, /not every account answered: account-111111111111 \(its agent answered HTTP 500\)/);
    for (const answer of [search, byId, await call('GET', '/api/service-map'), await call('GET', '/api/services')]) assert.ok(!answer.text.includes('SECRET-7f3a'), answer.text.slice(0, 300));
    assert.ok(allowed.tokens.every((token) => token === `Bearer ${tokens['111111111111']}`), 'the allowed member got its own token');
  });

  test("a link created with allowReadUrls may be read there; other links may not, and the link shows them", async () => {
    const { id } = await link('333333333333', { allowReadUrls: [`127.0.0.1:${bystander.port}`] });
    assert.deepEqual((await call('GET', '/api/links')).body.links.find((l: { id: string }) => l.id === id).allowReadUrls, [`127.0.0.1:${bystander.port}`]);
    assert.equal((await register('222222222222', bystander.url)).status, 403, "another link's entry allows nothing for this one");
    assert.equal((await register('333333333333', bystander.url)).status, 200);
    const search = await call('GET', '/api/traces?limit=5');
    assert.equal(search.status, 200);
    assert.deepEqual(bystander.tokens, [`Bearer ${tokens['333333333333']}`], 'read once, with its own link token');

    const bad = await call('POST', `/api/sinks/${sinkId}/links`, { accountId: '444444444444', accountName: 'x', allowReadUrls: ['http://10.0.0.1:4319/path'] });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /^allowReadUrls\.0: "http:\/\/10\.0\.0\.1:4319\/path": an exact URL names an origin only/);
  });

  test('a redirect from an allowed member is not followed: the token never reaches its target', async () => {
    const redirecting = await server((_req, res) => {
      res.writeHead(302, { location: `${bystander.url}/federation/v1/search` });
      res.end();
    });
    const seenBefore = bystander.tokens.length;
    const { id } = await link('555555555555', { allowReadUrls: [redirecting.url] });
    assert.equal((await register('555555555555', redirecting.url)).status, 200);
    const search = await call('GET', '/api/traces?limit=5');
    const missing = search.body.partial.missingAccounts.find((account: { accountId: string }) => account.accountId === '555555555555');
    assert.equal(missing.reason, 'its agent answered HTTP 302 (redirects are not followed)');
    assert.ok(redirecting.tokens.length > 0);
    assert.ok(!bystander.tokens.slice(seenBefore).includes(`Bearer ${tokens['555555555555']}`), 'the redirect target never saw this link token');
    assert.equal((await call('DELETE', `/api/links/${id}`)).status, 200);
    redirecting.server.closeAllConnections();
    redirecting.server.close();
  });
});

describe("central's allow-list option", () => {
  test('an entry that is not one stops central from starting, naming it', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    try {
      await assert.rejects(startCentral({ store, port: 0, decodeWorkers: 0, log: () => {}, federation: { allowReadUrls: ['10.0.0.0/8', 'agents.internal'] } }), /^Error: federation\.allowReadUrls: "agents\.internal": expected an exact URL/);
    } finally {
      await store.close();
    }
  });
});

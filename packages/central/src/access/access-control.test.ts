import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { LinkRegistry } from './links/link-registry.ts';
import { SamplingRegistry } from '../control/sampling/sampling-registry.ts';
import { startCentral } from '../server.ts';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';

const ADMIN = 'admin-token-0123456789abcdef';
const READER = 'read-token-0123456789abcdef';
const PAYMENTS = '444444444444';
const PRICING = '333333333333';
const EDGE = '111111111111';

/** One span whose payload claims another account than the one sending it. */
function spanClaiming(account: string, traceId: string): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }, { key: 'cloud.account.id', value: { stringValue: account } }] },
      scopeSpans: [{ spans: [{ traceId, spanId: '1111111111111111', name: 'work', kind: 2, startTimeUnixNano: String(now - 1_000_000n), endTimeUnixNano: String(now) }] }],
    }],
  });
}

const rule = (name: string) => ({ name, priority: 10, fixedTarget: 1, rate: 1, serviceName: 'payments', for: '5m' });

describe('who can see and write what, on a central started with admin and read tokens', () => {
  let central: TestCentral;
  let dir: string;
  const logged: string[] = [];
  const tokens: Record<'payments' | 'pricing' | 'edge', string> = { payments: '', pricing: '', edge: '' };
  let edgeLinkId = '';

  const call = async (method: string, path: string, token: string | undefined, body?: unknown) => {
    const response = await fetch(`${central.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.startsWith("application/json");
    return { status: response.status, text, body: (json ? JSON.parse(text) : {}) as Record<string, any> };
  };

  before(async () => {
    dir = await mkdtemp('/tmp/stitch-access-');
    central = await startTestCentral({
      adminToken: ADMIN,
      readToken: READER,
      links: await LinkRegistry.open(join(dir, 'links.json')),
      sampling: await SamplingRegistry.open(join(dir, 'sampling.json')),
      log: (line) => logged.push(line),
    });
    const sink = (await call('POST', '/api/sinks', ADMIN, { name: 'observability', allowedAccounts: ['*'], types: ['traces'] })).body.sink;
    const link = (accountId: string, accountName: string, extra = {}) => call('POST', `/api/sinks/${sink.id}/links`, ADMIN, { accountId, accountName, ...extra });
    tokens.payments = (await link(PAYMENTS, 'payments')).body.token;
    tokens.pricing = (await link(PRICING, 'pricing', { canChangeSampling: true })).body.token;
    const edge = (await link(EDGE, 'edge')).body;
    tokens.edge = edge.token;
    edgeLinkId = edge.link.id;
    assert.equal((await call('DELETE', `/api/links/${edgeLinkId}`, ADMIN)).status, 200);
  });
  after(async () => {
    await central.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('every kind of request answers each kind of caller as the access rules say', async () => {
    const callers = { anonymous: undefined, 'bad token': 'stl_not-a-real-token', reader: READER, admin: ADMIN, 'payments link': tokens.payments, 'revoked edge link': tokens.edge, 'pricing link (canChangeSampling)': tokens.pricing };
    // expected status per caller, in the order of `callers`
    const matrix: Array<[string, string, unknown, number[]]> = [
      ['GET', '/api/health', undefined, [200, 401, 200, 200, 200, 403, 200]],
      // The console's page holds no data: it asks for the read token itself.
      ['GET', '/map', undefined, [200, 401, 200, 200, 200, 403, 200]],
      ['GET', '/api/traces', undefined, [401, 401, 200, 200, 403, 403, 403]],
      ['GET', '/api/service-map', undefined, [401, 401, 200, 200, 403, 403, 403]],
      ['GET', '/api/links', undefined, [401, 401, 200, 200, 403, 403, 403]],
      ['GET', '/api/sampling/rules', undefined, [401, 401, 200, 200, 403, 403, 403]],
      ['POST', '/v1/traces', spanClaiming(PRICING, 'ab'.repeat(16)), [401, 401, 403, 200, 200, 403, 200]],
      ['POST', '/api/sinks', { name: 'another', allowedAccounts: ['*'] }, [401, 401, 403, 201, 403, 403, 403]],
      ['DELETE', '/api/links/link-none', undefined, [401, 401, 403, 404, 403, 403, 403]],
      ['POST', '/api/sampling/rules', rule('by-payments'), [401, 401, 403, 201, 403, 403, 201]],
      ['POST', '/api/sampling/xray/GetSamplingRules', {}, [401, 401, 403, 200, 200, 403, 200]],
      // Replacing the rules is the admin's alone, even for a link with canChangeSampling (its scope: link-sampling-scope.test.ts).
      ['PUT', '/api/sampling/rules', { version: 2, rules: [], default: { fixed_target: 0, rate: 0 } }, [401, 401, 403, 200, 403, 403, 403]],
    ];
    const wrong: string[] = [];
    for (const [method, path, body, expected] of matrix) {
      for (const [i, [caller, token]] of Object.entries(callers).entries()) {
        // A fresh rule name each time: a second 201 would otherwise be a 409.
        const payload = method === 'POST' && path === '/api/sampling/rules' ? rule(`r-${i}`) : body;
        const { status, body: answer } = await call(method, path, token, payload);
        if (status !== expected[i]) wrong.push(`${method} ${path} as ${caller}: ${status} (expected ${expected[i]}) ${JSON.stringify(answer).slice(0, 160)}`);
        else if (status === 401 || status === 403) assert.match(answer.error ?? answer.message, /^authorization: /, `${method} ${path} as ${caller}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('a linked account writes only as itself, and may change sampling rules only when its link allows it', async () => {
    const traceId = 'cd'.repeat(16);
    assert.equal((await call('POST', '/v1/traces', tokens.payments, spanClaiming(PRICING, traceId))).status, 200);
    const stored = (await call('GET', `/api/traces/${traceId}`, READER)).body;
    assert.equal(stored.spans[0].account.id, PAYMENTS, 'the link decides the account, not cloud.account.id');

    assert.equal((await call('POST', '/api/sampling/rules', tokens.payments, rule('payments-debug'))).status, 403);
    const added = await call('POST', '/api/sampling/rules', tokens.pricing, rule('pricing-debug'));
    assert.equal(added.status, 201, added.text);
    const audit = (await call('GET', '/api/sampling/audit', READER)).body.audit as Array<{ action: string; by?: string; detail: string }>;
    const entry = audit.find((e) => e.detail.startsWith('pricing-debug'))!;
    assert.match(entry.by!, new RegExp(`^link link-\\w+ \\(account ${PRICING}\\)$`), 'the audit names the account that changed the rules');
  });

  test('a deleted link is refused at once, on every route its token reached', async () => {
    const sink = (await call('GET', '/api/sinks', ADMIN)).body.sinks[0];
    const { token, link } = (await call('POST', `/api/sinks/${sink.id}/links`, ADMIN, { accountId: '555555555555', accountName: 'notifications' })).body;
    assert.equal((await call('POST', '/v1/traces', token, spanClaiming('555555555555', 'ef'.repeat(16)))).status, 200);
    assert.equal((await call('DELETE', `/api/links/${link.id}`, ADMIN)).status, 200);
    const deletedAt = Date.now();
    const spans = await call('POST', '/v1/traces', token, spanClaiming('555555555555', 'fe'.repeat(16)));
    const sampling = await call('POST', '/api/sampling/xray/SamplingTargets', token, { SamplingStatisticsDocuments: [] });
    const refusedWithinMs = Date.now() - deletedAt;
    assert.deepEqual([spans.status, sampling.status], [403, 403]);
    assert.match(spans.body.message, /was deleted/);
    assert.ok(refusedWithinMs < 1_000, `refused ${refusedWithinMs} ms after the delete`);
    assert.equal((await call('GET', `/api/traces/${'fe'.repeat(16)}`, READER)).status, 404, 'nothing of the refused batch stored');
  });

  test('credentials are stored only as hashes and never logged or shown', async () => {
    // Provoke every log-worthy path once more with each token.
    for (const token of [ADMIN, READER, ...Object.values(tokens), `${ADMIN}x`]) {
      await call('POST', '/v1/traces', token, 'not json');
      await call('GET', '/api/links', token);
    }
    const answers = [(await call('GET', '/api/links', ADMIN)).text, (await call('GET', '/api/audit', ADMIN)).text, (await call('GET', '/api/accounts', ADMIN)).text];
    const files = await Promise.all((await readdir(dir)).map((name) => readFile(join(dir, name), 'utf8')));
    assert.ok(files.length >= 3, 'links, sampling rules and their audit logs were written');
    for (const secret of [ADMIN, READER, ...Object.values(tokens)]) {
      assert.ok(!logged.some((line) => line.includes(secret)), 'not in the log');
      assert.ok(!files.some((text) => text.includes(secret)), 'not in any file central writes');
      assert.ok(!answers.some((text) => text.includes(secret)), 'not in any answer');
    }
    assert.ok(!answers.some((text) => text.includes('tokenHash')), 'not even the hashes are shown');
  });
});

describe('central refuses to start open to the network', () => {
  test('on a non-loopback address it needs an admin token (or insecure); a read token needs an admin token', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    try {
      await assert.rejects(startCentral({ store, host: '0.0.0.0', port: 0, log: () => {} }), /^Error: adminToken: central would listen on 0\.0\.0\.0 with no credential/);
      await assert.rejects(startCentral({ store, port: 0, readToken: READER, log: () => {} }), /readToken: a read token needs an admin token/);
      await assert.rejects(startCentral({ store, port: 0, adminToken: 'short', log: () => {} }), /adminToken: a credential must have at least 16 characters/);
      const open = await startCentral({ store, host: '0.0.0.0', port: 0, insecure: true, decodeWorkers: 0, log: () => {} });
      const secured = await startCentral({ store, host: '0.0.0.0', port: 0, adminToken: ADMIN, decodeWorkers: 0, log: () => {} });
      assert.equal((await fetch(`http://127.0.0.1:${open.port}/api/traces`)).status, 200, 'insecure: open, as asked');
      assert.equal((await fetch(`http://127.0.0.1:${secured.port}/api/traces`)).status, 401, 'with an admin token, reads need a credential too');
      await open.close();
      await secured.close();
    } finally {
      await store.close();
    }
  });
});

describe('a reader scoped to accounts sees only theirs, and tokens rotate without a restart', () => {
  let central: TestCentral;
  let dir: string;
  const logged: string[] = [];
  const links: Record<'payments' | 'pricing', string> = { payments: '', pricing: '' };
  let scoped = { id: '', token: '' };
  // T1 crosses both accounts; T2 is pricing's alone; T3 is payments' alone.
  const T1 = '1a'.repeat(16);
  const T2 = '2b'.repeat(16);
  const T3 = '3c'.repeat(16);
  // Nothing of the pricing account may show to the payments reader: these strings are only in its data.
  const SECRETS = ['pricing-secret', 'db password wrong', 'card-number'];

  const call = async (method: string, path: string, token: string | undefined, body?: unknown) => {
    const response = await fetch(`${central.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, body: (response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : {}) as Record<string, any> };
  };

  const spans = (service: string, list: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; offsetMs: number; ms: number; error?: string }>) => {
    const now = BigInt(Date.now() - 5_000) * 1_000_000n;
    return {
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{
          spans: list.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            name: s.name,
            kind: s.kind,
            startTimeUnixNano: String(now + BigInt(s.offsetMs) * 1_000_000n),
            endTimeUnixNano: String(now + BigInt(s.offsetMs + s.ms) * 1_000_000n),
            attributes: [{ key: 'secret.note', value: { stringValue: service === 'pricing-secret' ? 'card-number' : 'public' } }],
            ...(s.error ? { status: { code: 2, message: s.error } } : {}),
          })),
        }],
      }],
    };
  };
  const logs = (service: string, traceId: string, body: string) => ({
    resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeLogs: [{ logRecords: [{ timeUnixNano: String(BigInt(Date.now() - 4_000) * 1_000_000n), traceId, severityText: 'ERROR', body: { stringValue: body } }] }] }],
  });

  before(async () => {
    dir = await mkdtemp('/tmp/stitch-scoped-');
    central = await startTestCentral({ adminToken: ADMIN, readToken: READER, tokensFile: join(dir, 'tokens.json'), log: (line) => logged.push(line) });
    const sink = (await call('POST', '/api/sinks', ADMIN, { name: 'all', allowedAccounts: ['*'], types: ['traces', 'logs'] })).body.sink;
    for (const [name, id] of [['payments', PAYMENTS], ['pricing', PRICING]] as const) {
      links[name] = (await call('POST', `/api/sinks/${sink.id}/links`, ADMIN, { accountId: id, accountName: name, types: ['traces', 'logs'] })).body.token;
    }
    const sent = [
      await call('POST', '/v1/traces', links.payments, spans('checkout', [
        { traceId: T1, spanId: 'a000000000000001', name: 'POST /checkout', kind: 2, offsetMs: 0, ms: 100 },
        { traceId: T1, spanId: 'a000000000000002', parentSpanId: 'a000000000000001', name: 'GET /price', kind: 3, offsetMs: 10, ms: 60 },
        { traceId: T3, spanId: 'c000000000000001', name: 'GET /cart', kind: 2, offsetMs: 200, ms: 20 },
      ])),
      await call('POST', '/v1/traces', links.pricing, spans('pricing-secret', [
        { traceId: T1, spanId: 'b000000000000001', parentSpanId: 'a000000000000002', name: 'GET /price', kind: 2, offsetMs: 15, ms: 50, error: 'db password wrong' },
        { traceId: T2, spanId: 'b000000000000002', name: 'GET /price', kind: 2, offsetMs: 300, ms: 30 },
      ])),
      await call('POST', '/v1/logs', links.payments, logs('checkout', T1, 'checkout failed')),
      await call('POST', '/v1/logs', links.pricing, logs('pricing-secret', T1, 'pricing-secret log')),
    ];
    assert.deepEqual(sent.map((answer) => answer.status), [200, 200, 200, 200], sent.map((answer) => answer.text).join(' '));
    await central.flushServiceMap(true);
    const created = await call('POST', '/api/tokens', ADMIN, { accounts: [PAYMENTS] });
    assert.equal(created.status, 201, created.text);
    scoped = { id: created.body.info.id, token: created.body.token };
  });
  after(async () => {
    await central.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test("every read route answers a scoped reader with its accounts' data only", async () => {
    const routes = ['/api/traces', `/api/traces?q=${encodeURIComponent('fault')}`, `/api/traces/${T1}`, `/api/traces/${T1}/outline`, `/api/traces/${T1}/spans/a000000000000001`, `/api/traces/${T1}/find?text=password`, '/api/services', '/api/accounts', '/api/service-map', '/api/propagation', `/api/logs?traceId=${T1}`, '/api/logs', `/api/logs?q=${encodeURIComponent('duration > 0')}`, '/api/metrics?since=1h', '/api/cost', '/api/diagnose?q=' + encodeURIComponent('duration > 0.05'), '/api/slos', `/api/traces?histogram=true&q=${encodeURIComponent('service("checkout")')}`, '/api/search/tags', '/api/search/tag/span.secret.note/values', '/api/search/tag/resource.service.name/values', `/api/search/tag/name/values?q=${encodeURIComponent('{ status = error }')}`];
    for (const route of routes) {
      const answer = await call('GET', route, scoped.token);
      assert.equal(answer.status, 200, `${route}: ${answer.text.slice(0, 200)}`);
      for (const secret of SECRETS) assert.ok(!answer.text.includes(secret), `${route} shows "${secret}": ${answer.text.slice(0, 300)}`);
      // The unscoped read token sees pricing's data on the same routes (so the check above means something).
      if (route === '/api/services' || route === '/api/accounts' || route === `/api/traces/${T1}`) assert.match((await call('GET', route, READER)).text, /pricing-secret|pricing/);
      if (route.startsWith('/api/search/tag/span.secret.note')) assert.match((await call('GET', route, READER)).text, /card-number/);
    }
    const accounts = (await call('GET', '/api/accounts', scoped.token)).body.accounts.map((a: { accountId: string }) => a.accountId);
    assert.deepEqual(accounts, [PAYMENTS]);
    const traces = (await call('GET', '/api/traces', scoped.token)).body.traces.map((t: { traceId: string }) => t.traceId).sort();
    assert.deepEqual(traces, [T1, T3].sort(), "pricing's own trace is not found; the shared one is");
    assert.equal((await call('GET', `/api/traces/${T2}`, scoped.token)).status, 404);
    const map = (await call('GET', '/api/service-map', scoped.token)).body;
    assert.deepEqual([...new Set(map.nodes.map((n: { account: string }) => n.account))], [PAYMENTS], 'map nodes of its account only');
    const metrics = (await call('GET', '/api/metrics?since=1h', scoped.token)).body;
    assert.ok(JSON.stringify(metrics).includes('checkout'), 'its own span metrics are there');
  });

  test('a cross-account trace shows the other account as placeholders: ids, timing and account only', async () => {
    const trace = (await call('GET', `/api/traces/${T1}`, scoped.token)).body;
    assert.equal(trace.spans.length, 3, 'the waterfall stays whole');
    const hidden = trace.spans.find((s: { spanId: string }) => s.spanId === 'b000000000000001');
    assert.equal(hidden.parentSpanId, 'a000000000000002');
    assert.equal(hidden.resource.serviceName, `account ${PRICING} (hidden)`);
    assert.equal(hidden.account.id, PRICING);
    assert.notEqual(hidden.account.label, 'pricing', "the other account's name is not shown either");
    assert.deepEqual([hidden.name, hidden.attributes, hidden.events, hidden.status.message], ['', {}, [], '']);
    assert.equal(BigInt(hidden.endTimeUnixNano) - BigInt(hidden.startTimeUnixNano), 50_000_000n, 'its timing is kept');
    const own = trace.spans.find((s: { spanId: string }) => s.spanId === 'a000000000000001');
    assert.equal(own.resource.serviceName, 'checkout');

    // The outline the console draws shows the same placeholder, and the span itself is not opened.
    const outline = (await call('GET', `/api/traces/${T1}/outline`, scoped.token)).body;
    const at = outline.spans.spanId.indexOf('b000000000000001');
    assert.deepEqual(outline.services[outline.spans.service[at]], { serviceName: `account ${PRICING} (hidden)`, accountId: PRICING, accountLabel: PRICING });
    assert.equal(outline.names[outline.spans.name[at]], '');
    assert.equal(outline.spans.flags[at] & 1, 0, "the other account's error is not shown");
    assert.equal((await call('GET', `/api/traces/${T1}/spans/b000000000000001`, scoped.token)).status, 404);
    assert.equal((await call('GET', `/api/traces/${T2}/outline`, scoped.token)).status, 404, "a trace of the other account's only is not found");
    assert.equal((await call('GET', `/api/traces/${T1}/spans/b000000000000001`, READER)).status, 200, 'the unscoped reader opens it');
    assert.deepEqual((await call('GET', `/api/traces/${T1}/find?text=password`, scoped.token)).body.spanIds, [], "a find does not look into another account's spans");
    assert.deepEqual((await call('GET', `/api/traces/${T1}/find?text=password`, READER)).body.spanIds, ['b000000000000001']);

    // To a reader of pricing only, the root is a placeholder: what its caller saw is not known.
    const pricingReader = (await call('POST', '/api/tokens', ADMIN, { accounts: [PRICING] })).body.token;
    const seenByPricing = (await call('GET', `/api/traces/${T1}`, pricingReader)).body;
    assert.equal(seenByPricing.summary.status, 'unknown');
    assert.equal(seenByPricing.summary.rootServiceName, `account ${PAYMENTS} (hidden)`);
    assert.equal((await call('GET', `/api/traces/${T3}`, pricingReader)).status, 404);
  });

  test("a scoped reader's filters match only on what it sees", async () => {
    const ids = async (q: string) => (await call('GET', `/api/traces?q=${encodeURIComponent(q)}`, scoped.token)).body.traces.map((t: { traceId: string }) => t.traceId).sort();
    assert.deepEqual(await ids('service("pricing-secret")'), [], "another account's service never matches, not even in a shared trace");
    assert.deepEqual(await ids('fault'), [], "the other account's fault is not seen");
    assert.deepEqual(await ids('NOT fault'), [T1, T3].sort());
    assert.deepEqual(await ids('service("checkout")'), [T1, T3].sort());
    assert.deepEqual(await ids('duration > 0.09'), [T1], 'the trace lasts as long as it does: timing is not hidden');
    assert.deepEqual(await ids(`account = "${PRICING}"`), [T1], 'a placeholder is in its account (that much is shown)');
    const histogram = (await call('GET', `/api/traces?histogram=true&q=${encodeURIComponent('service("pricing-secret")')}`, scoped.token)).body.histogram;
    assert.equal(histogram.total, 0);
    assert.equal((await call('GET', '/api/traces?histogram=true', scoped.token)).body.histogram.total, 2);
  });

  test('a scoped reader cannot read configuration, audits or the token list', async () => {
    for (const path of ['/api/links', '/api/sinks', '/api/audit', '/api/sampling/rules', '/api/alarms', '/api/canaries', '/api/tokens']) {
      const answer = await call('GET', path, scoped.token);
      assert.equal(answer.status, 403, `${path}: ${answer.text}`);
      assert.match(answer.body.message ?? answer.body.error, /^authorization: /);
    }
    assert.equal((await call('POST', '/api/tokens', READER, { accounts: [PAYMENTS] })).status, 403, 'only the admin makes tokens');
    assert.equal((await call('POST', '/api/tokens', ADMIN, { accounts: ['not an id!'] })).status, 400);
  });

  test('tokens are listed without secrets, and a revoked or rotated one is refused from the next request', async () => {
    const everyAccount = (await call('POST', '/api/tokens', ADMIN, {})).body;
    assert.equal(everyAccount.info.accounts, null);
    assert.match((await call('GET', '/api/accounts', everyAccount.token)).text, new RegExp(PRICING), 'an unscoped token reads every account');
    const listed = await call('GET', '/api/tokens', ADMIN);
    const mine = listed.body.tokens.find((t: { id: string }) => t.id === scoped.id);
    assert.deepEqual(mine.accounts, [PAYMENTS]);
    assert.ok(mine.lastUsedAt !== null, 'last use is shown');
    assert.ok(!listed.text.includes(scoped.token) && !listed.text.includes('tokenHash'));

    const rotated = await call('POST', `/api/tokens/${scoped.id}/rotate`, ADMIN);
    assert.equal(rotated.status, 200);
    assert.equal((await call('GET', '/api/traces', scoped.token)).status, 401, 'the old secret is refused at once');
    assert.equal((await call('GET', '/api/traces', rotated.body.token)).status, 200);
    assert.equal((await call('DELETE', `/api/tokens/${everyAccount.info.id}`, ADMIN)).status, 200);
    assert.equal((await call('GET', '/api/traces', everyAccount.token)).status, 401, 'a revoked token is refused at once');
    scoped.token = rotated.body.token;
  });

  test('the admin rotates the admin and read tokens; the rotation outlives a restart until another admin token is configured', async () => {
    const admin = (await call('POST', '/api/tokens/admin/rotate', ADMIN)).body.token as string;
    assert.equal((await call('GET', '/api/tokens', ADMIN)).status, 401, 'the old admin token is refused');
    const reader = (await call('POST', '/api/tokens/read/rotate', admin)).body.token as string;
    assert.equal((await call('GET', '/api/traces', READER)).status, 401, 'the old read token is refused');
    assert.equal((await call('GET', '/api/traces', reader)).status, 200);

    const files = await Promise.all((await readdir(dir)).map((name) => readFile(join(dir, name), 'utf8')));
    for (const secret of [ADMIN, READER, admin, reader, scoped.token, ...Object.values(links)]) {
      assert.ok(!logged.some((line) => line.includes(secret)), 'no token in the log');
      assert.ok(!files.some((text) => text.includes(secret)), 'no token in tokens.json or its audit log');
    }

    await central.close();
    // Same configured tokens: the rotated ones hold.
    let again = await startCentral({ store: await openDuckDbStore({ path: ':memory:' }), port: 0, decodeWorkers: 0, adminToken: ADMIN, readToken: READER, tokensFile: join(dir, 'tokens.json'), log: () => {} });
    const status = async (token: string, path = '/api/tokens') => (await fetch(`${again.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status;
    assert.deepEqual([await status(ADMIN), await status(admin), await status(READER, '/api/traces'), await status(reader, '/api/traces'), await status(scoped.token, '/api/traces')], [401, 200, 401, 200, 200]);
    await again.close();
    // Another configured admin token takes over (the operator lost the rotated one).
    const fresh = 'fresh-admin-token-0123456789';
    again = await startCentral({ store: await openDuckDbStore({ path: ':memory:' }), port: 0, decodeWorkers: 0, adminToken: fresh, readToken: READER, tokensFile: join(dir, 'tokens.json'), log: () => {} });
    assert.deepEqual([await status(fresh), await status(admin), await status(reader, '/api/traces')], [200, 401, 200]);
    await again.close();
    central = { ...central, close: async () => {}, stop: async () => {} } as TestCentral;
  });
});

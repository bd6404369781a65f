import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { LinkRegistry } from '../links/link-registry.ts';
import { SamplingRegistry } from '../sampling/sampling-registry.ts';
import { startCentral } from '../server.ts';
import { startTestCentral, type TestCentral } from '../test-support/start-test-central.ts';

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

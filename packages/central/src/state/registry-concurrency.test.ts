import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LinkRegistry } from '../access/links/link-registry.ts';
import { SamplingRegistry } from '../control/sampling/sampling-registry.ts';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';

const ADMIN = 'admin-token-0123456789abcdef';
const CONCURRENT = 60;

const jsonLines = async (file: string) => (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);

/** One span of `service`, for a link token to send. */
function span(traceId: string): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ spans: [{ traceId, spanId: '1111111111111111', name: 'work', kind: 2, startTimeUnixNano: String(now - 1_000_000n), endTimeUnixNano: String(now) }] }] }],
  });
}

describe(`${CONCURRENT} changes at once, on a central with a data directory`, () => {
  let central: TestCentral;
  let dir: string;
  let sinkId = '';

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${central.url}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  before(async () => {
    dir = await mkdtemp('/tmp/stitch-concurrent-');
    central = await startTestCentral({ adminToken: ADMIN, links: await LinkRegistry.open(join(dir, 'links.json')), sampling: await SamplingRegistry.open(join(dir, 'sampling.json')) });
    sinkId = (await call('POST', '/api/sinks', ADMIN, { name: 'observability', allowedAccounts: ['*'] })).body.sink.id;
  });
  after(async () => {
    await central.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test(`${CONCURRENT} link creations: each a 201 with its token, every token distinct and usable; the file holds them all, the audit log a line each`, async () => {
    const accounts = Array.from({ length: CONCURRENT }, (_, i) => String(100_000_000_000 + i));
    const answers = await Promise.all(accounts.map((accountId) => call('POST', `/api/sinks/${sinkId}/links`, ADMIN, { accountId, accountName: `account ${accountId}` })));
    assert.deepEqual(answers.map((answer) => answer.status), accounts.map(() => 201));
    const tokens = answers.map((answer) => answer.body.token as string);
    assert.equal(new Set(tokens).size, CONCURRENT, 'every token distinct');
    const sent = await Promise.all(tokens.map((token, i) => fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: span((i + 1).toString(16).padStart(32, 'a')) })));
    assert.deepEqual(sent.map((response) => response.status), tokens.map(() => 200), 'each token sends spans');

    const ids = answers.map((answer) => answer.body.link.id as string).sort();
    const saved = JSON.parse(await readFile(join(dir, 'links.json'), 'utf8')) as { links: Array<{ id: string }> };
    assert.deepEqual(saved.links.map((link) => link.id).sort(), ids, 'the file holds every link');
    const audit = await jsonLines(join(dir, 'links.json.audit.jsonl'));
    assert.deepEqual(audit.filter((line) => line.action === 'link.create').map((line) => line.id).sort(), ids, 'a line for each');
    assert.equal((await readdir(dir)).filter((name) => name.endsWith('.tmp')).length, 0, 'no temporary file left');
    const reopened = await LinkRegistry.open(join(dir, 'links.json'));
    assert.deepEqual(tokens.map((token) => reopened.linkOf(token)?.id).sort(), ids, 'every token still a link after a restart');
  });

  test(`${CONCURRENT} rule additions (half by the admin, half by a link): each a 201 with its own version; the file holds them all, the audit log a line each`, async () => {
    const link = await call('POST', `/api/sinks/${sinkId}/links`, ADMIN, { accountId: '333333333333', accountName: 'pricing', canChangeSampling: true });
    const names = Array.from({ length: CONCURRENT }, (_, i) => `rule-${i}`);
    const answers = await Promise.all(names.map((name, i) => call('POST', '/api/sampling/rules', i % 2 === 0 ? ADMIN : link.body.token, { name, priority: 1 + i, fixedTarget: 1, rate: 0.5, for: '1h' })));
    assert.deepEqual(answers.map((answer) => answer.status), names.map(() => 201));
    const versions = answers.map((answer) => answer.body.version as number).sort((a, b) => a - b);
    assert.deepEqual(versions, names.map((_, i) => i + 2), 'one version each, none skipped or repeated');

    const saved = JSON.parse(await readFile(join(dir, 'sampling.json'), 'utf8')) as { version: number; rules: Array<{ name: string }> };
    assert.equal(saved.version, CONCURRENT + 1);
    assert.deepEqual(saved.rules.map((rule) => rule.name).filter((name) => name !== 'Default').sort(), [...names].sort());
    const audit = await jsonLines(join(dir, 'sampling.json.audit.jsonl'));
    assert.deepEqual(audit.map((line) => line.version), versions, 'a line for each, in version order');
    assert.equal(audit.filter((line) => String(line.by).startsWith('link ')).length, CONCURRENT / 2);
  });
});

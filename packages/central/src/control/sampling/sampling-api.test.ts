import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { parseLocalRulesFile, SEED_RULES_FILE } from '@stitch/sampling';
import { startTestCentral } from '@stitch/test-support/central';
import { SamplingRegistry } from './sampling-registry.ts';

const SEED_FILE = SEED_RULES_FILE;

test('sampling rules on central: import the seed file, add a temporary rule that expires, every change versioned and audited', async (t) => {
  const dir = await mkdtemp('/tmp/stitch-sampling-');
  t.after(() => rm(dir, { recursive: true, force: true }));
  let clock = Date.UTC(2026, 10, 26, 9, 0, 0);
  const now = () => clock;
  const file = `${dir}/sampling.json`;
  const central = await startTestCentral({ sampling: await SamplingRegistry.open(file, now), now });
  t.after(() => central.stop());
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${central.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  };

  const initial = await call('GET', '/api/sampling/rules');
  assert.deepEqual(initial.body.rules.map((r: { name: string; fixedTarget: number; rate: number }) => [r.name, r.fixedTarget, r.rate]), [['Default', 1, 0.05]], "X-Ray's default");

  const applied = await call('PUT', '/api/sampling/rules', SEED_FILE);
  assert.equal(applied.status, 200);
  assert.deepEqual(applied.body.rules.map((r: { name: string }) => r.name), ['rule-1', 'rule-2', 'Default']);
  assert.equal(applied.body.version, initial.body.version + 1);
  const exported = await call('GET', '/api/sampling/rules?format=local');
  assert.deepEqual(parseLocalRulesFile(exported.body), parseLocalRulesFile(SEED_FILE), 'written back as a version 2 file');

  const added = await call('POST', '/api/sampling/rules', { name: 'debug-cart', priority: 1, fixedTarget: 0, rate: 1, urlPath: '/cart/*', for: '30m' });
  assert.equal(added.status, 201);
  assert.equal(added.body.rule.expiresInSeconds, 1800);
  clock += 10 * 60_000;
  const listed = await call('GET', '/api/sampling/rules');
  assert.equal(listed.body.rules[0].name, 'debug-cart', 'priority 1 comes first');
  assert.equal(listed.body.rules[0].expiresInSeconds, 1200, 'shown with the time left');
  clock += 21 * 60_000;
  const later = await call('GET', '/api/sampling/rules');
  assert.deepEqual(later.body.rules.map((r: { name: string }) => r.name), ['rule-1', 'rule-2', 'Default'], 'removed at its expiry');

  assert.equal((await call('DELETE', '/api/sampling/rules/rule-2')).status, 200);
  const audit = (await call('GET', '/api/sampling/audit')).body.audit as Array<{ action: string; version: number }>;
  assert.deepEqual(audit.map((entry) => entry.action), ['rules.apply', 'rule.add', 'rule.expire', 'rule.delete']);
  assert.deepEqual(audit.map((entry) => entry.version), [2, 3, 4, 5], 'each change is a version');
  assert.ok((await readFile(`${file}.audit.jsonl`, 'utf8')).trim().split('\n').length === 4);

  const reopened = await SamplingRegistry.open(file, now);
  assert.deepEqual((await reopened.current()).rules.map((r) => r.name), ['rule-1', 'Default'], 'the rules survive a restart');
});

test('bad rules and files are refused with the field named; the default cannot go', async (t) => {
  const central = await startTestCentral();
  t.after(() => central.stop());
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${central.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  };
  const valid = { name: 'ok', priority: 5, fixedTarget: 1, rate: 0.5 };
  const cases: Array<[string, string, unknown, number, RegExp]> = [
    ['POST', '/api/sampling/rules', { ...valid, rate: 2 }, 400, /^rate: /],
    ['POST', '/api/sampling/rules', { ...valid, name: "x'; DROP TABLE rules; --" }, 400, /^name: /],
    ['POST', '/api/sampling/rules', { ...valid, servce: 'x' }, 400, /servce/],
    ['POST', '/api/sampling/rules', { ...valid, for: 'forever' }, 400, /^for: /],
    ['POST', '/api/sampling/rules', { ...valid, priority: 0 }, 400, /^priority: /],
    ['POST', '/api/sampling/rules', '{not json', 400, /^body: not JSON/],
    ['PUT', '/api/sampling/rules', { ...SEED_FILE, rules: [{ ...SEED_FILE.rules[0], rate: -1 }] }, 400, /^rules\.0\.rate: /],
    ['PUT', '/api/sampling/rules', { version: 1 }, 400, /^version: /],
    ['DELETE', '/api/sampling/rules/Default', undefined, 400, /^name: the default rule/],
    ['DELETE', '/api/sampling/rules/nope', undefined, 404, /^name: no sampling rule named nope/],
  ];
  for (const [method, path, body, status, message] of cases) {
    const answer = await call(method, path, body);
    assert.equal(answer.status, status, `${method} ${JSON.stringify(body)}`);
    assert.match(answer.body.error, message);
  }
  assert.equal((await call('POST', '/api/sampling/rules', valid)).status, 201);
  assert.equal((await call('POST', '/api/sampling/rules', valid)).status, 409, 'names are unique');
  assert.equal((await call('POST', '/api/sampling/rules', 'x'.repeat(2 * 1024 * 1024))).status, 413);
});

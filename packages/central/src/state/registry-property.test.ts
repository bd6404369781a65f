import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom } from '@stitch/model';
import { SEED_RULES_FILE } from '@stitch/sampling';
import { LinkRegistry } from '../access/links/link-registry.ts';
import { SamplingRegistry } from '../control/sampling/sampling-registry.ts';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';

// Random operations on links and sampling rules, several at once, from the admin and from links;
// after each round the files, the audit logs and the HTTP answers must tell the same story:
// every 2xx answer is one change in the file and one audit line, every refusal is neither.
// FUZZ_SEED / PROPERTY_RUNS replay or extend a run.

const ADMIN = 'admin-token-0123456789abcdef';
const SEED = Number(process.env.FUZZ_SEED ?? 25);
const ROUNDS = Number(process.env.PROPERTY_RUNS ?? 200);
const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555'];
const RULE_NAMES = ['rule-1', 'rule-2', 'a', 'b', 'c', 'd', 'e', 'f'];
const DAY_MS = 24 * 3_600_000;
/** sampling.json before its first change. */
const NO_RULES_SAVED = JSON.stringify({ version: 1, rules: [{ name: 'Default', expiresAtMs: null }] });

interface KnownLink {
  id: string;
  token: string;
  accountId: string;
  canChangeSampling: boolean;
  active: boolean;
}

interface ModelRule {
  addedBy: string;
  accountId?: string;
}

/** One operation: its request, the statuses it may get, and what a 2xx changes in the model. */
interface Operation {
  what: string;
  registry: 'links' | 'sampling';
  method: string;
  path: string;
  token: string;
  body?: unknown;
  allowed: number[];
}

interface Answered extends Operation {
  status: number;
  answer: Record<string, any>;
}

test(`random concurrent link and rule changes (${ROUNDS} rounds, seed ${SEED}): files, audit logs and answers agree`, { timeout: 120_000 }, async (t) => {
  const random = seededRandom(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const dir = await mkdtemp('/tmp/stitch-registry-property-');
  const central: TestCentral = await startTestCentral({ adminToken: ADMIN, links: await LinkRegistry.open(join(dir, 'links.json')), sampling: await SamplingRegistry.open(join(dir, 'sampling.json')) });
  t.after(async () => {
    await central.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const call = async (operation: Operation): Promise<Answered> => {
    const response = await fetch(`${central.url}${operation.path}`, {
      method: operation.method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operation.token}` },
      body: operation.body === undefined ? undefined : JSON.stringify(operation.body),
    });
    return { ...operation, status: response.status, answer: (await response.json()) as Record<string, any> };
  };
  const sinkId = (await call({ what: 'sink', registry: 'links', method: 'POST', path: '/api/sinks', token: ADMIN, body: { name: 'observability', allowedAccounts: ['*'] }, allowed: [201] })).answer.sink.id as string;

  const links: KnownLink[] = [];
  const byOf = (link: KnownLink) => `link ${link.id} (account ${link.accountId})`;
  let rules = new Map<string, ModelRule>([['Default', { addedBy: 'admin' }]]);
  let version = 1;
  let linkAuditLines = 1; // the sink's
  let samplingAuditLines = 0;
  const seen = new Map<string, number>();

  /** Kinds of operation and their weights; those a link makes fall back to creating a link until there is one. */
  const KINDS: Array<[string, number]> = [
    ['create link', 15], ['delete link', 5], ['create link as a link', 3], ['add rule as admin', 18], ['add rule as a link', 22],
    ['delete rule as admin', 12], ['delete rule as a link', 16], ['replace rules as a link', 4], ['replace rules as admin', 3],
  ];
  const totalWeight = KINDS.reduce((sum, [, weight]) => sum + weight, 0);
  const newOperation = (): Operation => {
    let draw = random() * totalWeight;
    let kind = KINDS.find(([, weight]) => (draw -= weight) < 0)![0];
    // Mostly a standing link; sometimes a deleted one, whose token must be refused.
    const standing = links.filter((candidate) => candidate.active);
    const link = standing.length > 0 && random() < 0.8 ? pick(standing) : links.length > 0 ? pick(links) : null;
    if (kind.endsWith('as a link') && !link) kind = 'create link';
    const rule = { name: pick(RULE_NAMES), priority: 1 + Math.floor(random() * 100), fixedTarget: Math.floor(random() * 3), rate: Math.round(random() * 100) / 100, serviceName: 'svc-*' };
    // Half the time a link deletes a rule it added (when it has one), else any.
    const own = link ? [...rules].filter(([, held]) => held.addedBy === byOf(link)).map(([name]) => name) : [];
    const anyRule = pick([...RULE_NAMES, 'Default']);
    switch (kind) {
      case 'create link':
        return { what: kind, registry: 'links', method: 'POST', path: `/api/sinks/${sinkId}/links`, token: ADMIN, body: { accountId: pick(ACCOUNTS), accountName: 'account', canChangeSampling: random() < 0.7 }, allowed: [201, 409] };
      case 'delete link':
        return { what: kind, registry: 'links', method: 'DELETE', path: `/api/links/${link?.id ?? 'link-none'}`, token: ADMIN, allowed: [200, 404] };
      case 'create link as a link':
        return { what: kind, registry: 'links', method: 'POST', path: `/api/sinks/${sinkId}/links`, token: link!.token, body: { accountId: pick(ACCOUNTS), accountName: 'x' }, allowed: [403] };
      case 'add rule as admin':
        return { what: kind, registry: 'sampling', method: 'POST', path: '/api/sampling/rules', token: ADMIN, body: { ...rule, for: pick(['10m', '30h', undefined]) }, allowed: [201, 409] };
      case 'add rule as a link':
        // A link deleted in this same round may still be let in: 201 and 403 are both right for any link.
        return { what: kind, registry: 'sampling', method: 'POST', path: '/api/sampling/rules', token: link!.token, body: { ...rule, for: pick(['10m', '2h', '30h', undefined]) }, allowed: [201, 400, 403, 409] };
      case 'delete rule as admin':
        return { what: kind, registry: 'sampling', method: 'DELETE', path: `/api/sampling/rules/${anyRule}`, token: ADMIN, allowed: [200, 400, 404] };
      case 'delete rule as a link':
        return { what: kind, registry: 'sampling', method: 'DELETE', path: `/api/sampling/rules/${own.length > 0 && random() < 0.5 ? pick(own) : anyRule}`, token: link!.token, allowed: [200, 403, 404] };
      case 'replace rules as a link':
        return { what: kind, registry: 'sampling', method: 'PUT', path: '/api/sampling/rules', token: link!.token, body: SEED_RULES_FILE, allowed: [403] };
      default:
        return { what: kind, registry: 'sampling', method: 'PUT', path: '/api/sampling/rules', token: ADMIN, body: SEED_RULES_FILE, allowed: [200] };
    }
  };

  for (let round = 0; round < ROUNDS; round++) {
    const where = `seed ${SEED}, round ${round}`;
    const answers = await Promise.all(Array.from({ length: 1 + Math.floor(random() * 8) }, () => call(newOperation())));
    for (const answered of answers) assert.ok(answered.allowed.includes(answered.status), `${where}: ${answered.what} ${answered.path} answered ${answered.status} ${JSON.stringify(answered.answer)}`);
    for (const answered of answers) seen.set(`${answered.what} ${answered.status}`, (seen.get(`${answered.what} ${answered.status}`) ?? 0) + 1);
    const changed = answers.filter((answered) => answered.status < 300);

    // Links: creations and deletions commute (a deletion names a link made in an earlier round).
    for (const answered of changed.filter((a) => a.registry === 'links')) {
      if (answered.method === 'POST') {
        const body = answered.body as { accountId: string; canChangeSampling: boolean };
        links.push({ id: answered.answer.link.id, token: answered.answer.token, accountId: body.accountId, canChangeSampling: body.canChangeSampling, active: true });
      } else {
        links.find((link) => answered.path.endsWith(`/${link.id}`))!.active = false;
      }
    }
    const savedLinks = JSON.parse(await readFile(join(dir, 'links.json'), 'utf8')) as { links: Array<{ id: string; revokedAt: string | null }> };
    assert.deepEqual(savedLinks.links.map((link) => [link.id, link.revokedAt === null]).sort(), links.map((link) => [link.id, link.active]).sort(), `${where}: links.json`);
    const linkAudit = (await readFile(join(dir, 'links.json.audit.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { action: string; id: string });
    const linkChanges = changed.filter((a) => a.registry === 'links').map((a) => (a.method === 'POST' ? ['link.create', a.answer.link.id] : ['link.delete', a.path.split('/').at(-1)!]));
    assert.deepEqual(linkAudit.slice(linkAuditLines).map((line) => [line.action, line.id]).sort(), linkChanges.sort(), `${where}: a links audit line for each 2xx, none for a refusal`);
    linkAuditLines = linkAudit.length;

    // Sampling: each 2xx is one version; replayed in version order they give the file's rules.
    const samplingChanges = changed.filter((a) => a.registry === 'sampling').sort((a, b) => a.answer.version - b.answer.version);
    assert.deepEqual(samplingChanges.map((a) => a.answer.version), samplingChanges.map((_, i) => version + 1 + i), `${where}: one version per 2xx, none skipped`);
    const linkByToken = (token: string) => links.find((link) => link.token === token);
    for (const answered of samplingChanges) {
      const by = answered.token === ADMIN ? 'admin' : byOf(linkByToken(answered.token)!);
      if (answered.method === 'PUT') rules = new Map(['rule-1', 'rule-2', 'Default'].map((name) => [name, { addedBy: by }]));
      else if (answered.method === 'POST') rules.set(answered.answer.rule.name, { addedBy: by, ...(answered.answer.rule.accountId === undefined ? {} : { accountId: answered.answer.rule.accountId }) });
      else rules.delete(decodeURIComponent(answered.path.split('/').at(-1)!));
    }
    version += samplingChanges.length;
    const savedRules = JSON.parse((await readFile(join(dir, 'sampling.json'), 'utf8').catch(() => null)) ?? NO_RULES_SAVED) as { version: number; rules: Array<{ name: string; addedBy?: string; accountId?: string; expiresAtMs: number | null }> };
    assert.equal(savedRules.version, version, `${where}: sampling.json's version`);
    const asSaved = savedRules.rules.map((rule) => [rule.name, rule.addedBy ?? 'admin', rule.accountId ?? null]).sort();
    assert.deepEqual(asSaved, [...rules].map(([name, rule]) => [name, rule.addedBy, rule.accountId ?? null]).sort(), `${where}: sampling.json's rules`);
    const served = (await call({ what: 'list', registry: 'sampling', method: 'GET', path: '/api/sampling/rules', token: ADMIN, allowed: [200] })).answer as { version: number; rules: Array<{ name: string }> };
    assert.deepEqual([served.version, served.rules.map((rule) => rule.name).sort()], [version, [...rules.keys()].sort()], `${where}: the rules central serves`);
    for (const rule of savedRules.rules.filter((r) => r.addedBy?.startsWith('link '))) {
      const link = links.find((candidate) => rule.addedBy === byOf(candidate))!;
      assert.equal(rule.accountId, link.accountId, `${where}: ${rule.name} is pinned to its link's account`);
      assert.ok(rule.expiresAtMs !== null && rule.expiresAtMs <= Date.now() + DAY_MS, `${where}: ${rule.name} lasts at most a day`);
    }
    const samplingAudit = (await readFile(join(dir, 'sampling.json.audit.jsonl'), 'utf8').catch(() => '')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as { version: number; action: string; by: string });
    const expectedAudit = samplingChanges.map((a) => [a.answer.version, a.method === 'PUT' ? 'rules.apply' : a.method === 'POST' ? 'rule.add' : 'rule.delete', a.token === ADMIN ? 'admin' : byOf(linkByToken(a.token)!)]);
    assert.deepEqual(samplingAudit.slice(samplingAuditLines).map((line) => [line.version, line.action, line.by]), expectedAudit, `${where}: a sampling audit line for each 2xx, in version order`);
    samplingAuditLines = samplingAudit.length;
  }
  t.diagnostic(`after ${ROUNDS} rounds: ${links.length} links, ${rules.size} rules at version ${version}; answers: ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
  // Every kind of answer was exercised, refusals included.
  for (const answer of ['create link 201', 'create link 409', 'add rule as a link 201', 'add rule as a link 400', 'add rule as a link 403', 'delete rule as a link 200', 'delete rule as a link 403', 'replace rules as a link 403']) {
    assert.ok(seen.has(answer), `seed ${SEED}: no "${answer}" in ${ROUNDS} rounds`);
  }
});

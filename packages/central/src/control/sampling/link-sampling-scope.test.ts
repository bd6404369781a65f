import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SEED_RULES_FILE } from '@stitch/sampling';
import { LinkRegistry } from '../../access/links/link-registry.ts';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { SamplingRegistry } from './sampling-registry.ts';

const ADMIN = 'admin-token-0123456789abcdef';
const PRICING = '333333333333';
const PAYMENTS = '444444444444';
const CENTRAL_OWN = 'local';

interface Answer {
  status: number;
  body: Record<string, any>;
}

describe("a canChangeSampling link changes only its own account's temporary rules", () => {
  let central: TestCentral;
  let dir: string;
  let clock = Date.UTC(2026, 10, 26, 9, 0, 0);
  const tokens = { pricing: '', payments: '', plain: '' };
  const linkIds = { pricing: '', payments: '' };

  const call = async (method: string, path: string, token: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${central.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  /** The rule names one account's samplers are given, through the call an agent relays for them. */
  const samplerRules = async (token: string) =>
    ((await call('POST', '/api/sampling/xray/GetSamplingRules', token, {})).body.SamplingRuleRecords as Array<{ SamplingRule: { RuleName: string } }>).map((record) => record.SamplingRule.RuleName);
  const ruleNames = async () => ((await call('GET', '/api/sampling/rules', ADMIN)).body.rules as Array<{ name: string }>).map((rule) => rule.name);
  const rule = (name: string, extra: Record<string, unknown> = {}) => ({ name, priority: 1, fixedTarget: 0, rate: 1, serviceName: 'checkout', ...extra });

  before(async () => {
    dir = await mkdtemp('/tmp/stitch-link-sampling-');
    const now = () => clock;
    central = await startTestCentral({
      adminToken: ADMIN,
      now,
      links: await LinkRegistry.open(join(dir, 'links.json'), now),
      sampling: await SamplingRegistry.open(join(dir, 'sampling.json'), now),
    });
    const sink = (await call('POST', '/api/sinks', ADMIN, { name: 'observability', allowedAccounts: ['*'] })).body.sink;
    const link = async (accountId: string, canChangeSampling: boolean) => (await call('POST', `/api/sinks/${sink.id}/links`, ADMIN, { accountId, accountName: accountId, canChangeSampling })).body;
    const pricing = await link(PRICING, true);
    const payments = await link(PAYMENTS, true);
    tokens.pricing = pricing.token;
    tokens.payments = payments.token;
    tokens.plain = (await link('555555555555', false)).token;
    linkIds.pricing = pricing.link.id;
    linkIds.payments = payments.link.id;
    assert.equal((await call('PUT', '/api/sampling/rules', ADMIN, SEED_RULES_FILE)).status, 200);
    assert.equal((await call('POST', '/api/sampling/rules', ADMIN, rule('admin-debug'))).status, 201);
  });
  after(async () => {
    await central.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('replacing the rules file is the admin\'s: a link gets a 403 that says what it may do, and nothing changes', async () => {
    const before = await call('GET', '/api/sampling/rules', ADMIN);
    // Default 0/0: would stop sampling in every account.
    const replaced = await call('PUT', '/api/sampling/rules', tokens.pricing, { version: 2, rules: [], default: { fixed_target: 0, rate: 0 } });
    assert.equal(replaced.status, 403);
    assert.match(replaced.body.error, /^authorization: replacing the sampling rules needs the admin token; link link-\w+ \(account 333333333333\) may add temporary rules/);
    assert.deepEqual(await call('GET', '/api/sampling/rules', ADMIN), before);
    assert.equal((await call('POST', '/api/sampling/rules', tokens.plain, rule('plain'))).status, 403, 'a link without canChangeSampling changes nothing');
  });

  test("a link's rule is pinned to its account, an hour by default; its account's samplers alone get it", async () => {
    const added = await call('POST', '/api/sampling/rules', tokens.pricing, rule('pricing-debug'));
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body.rule.accountId, PRICING);
    assert.equal(added.body.rule.expiresInSeconds, 3600);
    assert.equal(added.body.rule.addedBy, `link ${linkIds.pricing} (account ${PRICING})`);

    assert.ok((await samplerRules(tokens.pricing)).includes('pricing-debug'), "pricing's samplers");
    assert.ok(!(await samplerRules(tokens.payments)).includes('pricing-debug'), "payments' samplers");
    assert.ok(!(await samplerRules(ADMIN)).includes('pricing-debug'), `central's own account's (${CENTRAL_OWN}) samplers`);
    const targets = await call('POST', '/api/sampling/xray/SamplingTargets', tokens.payments, { SamplingStatisticsDocuments: [{ RuleName: 'pricing-debug', ClientID: 'payments-1', RequestCount: 5, SampledCount: 5 }] });
    assert.deepEqual(targets.body.SamplingTargetDocuments, [], 'another account cannot get targets for it');
    assert.equal(targets.body.UnprocessedStatistics[0].RuleName, 'pricing-debug');
    const exported = await call('GET', '/api/sampling/rules?format=local', ADMIN);
    assert.ok(!JSON.stringify(exported.body).includes('pricing-debug'), 'not in a local rules file, where it would match every account');

    const forOther = await call('POST', '/api/sampling/rules', tokens.pricing, rule('for-payments', { accountId: PAYMENTS }));
    assert.equal(forOther.status, 403);
    assert.match(forOther.body.error, /^accountId: link link-\w+ \(account 333333333333\) may add temporary rules \(for at most 24h\) that select only account 333333333333's services/);
  });

  test('a rule longer than 24 hours is refused naming `for`; the admin\'s may last', async () => {
    const long = await call('POST', '/api/sampling/rules', tokens.pricing, rule('pricing-long', { for: '25h' }));
    assert.equal(long.status, 400);
    assert.match(long.body.error, /^for: 25h is longer than a linked account's rule may last \(24h\)/);
    const day = await call('POST', '/api/sampling/rules', tokens.pricing, rule('pricing-day', { for: '24h' }));
    assert.equal(day.body.rule.expiresInSeconds, 86_400);
    assert.equal((await call('POST', '/api/sampling/rules', ADMIN, rule('admin-week', { for: '168h' }))).status, 201);
    assert.equal((await call('DELETE', '/api/sampling/rules/pricing-day', tokens.pricing)).status, 200);
    assert.equal((await call('DELETE', '/api/sampling/rules/admin-week', ADMIN)).status, 200);
  });

  test("a link deletes its own rules only: never Default, the admin's or another link's", async () => {
    assert.equal((await call('POST', '/api/sampling/rules', tokens.payments, rule('payments-debug'))).status, 201);
    const refusals: Array<[string, RegExp]> = [
      ['Default', /^authorization: the default rule is the admin's; link link-\w+ \(account 333333333333\) may add temporary rules/],
      ['admin-debug', /^authorization: rule admin-debug was added by admin; link .* delete the rules it added/],
      ['rule-1', /^authorization: rule rule-1 was added by admin;/],
      ['payments-debug', new RegExp(`^authorization: rule payments-debug was added by link ${linkIds.payments} \\(account ${PAYMENTS}\\);`)],
    ];
    const before = await ruleNames();
    for (const [name, message] of refusals) {
      const answer = await call('DELETE', `/api/sampling/rules/${name}`, tokens.pricing);
      assert.equal(answer.status, 403, name);
      assert.match(answer.body.error, message);
    }
    assert.deepEqual(await ruleNames(), before, 'every rule still there');
    assert.equal((await call('DELETE', '/api/sampling/rules/payments-debug', tokens.payments)).status, 200, 'its own');
    assert.equal((await call('DELETE', '/api/sampling/rules/nope', tokens.pricing)).status, 404);
  });

  test('an expired rule is no longer given to samplers, is dropped, and the drop is audited; every change names who made it', async () => {
    const modifiedBefore = (await call('POST', '/api/sampling/xray/SamplingTargets', tokens.pricing, { SamplingStatisticsDocuments: [] })).body.LastRuleModification;
    clock += 3_600_000 + 1_000;
    assert.ok(!(await samplerRules(tokens.pricing)).includes('pricing-debug'), 'gone from its samplers');
    assert.ok(!(await ruleNames()).includes('pricing-debug'), 'gone from the rules');
    const modifiedAfter = (await call('POST', '/api/sampling/xray/SamplingTargets', tokens.pricing, { SamplingStatisticsDocuments: [] })).body.LastRuleModification;
    assert.ok(modifiedAfter > modifiedBefore, 'samplers see the rules changed and fetch them again');
    const onDisk = JSON.parse(await readFile(join(dir, 'sampling.json'), 'utf8')) as { rules: Array<{ name: string }> };
    assert.ok(!onDisk.rules.some((r) => r.name === 'pricing-debug'), 'dropped from the file');

    const audit = (await call('GET', '/api/sampling/audit', ADMIN)).body.audit as Array<{ action: string; by?: string; detail: string }>;
    const pricingBy = `link ${linkIds.pricing} (account ${PRICING})`;
    const paymentsBy = `link ${linkIds.payments} (account ${PAYMENTS})`;
    assert.deepEqual(
      audit.map((entry) => [entry.action, entry.by ?? null, entry.detail.split(/[ :]/)[0]]),
      [
        ['rules.apply', 'admin', '3'],
        ['rule.add', 'admin', 'admin-debug'],
        ['rule.add', pricingBy, 'pricing-debug'],
        ['rule.add', pricingBy, 'pricing-day'],
        ['rule.add', 'admin', 'admin-week'],
        ['rule.delete', pricingBy, 'pricing-day'],
        ['rule.delete', 'admin', 'admin-week'],
        ['rule.add', paymentsBy, 'payments-debug'],
        ['rule.delete', paymentsBy, 'payments-debug'],
        ['rule.expire', null, 'pricing-debug'],
      ],
    );
    const logged = (await readFile(join(dir, 'sampling.json.audit.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { version: number });
    assert.deepEqual(logged.map((entry) => entry.version), audit.map((_, i) => i + 2), 'the audit log on disk has every change, each a version');
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { ACCOUNTS, checkoutTraces } from '@stitch/test-support/fixtures';
import { spansToOtlpJson } from '@stitch/wire';
import { runStitch, startStitch, type StartedProcess } from '@stitch/test-support/cli-process';

const trace = checkoutTraces(1, 0xc11)[0]!;
const kept = [ACCOUNTS.edge, ACCOUNTS.checkout];

describe('stitch agent --store: the account keeps its spans, stitch central reads them', () => {
  let central: StartedProcess & { match: RegExpMatchArray };
  const agents: Array<StartedProcess & { match: RegExpMatchArray }> = [];
  let dir: string;
  let url: string;

  before(async () => {
    dir = await mkdtemp('/tmp/stitch-federated-');
    // The agents read on free loopback ports: central allows loopback, as an operator would.
    central = await startStitch(['central', '--memory', '--port', '0', '--federation-allow', '127.0.0.1/32'], /listening on (http:\/\/\S+)/);
    url = central.match[1]!;
    const post = async (path: string, body: unknown) => (await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;
    const { sink } = await post('/api/sinks', { name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
    for (const account of kept) {
      const { token } = await post(`/api/sinks/${sink.id}/links`, { accountId: account.id, accountName: account.label });
      const agent = await startStitch(
        ['agent', '--account', account.id, '--name', account.label, '--sink', url, '--port', '0', '--udp-port', '0', '--sampling-port', '0', '--store', `${dir}/${account.label}`, '--read-port', '0'],
        /OTLP\/HTTP on (http:\/\/\S+),[^]*read API on (http:\/\/\S+) /,
        30_000,
        { STITCH_LINK_TOKEN: token },
      );
      agents.push(agent);
      const spans = trace.filter((span) => span.account.id === account.id);
      const answer = await fetch(`${agent.match[1]}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlpJson(spans)) });
      assert.equal(answer.status, 200);
    }
    // Registered within a heartbeat.
    for (let tries = 0; ((await (await fetch(`${url}/api/federation`)).json()) as any).members.length < kept.length; tries++) {
      assert.ok(tries < 200, 'the agents registered');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  after(async () => {
    for (const agent of agents) await agent.stop();
    await central?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('`stitch trace` shows the spans of both accounts; with one agent gone it warns and shows the rest', async () => {
    const traceId = trace[0]!.traceId;
    const both = await runStitch(['trace', traceId, '--url', url, '--json']);
    assert.equal(both.code, 0, both.stderr);
    const spans = JSON.parse(both.stdout).spans as Array<{ account: { id: string } }>;
    assert.equal(spans.length, trace.filter((span) => kept.some((account) => account.id === span.account.id)).length);
    assert.deepEqual([...new Set(spans.map((span) => span.account.id))].sort(), kept.map((account) => account.id).sort());
    assert.equal(both.stderr, '');

    agents[1]!.child.kill('SIGKILL');
    await agents[1]!.stop();
    const partial = await runStitch(['trace', traceId, '--url', url]);
    assert.equal(partial.code, 0, partial.stderr);
    assert.match(partial.stdout, /edge-gateway: POST \/checkout/);
    assert.doesNotMatch(partial.stdout, /checkout-orchestrator/);
    assert.match(partial.stderr, /warning: partial answer: no answer from checkout \(222222222222\): unreachable/);
  });

  test('`stitch central --federation-allow` refuses an entry that is not one, naming it', async () => {
    const refused = await runStitch(['central', '--memory', '--port', '0', '--federation-allow', 'agents.internal']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^stitch: --federation-allow \/ STITCH_FEDERATION_ALLOW: "agents\.internal": expected an exact URL/);
  });
});

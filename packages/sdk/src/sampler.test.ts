import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, SamplingDecision, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createSampler, ReservoirRatioSampler } from './sampler.ts';

const ids = (count: number) => Array.from({ length: count }, (_, i) => `5f000000${(i * 2_654_435_761 % 2 ** 32).toString(16).padStart(24, '0')}`);
const sampled = (result: { decision: SamplingDecision }) => result.decision === SamplingDecision.RECORD_AND_SAMPLED;

test('the local default: the first N each second, then the ratio, decided by the trace id', () => {
  let now = 1_000_000;
  const sampler = new ReservoirRatioSampler(2, 0.25, () => now);
  const decide = (traceId: string) => sampled(sampler.shouldSample(ROOT_CONTEXT, traceId, 'GET', SpanKind.SERVER, {}, []));
  const traceIds = ids(4002);
  assert.deepEqual([decide(traceIds[0]!), decide(traceIds[1]!)], [true, true], 'the reservoir');
  const rest = traceIds.slice(2).filter(decide).length;
  assert.ok(rest > 800 && rest < 1200, `about a quarter of the rest: ${rest} of 4000`);
  // Every service deciding on the same id agrees.
  const other = new ReservoirRatioSampler(0, 0.25, () => now);
  for (const traceId of traceIds.slice(10, 50)) assert.equal(sampled(other.shouldSample(ROOT_CONTEXT, traceId, 'x', SpanKind.SERVER, {}, [])), decide(traceId));
  now += 1000;
  assert.ok(decide(traceIds[0]!) && decide(traceIds[1]!), 'a new second, a new reservoir');
});

test('an incoming decision is honoured, both ways', () => {
  const sampler = createSampler({ perSecond: 0, ratio: 0, samplingEndpoint: null, resource: resourceFromAttributes({}) });
  const parent = (flags: TraceFlags) => trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: flags, isRemote: true });
  assert.ok(sampled(sampler.shouldSample(parent(TraceFlags.SAMPLED), 'a'.repeat(32), 'GET', SpanKind.SERVER, {}, [])));
  const all = createSampler({ perSecond: 1e9, ratio: 1, samplingEndpoint: null, resource: resourceFromAttributes({}) });
  assert.ok(!sampled(all.shouldSample(parent(TraceFlags.NONE), 'a'.repeat(32), 'GET', SpanKind.SERVER, {}, [])));
});

// Until the agent serves GetSamplingRules (the sampling issue), a server speaking the X-Ray daemon's shapes stands in for it.
let agent: Server | undefined;
after(() => agent?.close());

test('with a sampling endpoint, the agent\'s rules decide new traces', async () => {
  let fixedRate = 1;
  agent = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const rule = (name: string, priority: number, service: string, rate: number) => ({
        SamplingRule: { RuleName: name, RuleARN: `arn:aws:xray:us-east-1:1:sampling-rule/${name}`, Priority: priority, FixedRate: rate, ReservoirSize: 0, ServiceName: service, ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', ResourceARN: '*', Attributes: {}, Version: 1 },
        CreatedAt: 0,
        ModifiedAt: 0,
      });
      const body = req.url === '/GetSamplingRules' ? { SamplingRuleRecords: [rule('pricing', 1, 'pricing', fixedRate), rule('Default', 10000, '*', 0)] } : { SamplingTargetDocuments: [], LastRuleModification: 0, UnprocessedStatistics: [] };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => agent!.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(agent.address() as AddressInfo).port}`;
  const decisions = async (service: string) => {
    const sampler = createSampler({ perSecond: 0, ratio: 0, samplingEndpoint: endpoint, resource: resourceFromAttributes({ 'service.name': service, 'cloud.platform': 'aws_ec2' }) });
    const deadline = Date.now() + 5_000;
    // The rules arrive asynchronously after the sampler starts.
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const count = ids(200).filter((traceId) => sampled(sampler.shouldSample(ROOT_CONTEXT, traceId, 'GET /prices', SpanKind.SERVER, {}, []))).length;
      if (count > 150 || Date.now() > deadline - 3_000) return count;
    }
    return -1;
  };
  assert.ok((await decisions('pricing')) > 190, 'rate 1 for pricing: nearly every new trace');
  fixedRate = 0;
  assert.ok((await decisions('pricing')) <= 2, 'rate 0 and no reservoir: at most the borrowed one a second');
});

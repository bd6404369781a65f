import { httpFactsOf, makeSpan, nanos, seededRandom, type Account, type Attributes, type Span, type SpanKind } from '@stitch/model';
import { ServiceGraphAggregator } from './service-graph-aggregator.ts';
import { buildServiceMap, type MapNode, type ServiceMap } from './service-map.ts';

// Test support: spans as stock OpenTelemetry JS makes them (not @stitch/sdk): the HTTP facts only
// in attributes (old or new semantic-convention names), `cloud.account.id` on the resource, and
// the account the transport decided (direct ingest: central's default).

const T0 = 1_764_000_000_000n * 1_000_000n;
const MS = 1_000_000n;
export const DIRECT: Account = { id: 'local', label: 'local' };

let ids = 0;
const nextId = (width: number) => (++ids).toString(16).padStart(width, '0');
export const newTraceId = () => `0fe1${nextId(28)}`;

export interface StockSpan {
  traceId: string;
  parent?: Span | null;
  service: string;
  /** The resource's `cloud.account.id`, as the SDK's resource detectors put it. */
  cloudAccount?: string;
  kind: SpanKind;
  name: string;
  startMs: number;
  durationMs: number;
  attributes?: Attributes;
}

export function stockSpan({ traceId, parent = null, service, cloudAccount, kind, name, startMs, durationMs, attributes = {} }: StockSpan): Span {
  const start = T0 + BigInt(Math.round(startMs * 1000)) * (MS / 1000n);
  return makeSpan({
    traceId,
    spanId: nextId(16),
    parentSpanId: parent?.spanId ?? null,
    name,
    kind,
    startTimeUnixNano: nanos(start),
    endTimeUnixNano: nanos(start + BigInt(Math.round(durationMs * 1000)) * (MS / 1000n)),
    attributes,
    http: httpFactsOf(attributes),
    resource: { serviceName: service, attributes: { 'service.name': service, ...(cloudAccount ? { 'cloud.account.id': cloudAccount } : {}) } },
    account: DIRECT,
  });
}

/** Spans through one aggregator, shuffled into batches arriving over a few seconds, everything settled. */
export function mapOf(spans: Span[], seed = 1): ServiceMap {
  const random = seededRandom(seed);
  const shuffled = [...spans].sort(() => random() - 0.5);
  const aggregator = new ServiceGraphAggregator({ pairWaitMs: 5_000 });
  let now = 1_000_000;
  for (let i = 0; i < shuffled.length; ) {
    const size = 1 + Math.floor(random() * 50);
    aggregator.add(shuffled.slice(i, i + size), now);
    i += size;
    now += 20;
    aggregator.expire(now);
  }
  aggregator.expire(now + 60_000);
  return buildServiceMap(aggregator.drain(), { startMs: 0, endMs: Number(T0 / MS) + 3_600_000 });
}

export function nodeLabelled(map: ServiceMap, label: string, account?: string): MapNode {
  const found = map.nodes.filter((n) => n.label === label && (account === undefined || n.account === account));
  if (found.length !== 1) throw new Error(`one node ${label}${account ? ` in ${account}` : ''} expected in ${map.nodes.map((n) => `${n.label}@${n.account}`).join(', ')}`);
  return found[0]!;
}

export const edgeBetween = (map: ServiceMap, from: MapNode, to: MapNode) => map.edges.find((e) => e.from === from.id && e.to === to.id) ?? null;

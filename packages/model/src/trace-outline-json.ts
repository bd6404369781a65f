import { criticalPathOfTree } from './critical-path.ts';
import { isErrorSpan, SPAN_KINDS, type SpanKind, type SpanOutline } from './span.ts';
import { criticalPathJson, traceSummaryJson, type TraceSummaryJson } from './trace-json.ts';
import { summarizeTrace } from './trace-summary.ts';
import { buildTraceTree } from './trace-tree.ts';

/** A service as the outline's spans name it: the same name in two accounts is two services. */
export interface OutlineServiceJson {
  serviceName: string;
  accountId: string;
  accountLabel: string;
}

const KIND_INDEX = Object.fromEntries(SPAN_KINDS.map((kind, i) => [kind, i])) as Record<SpanKind, number>;

/** Bits of TraceOutlineJson's `flags` column. */
export const OUTLINE_FLAGS = { error: 1, critical: 2, orphan: 4 } as const;

/**
 * GET /api/traces/{traceId}/outline: every span of the trace, without its detail, in tree order
 * (each span followed by its subtree) as columns of equal length, repeated strings as indexes into
 * `services` and `names`, times in nanoseconds from the trace's start. A 100,000-span trace is a
 * few MB instead of 74; a span's detail is GET /api/traces/{traceId}/spans/{spanId}.
 */
export interface TraceOutlineJson {
  traceId: string;
  summary: TraceSummaryJson;
  criticalPath: ReturnType<typeof criticalPathJson>;
  /** The earliest span's start, unix nanoseconds as a decimal string: the columns' times count from it. */
  startTimeUnixNano: string;
  services: OutlineServiceJson[];
  names: string[];
  spans: {
    spanId: string[];
    depth: number[];
    /** Indexes into `names` and `services`, and SPAN_KINDS. */
    name: number[];
    service: number[];
    kind: number[];
    /** Nanoseconds: exact while under 2^53 (104 days). */
    startNanos: number[];
    durationNanos: number[];
    /** Time not covered by a child (see TreeSpan), and the span's own time on the critical path. */
    selfTimeNanos: number[];
    criticalNanos: number[];
    /** OUTLINE_FLAGS, or-ed. */
    flags: number[];
  };
}

/** The outline of one trace's spans (at least one). */
export function traceOutlineJsonOf(spans: readonly SpanOutline[]): TraceOutlineJson {
  const tree = buildTraceTree(spans);
  const path = criticalPathOfTree(tree);
  const summary = summarizeTrace(spans)!;
  const start = summary.startTimeUnixNano;
  const services = new ServiceIndex();
  const names = new Indexed<string, string>();
  const count = tree.spans.length;
  // Filled by index, into arrays made at their final length.
  const columns: TraceOutlineJson['spans'] = {
    spanId: new Array(count), depth: new Array(count), name: new Array(count), service: new Array(count), kind: new Array(count),
    startNanos: new Array(count), durationNanos: new Array(count), selfTimeNanos: new Array(count), criticalNanos: new Array(count), flags: new Array(count),
  };
  for (let i = 0; i < count; i++) {
    const { span, depth, selfTimeNanos, orphan } = tree.spans[i]!;
    const critical = path.nanosBySpan.get(span.spanId);
    columns.spanId[i] = span.spanId;
    columns.depth[i] = depth;
    columns.name[i] = names.indexOf(span.name, span.name);
    columns.service[i] = services.indexOf(span);
    columns.kind[i] = KIND_INDEX[span.kind];
    columns.startNanos[i] = Number(span.startTimeUnixNano - start);
    columns.durationNanos[i] = Number(span.endTimeUnixNano - span.startTimeUnixNano);
    columns.selfTimeNanos[i] = Number(selfTimeNanos);
    columns.criticalNanos[i] = critical === undefined ? 0 : Number(critical);
    columns.flags[i] = (isErrorSpan(span) ? OUTLINE_FLAGS.error : 0) | (critical !== undefined ? OUTLINE_FLAGS.critical : 0) | (orphan ? OUTLINE_FLAGS.orphan : 0);
  }
  return {
    traceId: spans[0]!.traceId,
    summary: traceSummaryJson(summary),
    criticalPath: criticalPathJson(path),
    startTimeUnixNano: start.toString(),
    services: services.values,
    names: names.values,
    spans: columns,
  };
}

/** Services (a name in an account) numbered in the order first seen; two lookups rather than a joined key per span. */
class ServiceIndex {
  readonly values: OutlineServiceJson[] = [];
  private readonly byAccount = new Map<string, Map<string, number>>();

  indexOf(span: SpanOutline): number {
    let byName = this.byAccount.get(span.account.id);
    if (byName === undefined) this.byAccount.set(span.account.id, (byName = new Map()));
    let index = byName.get(span.resource.serviceName);
    if (index === undefined) {
      index = this.values.push({ serviceName: span.resource.serviceName, accountId: span.account.id, accountLabel: span.account.label }) - 1;
      byName.set(span.resource.serviceName, index);
    }
    return index;
  }
}

/** Values numbered in the order first seen, by key. */
class Indexed<K, V> {
  readonly values: V[] = [];
  private readonly byKey = new Map<K, number>();

  indexOf(key: K, value: V): number {
    let index = this.byKey.get(key);
    if (index === undefined) {
      index = this.values.push(value) - 1;
      this.byKey.set(key, index);
    }
    return index;
  }
}

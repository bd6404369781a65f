import { CLOCK_SKEW_NANOS, isErrorSpan, type Span } from '@stitch/model';
import { expectsNoCallee, inferPeer, pathMatches, requestPathOf } from './service-map/peers.ts';
import { serviceRef, type MapNodeRef } from './service-map/graph-record.ts';
import type { ServiceMap } from './service-map/service-map.ts';

/**
 * A hop on which the propagation report saw trace context dropped in the window: calls from
 * `from` whose callee `to` continued under another trace (the service map's 'dropped' records).
 */
export interface KnownBreak {
  from: MapNodeRef;
  to: MapNodeRef;
  /** Calls seen dropping the context in the window. */
  calls: number;
  /** Traces on either side of the hop. */
  exampleTraceIds: string[];
}

/** The map's context-dropped findings as hops with their nodes, for the diagnosis of the same window. */
export function knownBreaksOf(map: ServiceMap): KnownBreak[] {
  const nodes = new Map(map.nodes.map((node) => [node.id, node]));
  return map.propagation.flatMap((finding) => {
    const from = finding.from === null ? undefined : nodes.get(finding.from);
    const to = nodes.get(finding.to);
    return finding.kind === 'context-dropped' && from && to ? [{ from, to, calls: finding.count, exampleTraceIds: finding.exampleTraceIds }] : [];
  });
}

const isEntry = (span: Span) => span.kind === 'server' || span.kind === 'consumer';
const serviceKey = (ref: { account: string; service: string }) => `${ref.account}\u0000${ref.service}`;
const spanServiceKey = (span: Span) => serviceKey({ account: span.account.id, service: span.resource.serviceName });

/** A call is known by its caller, its name and whom it calls (stock HTTP clients name every call "POST"). */
export function callKey(span: Span): string {
  return `${spanServiceKey(span)}\u0000${span.name}\u0000${inferPeer(span).name}`;
}

/** A synchronous call that succeeded (no error, no 4xx) and may expect an instrumented callee, but none of its trace answered it. */
interface UnansweredCall {
  key: string;
  span: Span;
}

interface TraceSurvey {
  traceId: string;
  /** Spans without a parent in the trace (none named, or the named one absent). */
  tops: number;
  /** A span names a parent the trace does not hold: its root (or the caller's span) has not arrived, or never will. */
  parentMissing: boolean;
  unanswered: UnansweredCall[];
  /** Its server and consumer spans: which requests its services were serving. */
  entries: Span[];
  lastEndNanos: bigint;
}

/** Why a trace is left out of the comparison. */
export type Incompleteness = 'missing-link' | 'callee-missing' | 'root-missing';

export interface CallSurvey {
  /** Per trace, in the order given (empty traces included, as null). */
  traces: Array<TraceSurvey | null>;
  /** Which services' entry spans answered each call key somewhere. */
  answeredBy: Map<string, Set<string>>;
  /** Entry spans that began a trace: the callee side of a dropped context. */
  rootEntries: Span[];
  /** Calls that began a trace: made by a service that lost the context of the request it was serving, or by a job. */
  rootCalls: Span[];
  /** Worked out on first use: which root entry span answered which unanswered call. */
  pairing?: Map<UnansweredCall, Span>;
}

/**
 * One pass over every trace's spans, before any tree is built: which calls an entry span answers
 * (anywhere), which successful calls were left unanswered in their trace, and how many spans lack
 * their parent. Cheap: a map of span ids per trace.
 */
export function surveyCalls(traces: Iterable<readonly Span[]>): CallSurvey {
  const survey: CallSurvey = { traces: [], answeredBy: new Map(), rootEntries: [], rootCalls: [] };
  for (const spans of traces) {
    if (spans.length === 0) {
      survey.traces.push(null);
      continue;
    }
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const answered = new Set<string>();
    let tops = 0;
    let parentMissing = false;
    let lastEndNanos = 0n;
    const entries: Span[] = [];
    for (const span of spans) {
      if (isEntry(span)) entries.push(span);
      if ((span.kind === 'client' || span.kind === 'producer') && span.parentSpanId === null) survey.rootCalls.push(span);
      if (span.endTimeUnixNano > lastEndNanos) lastEndNanos = span.endTimeUnixNano;
      const parent = span.parentSpanId === null ? undefined : byId.get(span.parentSpanId);
      if (!parent) tops += 1;
      if (!parent && span.parentSpanId !== null) parentMissing = true;
      if (isEntry(span) && span.parentSpanId === null) survey.rootEntries.push(span);
      if (parent && isEntry(span) && (parent.kind === 'client' || parent.kind === 'producer')) {
        answered.add(parent.spanId);
        const key = callKey(parent);
        let services = survey.answeredBy.get(key);
        if (!services) survey.answeredBy.set(key, (services = new Set()));
        services.add(spanServiceKey(span));
      }
    }
    const unanswered: UnansweredCall[] = [];
    for (const span of byId.values()) {
      // A refused call (a 4xx from a proxy, say) may never have reached its callee.
      const refused = span.http.statusCode !== null && span.http.statusCode >= 400;
      if (span.kind !== 'client' || answered.has(span.spanId) || isErrorSpan(span) || refused || expectsNoCallee(span)) continue;
      unanswered.push({ key: callKey(span), span });
    }
    survey.traces.push({ traceId: spans[0]!.traceId, tops, parentMissing, unanswered, entries, lastEndNanos });
  }
  return survey;
}

/**
 * Breaks the traces show by themselves: a call left unanswered in its trace although its callee
 * answers it elsewhere, while an entry span of that callee began a trace of its own inside the call.
 */
export function breaksSeenIn(survey: CallSurvey): KnownBreak[] {
  const found = new Map<string, KnownBreak>();
  for (const trace of survey.traces) {
    for (const call of trace?.unanswered ?? []) {
      const root = rootAnswering(survey, call);
      if (!root) continue;
      const from = serviceRef(call.span);
      const to = serviceRef(root);
      const key = `${serviceKey(from)}\u0001${serviceKey(to)}`;
      const known = found.get(key) ?? { from, to, calls: 0, exampleTraceIds: [] };
      known.calls += 1;
      if (known.exampleTraceIds.length < 6) known.exampleTraceIds.push(call.span.traceId, root.traceId);
      found.set(key, known);
    }
  }
  return [...found.values()];
}

/** The map's breaks, and those the traces show that it did not name. */
export function mergeBreaks(fromMap: readonly KnownBreak[], seen: readonly KnownBreak[]): KnownBreak[] {
  const hop = (b: KnownBreak) => `${serviceKey(b.from)}\u0001${serviceKey(b.to)}`;
  const named = new Set(fromMap.map(hop));
  return [...fromMap, ...seen.filter((b) => !named.has(hop(b)))];
}

/** A known break as the traces show it: the calls that lost their context, and the traces that took the hop. */
export interface BreakInTraces {
  hop: KnownBreak;
  /** Call keys on which the context was dropped (learned from the traces). */
  callKeys: Set<string>;
  /**
   * The context was lost inside the caller (the map names a peer, not a service, as the callee):
   * its calls to the peer that began traces of their own.
   */
  callsBeganTraces: Span[];
  /** An unanswered call of one of those keys (or one that began a trace), for naming the finding. */
  exampleCall: Span | null;
}

/**
 * Which calls each known break is about: calls from its caller service answered by its callee
 * in other traces (the context is dropped only sometimes), or left unanswered while an entry span
 * of the callee began a trace of its own inside the call, serving its path (as the map's
 * aggregator pairs them).
 */
export function locateBreaks(survey: CallSurvey, breaks: readonly KnownBreak[]): BreakInTraces[] {
  return breaks.map((hop) => {
    const caller = serviceKey(hop.from);
    const callee = serviceKey(hop.to);
    const calleeRoots = hop.to.inferred === null ? survey.rootEntries.filter((entry) => spanServiceKey(entry) === callee) : [];
    const callsBeganTraces =
      hop.to.inferred === null
        ? []
        : survey.rootCalls.filter((call) => spanServiceKey(call) === caller && inferPeer(call).name === hop.to.service && inferPeer(call).type === hop.to.inferred);
    const located: BreakInTraces = { hop, callKeys: new Set(), callsBeganTraces, exampleCall: callsBeganTraces[0] ?? null };
    for (const trace of survey.traces) {
      for (const call of trace?.unanswered ?? []) {
        if (spanServiceKey(call.span) !== caller) continue;
        const known = located.callKeys.has(call.key) || survey.answeredBy.get(call.key)?.has(callee) || calleeRoots.some((root) => answersCall(root, call.span));
        if (!known) continue;
        located.callKeys.add(call.key);
        located.exampleCall ??= call.span;
      }
    }
    return located;
  });
}

/** An entry span that began a trace of its own inside the call, of a service that answers such calls elsewhere. */
function rootAnswering(survey: CallSurvey, call: UnansweredCall): Span | undefined {
  survey.pairing ??= pairRootsWithCalls(survey);
  return survey.pairing.get(call);
}

/**
 * Each trace-starting entry span answers at most one call: of the unanswered calls it could have
 * answered (its service answers their key elsewhere, it began inside them, the path fits), the one
 * that began nearest before it. With clocks allowed to differ, a busy caller's next call would
 * otherwise take another call's callee for its own.
 */
function pairRootsWithCalls(survey: CallSurvey): Map<UnansweredCall, Span> {
  const unanswered = survey.traces.flatMap((trace) => trace?.unanswered ?? []).filter((call) => survey.answeredBy.has(call.key));
  const byKey = new Map<string, UnansweredCall[]>();
  for (const call of unanswered) byKey.set(call.key, [...(byKey.get(call.key) ?? []), call]);
  const pairing = new Map<UnansweredCall, Span>();
  if (byKey.size === 0) return pairing;
  for (const root of survey.rootEntries) {
    const service = spanServiceKey(root);
    let best: UnansweredCall | undefined;
    let bestGap = 0n;
    for (const [key, calls] of byKey) {
      if (!survey.answeredBy.get(key)!.has(service)) continue;
      for (const call of calls) {
        if (!answersCall(root, call.span)) continue;
        const gap = root.startTimeUnixNano - call.span.startTimeUnixNano;
        const distance = gap < 0n ? -gap : gap;
        if (best === undefined || distance < bestGap) (best = call), (bestGap = distance);
      }
    }
    if (best && !pairing.has(best)) pairing.set(best, root);
  }
  return pairing;
}

/** The callee's clock may read up to CLOCK_SKEW_NANOS behind the caller's. */
function answersCall(root: Span, call: Span): boolean {
  if (root.traceId === call.traceId || root.startTimeUnixNano < call.startTimeUnixNano - CLOCK_SKEW_NANOS || root.startTimeUnixNano > call.endTimeUnixNano) return false;
  const path = requestPathOf(call);
  return path === '' || pathMatches(path, requestPathOf(root)) || pathMatches(path, root.http.route ?? '');
}

/**
 * The breaks a trace shows on its caller's side: one of its calls lost the context there; or, when
 * the context was lost inside the caller, the caller was serving this trace's request when one of
 * its calls to the peer began a trace (as the map's aggregator tells). When the traces show
 * neither, the traces the propagation report gives as examples stand in.
 */
export function breaksIn(trace: TraceSurvey, breaks: readonly BreakInTraces[]): BreakInTraces[] {
  return breaks.filter((b) => {
    if (b.callKeys.size > 0) return trace.unanswered.some((call) => b.callKeys.has(call.key));
    if (b.callsBeganTraces.length > 0) return trace.entries.some((entry) => servedWhileCalling(entry, b));
    return b.hop.exampleTraceIds.includes(trace.traceId);
  });
}

function servedWhileCalling(entry: Span, b: BreakInTraces): boolean {
  if (spanServiceKey(entry) !== serviceKey(b.hop.from)) return false;
  return b.callsBeganTraces.some((call) => call.traceId !== entry.traceId && call.startTimeUnixNano >= entry.startTimeUnixNano && call.startTimeUnixNano <= entry.endTimeUnixNano);
}

/**
 * Whether a trace may still be missing spans, and so is not compared:
 * - missing-link: two or more of its spans have no parent in it (a span between them has not arrived);
 * - callee-missing: a call that succeeded has no entry span under it although the same call is answered
 *   by an instrumented service in other traces, and neither did the callee begin a trace of its own
 *   inside the call, nor is the trace settled (older than `settleNanos`) on a hop known to drop context;
 * - root-missing: its top span names a parent it does not hold, and its last span ended less than
 *   `settleNanos` before `nowNanos`: the root may be on its way. Later, the parent is taken for a
 *   caller that sends context but reports no spans (a canary, a partner), and the trace is complete.
 */
export function incompletenessOf(trace: TraceSurvey, survey: CallSurvey, breaks: readonly BreakInTraces[], recency: { nowNanos: bigint; settleNanos: bigint } | null): Incompleteness | null {
  if (trace.tops > 1) return 'missing-link';
  const recent = recency !== null && trace.lastEndNanos > recency.nowNanos - recency.settleNanos;
  // On a hop that drops context only sometimes, a fresh call without its callee may be either: only
  // the callee's own trace, or time, tells.
  const onBrokenHop = (call: UnansweredCall) => !recent && breaks.some((b) => b.callKeys.has(call.key));
  const missing = (call: UnansweredCall) => survey.answeredBy.has(call.key) && !onBrokenHop(call) && rootAnswering(survey, call) === undefined;
  if (trace.unanswered.some(missing)) return 'callee-missing';
  if (recent && trace.parentMissing) return 'root-missing';
  return null;
}

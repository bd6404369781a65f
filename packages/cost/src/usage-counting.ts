import type { Span, SpanBatch, SpanOutline } from '@stitch/model';
import type { RecentKeys } from './recent-keys.ts';
import { shareOut } from './share-out.ts';
import { storedBytesOf } from './stored-bytes.ts';
import type { UsageTally } from './usage-tally.ts';
import { utcDayOf } from './utc-day.ts';

// How ingest and reads become usage. A span counts on the UTC day it started, for its account
// and service; a read counts on the day it was made.

const NANOS_PER_MS = 1_000_000n;
const startMsOf = (batch: SpanBatch, i: number) => Number(batch.startNs[i]! / NANOS_PER_MS);

/**
 * A stored batch: spans, their estimated stored bytes, and traces recorded. A trace counts once
 * per (account, day) as `tracesRecorded` and once per day as `tracesFirstRecorded`, each on the
 * row of the span that brought it first: `seen` remembers the keys already counted (bounded, so a
 * trace whose parts arrive further apart than `seen` holds is counted again).
 */
export function countStored(batch: SpanBatch, tally: UsageTally, seen: RecentKeys): void {
  for (let i = 0; i < batch.length; i++) {
    const startMs = startMsOf(batch, i);
    const day = utcDayOf(startMs);
    const account = batch.accountId[i]!;
    const traceDay = `${batch.traceId[i]}\u0000${day}`;
    const firstInAccount = seen.set(`${traceDay}\u0000${account}`, true);
    const first = seen.set(traceDay, true);
    tally.add(day, account, batch.serviceName[i]!, { spans: 1, bytesStored: storedBytesOf(batch, i), tracesRecorded: firstInAccount ? 1 : 0, tracesFirstRecorded: first ? 1 : 0 }, startMs);
  }
}

/** A request's payload bytes, shared out among its accepted spans' (day, account, service) by their number of spans. */
export function countIngested(batch: SpanBatch, requestBytes: number, tally: UsageTally): void {
  const spansOf = new Map<string, { day: string; account: string; service: string; spans: number }>();
  for (let i = 0; i < batch.length; i++) {
    const day = utcDayOf(startMsOf(batch, i));
    const key = `${day}\u0000${batch.accountId[i]}\u0000${batch.serviceName[i]}`;
    const entry = spansOf.get(key);
    if (entry) entry.spans += 1;
    else spansOf.set(key, { day, account: batch.accountId[i]!, service: batch.serviceName[i]!, spans: 1 });
  }
  const groups = [...spansOf.values()];
  const shares = shareOut(requestBytes, groups.map((group) => group.spans));
  groups.forEach((group, i) => tally.add(group.day, group.account, group.service, { bytesIngested: shares[i]! }));
}

/** Who a read trace is billed to: its root span's account and service (the earliest span's when the root is missing). */
export interface TraceOwner {
  accountId: string;
  serviceName: string;
}

export function ownerOfSpans(spans: readonly SpanOutline[]): TraceOwner | null {
  // A root before any other span; among equals, the earliest.
  const rank = (span: SpanOutline) => (span.parentSpanId === null ? 0 : 1);
  let owner: SpanOutline | null = null;
  for (const span of spans) {
    if (!owner || rank(span) < rank(owner) || (rank(span) === rank(owner) && span.startTimeUnixNano < owner.startTimeUnixNano)) owner = span;
  }
  return owner ? { accountId: owner.account.id, serviceName: owner.resource.serviceName } : null;
}

/** Traces read at `nowMs`, each counted once for its owner. */
export function countRead(owners: readonly TraceOwner[], kind: 'tracesScanned' | 'tracesRetrieved', nowMs: number, tally: UsageTally): void {
  const day = utcDayOf(nowMs);
  for (const owner of owners) tally.add(day, owner.accountId, owner.serviceName, { [kind]: 1 });
}

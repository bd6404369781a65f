import type { GraphRecord } from '@stitch/graph';
import type { MetricRecord } from '@stitch/metrics';
import type { Span, UsageRow } from '@stitch/model';

// Figures derived from stored spans (the service map, span metrics, usage) are as durable as the
// spans themselves: central numbers every write of spans (its ingest sequence, stored with the
// spans), counts the writes in that order, and commits what it counted together with a
// checkpoint: "every write up to `throughSeq` is counted, except these spans, which the service
// map holds waiting for a partner". A central that died, or whose commit failed, starts again
// from the last checkpoint: it takes the waiting spans back and counts the writes after it, read
// from the store. Nothing is counted twice (a write is either before the checkpoint, and in the
// committed figures or waiting, or after it, and in neither), nothing is missed.

/** A span the service map holds, uncounted, until its partner arrives or its wait is over. */
export interface WaitingSpanRef {
  traceId: string;
  spanId: string;
}

export interface DerivedCheckpoint {
  /** Every write numbered up to this one is in the committed figures, or waiting (below). */
  throughSeq: number;
  waiting: WaitingSpanRef[];
}

/** What one commit adds: figures counted since the last one, and where counting now stands. */
export interface DerivedCommit {
  graphRecords: readonly GraphRecord[];
  metricRecords: readonly MetricRecord[];
  usageRows: readonly UsageRow[];
  checkpoint: DerivedCheckpoint;
}

/** A stored write of spans, as central numbered it. */
export interface StoredWrite {
  seq: number;
  spans: Span[];
}

/** The storage side of durable derived figures (derived-state.ts). */
export interface DerivedStateStore {
  /** The highest ingest sequence stored with spans (0 when none carries one). */
  lastIngestSeq(): Promise<number>;
  /** The spans of the writes numbered in (afterSeq, throughSeq], one entry per write, in order. */
  readWrites(afterSeq: number, throughSeq: number): Promise<StoredWrite[]>;
  /** Adds the figures and replaces the checkpoint, all or nothing. */
  commitDerived(commit: DerivedCommit): Promise<void>;
  /** The last checkpoint committed, null before the first. */
  readDerivedCheckpoint(): Promise<DerivedCheckpoint | null>;
}

import type { SpanBatch } from '@stitch/model';
import type { DerivedCommit } from '@stitch/store';

/** What one figure adds to a commit of the derived figures. */
export type DerivedPart = Partial<Omit<DerivedCommit, 'checkpoint'>>;

/**
 * A figure counted from every stored write of spans (the service map, span metrics, usage). The
 * figures are committed together, with the checkpoint of the last write counted, by
 * DerivedFigures, which numbers the writes and counts them in order.
 */
export interface StoredBatchProcessor {
  /** Names its stage in GET /api/ingest/stages (`derive:<name>`). */
  readonly name: string;
  /** Counts one stored write, in write order. */
  stored(batch: SpanBatch, nowMs: number): void;
  /** Its part of the next commit: what was counted since the last one (`settleAll`: nothing waits any more). */
  flush(nowMs: number, settleAll: boolean): DerivedPart;
  /** The commit of the last flush failed: what is counted from stored spans is counted again from the store (`restart`); the rest is kept. */
  failed(): void;
  /** Counting restarts from the committed checkpoint: forgets what was counted from stored spans. */
  restart(): void;
}

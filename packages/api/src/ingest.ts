/**
 * GET /api/ingest/stages: where central's ingest time goes, cumulative since central started.
 * A benchmark (or an operator) takes two snapshots and divides each stage's time by the spans
 * between them: microseconds per span, stage by stage, so the next bottleneck is visible.
 */
export interface IngestStagesJson {
  /** When central started counting (epoch ms). */
  sinceMs: number;
  /** OTLP trace requests answered, by outcome: stored, refused as overload (503 before the body was read), refused otherwise. */
  requests: { stored: number; shed: number; refused: number };
  /** Spans acknowledged (stored, or held for tail sampling). */
  spans: number;
  /**
   * Time spent per stage, in microseconds, summed over requests (worker stages: summed over
   * workers, so they can exceed wall time). Stages in pipeline order: `read-body`, `decompress`,
   * `decode`, `checks`, `trace-limits`, `dedup`, `queue-wait`, `store-append`, `commit`, then
   * one `derive:<processor>` per stored-batch processor.
   */
  stages: Array<{ stage: string; micros: number; calls: number }>;
}

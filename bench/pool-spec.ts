/** The generated traces every phase uses: built once, then re-keyed per round to make new traces. */
export interface PoolSpec {
  seed: number;
  /** Distinct spans generated (generation runs ~20k spans/s, so this stays small; rounds make volume). */
  spans: number;
  /** Spans per export request: 512 is the OpenTelemetry batch span processor's default. */
  spansPerRequest: number;
  /**
   * Trace starts lie in the hour before this instant. Fixed, not "now", so a cached store
   * filled yesterday answers the same one-hour search as a fresh one.
   */
  anchorMs: number;
}

const HOUR_MS = 3_600_000;

/** The hour the pool's traces start in: what a filled store holds, and what the one-hour searches cover. */
export function poolWindowMs(spec: Pick<PoolSpec, 'anchorMs'>): { startMs: number; endMs: number } {
  return { startMs: spec.anchorMs - HOUR_MS, endMs: spec.anchorMs };
}

/**
 * Usage for the cost profile, per (UTC day, account, service). The counters add up: two rows of
 * one key are one row with their sums, so a store may keep many and add them when read.
 */
export interface UsageCounts {
  /**
   * Traces recorded: a trace counts once per account and day, however many batches and services
   * bring it, on the row of the account's service that stored its first span there. An account's
   * rows add up to its traces; a service's count is its share of its account's.
   */
  tracesRecorded: number;
  /**
   * Each trace once a day, on the row (account and service) that stored its first span: any rows
   * add up to distinct traces. What the bill prices, and the total's count of traces.
   */
  tracesFirstRecorded: number;
  spans: number;
  /** Request payload bytes (after decompression), shared out among the request's spans. */
  bytesIngested: number;
  /** Estimated bytes the spans take in the store (see storedBytesOf in @stitch/cost). */
  bytesStored: number;
  /** Traces a search answered with (its page of summaries). */
  tracesScanned: number;
  /** Whole traces read (a trace by id, the traces a diagnosis compares). */
  tracesRetrieved: number;
}

export interface UsageRow extends UsageCounts {
  /** 'YYYY-MM-DD', UTC. */
  day: string;
  accountId: string;
  serviceName: string;
  /**
   * Start of the earliest and latest span counted in the row (unix ms), null for a row of reads
   * only; they merge by min and max. The what-if estimates request rates over this time.
   */
  firstSeenMs: number | null;
  lastSeenMs: number | null;
}

export const USAGE_COUNTERS = ['tracesRecorded', 'tracesFirstRecorded', 'spans', 'bytesIngested', 'bytesStored', 'tracesScanned', 'tracesRetrieved'] as const satisfies ReadonlyArray<keyof UsageCounts>;

export function emptyUsageCounts(): UsageCounts {
  return { tracesRecorded: 0, tracesFirstRecorded: 0, spans: 0, bytesIngested: 0, bytesStored: 0, tracesScanned: 0, tracesRetrieved: 0 };
}

/** Adds `more` into `into` (counters summed, the seen bounds widened). */
export function addUsage<T extends UsageCounts & Partial<Pick<UsageRow, 'firstSeenMs' | 'lastSeenMs'>>>(into: T, more: UsageCounts & Partial<Pick<UsageRow, 'firstSeenMs' | 'lastSeenMs'>>): T {
  for (const counter of USAGE_COUNTERS) into[counter] += more[counter];
  if ('firstSeenMs' in into) into.firstSeenMs = earliest(into.firstSeenMs ?? null, more.firstSeenMs ?? null);
  if ('lastSeenMs' in into) into.lastSeenMs = latest(into.lastSeenMs ?? null, more.lastSeenMs ?? null);
  return into;
}

const earliest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const latest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** What usage costs, in US dollars. Editable; the defaults are AWS X-Ray's public list prices. */
export interface PriceSheet {
  /** Per million traces recorded (X-Ray: $5). */
  perMillionTracesRecorded: number;
  /** Per million traces retrieved or scanned (X-Ray: $0.50). */
  perMillionTracesScanned: number;
  /** Traces recorded free each calendar month, across every account (X-Ray: 100,000). */
  freeTracesRecordedPerMonth: number;
  /** Per GB (10^9 bytes) of payload ingested: X-Ray has no such price, so 0 unless set. */
  perGbIngested: number;
  /** Per GB written to the store (estimated), once: 0 unless set. */
  perGbStored: number;
}

export const DEFAULT_PRICES: Readonly<PriceSheet> = Object.freeze({
  perMillionTracesRecorded: 5,
  perMillionTracesScanned: 0.5,
  freeTracesRecordedPerMonth: 100_000,
  perGbIngested: 0,
  perGbStored: 0,
});

export const PRICE_KEYS = Object.keys(DEFAULT_PRICES) as Array<keyof PriceSheet>;

export const BYTES_PER_GB = 1e9;

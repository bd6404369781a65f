import { DEFAULT_PRICES, PRICE_KEYS, type PriceSheet } from '@stitch/cost';
import { z } from 'zod';
import { AuditedState } from '../../state/audited-state.ts';

// A price is dollars, not negative, and below a bound that keeps sums of a year's usage finite and meaningful.
const price = z.number().finite().min(0).max(1_000_000);

/** A change to the sheet: any of its prices, nothing else. */
export const priceChangeBody = z
  .object({
    perMillionTracesRecorded: price,
    perMillionTracesScanned: price,
    freeTracesRecordedPerMonth: z.number().int().min(0).max(1e12),
    perGbIngested: price,
    perGbStored: price,
  })
  .partial()
  .strict()
  .refine((change) => Object.keys(change).length > 0, { message: `give at least one of ${PRICE_KEYS.join(', ')}` });

export type PriceChange = z.infer<typeof priceChangeBody>;

interface SavedPrices {
  prices: PriceSheet;
}

/** The price sheet, written through to `<data>/prices.json` (each change also appended to `prices.json.audit.jsonl`). */
export class PriceBook {
  private constructor(private readonly saved: AuditedState<SavedPrices>) {}

  static async open(file: string | null, now: () => number = Date.now): Promise<PriceBook> {
    // A sheet saved by an older version lacks the newer prices: they take their defaults.
    const upgrade = (saved: SavedPrices): SavedPrices => ({ prices: { ...DEFAULT_PRICES, ...saved.prices } });
    return new PriceBook(await AuditedState.open<SavedPrices>(file, { prices: { ...DEFAULT_PRICES } }, now, upgrade));
  }

  current(): PriceSheet {
    return { ...this.saved.state.prices };
  }

  change(change: PriceChange, by: string): Promise<PriceSheet> {
    return this.saved.change((state) => {
      state.prices = { ...state.prices, ...change };
      return { audited: { by, change }, result: { ...state.prices } };
    });
  }

  async reset(by: string): Promise<PriceSheet> {
    return this.change({ ...DEFAULT_PRICES }, by);
  }
}

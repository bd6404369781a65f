import { DEFAULT_PRICES, PRICE_KEYS, type PriceSheet } from '@stitch/cost';
import { z } from 'zod';
import { readState, saveState } from '../audited-state-file.ts';

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
  private constructor(
    private readonly file: string | null,
    private state: SavedPrices,
    private readonly now: () => number,
  ) {}

  static async open(file: string | null, now: () => number = Date.now): Promise<PriceBook> {
    const saved = await readState<SavedPrices>(file, { prices: { ...DEFAULT_PRICES } });
    // A sheet saved by an older version lacks the newer prices: they take their defaults.
    return new PriceBook(file, { prices: { ...DEFAULT_PRICES, ...saved.prices } }, now);
  }

  current(): PriceSheet {
    return { ...this.state.prices };
  }

  async change(change: PriceChange, by: string): Promise<PriceSheet> {
    const prices = { ...this.state.prices, ...change };
    await saveState(this.file, { prices }, { at: new Date(this.now()).toISOString(), by, change });
    this.state = { prices };
    return this.current();
  }

  async reset(by: string): Promise<PriceSheet> {
    return this.change({ ...DEFAULT_PRICES }, by);
  }
}

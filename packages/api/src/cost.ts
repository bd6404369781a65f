import type { PriceSheet } from '@stitch/cost';

/** GET, PUT and DELETE /api/cost/prices: the price sheet now. */
export interface PricesJson {
  prices: PriceSheet;
}

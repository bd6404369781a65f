/** The waterfall's name column: as wide as the person last made it, within bounds that leave the bars room. */

const MIN_PX = 160;
/** The bars keep at least this share of the waterfall. */
const MAX_SHARE = 0.75;
/** An arrow key moves the edge by this much. */
export const NAME_COLUMN_STEP_PX = 24;
const STORAGE_KEY = 'stitch.waterfall.nameColumn';

/** The width within bounds for a waterfall `waterfallPx` wide (unknown: 0). */
export function clampNameColumn(px: number, waterfallPx: number): number {
  const max = waterfallPx > 0 ? Math.max(MIN_PX, Math.floor(waterfallPx * MAX_SHARE)) : Number.POSITIVE_INFINITY;
  return Math.round(Math.min(max, Math.max(MIN_PX, px)));
}

/** The width the person chose last; null when they never did (the stylesheet's, narrower on small screens). */
export function storedNameColumn(storage: Pick<Storage, 'getItem'>): number | null {
  const stored = Number(storage.getItem(STORAGE_KEY));
  return Number.isFinite(stored) && stored > 0 ? stored : null;
}

/** Remembers the width; null forgets it. */
export function storeNameColumn(storage: Pick<Storage, 'setItem' | 'removeItem'>, px: number | null): void {
  if (px === null) storage.removeItem(STORAGE_KEY);
  else storage.setItem(STORAGE_KEY, String(px));
}

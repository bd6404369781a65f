import type { AccountJson } from '@stitch/api';

/** Colours in the palette (base.css's --account-N): past it, colours repeat. */
export const ACCOUNT_PALETTE_SIZE = 12;

/**
 * Each account's place in the palette: accounts in the order their links were made (central's
 * own account and accounts without a link first, then by id), so the same account keeps its colour
 * as others are added, and twelve accounts get twelve different colours (a hash of the id gave two
 * of five the same one).
 */
export function paletteOrder(accounts: ReadonlyArray<Pick<AccountJson, 'accountId' | 'link'>>): Map<string, number> {
  const made = (account: Pick<AccountJson, 'link'>) => account.link?.createdAt ?? '';
  const ordered = [...accounts].sort((a, b) => (made(a) < made(b) ? -1 : made(a) > made(b) ? 1 : a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
  return new Map(ordered.map((account, i) => [account.accountId, i % ACCOUNT_PALETTE_SIZE]));
}

let places = new Map<string, number>();

/** Takes central's list of accounts (the app loads it once): every view colours accounts by it. */
export function setAccountPalette(accounts: ReadonlyArray<Pick<AccountJson, 'accountId' | 'link'>>): void {
  places = paletteOrder(accounts);
}

/** A stable colour per account across every view: the same account is the same colour on the map and in the waterfall. */
export function accountColor(accountId: string): string {
  let place = places.get(accountId);
  if (place === undefined) {
    // An account the list did not have (yet): the next place, kept for the rest of the visit.
    place = places.size % ACCOUNT_PALETTE_SIZE;
    places.set(accountId, place);
  }
  return `var(--account-${place})`;
}

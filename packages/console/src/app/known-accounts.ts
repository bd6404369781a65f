import type { AccountJson } from '@stitch/api';
import { accountNameWithId } from '@stitch/model';
import { setAccountPalette } from './account-colors.ts';

let labels = new Map<string, string>();

/** Central's list of accounts, loaded once by the app: their colours, and their names where an answer gives only ids. */
export function setKnownAccounts(accounts: ReadonlyArray<Pick<AccountJson, 'accountId' | 'label' | 'link'>>): void {
  labels = new Map(accounts.map((account) => [account.accountId, account.label]));
  setAccountPalette(accounts);
}

/** The label central's list gives the account, if the list is in and has it. */
export const accountLabelOf = (accountId: string): string | undefined => labels.get(accountId);

/** `checkout (222222222222)` from the id alone, by central's list (the id alone until the list is in, or for an account it lacks). */
export const accountNameOf = (accountId: string): string => accountNameWithId({ id: accountId, label: labels.get(accountId) });

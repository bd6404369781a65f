import type { MissingAccountJson as MissingAccount, PartialJson } from '@stitch/api';

/**
 * What one federated read could not cover. Every answer built from several accounts carries it
 * (`partial`), so a missing account is said, never silently left out.
 */
export class ReadCoverage {
  private readonly missing = new Map<string, MissingAccount>();
  private readonly limits: string[] = [];

  accountMissing(account: MissingAccount): void {
    if (!this.missing.has(account.accountId)) this.missing.set(account.accountId, account);
  }

  isMissing(accountId: string): boolean {
    return this.missing.has(accountId);
  }

  /** A bound the read stopped at (candidates scanned): the answer holds what was found before it. */
  stoppedAt(limit: string): void {
    if (!this.limits.includes(limit)) this.limits.push(limit);
  }

  get missingAccounts(): MissingAccount[] {
    return [...this.missing.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
  }

  /**
   * The `partial` field of an answer, or undefined when it is complete. `shown`: the accounts the
   * caller may read (a scoped reader); another missing account is named by its id only, with no
   * reason (the remote's answer may say what the caller may not know).
   */
  json(shown: (accountId: string) => boolean = () => true): PartialJson | undefined {
    if (this.missing.size === 0 && this.limits.length === 0) return undefined;
    const missingAccounts = this.missingAccounts.map((account) => (shown(account.accountId) ? account : { accountId: account.accountId, label: account.accountId, reason: 'did not answer' }));
    return { missingAccounts, stoppedAt: [...this.limits] };
  }
}

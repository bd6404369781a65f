import { ApiError } from '@stitch/http';
import type { CentralStore, TraceReads } from '@stitch/store';
import { ScopedReads, type SideReads } from './scoped/scoped-reads.ts';
import type { Principal } from '../access/access-policy.ts';
import type { FederationMembers } from '../federation/federation-members.ts';
import { FederatedReads } from './federated/federated-reads.ts';
import type { FederatedSearchOptions } from './federated/federated-search.ts';
import { ReadCoverage } from './federated/read-coverage.ts';
import { MeteredReads, type ReadMeter } from './metered-reads.ts';

/** One request's view of every account (or of a scoped reader's accounts), and what it could not cover. */
export interface ReadView {
  /** Traces: the local store, with the federated accounts' agents when there are any. */
  reads: TraceReads;
  /** Logs, span metrics and usage. */
  side: SideReads;
  /** A scoped reader's view, or null for readers of every account. */
  scope: ScopedReads | null;
  coverage: ReadCoverage;
}

/** Why a federated account is missing from an answer central's store makes alone. */
export const OWN_STORE_ONLY = "its spans stay in its agent, and this answer is from central's store only";

/** Builds each read request's view, and its answers with what the view could not cover. */
export class ReadViews {
  constructor(
    private readonly store: CentralStore,
    private readonly members: FederationMembers,
    private readonly search: FederatedSearchOptions,
    private readonly meter: ReadMeter,
  ) {}

  of(who: Principal): ReadView {
    const readable = this.members.readable();
    const coverage = new ReadCoverage();
    const reads = readable.length === 0 ? this.store : new FederatedReads(this.store, readable, coverage, this.search);
    if (who.kind !== 'reader' || who.accounts === null) return { reads, side: this.store, scope: null, coverage };
    const scoped = new ScopedReads(reads, this.store, who.accounts, coverage);
    return { reads: scoped, side: scoped, scope: scoped, coverage };
  }

  /**
   * An answer from central's own store alone (discovery, metrics queries): the federated accounts
   * the caller may read, whose spans stay in their agents, are named in `partial` as not counted,
   * so the figures never pass for every account's.
   */
  answerFromOwnStore(who: Principal, build: (side: SideReads, view: ReadView) => Promise<object>): Promise<object> {
    return this.answer(who, (_reads, view) => {
      for (const { account } of this.members.readable()) {
        if (view.scope && !view.scope.isOwn(account.id)) continue;
        view.coverage.accountMissing({ accountId: account.id, label: account.label, reason: OWN_STORE_ONLY });
      }
      return build(view.side, view);
    });
  }

  /** An answer built from the caller's view of the traces (metered as reads), with `partial` when an account did not answer. */
  async answer(who: Principal, build: (reads: TraceReads, view: ReadView) => Promise<object>): Promise<object> {
    const view = this.of(who);
    const { coverage, scope } = view;
    const shown = scope ? (accountId: string) => scope.isOwn(accountId) : undefined;
    const body = await build(new MeteredReads(view.reads, this.meter), view).catch((error: unknown) => {
      // "Not found" while an account did not answer may only mean it holds the spans.
      const partial = coverage.json(shown);
      if (!(error instanceof ApiError) || !partial) throw error;
      const missing = partial.missingAccounts.map((account) => `${account.label} (${account.reason})`).join(', ');
      throw new ApiError(error.status, `${error.message}${missing ? `; not every account answered: ${missing}` : ''}`, { headers: error.headers, details: { ...error.details, partial } });
    });
    const partial = coverage.json(shown);
    return partial ? { ...body, partial } : body;
  }
}

import type { LinkJson } from './links.ts';
import type { MaybePartial } from './partial-answer.ts';

/** Where an account's agent serves reads when it keeps its own spans (federated mode). */
export interface FederatedJson {
  readUrl: string;
  registeredAtMs: number;
  lastHeartbeatMs: number;
}

export interface AccountJson {
  accountId: string;
  label: string;
  services: string[];
  spanCount: number;
  lastSeenMs: number | null;
  /** The link it sends through; null for central's own account and for data whose link is gone. */
  link: Pick<LinkJson, 'id' | 'sinkId' | 'types' | 'createdAt' | 'revokedAt'> | null;
  /** Null when the account pipes its spans into central. */
  federated: FederatedJson | null;
}

/** GET /api/accounts */
export interface AccountsJson extends MaybePartial {
  accounts: AccountJson[];
}

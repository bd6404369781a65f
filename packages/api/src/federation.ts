import type { FederatedJson } from './accounts.ts';

/** A federated account: its agent keeps the spans and serves reads at `readUrl`. */
export interface FederationMemberJson extends FederatedJson {
  accountId: string;
  label: string;
  linkId: string;
}

/** GET /api/federation: the members and when each was last heard from. */
export interface FederationStatusJson {
  members: FederationMemberJson[];
}

/** POST /api/federation/members (an agent's heartbeat): its account, and the metrics batch once stored. */
export interface HeartbeatAnswerJson {
  accountId: string;
  label: string;
  heartbeatMs: number;
  metrics?: { batchId: string; records: number };
}

import type { FederatedJson } from '@stitch/api';
import type { Account } from '@stitch/model';
import { ApiError } from '@stitch/http';
import { readUrlText, RemoteStore, type ReadAllowList } from '@stitch/federation';
import type { Link } from '../access/links/link-model.ts';
import { MetricBatches } from './metric-batches.ts';

/** A federated account: its agent keeps the spans and serves reads at `readUrl`. */
export interface FederationMember {
  linkId: string;
  account: Account;
  readUrl: string;
  registeredAtMs: number;
  lastHeartbeatMs: number;
  reads: RemoteStore;
}

export interface FederationMembersOptions {
  /** How long central waits for an account's answer before answering without it. */
  timeoutMs: number;
  now: () => number;
  /** The link behind a member if it may still be read (not deleted, shares traces), else null. */
  activeLink: (linkId: string) => Link | null;
  /** The read URLs the admin allowed for every link (a link's `allowReadUrls` add to them). */
  allowList: ReadAllowList;
}

/**
 * The accounts whose agents keep their own spans (`stitch agent --store`). An agent registers
 * with its link token and repeats it as a heartbeat; central reads it with that same token,
 * kept in memory only (central stores link tokens as hashes). A deleted link stops the reads
 * at once: every read asks the link registry first. Central contacts (and sends the token to)
 * only read URLs on the allow-list, checked at registration and again before every read.
 */
export class FederationMembers {
  private readonly byLink = new Map<string, FederationMember>();
  /** The span-metric batches members handed over lately (a batch sent again is written once). */
  readonly metricBatches = new MetricBatches();

  constructor(private readonly options: FederationMembersOptions) {}

  /** `readUrl` as parseReadUrl gave it; a 403 naming it when the allow-list does not allow it. */
  async register(link: Link, token: string, readUrl: URL): Promise<FederationMember> {
    const allowList = this.options.allowList.with(link.allowReadUrls ?? []);
    const verdict = await allowList.check(readUrl);
    if (!verdict.allowed) {
      throw new ApiError(403, `readUrl: ${readUrlText(readUrl)} is not on central's federation allow-list (${verdict.why}); the admin allows read URLs with stitch central --federation-allow, or per link with allowReadUrls`);
    }
    const now = this.options.now();
    const known = this.byLink.get(link.id);
    const shown = readUrlText(readUrl);
    if (known && known.readUrl === shown) {
      known.lastHeartbeatMs = now;
      return known;
    }
    // One link, one agent: a new URL (an agent restarted elsewhere) replaces the old one.
    const account = { id: link.accountId, label: link.label };
    const member: FederationMember = {
      linkId: link.id,
      account,
      readUrl: shown,
      registeredAtMs: known?.registeredAtMs ?? now,
      lastHeartbeatMs: now,
      reads: new RemoteStore({ url: readUrl.href, token, allowList, account, timeoutMs: this.options.timeoutMs }),
    };
    this.byLink.set(link.id, member);
    return member;
  }

  /** The members that may be read now; those whose link was deleted are forgotten. */
  readable(): FederationMember[] {
    const members: FederationMember[] = [];
    for (const [linkId, member] of this.byLink) {
      if (this.options.activeLink(linkId)) members.push(member);
      else this.byLink.delete(linkId);
    }
    return members;
  }

  /** How central reads an account, for the accounts list: null when it pipes its spans in. */
  statusOf(accountId: string): FederatedJson | null {
    const member = [...this.byLink.values()].find((m) => m.account.id === accountId);
    return member ? { readUrl: member.readUrl, registeredAtMs: member.registeredAtMs, lastHeartbeatMs: member.lastHeartbeatMs } : null;
  }

  get size(): number {
    return this.byLink.size;
  }
}

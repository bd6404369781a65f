import type { AccountsJson } from '@stitch/api';
import type { TraceReads } from '@stitch/store';
import type { LinkRegistry } from '../access/links/link-registry.ts';
import type { FederationMembers } from '../federation/federation-members.ts';

/**
 * GET /api/accounts: every account central knows, from its stored spans and its links: label,
 * services, span count, last span, and the link it sends through (`null` for central's own
 * account and for data whose link is gone), and where its agent serves reads when it keeps its own
 * spans (`federated`, else null). A linked account that never sent is listed with 0 spans.
 */
export async function listAccounts(store: TraceReads, links: LinkRegistry, federation: FederationMembers, visible: (accountId: string) => boolean): Promise<AccountsJson> {
  const stored = new Map((await store.listAccounts()).map((account) => [account.accountId, account]));
  // The newest link of an account is the one that speaks for it; a scoped reader is told only of its accounts'.
  const linkOf = new Map(links.links().filter((link) => visible(link.accountId)).map((link) => [link.accountId, link]));
  const ids = [...new Set([...stored.keys(), ...linkOf.keys()])].sort();
  return {
    accounts: ids.map((accountId) => {
      const data = stored.get(accountId);
      const link = linkOf.get(accountId);
      return {
        accountId,
        label: link && !link.revokedAt ? link.label : (data?.label ?? link!.label),
        services: data?.services ?? [],
        spanCount: data?.spanCount ?? 0,
        lastSeenMs: data ? Number(data.lastSeenNanos / 1_000_000n) : null,
        link: link ? { id: link.id, sinkId: link.sinkId, types: link.types, createdAt: link.createdAt, revokedAt: link.revokedAt } : null,
        federated: federation.statusOf(accountId),
      };
    }),
  };
}

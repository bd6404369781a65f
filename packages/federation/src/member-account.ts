import type { GraphRecord, MapNodeRef } from '@stitch/graph';
import type { Account, Span, TraceSummary } from '@stitch/model';
import type { AccountSummary, ServiceSummary } from '@stitch/store';

// A member's agent answers for one account: the one central linked it for. Whatever account its
// answers name, they are put in that one, so a compromised agent cannot show (or hide its data
// as) another member's services and spans. As at ingest: the transport decides the account.

export function spansAs(account: Account, spans: Span[]): Span[] {
  return spans.map((span) => ({ ...span, account: { id: account.id, label: account.label } }));
}

export function summariesAs(account: Account, summaries: TraceSummary[]): TraceSummary[] {
  return summaries.map((summary) => ({ ...summary, accounts: [account.id] }));
}

/** Instrumented services only: an inferred peer's account is what its callers recorded, as at ingest. */
export function recordsAs(account: Account, records: GraphRecord[]): GraphRecord[] {
  const node = (ref: MapNodeRef): MapNodeRef => (ref.inferred === null ? { ...ref, account: account.id, accountLabel: account.label } : ref);
  return records.map((record) => ({ ...record, from: record.from && node(record.from), to: node(record.to) }));
}

/** One entry per service (an agent listing a service under two accounts gets it once, counts added). */
export function servicesAs(account: Account, services: ServiceSummary[]): ServiceSummary[] {
  const byName = new Map<string, ServiceSummary>();
  for (const service of services) {
    const seen = byName.get(service.serviceName);
    if (seen) seen.spanCount += service.spanCount;
    else byName.set(service.serviceName, { serviceName: service.serviceName, accounts: [account.id], spanCount: service.spanCount });
  }
  return [...byName.values()].sort((a, b) => (a.serviceName < b.serviceName ? -1 : a.serviceName > b.serviceName ? 1 : 0));
}

/** The member's account alone (none when the agent has no spans), everything the agent listed added into it. */
export function accountsAs(account: Account, accounts: AccountSummary[]): AccountSummary[] {
  if (accounts.length === 0) return [];
  const services = new Set(accounts.flatMap((summary) => summary.services));
  return [
    {
      accountId: account.id,
      label: account.label,
      services: [...services].sort(),
      spanCount: accounts.reduce((sum, summary) => sum + summary.spanCount, 0),
      lastSeenNanos: accounts.reduce((newest, summary) => (summary.lastSeenNanos > newest ? summary.lastSeenNanos : newest), accounts[0]!.lastSeenNanos),
      firstSeenNanos: accounts.reduce((oldest, summary) => (summary.firstSeenNanos < oldest ? summary.firstSeenNanos : oldest), accounts[0]!.firstSeenNanos),
    },
  ];
}

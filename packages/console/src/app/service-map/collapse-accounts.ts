import type { MapEdgeJson, MapNodeJson, StatsJson } from '@stitch/api';

/** The id of the one node an account is drawn as while collapsed. */
export const accountNodeId = (account: string) => `account|${account}`;

const WORST = { green: 0, yellow: 1, red: 2 } as const;

/**
 * The map with each collapsed account's services drawn as one node, and the calls to and from
 * them as calls to and from that node (calls inside the account are not drawn). Only what adds
 * up is summed (requests, rates, failures); a latency percentile of several services or edges is
 * not any of theirs, so a merged one has none (its parts' tooltips do). Health: the worst.
 */
export function collapseAccounts(nodes: readonly MapNodeJson[], edges: readonly MapEdgeJson[], collapsed: ReadonlySet<string>): { nodes: MapNodeJson[]; edges: MapEdgeJson[] } {
  if (collapsed.size === 0) return { nodes: [...nodes], edges: [...edges] };
  const shownAs = new Map<string, string>();
  const members = new Map<string, MapNodeJson[]>();
  const shown: MapNodeJson[] = [];
  for (const node of nodes) {
    if (node.inferred !== null || !collapsed.has(node.account)) {
      shown.push(node);
      continue;
    }
    shownAs.set(node.id, accountNodeId(node.account));
    members.set(node.account, [...(members.get(node.account) ?? []), node]);
  }
  for (const [account, services] of members) shown.push(accountNode(account, services));

  const merged = new Map<string, MapEdgeJson[]>();
  for (const edge of edges) {
    const from = shownAs.get(edge.from) ?? edge.from;
    const to = shownAs.get(edge.to) ?? edge.to;
    if (from === to && from !== edge.from) continue;
    const key = `${from}\u0000${to}\u0000${edge.connection}`;
    merged.set(key, [...(merged.get(key) ?? []), { ...edge, from, to }]);
  }
  return { nodes: shown, edges: [...merged.values()].map((parts) => (parts.length === 1 ? parts[0]! : { ...parts[0]!, stats: summed(parts.map((part) => part.stats)), query: either(parts.map((part) => part.query)), traces: { ...parts[0]!.traces, q: either(parts.map((part) => part.traces.q)) } })) };
}

function accountNode(account: string, services: readonly MapNodeJson[]): MapNodeJson {
  const first = services[0]!;
  const query = `account = "${account}"`;
  return {
    ...first,
    id: accountNodeId(account),
    service: `${services.length} services`,
    label: `${services.length} services`,
    stats: summed(services.map((service) => service.stats)),
    rootEntries: services.reduce((sum, service) => sum + service.rootEntries, 0),
    query,
    traces: { ...first.traces, q: query },
  };
}

function summed(parts: readonly StatsJson[]): StatsJson {
  if (parts.length === 1) return parts[0]!;
  const total = (key: 'requests' | 'requestsPerSecond' | 'errors' | 'faults' | 'throttles') => parts.reduce((sum, part) => sum + part[key], 0);
  const requests = total('requests');
  const rate = (count: number) => (requests === 0 ? 0 : count / requests);
  return {
    requests,
    requestsPerSecond: total('requestsPerSecond'),
    p50Nanos: null,
    p95Nanos: null,
    p99Nanos: null,
    meanNanos: null,
    errors: total('errors'),
    faults: total('faults'),
    throttles: total('throttles'),
    errorRate: rate(total('errors')),
    faultRate: rate(total('faults')),
    throttleRate: rate(total('throttles')),
    health: parts.reduce((worst, part) => (WORST[part.health] > WORST[worst] ? part.health : worst), parts[0]!.health),
  };
}

const either = (queries: readonly string[]) => (queries.length === 1 ? queries[0]! : queries.map((query) => `(${query})`).join(' OR '));

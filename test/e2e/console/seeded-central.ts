import { ACCOUNTS, checkoutTraces, type PlantedCauses } from '@stitch/test-support/fixtures';
import { LinkRegistry } from '@stitch/central';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { nanos, type Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';

export interface SeededCentral {
  central: TestCentral;
  /** The slow traces planted: payments › Stripe API call took 8.4–8.6 s. */
  slowTraceIds: string[];
  traceIds: string[];
  stop(): Promise<void>;
}

/**
 * A real central (DuckDB in memory) holding checkout traces of the last few minutes from five
 * linked accounts, each account's spans sent with its own link token, and the service map
 * flushed: what an on-call finds when they open the console.
 */
/** `extraTraces`: sent along with the checkout traces (and moved in time with them), for a test's own cases. */
/** `adminToken`: a central that needs credentials (the seeding uses link tokens, so it is seeded all the same). */
export async function startSeededCentral(options: { traces?: number; slowTraces?: number; seed?: number; extraTraces?: Span[][]; adminToken?: string } = {}): Promise<SeededCentral> {
  const registry = await LinkRegistry.open(null);
  const central = await startTestCentral({ links: registry, serviceMap: { pairWaitMs: 60_000, flushEveryMs: 60_000 }, ...(options.adminToken ? { adminToken: options.adminToken } : {}) });
  const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
  const tokens = new Map<string, string>();
  for (const account of Object.values(ACCOUNTS)) {
    const { token } = await registry.createLink(sink.id, { accountId: account.id, accountName: account.label, types: ['traces'], labelTemplate: '$AccountName' });
    tokens.set(account.id, token);
  }
  const seed = options.seed ?? 7;
  const healthy = checkoutTraces(options.traces ?? 200, seed);
  const slowCauses: PlantedCauses = { stripeMs: [8_400, 8_600] };
  const slow = checkoutTraces(options.slowTraces ?? 12, seed + 1, slowCauses);
  const traces = [...healthy, ...slow, ...(options.extraTraces ?? [])];
  // The fixtures start at a fixed instant: move them into the last ten minutes, durations intact.
  const earliest = traces.flat().reduce((min, span) => (span.startTimeUnixNano < min ? span.startTimeUnixNano : min), traces[0]![0]!.startTimeUnixNano);
  const shift = BigInt(Date.now() - 10 * 60_000) * 1_000_000n - earliest;
  const moved = traces.map((trace) => trace.map((span): Span => ({ ...span, startTimeUnixNano: nanos(span.startTimeUnixNano + shift), endTimeUnixNano: nanos(span.endTimeUnixNano + shift) })));
  const byAccount = new Map<string, Span[]>();
  for (const span of moved.flat()) byAccount.set(span.account.id, [...(byAccount.get(span.account.id) ?? []), span]);
  for (const [accountId, spans] of byAccount) {
    for (let i = 0; i < spans.length; i += 1000) {
      const response = await fetch(`${central.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(accountId)}` },
        body: JSON.stringify(spansToOtlpJson(spans.slice(i, i + 1000))),
      });
      if (response.status !== 200) throw new Error(`seeding ${accountId}: ${response.status} ${await response.text()}`);
    }
  }
  await central.flushServiceMap(true);
  return {
    central,
    slowTraceIds: slow.map((trace) => trace[0]!.traceId),
    traceIds: moved.map((trace) => trace[0]!.traceId),
    stop: () => central.stop(),
  };
}

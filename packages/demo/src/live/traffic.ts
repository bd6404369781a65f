import { summarizeRecent, type Sample } from './traffic-stats.ts';

export interface Traffic {
  /** The trace id of the first checkout answered. */
  firstTrace: Promise<string>;
  /** The trace id of the first checkout that took over 8 s (of those sent after a 5 s warm-up). */
  firstSlowTrace: Promise<string>;
  /** Checkouts answered so far, with their trace ids and statuses. */
  samples(): readonly Sample[];
  summary(): string;
  /** Stops sending and waits (at most 11 s) for the checkouts in flight. */
  stop(): Promise<void>;
}

const SLOW_MS = 8_000;
/** Checkouts sent this soon after the start meet services still loading their code: slow for that alone, not the one to show. */
const WARM_UP_MS = 5_000;

/**
 * Shoppers checking out: `rate` POSTs a second to the gateway, each on its own (a slow one does
 * not hold the next back), with a progress line: req/s, p99 and errors of the last 10 s.
 */
export function startTraffic(url: string, rate: number, log: (line: string) => void): Traffic {
  const samples: Sample[] = [];
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  const startedAtMs = Date.now();
  let resolveFirst!: (traceId: string) => void;
  let resolveSlow!: (traceId: string) => void;
  const firstTrace = new Promise<string>((resolve) => (resolveFirst = resolve));
  const firstSlowTrace = new Promise<string>((resolve) => (resolveSlow = resolve));

  const checkout = async () => {
    sent += 1;
    const warm = Date.now() - startedAtMs >= WARM_UP_MS;
    const started = performance.now();
    let status = 0;
    let traceId: string | null = null;
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: `ord-${Date.now().toString(36)}-${sent}`, items: 1 + (sent % 4) }), signal: AbortSignal.timeout(30_000) });
      status = response.status;
      traceId = response.headers.get('x-trace-id');
      await response.arrayBuffer();
    } catch {
      status = 0;
    }
    const ms = performance.now() - started;
    samples.push({ atMs: Date.now(), ms, status, traceId });
    if (traceId && status === 201) {
      resolveFirst(traceId);
      if (ms > SLOW_MS && warm) resolveSlow(traceId);
    }
  };

  const sender = setInterval(() => {
    const request = checkout();
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
  }, Math.max(10, 1000 / rate));
  const progress = setInterval(() => {
    const line = summarizeRecent(samples, Date.now(), 10_000);
    if (process.stdout.isTTY) process.stdout.write(`\r  ${line}   `);
  }, 1000);
  const quiet = setInterval(() => {
    if (!process.stdout.isTTY) log(`  ${summarizeRecent(samples, Date.now(), 10_000)}`);
  }, 10_000);

  return {
    firstTrace,
    firstSlowTrace,
    samples: () => samples,
    summary: () => `${samples.length} checkouts answered of ${sent} sent; ${summarizeRecent(samples, Date.now(), Number.MAX_SAFE_INTEGER)}`,
    async stop() {
      clearInterval(sender);
      clearInterval(progress);
      clearInterval(quiet);
      await Promise.race([Promise.all(inFlight), new Promise((resolve) => setTimeout(resolve, 11_000))]);
    },
  };
}

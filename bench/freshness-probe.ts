import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpClient } from './http-client.ts';
import { summarizeLatencies, type LatencySummary } from './latency-stats.ts';
import { freshTrace, Rng } from './otlp-load.ts';

// "A span is queryable at most 1 s after the exporter's POST returns." The probe posts a trace
// that just ended, and from the moment the 200 arrives asks for it by id until it is found.
// The figure includes the GET's own round trip, so it is an upper bound on the real delay, and
// up to one retry interval late: 25 ms, fine against a 1 s target and light enough that the
// probe's own lookups (one trace read every few milliseconds, at 5 ms) are not what central
// spends its cores on.

const GIVE_UP_MS = 10_000;
const RETRY_EVERY_MS = 25;

export interface FreshnessResult {
  samples: number;
  postMs: LatencySummary | null;
  /** From the POST's 200 to a GET /api/traces/{id} answered 200 with all of the trace's spans. */
  visibleAfterMs: LatencySummary | null;
  /** GETs that did not find a trace that had already been acknowledged (0 when posting to central: its ack means stored). */
  notFoundAfterAck: number;
  /** POSTs not answered 200, traces never found whole within 10 s. */
  failures: number;
  /** Spans of the probe traces central acknowledged (they are stored alongside the load). */
  ackedSpans: number;
}

export interface RunningProbe {
  stop(): Promise<FreshnessResult>;
}

/**
 * Posts one fresh trace every `intervalMs` on its own connection until stopped, and asks
 * `queryClient` (central, when the posts go to an agent; else the same client) for it.
 */
export function startFreshnessProbe(client: HttpClient, options: { intervalMs: number; seed: number; queryClient?: HttpClient }): RunningProbe {
  const queryClient = options.queryClient ?? client;
  const rng = new Rng(options.seed);
  const postMs: number[] = [];
  const visibleAfterMs: number[] = [];
  let notFoundAfterAck = 0;
  let failures = 0;
  let ackedSpans = 0;
  let stopped = false;

  async function probeOnce(): Promise<void> {
    const trace = freshTrace(rng, Date.now());
    const post = await client.post('/v1/traces', trace.body, 'application/x-protobuf');
    const ackedAt = performance.now();
    if (post.status !== 200) {
      failures++;
      return;
    }
    postMs.push(post.ms);
    ackedSpans += trace.spanCount;
    while (performance.now() - ackedAt < GIVE_UP_MS) {
      const answer = await queryClient.getJson<{ spans: unknown[] }>(`/api/traces/${trace.traceId}`);
      if (answer.status === 200 && answer.json?.spans.length === trace.spanCount) {
        visibleAfterMs.push(performance.now() - ackedAt);
        return;
      }
      notFoundAfterAck++;
      await sleep(RETRY_EVERY_MS);
    }
    failures++;
  }

  const loop = (async () => {
    while (!stopped) {
      const next = performance.now() + options.intervalMs;
      await probeOnce();
      const wait = next - performance.now();
      if (wait > 0 && !stopped) await sleep(wait);
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
      return {
        samples: visibleAfterMs.length,
        postMs: summarizeLatencies(postMs),
        visibleAfterMs: summarizeLatencies(visibleAfterMs),
        notFoundAfterAck,
        failures,
        ackedSpans,
      };
    },
  };
}

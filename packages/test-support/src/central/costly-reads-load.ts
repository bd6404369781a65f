import { makeSpan, nanos, type Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { costlyFilter, type CostlyCorpus } from '../fixtures/costly-corpus.ts';

export interface CostlyAnswer {
  status: number;
  ms: number;
  error?: string;
  retryAfter: string | null;
}

export interface CostlyReadsLoad {
  /** Each ingest POST's time (ms), with nothing else running. */
  idle: number[];
  /** The same while `readers` costly searches run back to back. */
  loaded: number[];
  answers: CostlyAnswer[];
}

/** The search the issue found stalls central: 127 OR'd conditions, with the histogram, over the corpus's 31 days. */
export function costlySearch(corpus: CostlyCorpus): URLSearchParams {
  return new URLSearchParams({ q: costlyFilter(127), start: String(corpus.startNs / 1_000_000n), end: String(corpus.endNs / 1_000_000n), histogram: 'true', limit: '20' });
}

export async function timedGet(url: string, token: string): Promise<{ status: number; ms: number; retryAfter: string | null; body: { error?: string; traces?: unknown[] } }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { error?: string; traces?: unknown[] };
  return { status: response.status, ms: performance.now() - started, retryAfter: response.headers.get('retry-after'), body };
}

/** Sequential OTLP/JSON POSTs of 100 fresh spans each, as an exporter sends them; the time of each, in ms. */
export async function ingestLatencies(url: string, token: string, posts: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < posts; i++) {
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const spans: Span[] = Array.from({ length: 100 }, () => makeSpan({ startTimeUnixNano: nanos(nowNs), endTimeUnixNano: nanos(nowNs + 5_000_000n) }));
    const body = JSON.stringify(spansToOtlpJson(spans));
    const started = performance.now();
    const response = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
    await response.arrayBuffer();
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
  }
  return times;
}

/**
 * Ingest latency idle, then while `readers` clients of the read token run the costly search back
 * to back (each starting the next as soon as its answer arrives).
 */
export async function ingestUnderCostlyReads(options: { url: string; ingestToken: string; readToken: string; corpus: CostlyCorpus; posts: number; readers: number }): Promise<CostlyReadsLoad> {
  const { url, ingestToken, readToken, posts } = options;
  await ingestLatencies(url, ingestToken, 10); // warm-up
  const idle = await ingestLatencies(url, ingestToken, posts);
  const search = `${url}/api/traces?${costlySearch(options.corpus)}`;
  const answers: CostlyAnswer[] = [];
  let measuring = true;
  const reader = async () => {
    while (measuring) {
      const { status, ms, retryAfter, body } = await timedGet(search, readToken);
      answers.push({ status, ms, retryAfter, ...(body.error ? { error: body.error } : {}) });
    }
  };
  const readers = Array.from({ length: options.readers }, reader);
  await new Promise((resolve) => setTimeout(resolve, 500)); // the searches are running
  try {
    const loaded = await ingestLatencies(url, ingestToken, posts);
    return { idle, loaded, answers };
  } finally {
    measuring = false;
    await Promise.all(readers);
  }
}

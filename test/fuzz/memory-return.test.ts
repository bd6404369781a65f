import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStitch, type StartedProcess } from '@stitch/test-support/cli-process';
import { fuzzRuns, fuzzSeed, share } from './fuzz-run.ts';
import { FuzzClient, inParallel } from './http-client.ts';
import { randomFor } from './mutate.ts';
import { encodeForTransport, jsonBody, otlpSeeds, protobufBody } from './otlp-inputs.ts';

// Memory is bounded: `stitch central` on its DuckDB file takes two equal bursts of the OTLP fuzz
// inputs (protobuf and JSON, 48 in flight), each followed by idle time. Its idle resident memory
// after the second burst must be no more than after the first (within 1.3×): every cache and
// queue it fills is bounded (docs/memory.md; docs/operations.md, Limits), so a burst leaves
// nothing behind that the next one adds to. And it must stay within 2.5× of its cold idle memory,
// which allows what the allocator and DuckDB's buffer pool keep after a burst. Measured from
// outside, in /proc, as an operator's monitoring would. Comparing bursts, not "before" with
// "after", is what makes this steady: how much the allocator hands back, and when, varies with
// the machine's load, while a leak grows with every burst.

const IN_FLIGHT = 48;
const MAX_GROWTH_BETWEEN_BURSTS = 1.3;
const MAX_GROWTH_FROM_COLD = 2.5;
// Memory comes back in steps as central's timed work runs (ingest-log segments every 30 s, the
// derived figures' flushes, DuckDB's checkpoints); the lowest sample of an idle stretch is its level.
const IDLE_MS = 45_000;
const SAMPLE_MS = 3_000;

const residentMiB = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) / 1024;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let central: StartedProcess & { match: RegExpMatchArray };
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stitch-memory-'));
  central = await startStitch(['central', '--data', dir, '--port', '0'], /listening on (http:\/\/\S+)/, 60_000);
});
after(async () => {
  await central.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The lowest resident memory over an idle stretch, and every sample, for the failure message. */
async function idleLevel(pid: number): Promise<{ level: number; samples: number[] }> {
  const samples: number[] = [];
  for (const until = Date.now() + IDLE_MS; Date.now() < until; ) {
    await sleep(SAMPLE_MS);
    samples.push(residentMiB(pid));
  }
  return { level: Math.min(...samples), samples };
}

test(`central's idle memory after a burst of ${fuzzRuns()} OTLP fuzz inputs is no more than after the same burst before it`, { timeout: 600_000 }, async (t) => {
  const pid = central.child.pid!;
  await sleep(3_000);
  const cold = residentMiB(pid);
  const seeds = await otlpSeeds();
  const client = new FuzzClient(central.match[1]!, { connections: IN_FLIGHT, timeoutMs: 60_000 });
  const statuses = new Map<number, number>();
  const perFormat = share(fuzzRuns(), 0.25);
  const seed = fuzzSeed();
  let peak = cold;
  let drawn = 0;
  const burst = async () => {
    for (const format of ['protobuf', 'json'] as const) {
      const first = drawn;
      drawn += perFormat;
      await inParallel(perFormat, IN_FLIGHT, async (i) => {
        const random = randomFor(seed, first + i);
        const input = encodeForTransport(random, format === 'protobuf' ? protobufBody(random, seeds) : jsonBody(random, seeds), format);
        const answer = await client.send({ method: 'POST', path: '/v1/traces', headers: input.headers, body: input.body });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (i % 500 === 0) peak = Math.max(peak, residentMiB(pid));
      });
    }
    return idleLevel(pid);
  };
  const first = await burst();
  const second = await burst();
  client.close();
  const seen = `cold ${cold.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB; idle every ${SAMPLE_MS / 1000} s after the first burst: ${first.samples.map((s) => s.toFixed(0)).join(' ')}; after the second: ${second.samples.map((s) => s.toFixed(0)).join(' ')}`;
  t.diagnostic(seen);
  assert.ok((statuses.get(200) ?? 0) > drawn / 10, `the bursts stored spans too: ${JSON.stringify([...statuses])}`);
  assert.ok(second.level <= first.level * MAX_GROWTH_BETWEEN_BURSTS, `idle RSS grew from ${first.level.toFixed(0)} to ${second.level.toFixed(0)} MiB with the second burst: more than ${MAX_GROWTH_BETWEEN_BURSTS}× (${seen})`);
  assert.ok(second.level <= cold * MAX_GROWTH_FROM_COLD, `idle RSS ${second.level.toFixed(0)} MiB after the bursts: more than ${MAX_GROWTH_FROM_COLD}× the cold ${cold.toFixed(0)} MiB (${seen})`);
});

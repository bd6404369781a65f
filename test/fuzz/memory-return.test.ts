import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStitch, type StartedProcess } from '@stitch/test-support/cli-process';
import { fuzzRuns, fuzzSeed } from './fuzz-run.ts';
import { FuzzClient, inParallel } from './http-client.ts';
import { randomFor } from './mutate.ts';
import { encodeForTransport, jsonBody, otlpSeeds, protobufBody } from './otlp-inputs.ts';

// Memory returns: `stitch central` on its DuckDB file, idle, then the OTLP fuzz inputs (protobuf
// and JSON, 48 in flight), then idle again. Its resident memory must come back within 1.5× of
// where it started: every cache and queue it fills is bounded (docs/memory.md; docs/operations.md, Limits). Measured from
// outside, in /proc, as an operator's monitoring would.

const IN_FLIGHT = 48;
const MAX_GROWTH = 1.5;
// Memory comes back in steps as central's timed work runs (ingest-log segments every 30 s, the
// derived figures' flushes, DuckDB's checkpoints): alone 530 → 490 → 435 → 355 MiB over 90 s,
// later beside the rest of the suite. The wait ends as soon as the bound is met.
const SETTLE_MS = 180_000;

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

test(`central's idle memory after ${fuzzRuns()} protobuf and ${fuzzRuns()} JSON fuzz inputs is within ${MAX_GROWTH}× of its idle memory before`, { timeout: 600_000 }, async () => {
  const pid = central.child.pid!;
  await sleep(3_000);
  const before = residentMiB(pid);
  const seeds = await otlpSeeds();
  const client = new FuzzClient(central.match[1]!, { connections: IN_FLIGHT, timeoutMs: 60_000 });
  const statuses = new Map<number, number>();
  const runs = fuzzRuns();
  const seed = fuzzSeed();
  let peak = before;
  for (const format of ['protobuf', 'json'] as const) {
    await inParallel(runs, IN_FLIGHT, async (i) => {
      const random = randomFor(seed, i + (format === 'json' ? runs : 0));
      const input = encodeForTransport(random, format === 'protobuf' ? protobufBody(random, seeds) : jsonBody(random, seeds), format);
      const answer = await client.send({ method: 'POST', path: '/v1/traces', headers: input.headers, body: input.body });
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (i % 500 === 0) peak = Math.max(peak, residentMiB(pid));
    });
  }
  client.close();
  assert.ok((statuses.get(200) ?? 0) > runs / 10, `the run stored spans too: ${JSON.stringify([...statuses])}`);
  // Idle: background flushes and DuckDB's checkpoint run, then memory is given back.
  const deadline = Date.now() + SETTLE_MS;
  let after = residentMiB(pid);
  const samples = [after];
  while (after > before * MAX_GROWTH && Date.now() < deadline) {
    await sleep(5_000);
    after = residentMiB(pid);
    samples.push(after);
  }
  assert.ok(after <= before * MAX_GROWTH, `idle RSS ${after.toFixed(0)} MiB after the run, ${before.toFixed(0)} MiB before (peak ${peak.toFixed(0)} MiB): more than ${MAX_GROWTH}× (every 5 s while idle: ${samples.map((s) => s.toFixed(0)).join(' ')})`);
});

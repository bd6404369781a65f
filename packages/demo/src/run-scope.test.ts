import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSpan, nanos, spansToBatch, type Span } from '@stitch/model';
import { openDuckDbStore, type DuckDbStore } from '@stitch/store-duckdb';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { DEFAULT_DEMO_DATA_DIR, prepareDemoDataDir } from './demo-data-dir.ts';
import { printRunDiagnosis } from './run-answers.ts';

// Demo scenarios run one after another (as docs/demo.md lists them): each run's answers are its own.

test('without --data a run starts on an empty .stitch-data/demo; a directory named with --data is kept', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'stitch-demo-dir-'));
  try {
    const earlier = join(cwd, DEFAULT_DEMO_DATA_DIR, 'agents', '444444444444', 'spool.jsonl');
    mkdirSync(join(earlier, '..'), { recursive: true });
    writeFileSync(earlier, 'an earlier run');
    assert.deepEqual(prepareDemoDataDir(undefined, cwd), { dir: join(cwd, DEFAULT_DEMO_DATA_DIR), fresh: true });
    assert.equal(existsSync(earlier), false, "the earlier run's store and spools are gone");
    assert.equal(existsSync(join(cwd, DEFAULT_DEMO_DATA_DIR)), true);

    const kept = join(cwd, 'mine', 'stitch.duckdb');
    mkdirSync(join(kept, '..'), { recursive: true });
    writeFileSync(kept, 'kept');
    assert.deepEqual(prepareDemoDataDir('mine', cwd), { dir: join(cwd, 'mine'), fresh: false });
    assert.equal(existsSync(kept), true, '--data DIR is kept as it is');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

describe('the diagnosis a run prints is of its own traffic, on a store that holds an earlier scenario', () => {
  let store: DuckDbStore;
  let central: TestCentral;
  const nowMs = Date.now();
  const runStartMs = nowMs - 120_000;
  let n = 0;
  const at = (ms: number) => nanos(BigInt(ms) * 1_000_000n);
  /** A checkout at the gateway taking `ms`, with one child of `service` taking all but 50 ms of it. */
  const checkout = (startMs: number, ms: number, service: string, name: string, kind: Span['kind']): Span[] => {
    n += 1;
    const traceId = `${n.toString(16).padStart(8, '0')}${'ab'.repeat(12)}`;
    const rootId = `${n.toString(16).padStart(8, '0')}00000001`;
    const account = { id: '111111111111', label: 'edge (111111111111)' };
    return [
      makeSpan({ traceId, spanId: rootId, name: 'POST /checkout', kind: 'server', account, resource: { serviceName: 'edge-gateway', attributes: {} }, startTimeUnixNano: at(startMs), endTimeUnixNano: at(startMs + ms) }),
      makeSpan({ traceId, spanId: `${n.toString(16).padStart(8, '0')}00000002`, parentSpanId: rootId, name, kind, account, resource: { serviceName: service, attributes: {} }, startTimeUnixNano: at(startMs + 25), endTimeUnixNano: at(startMs + ms - 25) }),
    ];
  };
  const slowThisRun = 40;

  before(async () => {
    store = await openDuckDbStore({ path: ':memory:' });
    central = await startTestCentral({ store, now: () => nowMs });
    const spans: Span[] = [];
    // The earlier run (stripe-tail), 5 to 35 minutes ago: 60 checkouts of 9 s in Stripe, 120 quick ones.
    for (let i = 0; i < 180; i++) spans.push(...checkout(nowMs - 35 * 60_000 + i * 10_000, i < 60 ? 9_000 : 200, 'payments', 'Stripe API call', 'client'));
    // This run (retry-storm), since its start: 40 checkouts of 3 s in inventory's warehouse retries, 80 quick ones.
    for (let i = 0; i < 120; i++) spans.push(...checkout(runStartMs + 1_000 + i * 900, i < slowThisRun ? 3_000 : 200, 'inventory', 'GET /stock (warehouse, with retries)', 'client'));
    await store.writeBatch(spansToBatch(spans));
  });
  after(() => central.stop());

  test('retry-storm after stripe-tail: the slow checkouts of this run, and no word of Stripe', async () => {
    const lines: string[] = [];
    await printRunDiagnosis(central.url, 'retry-storm', runStartMs, (line) => lines.push(line));
    const printed = lines.join('\n');
    assert.match(printed, new RegExp(`\\n${slowThisRun} matching traces`), printed);
    assert.doesNotMatch(printed, /Stripe|payments/, printed);
    assert.match(printed, /Top: .*inventory/, printed);
  });
});

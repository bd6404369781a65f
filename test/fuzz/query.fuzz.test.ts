import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkoutTraces } from '@stitch/test-support/fixtures';
import { spansToBatch, type Span } from '@stitch/model';
import { FilterSyntaxError, parseFilter, traceMatches, type FilterExpr } from '@stitch/query';
import { openDuckDbStore, type DuckDbStore } from '@stitch/store-duckdb';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { filterExpression, percentEncode, searchQuery, traceIdSegment } from './filter-inputs.ts';
import { fuzzRuns, fuzzSeed, holds, reproduce, share } from './fuzz-run.ts';
import { MAX_HEAP_GROWTH_MIB, settledHeapMiB } from './heap.ts';
import { FuzzClient, inParallel } from './http-client.ts';
import { randomFor } from './mutate.ts';

// Filter expressions in-process (parse, or a FilterSyntaxError at a column of the text; the
// reference evaluator never throws) and through central's search and diagnose; trace ids in
// URLs; hostile search parameters. Central holds checkout traces to search.

/** "Well under a second" for one expression, parsed and evaluated over every stored trace. */
const MAX_EXPRESSION_MS = 250;
/** Node refuses a request head over 16 KiB itself (431), before any route sees it. */
const MAX_HEADER_BYTES = 16 * 1024;

describe('fuzzing filter expressions, trace ids in URLs and search parameters', () => {
  const seed = fuzzSeed();
  const runs = fuzzRuns();
  // Of the 10,000 expressions, 2,000 also through HTTP; and 3,000 hostile query strings.
  const httpExpressions = share(runs, 0.2);
  const queryStrings = share(runs, 0.3);
  const traces: Span[][] = checkoutTraces(40, 77);
  const traceIds = traces.map((spans) => spans[0]!.traceId);
  const startMs = Number(traces.flat().reduce((min, span) => (span.startTimeUnixNano < min ? span.startTimeUnixNano : min), traces[0]![0]!.startTimeUnixNano) / 1_000_000n) - 1;
  const endMs = startMs + 3_600_000;
  let store: DuckDbStore;
  let central: TestCentral;
  let client: FuzzClient;
  let heapAfterWarmUp = 0;

  before(async () => {
    store = await openDuckDbStore({ path: ':memory:' });
    for (const spans of traces) await store.writeBatch(spansToBatch(spans));
    central = await startTestCentral({ store });
    // Requests queue for the store's one reading connection: a slow neighbour is no hang.
    client = new FuzzClient(central.url, { connections: 8, timeoutMs: 30_000 });
  });
  after(async () => {
    client.close();
    await central.stop();
  });

  /** Parses input #index; checks the error's kind and column, and that the reference evaluator takes the result. */
  function parseOne(index: number): { text: string; expr: FilterExpr | null } {
    const text = filterExpression(randomFor(seed, index));
    const failure = () => reproduce('filter', seed, index, text);
    const started = performance.now();
    let expr: FilterExpr | null = null;
    try {
      expr = parseFilter(text);
    } catch (error) {
      holds(error instanceof FilterSyntaxError, () => `threw ${(error as Error).stack}; ${failure()}`);
      const { column } = error;
      holds(Number.isInteger(column) && column >= 1 && column <= text.length + 1, () => `column ${column} outside 1…${text.length + 1}; ${failure()}`);
    }
    if (expr) for (const spans of traces) traceMatches(expr, spans);
    const elapsed = performance.now() - started;
    holds(elapsed < MAX_EXPRESSION_MS, () => `took ${elapsed.toFixed(0)} ms; ${failure()}`);
    return { text, expr };
  }

  /** GET `path`, whose answer must be one of `answers`; past node's 16 KiB request head, node's own 431 before any route. */
  async function get(surface: string, index: number, path: string, answers: ReadonlySet<number>): Promise<{ status: number; body: Buffer }> {
    if (path.length > MAX_HEADER_BYTES) answers = new Set([431]);
    let answer;
    try {
      answer = await client.send({ path });
    } catch (error) {
      assert.fail(`no answer (${(error as Error).message}); ${reproduce(surface, seed, index, path)}`);
    }
    holds(answers.has(answer.status), () => `GET ${path.slice(0, 200)} answered ${answer.status}: ${answer.body.toString().slice(0, 300)}; ${reproduce(surface, seed, index, path)}`);
    return answer;
  }

  test('warm-up', async () => {
    for (let i = 0; i < 200; i++) parseOne(runs * 3 + i);
    await inParallel(200, 8, async (i) => {
      await get('trace-id-url', runs * 3 + i, `/api/traces/${traceIdSegment(randomFor(seed, runs * 3 + i), traceIds)}`, new Set([200, 400, 404]));
    });
    heapAfterWarmUp = await settledHeapMiB();
  });

  test(`${runs} expressions in-process: a parse, or a FilterSyntaxError with a column in the text, each in under ${MAX_EXPRESSION_MS} ms`, () => {
    let parsed = 0;
    for (let i = 0; i < runs; i++) if (parseOne(i).expr) parsed += 1;
    assert.ok(parsed > share(runs, 0.2) && parsed < share(runs, 0.9), `${parsed} of ${runs} parsed: the generator must reach both outcomes`);
  });

  test(`${httpExpressions} of them through /api/traces?q= and /api/diagnose?q=: 200 or 400, and a search finds exactly the matching traces`, async () => {
    const window = `start=${startMs}&end=${endMs}`;
    await inParallel(httpExpressions, 8, async (i) => {
      const { text, expr } = parseOne(i);
      // Diagnose runs two searches and reads every trace: one in sixteen, to keep the run short.
      const diagnose = i % 16 === 15;
      const path = diagnose ? `/api/diagnose?q=${percentEncode(text)}&${window}&limit=50` : `/api/traces?q=${percentEncode(text)}&${window}&limit=1000`;
      const answer = await get('filter-http', i, path, new Set([200, 400]));
      if (answer.status === 431) return;
      const body = JSON.parse(answer.body.toString()) as { error?: string; column?: number; traces?: Array<{ traceId: string }> };
      if (answer.status === 400) {
        holds(typeof body.error === 'string' && body.error.startsWith('q: '), () => `a 400 must name q: ${body.error}; ${reproduce('filter-http', seed, i, text)}`);
        return;
      }
      if (diagnose || !expr) return;
      // The store compiles the expression to SQL; the reference evaluator says what it must find.
      const expected = traces.filter((spans) => traceMatches(expr, spans)).map((spans) => spans[0]!.traceId).sort();
      const found = body.traces!.map((trace) => trace.traceId).sort();
      holds(JSON.stringify(found) === JSON.stringify(expected), () => `found ${found.length} traces, the reference ${expected.length}; ${reproduce('filter-http', seed, i, text)}`);
    });
  });

  test(`${runs} path segments for GET /api/traces/{id}: 200, 400 or 404`, async () => {
    const answers = new Map<number, number>();
    await inParallel(runs, 8, async (i) => {
      const path = `/api/traces/${traceIdSegment(randomFor(seed, runs + i), traceIds)}`;
      const { status } = await get('trace-id-url', runs + i, path, new Set([200, 400, 404]));
      answers.set(status, (answers.get(status) ?? 0) + 1);
    });
    assert.ok((answers.get(200) ?? 0) > 0 && (answers.get(404) ?? 0) > 0 && (answers.get(400) ?? 0) > 0, JSON.stringify([...answers]));
  });

  test(`${queryStrings} hostile search parameters on /api/traces and /api/diagnose: 200 or 400`, async () => {
    await inParallel(queryStrings, 8, async (i) => {
      const query = searchQuery(randomFor(seed, runs * 2 + i), startMs, endMs);
      await get('search-params', runs * 2 + i, `${i % 3 === 2 ? '/api/diagnose' : '/api/traces'}?${query}`, new Set([200, 400]));
    });
  });

  test(`memory: the heap after the runs is within ${MAX_HEAP_GROWTH_MIB} MiB of the heap after the warm-up`, async (t) => {
    const growth = (await settledHeapMiB()) - heapAfterWarmUp;
    t.diagnostic(`query: heap growth ${growth.toFixed(1)} MiB; seed ${seed}`);
    assert.ok(growth < MAX_HEAP_GROWTH_MIB, `heap grew ${growth.toFixed(1)} MiB (bound ${MAX_HEAP_GROWTH_MIB} MiB), seed ${seed}`);
  });
});

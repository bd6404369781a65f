import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSpan, nanos } from '@stitch/model';
import { startTestCentral } from '@stitch/test-support/central';
import { spansToOtlpJson } from '@stitch/wire';
import { IngestLog, type LoggedRequestMeta } from './ingest-log.ts';

const ACCOUNT = { id: '123456789012', label: 'shop' };
const traceId = (n: number) => n.toString(16).padStart(32, 'a');

/** An OTLP/JSON request of `spans` spans of one trace. */
function requestBody(n: number, spans: number): Buffer {
  const start = BigInt(Date.UTC(2030, 0, 1, 12)) * 1_000_000n + BigInt(n) * 1_000_000_000n;
  return Buffer.from(
    JSON.stringify(
      spansToOtlpJson(
        Array.from({ length: spans }, (_, i) =>
          makeSpan({ traceId: traceId(n), spanId: (n * 100 + i + 1).toString(16).padStart(16, '0'), parentSpanId: i === 0 ? null : (n * 100 + 1).toString(16).padStart(16, '0'), name: `step ${i}`, startTimeUnixNano: nanos(start + BigInt(i)), endTimeUnixNano: nanos(start + 1_000_000n) }),
        ),
      ),
    ),
  );
}

const meta = (key: string): LoggedRequestMeta => ({ accountId: ACCOUNT.id, accountLabel: ACCOUNT.label, format: 'json', encoding: null, deliveryId: `${ACCOUNT.id}/${key}` });

async function spansOf(url: string, n: number): Promise<number> {
  const response = await fetch(`${url}/api/traces/${traceId(n)}`);
  if (response.status === 404) return 0;
  assert.equal(response.status, 200);
  return ((await response.json()) as { spans: unknown[] }).spans.length;
}

test('at start, central stores what its ingest log holds: a request answered before a crash is stored, one stored already is not stored twice, and the log is emptied', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stitch-log-replay-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'stitch.duckdb');
  const ingestLogDir = join(dir, 'ingest-log');

  // A central with a log answers a request and stops cleanly: it is stored.
  let central = await startTestCentral({ path, ingestLogDir, defaultAccount: ACCOUNT });
  const answer = await fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'first' }, body: requestBody(1, 3).toString() });
  assert.equal(answer.status, 200);
  assert.equal(await spansOf(central.url, 1), 3, 'a read right after the answer finds the spans');
  await central.stop();

  // What a crash leaves: a request answered and never stored, and the first again (its release lost).
  const log = IngestLog.open(ingestLogDir);
  await log.append(meta('second'), requestBody(2, 4));
  await log.append(meta('first'), requestBody(1, 3));
  await log.close();

  const messages: string[] = [];
  central = await startTestCentral({ path, ingestLogDir, defaultAccount: ACCOUNT, log: (message) => messages.push(message) });
  assert.equal(await spansOf(central.url, 2), 4, 'the request answered before the crash is stored');
  assert.equal(await spansOf(central.url, 1), 3, 'the one stored before is not stored twice');
  assert.match(messages.join('\n'), /2 requests accepted before the last stop/);
  await central.stop();
  assert.deepEqual(
    readdirSync(ingestLogDir).filter((name) => name.endsWith('.log')),
    [],
    'every record released: no segment left',
  );

  // And a third start finds nothing to store again.
  central = await startTestCentral({ path, ingestLogDir, defaultAccount: ACCOUNT });
  assert.equal(await spansOf(central.url, 2), 4);
  await central.stop();
});

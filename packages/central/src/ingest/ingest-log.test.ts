import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IngestLog, type LoggedRequestMeta } from './ingest-log.ts';

const meta = (n: number): LoggedRequestMeta => ({ accountId: '111111111111', accountLabel: 'edge', format: 'protobuf', encoding: n % 2 === 0 ? 'gzip' : null, deliveryId: `111111111111/d-${n}` });
const body = (n: number) => Buffer.alloc(100 + n, n % 251);

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'stitch-ingest-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const segments = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.log'));

test('what is not released comes back at the next open, in order, byte for byte; positions go on from there', async (t) => {
  const dir = tempDir(t);
  const log = IngestLog.open(dir);
  const positions = await Promise.all(Array.from({ length: 50 }, (_, n) => log.append(meta(n), body(n))));
  assert.deepEqual(positions, Array.from({ length: 50 }, (_, n) => n), 'positions are given in order of the appends');
  // Released out of order, as writes finish: everything below 40, and two above.
  for (const position of [...positions].reverse()) if (position < 40 || position === 41 || position === 43) log.release(position);
  await log.close();

  const reopened = IngestLog.open(dir);
  const recovered = reopened.takeRecovered();
  assert.deepEqual(
    recovered.map((r) => r.position),
    positions.filter((p) => p >= 40),
    'every record from the first one not released (those released after it come back too: their delivery ids say they are stored)',
  );
  for (const record of recovered) {
    assert.deepEqual(record.meta, meta(record.position));
    assert.ok(record.body.equals(body(record.position)), `body of ${record.position}`);
  }
  assert.equal(reopened.takeRecovered().length, 0, 'handed back once');
  const next = await reopened.append(meta(99), body(99));
  assert.ok(next >= 50, `positions go on after the records left (${next})`);
  await reopened.close();
});

test('a segment is deleted once every record in it is released; the log is empty after all are', async (t) => {
  const dir = tempDir(t);
  const log = IngestLog.open(dir, { segmentBytes: 1_000 });
  const positions: number[] = [];
  for (let n = 0; n < 30; n++) positions.push(await log.append(meta(n), body(n)));
  assert.ok(segments(dir).length >= 5, `small segments roll over: ${segments(dir).length}`);
  // Released out of order, as concurrent writes finish.
  for (const position of [...positions].reverse()) log.release(position);
  assert.ok(segments(dir).length <= 1, `only the segment being written may stay: ${segments(dir)}`);
  await log.close();
  assert.deepEqual(segments(dir), [], 'closed with everything released: nothing left');
  assert.equal(IngestLog.open(dir).takeRecovered().length, 0);
});

test('a record torn by a crash mid-write, or corrupted, is cut off at open: the whole records before it are kept', async (t) => {
  const dir = tempDir(t);
  const log = IngestLog.open(dir);
  for (let n = 0; n < 5; n++) await log.append(meta(n), body(n));
  await log.close();
  const [name] = segments(dir);
  const path = join(dir, name!);
  const whole = statSync(path).size;
  // Half a record's header and payload, as a write cut short leaves it.
  appendFileSync(path, Buffer.from([0x31, 0x4c, 0x54, 0x53, 0xff, 0x00, 0x00, 0x00, 1, 2, 3]));
  const messages: string[] = [];
  const reopened = IngestLog.open(dir, { log: (message) => messages.push(message) });
  assert.equal(reopened.takeRecovered().length, 5);
  assert.equal(statSync(path).size, whole, 'the torn tail is cut');
  assert.match(messages.join('\n'), /cut off/);
  assert.deepEqual(readdirSync(join(dir, 'dead-letter')).map((file) => readFileSync(join(dir, 'dead-letter', file)).length), [11], 'and kept aside');
  await reopened.close();

  // A flipped byte in the third record's payload: its checksum fails, it and what follows are not trusted.
  const data = readFileSync(path);
  let third = 0;
  for (let record = 0; record < 2; record++) third += 12 + data.readUInt32LE(third + 4);
  data[third + 40] = data[third + 40]! ^ 0xff;
  writeFileSync(path, data);
  const damaged = IngestLog.open(dir);
  assert.deepEqual(
    damaged.takeRecovered().map((r) => r.position),
    [0, 1],
  );
  await damaged.close();
});

test('a request that could not be stored is set aside whole in dead-letter/, with the reason', async (t) => {
  const dir = tempDir(t);
  const log = IngestLog.open(dir);
  const position = await log.append(meta(7), body(7));
  const path = await log.deadLetter({ position, meta: meta(7), body: body(7) }, 'spans: the store refused the batch');
  log.release(position);
  await log.close();
  const letter = JSON.parse(readFileSync(path, 'utf8')) as { reason: string; meta: LoggedRequestMeta; bodyBase64: string };
  assert.equal(letter.reason, 'spans: the store refused the batch');
  assert.deepEqual(letter.meta, meta(7));
  assert.ok(Buffer.from(letter.bodyBase64, 'base64').equals(body(7)));
  assert.deepEqual(segments(dir), []);
});

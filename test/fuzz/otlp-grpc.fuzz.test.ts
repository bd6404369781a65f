import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import { openDuckDbStore } from '@stitch/store-duckdb';
import type { CentralStore } from '@stitch/store';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { exportRawGrpc } from '@stitch/test-support/exporters';
import { fuzzRuns, fuzzSeed, holds, reproduce, share } from './fuzz-run.ts';
import { inParallel } from './http-client.ts';
import { randomFor } from './mutate.ts';
import { AcknowledgedSpans, acknowledgedBatch, rejectedSpansOf } from './otlp-accounting.ts';
import { otlpSeeds, protobufBody, type OtlpSeeds } from './otlp-inputs.ts';

// OTLP/gRPC's TraceService/Export on a real central: every call is answered OK or with a clear
// status (INVALID_ARGUMENT, RESOURCE_EXHAUSTED for a message over the limit), never an internal
// error or a dropped connection, and every span an OK acknowledged is in the store afterwards.
// gRPC itself frames and inflates the messages; the messages are the HTTP fuzzing's protobuf bodies.

const ANSWERS = new Set([status.OK, status.INVALID_ARGUMENT, status.RESOURCE_EXHAUSTED]);
const IN_FLIGHT = 32;

describe('fuzzing central OTLP/gRPC TraceService/Export', () => {
  const seed = fuzzSeed();
  const runs = fuzzRuns();
  let store: CentralStore;
  let central: TestCentral;
  let client: Client;
  let seeds: OtlpSeeds;
  const acknowledged = new AcknowledgedSpans();
  const codes = new Map<number, number>();

  before(async () => {
    store = await openDuckDbStore({ path: ':memory:' });
    central = await startTestCentral({ store, grpc: { port: 0 }, maxBodyBytes: 1024 * 1024 });
    client = new Client(`127.0.0.1:${central.grpcPort}`, credentials.createInsecure());
    seeds = await otlpSeeds();
  });
  after(async () => {
    client.close();
    await central.stop();
  });

  const call = (body: Buffer, gzip: boolean) => {
    const metadata = new Metadata();
    if (gzip) metadata.set('grpc-internal-encoding-request', 'gzip');
    return exportRawGrpc(client, body, metadata);
  };

  test(`${runs} messages (mutated valid requests, lengths, random bytes; a third gzipped): OK, INVALID_ARGUMENT or RESOURCE_EXHAUSTED only`, async () => {
    await inParallel(runs, IN_FLIGHT, async (i) => {
      const random = randomFor(seed, i);
      const body = protobufBody(random, seeds);
      const { error, response } = await call(body, random.chance(1 / 3));
      const code = error?.code ?? status.OK;
      codes.set(code, (codes.get(code) ?? 0) + 1);
      const failure = () => reproduce('otlp-grpc', seed, i, body);
      holds(ANSWERS.has(code), () => `answered ${status[code]}: ${error?.details}; ${failure()}`);
      if (code !== status.OK) {
        holds(error!.details.length > 0, () => `${status[code]} without a message; ${failure()}`);
        return;
      }
      const { decoded } = acknowledgedBatch(body, 'protobuf');
      holds(decoded, () => `central acknowledged a message it cannot decode here; ${failure()}`);
      const rejected = rejectedSpansOf({ status: 200, headers: { 'content-type': 'application/x-protobuf' }, body: response! });
      holds(rejected === decoded.rejected.length, () => `partialSuccess.rejectedSpans ${rejected}, expected ${decoded.rejected.length}; ${failure()}`);
      acknowledged.add(decoded);
    });
    assert.ok((codes.get(status.OK) ?? 0) > share(runs, 0.05) && (codes.get(status.INVALID_ARGUMENT) ?? 0) > share(runs, 0.3), `answers by status: ${JSON.stringify([...codes])}`);
  });

  test('afterwards: central answers, and every acknowledged span is in the store', async () => {
    assert.equal((await fetch(`${central.url}/api/health`)).status, 200);
    assert.equal((await store.stats()).spanCount, acknowledged.rows, `spans stored vs acknowledged, seed ${seed}`);
    assert.deepEqual(await acknowledged.missingFrom(store), [], `acknowledged spans missing from the store, seed ${seed}`);
  });
});

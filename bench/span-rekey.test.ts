import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOtlpTraces } from '@stitch/wire';
import { buildPayloadPool, payloadForRound } from './otlp-load.ts';
import { batchInRound } from './span-rekey.ts';

const account = { id: 'bench', label: 'bench' };

test('a re-keyed decoded batch equals the decode of the re-keyed payload', () => {
  const pool = buildPayloadPool({ seed: 3, spans: 600, spansPerRequest: 256, anchorMs: 1_764_000_000_000 });
  for (const payload of pool.payloads) {
    const base = decodeOtlpTraces(payload.body, 'protobuf', account).batch;
    for (const round of [0, 1, 9, 123_456]) {
      const expected = decodeOtlpTraces(payloadForRound(payload, round), 'protobuf', account).batch;
      assert.deepEqual(batchInRound(base, round), expected);
    }
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchToSpans } from '@stitch/model';
import { nestedJsonRequest, nestedProtobufRequest } from '@stitch/test-support/fixtures';
import { decodeOtlpTraces } from './decode-otlp.ts';
import { NESTING_LIMITS, refuseDeepJson } from './nesting-limit.ts';
import { WireError } from './wire-error.ts';

const account = { id: '222222222222', label: 'checkout' };

/** The deepest nesting of the JSON text, counted as refuseDeepJson counts (brackets outside strings). */
function jsonDepthOf(text: Buffer): number {
  for (let limit = 1; ; limit++) {
    try {
      refuseDeepJson(text, limit);
      return limit;
    } catch {
      // deeper
    }
  }
}

test('OTLP/JSON nested as deep as the limit is decoded; one level more is refused whole, naming the limit (the same on every thread)', () => {
  for (const kvlistFirst of [false, true]) {
    let levels = 1;
    while (jsonDepthOf(nestedJsonRequest(levels + 1, kvlistFirst)) <= NESTING_LIMITS.jsonLevels) levels += 1;
    const within = nestedJsonRequest(levels, kvlistFirst);
    assert.ok(jsonDepthOf(within) > NESTING_LIMITS.jsonLevels - 4, 'the deepest request still decoded is near the limit');
    const [span] = batchToSpans(decodeOtlpTraces(within, 'json', account).batch);
    assert.match(String(span!.attributes.deep), /deep/);
    for (const deeper of [levels + 1, 1_000, 100_000]) {
      assert.throws(() => decodeOtlpTraces(nestedJsonRequest(deeper, kvlistFirst), 'json', account), (error: unknown) => error instanceof WireError && /^JSON: nested deeper than 100 levels \(the limit of nesting\) at byte \d+$/.test(error.message));
    }
  }
});

test('brackets inside strings, escaped quotes included, do not count as nesting', () => {
  const text = Buffer.from(JSON.stringify({ a: '['.repeat(500) + '\\"{{{' + '{'.repeat(500) }));
  assert.doesNotThrow(() => refuseDeepJson(text, 2));
  assert.throws(() => refuseDeepJson(Buffer.from('[[[]]]'), 2), /nested deeper than 2 levels/);
});

test('a protobuf attribute value nested past the limit is left out (its span kept), at any depth, as an unreadable one is', () => {
  const deepOf = (levels: number, kvlistFirst: boolean) => batchToSpans(decodeOtlpTraces(nestedProtobufRequest(levels, kvlistFirst), 'protobuf', account).batch)[0]!.attributes.deep;
  for (const kvlistFirst of [false, true]) {
    assert.match(String(deepOf(NESTING_LIMITS.anyValueLevels, kvlistFirst)), /deep/, `${NESTING_LIMITS.anyValueLevels} levels: kept`);
    for (const levels of [NESTING_LIMITS.anyValueLevels + 1, 1_000, 100_000]) assert.equal(deepOf(levels, kvlistFirst), undefined, `${levels} levels: left out`);
  }
});

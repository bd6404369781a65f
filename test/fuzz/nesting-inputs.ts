import { NESTING_LIMITS } from '@stitch/wire';
import type { Random } from './mutate.ts';
import type { OtlpFormat } from './otlp-inputs.ts';

// How deep the fuzzer nests its requests (built by @stitch/test-support/fixtures' nestedJsonRequest
// and nestedProtobufRequest).

/** A depth to try: mostly near the limit of the format, sometimes far past it. */
export function nestingLevels(random: Random, format: OtlpFormat): number {
  // JSON levels per value level: 3 or 4; the value starts at level 10.
  const nearLimit = format === 'json' ? Math.floor((NESTING_LIMITS.jsonLevels - 9) / 3.5) : NESTING_LIMITS.anyValueLevels;
  const roll = random.float();
  if (roll < 0.7) return Math.max(1, nearLimit - 4 + random.int(9));
  if (roll < 0.9) return 100 + random.int(1_000);
  return 1_000 + random.int(20_000);
}

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the issue asks of every surface: at least this many generated inputs. */
export const MIN_RUNS = 10_000;

/** The inputs `npm test` draws: the same on every run, so CI answers for the code, not for the luck of a draw. */
export const DEFAULT_SEED = 20_261_126;

/**
 * FUZZ_SEED=<n> replays a run, FUZZ_SEED=random explores new inputs (the seed is in every
 * failure message); without it, DEFAULT_SEED.
 */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number {
  if (env.FUZZ_SEED === 'random') return Math.floor(Math.random() * 2 ** 31);
  const given = Number(env.FUZZ_SEED);
  return env.FUZZ_SEED !== undefined && Number.isInteger(given) ? given : DEFAULT_SEED;
}

/** Inputs per surface: `minimum` (10,000 by default), or more with FUZZ_RUNS, never fewer. */
export function fuzzRuns(minimum = MIN_RUNS, env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.FUZZ_RUNS);
  return Number.isInteger(asked) && asked > minimum ? asked : minimum;
}

/** Scales a share of the runs the way FUZZ_RUNS scales the whole (part of a surface's budget). */
export function share(runs: number, fraction: number): number {
  return Math.ceil(runs * fraction);
}

/**
 * How to reproduce input #index of a failed run, with the input written to a temporary file
 * (the start of a corpus entry once minimized).
 */
export function reproduce(surface: string, seed: number, index: number, input?: Uint8Array | string): string {
  let saved = '';
  if (input !== undefined) {
    const file = join(tmpdir(), `stitch-fuzz-${surface}-${seed}-${index}.bin`);
    try {
      writeFileSync(file, input);
      saved = `, input saved to ${file}`;
    } catch {
      // the message still names the seed and the index
    }
  }
  return `${surface}: reproduce with FUZZ_SEED=${seed} (input #${index}${saved})`;
}

/** assert.ok with its message built only on failure (building it writes the input to a file). */
export function holds(condition: unknown, message: () => string): asserts condition {
  if (!condition) assert.fail(message());
}

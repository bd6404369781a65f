import { setTimeout as sleep } from 'node:timers/promises';
import { HttpClient } from './http-client.ts';
import { PayloadCursor } from './ingest-load.ts';
import { runOpenLoopLoad, type OpenLoopResult } from './open-loop-load.ts';
import type { PayloadPool } from './otlp-load.ts';

export interface GoodputSpec {
  /** Offered loads, as multiples of the closed-loop rate; none: no sweep. */
  multiples: number[];
  stepSeconds: number;
  maxInFlight: number;
}

export interface GoodputStep extends OpenLoopResult {
  multiple: number;
}

/** Acknowledged against offered spans/s, step by step: does central hold its capacity past it? */
export interface GoodputResult {
  /** The closed-loop rate the multiples are of. */
  capacitySpansPerSecond: number;
  stepSeconds: number;
  steps: GoodputStep[];
}

/** Far past the rounds of the closed-loop load: the sweep's traces are new to the store. */
const FIRST_ROUND = 1 << 20;
/** Between steps: the backlog the last step admitted is stored before the next starts. */
const PAUSE_MS = 2_000;

/** Open-loop steps at each multiple of `capacity`, one after another, on a central already warm. */
export async function runGoodputSweep(url: string, pool: PayloadPool, capacitySpansPerSecond: number, spec: GoodputSpec, progress: (message: string) => void): Promise<GoodputResult> {
  const client = new HttpClient(url, spec.maxInFlight);
  const cursor = new PayloadCursor(pool.payloads, FIRST_ROUND);
  const steps: GoodputStep[] = [];
  try {
    for (const multiple of spec.multiples) {
      const spansPerSecond = Math.round(capacitySpansPerSecond * multiple);
      progress(`goodput: ${multiple}x = ${spansPerSecond.toLocaleString('en-US')} spans/s offered for ${spec.stepSeconds} s`);
      const step = await runOpenLoopLoad(client, cursor, { spansPerSecond, seconds: spec.stepSeconds, settleSeconds: Math.min(2, spec.stepSeconds / 4), maxInFlight: spec.maxInFlight });
      steps.push({ multiple, ...step });
      await sleep(PAUSE_MS);
    }
  } finally {
    client.close();
  }
  return { capacitySpansPerSecond, stepSeconds: spec.stepSeconds, steps };
}

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startCentral, type RunningCentral } from '@stitch/central';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { emitCheckoutTrace, type EmittedTrace } from './checkout-trace.ts';
import { createDemoTracers } from './otel-tracers.ts';

export interface DemoOptions {
  port: number;
  dataDir: string;
  /** Stop after this many seconds; run until interrupted when absent. */
  durationSeconds?: number;
  /** Checkouts per second of steady traffic. */
  rate?: number;
  log?: (line: string) => void;
}

export interface RunningDemo {
  central: RunningCentral;
  slowTrace: EmittedTrace;
  /** Resolves when the demo has stopped (duration over or `stop()` called). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** A seeded PRNG so a demo run tells the same story every time. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function runDemo(options: DemoOptions): Promise<RunningDemo> {
  const log = options.log ?? console.log;
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const store = await openDuckDbStore({ path: join(dataDir, 'stitch.duckdb') });
  const central = await startOnFreePort(options.port, store);
  const otel = createDemoTracers(central.url);
  const random = mulberry32(42);
  let orderNumber = 0;

  const checkout = (endMs: number, stripeMs?: number): EmittedTrace => {
    orderNumber += 1;
    const tail = random() < 0.02;
    return emitCheckoutTrace(otel.tracers, {
      endMs,
      stripeMs: stripeMs ?? (tail ? 8000 + random() * 2000 : 250 + random() * 900),
      paymentFails: random() < 0.03,
      orderId: `ord-${Date.now().toString(36)}-${orderNumber}`,
    });
  };

  // The last ten minutes of history, with the slow tail the on-call is paged for.
  const now = Date.now();
  for (let i = 0; i < 60; i++) checkout(now - (60 - i) * 10_000);
  const slowTrace = checkout(now - 5_000, 8_500);
  await otel.flush();

  log(`Stitch demo: central at ${central.url}  (store: ${join(dataDir, 'stitch.duckdb')})`);
  log(`  a slow checkout (Stripe took 8.5 s): trace ${slowTrace.traceId}`);
  log(`    ${central.url}/api/traces/${slowTrace.traceId}`);
  log(`    npx stitch trace ${slowTrace.traceId} --url ${central.url}`);
  log(`  slow traces: npx stitch search 'duration > 8' --url ${central.url}`);
  log(`  why they are slow: npx stitch diagnose 'duration > 8' --url ${central.url}`);
  log(options.durationSeconds ? `  running for ${options.durationSeconds} s` : '  steady traffic until Ctrl-C');

  const rate = options.rate ?? 5;
  const traffic = setInterval(() => checkout(Date.now()), Math.max(10, 1000 / rate));
  let stopped = false;
  let finish!: () => void;
  const done = new Promise<void>((resolveDone) => (finish = resolveDone));
  const stop = async () => {
    if (stopped) return done;
    stopped = true;
    clearInterval(traffic);
    clearTimeout(timer);
    await otel.shutdown();
    await central.close();
    await store.close();
    log(`demo stopped after ${orderNumber} checkouts`);
    finish();
  };
  const timer = options.durationSeconds ? setTimeout(() => void stop(), options.durationSeconds * 1000) : undefined;
  return { central, slowTrace, done, stop };
}

async function startOnFreePort(port: number, store: Awaited<ReturnType<typeof openDuckDbStore>>): Promise<RunningCentral> {
  try {
    return await startCentral({ store, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startCentral({ store, port: 0 });
  }
}

import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { DEFAULT_READ_PORT } from '@stitch/federation';
import type { Account } from '@stitch/model';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { CentralRegistration } from './central-registration.ts';
import { IN_MEMORY_STORE } from './in-memory-store.ts';
import { KeptSpans } from './kept-spans.ts';
import { startReadServer, type RunningReadServer } from './read-server.ts';

export interface KeepInAccountOptions {
  /** A directory, or IN_MEMORY_STORE (':memory:') for a throw-away store. */
  storeDir: string;
  account: Account;
  sinkUrl: string;
  token: string;
  host?: string;
  readPort?: number;
  readHost?: string;
  advertiseUrl?: string;
  heartbeatMs?: number;
  serviceMap?: { pairWaitMs?: number; bucketMs?: number };
  log: (message: string) => void;
}

/** Federated mode's pieces, started together: the account's store, its read API, its registration with central. */
export interface KeptAccount {
  kept: KeptSpans;
  /** The read API's own address. */
  readUrl: string;
  registration: CentralRegistration;
  close(): Promise<void>;
}

export async function keepInAccount(options: KeepInAccountOptions): Promise<KeptAccount> {
  const inMemory = options.storeDir === IN_MEMORY_STORE;
  if (!inMemory) await mkdir(options.storeDir, { recursive: true });
  const store = await openDuckDbStore({ path: inMemory ? ':memory:' : join(options.storeDir, 'spans.duckdb') });
  const kept = new KeptSpans({ store, ...options.serviceMap, log: options.log });
  const sinkUrl = options.sinkUrl.replace(/\/+$/, '');
  let registration: CentralRegistration | null = null;
  let reads: RunningReadServer;
  try {
    reads = await startReadServer({
      store,
      account: options.account,
      token: options.token,
      host: options.readHost ?? options.host ?? '127.0.0.1',
      port: options.readPort ?? DEFAULT_READ_PORT,
      linkRefusal: () => registration?.refusal ?? null,
      log: options.log,
    });
  } catch (error) {
    await kept.close();
    throw error;
  }
  registration = new CentralRegistration({ sinkUrl, token: options.token, readUrl: options.advertiseUrl ?? reads.url, everyMs: options.heartbeatMs ?? 5_000, unpaired: kept.unpaired, metrics: kept.metrics, log: options.log });
  registration.start();
  return {
    kept,
    readUrl: reads.url,
    registration,
    async close() {
      await reads.close();
      // What the service map settles on the way out goes to central with the last heartbeat.
      await kept.flushServiceMap(true);
      await registration!.stop();
      await kept.close();
    },
  };
}

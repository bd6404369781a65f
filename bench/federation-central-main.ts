import { startCentral } from '@stitch/central';
import { openDuckDbStore } from '@stitch/store-duckdb';
import type { CentralChildOptions, CentralReply, CentralRequest } from './federation-central.ts';

// The child process federation-central.ts forks: central on a free loopback port with an
// in-memory link registry (the bench links the accounts through the API), answering the
// parent's requests on the IPC channel.

const options = JSON.parse(process.argv[2]!) as CentralChildOptions;
const tell = (reply: CentralReply) => process.send!(reply);

const store = await openDuckDbStore({ path: options.storePath });
const central = await startCentral({
  store,
  port: 0,
  decodeWorkers: options.decodeWorkers,
  serviceMap: { pairWaitMs: options.pairWaitMs, flushEveryMs: options.pairWaitMs },
  federation: options.federation,
  log: (message) => console.error(message),
});

process.on('message', (request: CentralRequest) => {
  if (request.kind === 'settle-service-map') {
    central.flushServiceMap(true).then(
      () => tell({ kind: 'settled' }),
      (error: unknown) => tell({ kind: 'failed', message: `settling the service map: ${(error as Error).message}` }),
    );
  } else if (request.kind === 'stop') {
    void (async () => {
      await central.close();
      await store.close();
      process.exit(0);
    })();
  }
});
// The parent went away without asking: nothing is left to serve.
process.on('disconnect', () => process.exit(0));
tell({ kind: 'ready', url: central.url });

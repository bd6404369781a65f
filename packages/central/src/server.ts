import { createServer } from 'node:http';
import { DEFAULT_MAX_BODY_BYTES, listenHttp, listenOrPassOver, listenOtlpGrpc, type HttpListener, type OtlpGrpcServer } from '@stitch/http';
import type { AddressInfo } from 'node:net';
import { openAccess, openToNetwork } from './access/access-stage.ts';
import { isLoopbackAddress } from './access/loopback.ts';
import type { CentralOptions, RunningCentral } from './central-options.ts';
import { controlStage } from './control/control-stage.ts';
import { DerivedFigures } from './derive/derived-figures.ts';
import { UsageMeter } from './derive/usage-meter.ts';
import { federationStage } from './federation/federation-stage.ts';
import { centralRequests } from './http/central-requests.ts';
import { healthRoute } from './http/health-route.ts';
import { IngestLog } from './ingest/ingest-log.ts';
import { ingestStage } from './ingest/ingest-stage.ts';
import { StageTimes } from './ingest/stage-times.ts';
import { WriteQueue } from './ingest/write-queue.ts';
import { readStage } from './read/read-stage.ts';
import { STITCH_VERSION, tempoRoutes } from './read/tempo/tempo-routes.ts';

export type { CentralOptions, FederationOptions, RunningCentral } from './central-options.ts';

/**
 * Central: wires its stages (access → ingest → derive → store → read, with federation and the
 * control plane beside them), listens, and closes them in order.
 */
export async function startCentral(options: CentralOptions): Promise<RunningCentral> {
  const log = options.log ?? ((message: string) => console.error(message));
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const store = options.store;
  const access = await openAccess(options, host, now);
  const federation = federationStage(options.federation ?? {}, access.links, (spans) => derived.addUnpaired(spans), store, now);
  const usage = new UsageMeter({ now, log });
  // Calls from federated accounts reach central only after their agent's own wait and a
  // heartbeat: central's wait is longer, so a piped call still waits for its federated callee.
  // The map, span metrics and usage count every stored write, in the order the queue numbers them.
  const times = new StageTimes(now);
  const derived = await DerivedFigures.open(store, { pairWaitMs: 25_000, ...options.serviceMap, usage, log, now, times });
  const ingestLog = options.ingestLogDir ? IngestLog.open(options.ingestLogDir, { log }) : null;
  const writes = new WriteQueue(store, derived, { times, notice: log, ...(ingestLog ? { log: ingestLog } : {}) });
  const ingest = ingestStage(options, writes, times, derived, usage, access.principals, now, log);
  if (ingestLog) await ingest.replay(ingestLog);
  const read = readStage(options, access.links, federation, derived, usage, now);
  const control = await controlStage(options, {
    views: read.views,
    ownAccountId: access.principals.defaultAccount.id,
    storeOwnSpans: async (batch) => {
      await writes.write(batch);
    },
    flushUsage: () => derived.flush(),
    now,
    log,
  });

  const requests = {
    principals: access.principals,
    guard: () => access.credentials.guard,
    readBudgetMs: read.budgetMs,
    readSlots: read.slots,
    ...(writes.logged ? { beforeRead: () => writes.caughtUp() } : {}),
    log,
  };
  const server = createServer(centralRequests({ routes: [healthRoute(now, writes), ...ingest.routes, ...access.routes, ...federation.routes, ...read.routes, ...control.routes], ...requests }));
  // Slow or stuck clients must not hold sockets forever.
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8700, host, () => resolve());
  });
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let grpc: OtlpGrpcServer | null = null;
  let tempo: HttpListener | null = null;
  const close = async () => {
    await control.stop();
    await grpc?.close();
    await tempo?.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await ingest.close();
    await writes.finish();
    await ingestLog?.close();
    await control.close();
    await derived.close();
  };
  const bound = server.address() as AddressInfo;
  // A name is resolved again to listen: the address actually bound is what must be loopback.
  if (access.mustStayLocal && !isLoopbackAddress(bound.address)) {
    await close();
    throw openToNetwork(host);
  }
  if (options.grpc) {
    grpc = await listenOtlpGrpc(host, options.grpc, maxBodyBytes, ingest.grpc(() => access.credentials.guard), log).catch(async (error: Error) => {
      await close();
      throw error;
    });
  }
  if (options.tempo) {
    const routes = tempoRoutes(read.views, now, { version: STITCH_VERSION });
    tempo = await listenOrPassOver('the Tempo API', '--tempo-port', host, options.tempo, () => listenHttp(host, options.tempo!.port, centralRequests({ routes, ...requests, console: false })), log).catch(async (error: Error) => {
      await close();
      throw error;
    });
  }
  control.start();

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound.port}`,
    port: bound.port,
    grpcPort: grpc?.port ?? null,
    tempoPort: tempo?.port ?? null,
    flushServiceMap: (settleAll = false) => derived.flush(settleAll),
    flushMetrics: () => derived.flush(),
    flushUsage: () => derived.flush(),
    close,
  };
}

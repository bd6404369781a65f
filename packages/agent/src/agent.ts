import { createSocket, type Socket } from 'node:dgram';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, BodyBudget, DEFAULT_MAX_BODY_BYTES, type BodyHold, DEFAULT_MAX_SPANS_PER_REQUEST, formatOf, type PartialSuccess, partialSuccessOf, readBody, refuseOverSpanLimit, replyWithError, sendJson, sendOtlpError, sendOtlpSuccess, listenOrPassOver, listenOtlpGrpc, type PortChoice } from '@stitch/http';
import type { Account, Span, SpanBatch } from '@stitch/model';
import { checkOtlpProtobuf, decodeOtlpTraces, parseDaemonDatagram, segmentToSpans, spansToOtlpJson, WireError, type CheckedRequest, type OtlpFormat } from '@stitch/wire';
import { StoreError } from '@stitch/store';
import { Forwarder, SPOOL_RETRY_AFTER_S } from './forwarder.ts';
import { acceptOtlpLogs, receiveLogs } from './logs/log-receiver.ts';
import { join } from 'node:path';
import { IN_MEMORY_STORE } from './federation/in-memory-store.ts';
import type { KeptAccount } from './federation/keep-in-account.ts';
import { startSamplingProxy } from './sampling-proxy.ts';
import { startZipkinReceiver } from './zipkin-receiver.ts';

export interface AgentOptions {
  account: { id: string; name: string };
  /** Central's URL (the sink). */
  sinkUrl: string;
  /** The link token `stitch link create` printed. */
  token: string;
  host?: string;
  /** OTLP/HTTP port (default 4318; 0 picks a free one). */
  port?: number;
  /** Where OTLP/gRPC is taken, on `host`; none when absent. */
  grpc?: PortChoice;
  /** Where Zipkin v2 spans are taken (POST /api/v2/spans), on `host`; none when absent. */
  zipkin?: PortChoice;
  /** X-Ray daemon UDP port (default 2000; 0 picks a free one). */
  udpPort?: number;
  /** The sampling proxy's TCP port (default 2000, as the X-Ray daemon's; 0 picks a free one). */
  samplingPort?: number;
  maxBodyBytes?: number;
  /** Bytes of request bodies held at once, from the first byte until spooled (default 64 MiB): past it, 503 with Retry-After. */
  maxBodyBytesInFlight?: number;
  /** Spans in one OTLP request (default 50,000, as central): more is a 413. */
  maxSpansPerRequest?: number;
  /** Where accepted batches (and logs, in `logs/`) wait for central (survives a crash); in memory when absent. */
  spoolDir?: string;
  maxSpoolBytes?: number;
  /** How long UDP segments are gathered into one batch. */
  segmentFlushMs?: number;
  /** On close, how long to keep delivering what is spooled (default 5 s). */
  drainOnCloseMs?: number;
  /**
   * Federated mode: the account's spans are kept in this directory's store and central reads
   * them through the read API (with the link's token) instead of receiving them. ':memory:'
   * keeps them in a throw-away store, with no folder (the logs then wait in `spoolDir`, else in memory).
   */
  storeDir?: string;
  /** The read API's port (default 4319; 0 picks a free one) and address (default: `host`). */
  readPort?: number;
  readHost?: string;
  /** The URL central reads at, when it differs from the address listened on (a proxy, a NAT). */
  advertiseUrl?: string;
  /** How often the agent tells central where it is (default 5 s). */
  heartbeatMs?: number;
  /** The account's own service map (federated mode): how long a call waits for its callee here before central pairs it. */
  serviceMap?: { pairWaitMs?: number; bucketMs?: number };
  log?: (message: string) => void;
}

export interface RunningAgent {
  otlpUrl: string;
  /** The OTLP/gRPC port, when the agent listens for it. */
  grpcPort: number | null;
  /** The Zipkin v2 port, when the agent listens for it. */
  zipkinPort: number | null;
  udpPort: number;
  /** Where services' remote samplers ask for rules and targets. */
  samplingUrl: string;
  /** Pipeline mode: what carries the spans to central. */
  forwarder: Forwarder | null;
  /** What carries the logs to central (in either mode). */
  logForwarder: Forwarder;
  /** Federated mode: the account's store, its read API and its registration with central. */
  federated: KeptAccount | null;
  close(): Promise<void>;
}

/** An agent that forwards its spans to central (no `storeDir`). */
export type PipelineAgent = RunningAgent & { forwarder: Forwarder; federated: null };

/** After central refused the link, new data is refused at the door for this long before trying again. */
const REFUSAL_HOLD_MS = 5_000;
/** Independent subsegments do not name their service: this many segments' services are remembered. */
const REMEMBERED_SEGMENTS = 10_000;
/** UDP segments that could not be spooled (a full disk) wait in memory for the next try, up to this many spans. */
const MAX_UNSPOOLED_SEGMENT_SPANS = 100_000;

/**
 * One source account's agent. OTLP (HTTP and gRPC), Zipkin v2, PutTraceSegments and X-Ray UDP datagrams in; what it
 * accepts is validated, spooled (a 200 means on disk, so it survives the agent and central going
 * down) and forwarded to central with the link's credential, which decides the account.
 */
export async function startAgent(options: AgentOptions & { storeDir?: undefined }): Promise<PipelineAgent>;
export async function startAgent(options: AgentOptions): Promise<RunningAgent>;
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const log = options.log ?? ((message: string) => console.error(message));
  const host = options.host ?? '127.0.0.1';
  const account: Account = { id: options.account.id, label: options.account.name };
  // Federated mode (and DuckDB with it) is loaded only when asked for: a forwarding agent never pays for it.
  const federated = options.storeDir === undefined ? null : await (await import('./federation/keep-in-account.ts')).keepInAccount({ ...options, storeDir: options.storeDir, account, log });
  const forwarder = federated ? null : new Forwarder({
    sinkUrl: options.sinkUrl.replace(/\/+$/, ''),
    token: options.token,
    spoolDir: options.spoolDir ?? null,
    ...(options.maxSpoolBytes === undefined ? {} : { maxSpoolBytes: options.maxSpoolBytes }),
    log,
  });
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const bodies = new BodyBudget(options.maxBodyBytesInFlight);
  // Logs always go to central (federated accounts too), through their own spool.
  const logForwarder = new Forwarder({
    sinkUrl: options.sinkUrl.replace(/\/+$/, ''),
    token: options.token,
    spoolDir: logSpoolDirOf(options),
    ...(options.maxSpoolBytes === undefined ? {} : { maxSpoolBytes: options.maxSpoolBytes }),
    path: '/v1/logs',
    log,
  });
  const logReceiver = { account, forwarder: logForwarder, maxBodyBytes: maxBody, maxRecordsPerRequest: options.maxSpansPerRequest ?? DEFAULT_MAX_SPANS_PER_REQUEST, refusalHoldMs: REFUSAL_HOLD_MS };
  const serviceOfSegment = new Map<string, string>();

  const spansOfSegment = (document: unknown): Span[] => {
    const converted = segmentToSpans(document, { account, serviceOfParent: (id) => serviceOfSegment.get(id) });
    for (const span of converted.spans) {
      if (span.kind === 'server') serviceOfSegment.set(span.spanId, span.resource.serviceName);
      if (serviceOfSegment.size > REMEMBERED_SEGMENTS) serviceOfSegment.delete(serviceOfSegment.keys().next().value!);
    }
    for (const rejected of converted.rejected) log(`agent: segment ${rejected.spanId} refused: ${rejected.reason}`);
    return converted.spans;
  };
  const acceptSpans = (spans: readonly Span[]) =>
    spans.length === 0 ? Promise.resolve() : backPressureOf(federated ? federated.kept.acceptSpans(spans) : forwarder!.accept(Buffer.from(JSON.stringify(spansToOtlpJson(spans))), 'json'));

  // UDP has no answer to hold back: datagrams are gathered for a moment and spooled together.
  // What cannot be spooled (a full disk) is kept and tried again, up to a bound.
  let gathered: Span[] = [];
  let gatherTimer: NodeJS.Timeout | null = null;
  let droppedSegmentSpans = 0;
  const spoolGathered = async () => {
    if (gatherTimer) clearTimeout(gatherTimer);
    gatherTimer = null;
    const spans = gathered;
    gathered = [];
    try {
      await acceptSpans(spans);
    } catch (error) {
      gathered = [...spans, ...gathered];
      const over = gathered.length - MAX_UNSPOOLED_SEGMENT_SPANS;
      if (over > 0) {
        gathered.splice(0, over);
        droppedSegmentSpans += over;
      }
      log(`agent: could not spool ${spans.length} segment spans (${(error as Error).message}); ${gathered.length} kept for the next try${droppedSegmentSpans > 0 ? `, ${droppedSegmentSpans} dropped in all over the bound of ${MAX_UNSPOOLED_SEGMENT_SPANS}` : ''}`);
      gatherTimer ??= setTimeout(() => void spoolGathered(), SPOOL_RETRY_AFTER_S * 1000);
    }
  };

  const refuseWhileCentralRefuses = () => {
    // A federated account keeps its own spans whatever central thinks of its link.
    const refusal = forwarder?.refusal;
    if (refusal && Date.now() - refusal.atMs < REFUSAL_HOLD_MS) {
      throw new ApiError(refusal.status, `central refuses this agent's link: ${refusal.message}`);
    }
  };

  async function handleOtlp(req: IncomingMessage, res: ServerResponse, hold: BodyHold): Promise<void> {
    // An unknown content type is refused in OTLP's JSON error shape.
    let format: OtlpFormat = 'json';
    try {
      format = formatOf(req.headers['content-type']);
      sendOtlpSuccess(res, format, await acceptOtlpTraces(await readBody(req, maxBody, hold), format));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      sendOtlpError(res, format, error);
    }
  }

  /** One OTLP trace export (decompressed), over HTTP or gRPC: checked, then spooled for central (or kept, federated). */
  async function acceptOtlpTraces(body: Buffer, format: OtlpFormat): Promise<PartialSuccess> {
    refuseWhileCentralRefuses();
    // Checked here: once answered, there is no one left to tell that central could not read it.
    const checked = checkOrRefuse(body, format, account, federated !== null);
    refuseOverSpanLimit(checked.accepted + checked.rejected.length, options.maxSpansPerRequest ?? DEFAULT_MAX_SPANS_PER_REQUEST);
    const partial = partialSuccessOf(checked.accepted, checked.rejected);
    await backPressureOf(federated ? federated.kept.acceptBatch(checked.batch!) : forwarder!.accept(body, format));
    return partial;
  }

  async function handleTraceSegments(req: IncomingMessage, res: ServerResponse, hold: BodyHold): Promise<void> {
    refuseWhileCentralRefuses();
    const body = await readBody(req, maxBody, hold);
    let documents: unknown;
    try {
      documents = (JSON.parse(body.toString('utf8')) as { TraceSegmentDocuments?: unknown }).TraceSegmentDocuments;
    } catch {
      throw new ApiError(400, 'body: not JSON');
    }
    if (!Array.isArray(documents)) throw new ApiError(400, 'TraceSegmentDocuments: expected an array of segment documents (JSON strings)');
    const spans: Span[] = [];
    const unprocessed: Array<{ Id: string; ErrorCode: string; Message: string }> = [];
    for (const text of documents) {
      try {
        spans.push(...spansOfSegment(typeof text === 'string' ? JSON.parse(text) : text));
      } catch (error) {
        unprocessed.push({ Id: '', ErrorCode: 'InvalidSegment', Message: error instanceof WireError ? error.message : 'not JSON' });
      }
    }
    await acceptSpans(spans);
    sendJson(res, 200, { UnprocessedTraceSegments: unprocessed });
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    // A request's body counts against the budget until it is spooled and answered.
    const hold = bodies.open();
    const handled =
      req.method === 'POST' && path === '/v1/traces'
        ? handleOtlp(req, res, hold)
        : req.method === 'POST' && path === '/TraceSegments'
          ? handleTraceSegments(req, res, hold)
          : req.method === 'POST' && (path === '/v1/logs' || path === '/v1/logs/jsonl')
            ? receiveLogs(req, res, path, logReceiver, hold)
            : Promise.reject(new ApiError(404, 'path: the agent takes POST /v1/traces (OTLP/HTTP), POST /TraceSegments, POST /v1/logs (OTLP/HTTP) and POST /v1/logs/jsonl (JSON lines)'));
    handled.catch((error: unknown) => replyWithError(req, res, error, log)).finally(hold.release);
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 4318, host, resolve));

  // OTLP/gRPC takes exports as OTLP/HTTP does, with a body in flight counted against the same budget.
  const viaGrpc = <T>(message: Buffer, accept: () => Promise<T>) => {
    const hold = bodies.open();
    try {
      hold.grow(message.length);
    } catch (error) {
      hold.release();
      return Promise.reject(error);
    }
    return accept().finally(hold.release);
  };
  const grpc =
    options.grpc === undefined
      ? null
      : await listenOtlpGrpc(
          host,
          options.grpc,
          maxBody,
          {
            traces: (message) => viaGrpc(message, () => acceptOtlpTraces(message, 'protobuf')),
            logs: (message) => viaGrpc(message, () => acceptOtlpLogs(message, 'protobuf', logReceiver)),
            unexpected: (error) => log(`agent: otlp/grpc: ${(error as Error)?.stack ?? String(error)}`),
          },
          (message) => log(`agent: ${message}`),
        ).catch((error: unknown) => {
          server.close();
          throw error;
        });
  const zipkinChoice = options.zipkin;
  const zipkin =
    zipkinChoice === undefined
      ? null
      : await listenOrPassOver(
          'Zipkin',
          '--zipkin-port',
          host,
          zipkinChoice,
          () => startZipkinReceiver(host, zipkinChoice.port, { account, maxBodyBytes: maxBody, maxSpansPerRequest: options.maxSpansPerRequest ?? DEFAULT_MAX_SPANS_PER_REQUEST, bodies, refuseWhileCentralRefuses, acceptSpans, log }),
          (message) => log(`agent: ${message}`),
        ).catch(async (error: unknown) => {
          server.close();
          await grpc?.close();
          throw error;
        });
  const udp: Socket = createSocket('udp4');
  udp.on('message', (datagram) => {
    try {
      gathered.push(...spansOfSegment(parseDaemonDatagram(datagram)));
      gatherTimer ??= setTimeout(() => void spoolGathered(), options.segmentFlushMs ?? 100);
    } catch (error) {
      log(`agent: datagram refused: ${error instanceof WireError ? error.message : String(error)}`);
    }
  });
  await new Promise<void>((resolve) => udp.bind(options.udpPort ?? 2000, host, resolve));
  const sampling = await startSamplingProxy({ port: options.samplingPort ?? 2000, host, sinkUrl: options.sinkUrl.replace(/\/+$/, ''), token: options.token, log });
  const { port } = server.address() as AddressInfo;
  return {
    otlpUrl: `http://${host}:${port}`,
    grpcPort: grpc?.port ?? null,
    zipkinPort: zipkin?.port ?? null,
    udpPort: udp.address().port,
    samplingUrl: sampling.url,
    forwarder,
    logForwarder,
    federated,
    async close() {
      udp.close();
      await grpc?.close();
      await zipkin?.close();
      await sampling.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await spoolGathered();
      if (gatherTimer) {
        clearTimeout(gatherTimer);
        log(`agent: stopping with ${gathered.length} segment spans that could not be spooled (UDP has no sender to retry them)`);
      }
      await drain(logForwarder, Date.now() + (options.drainOnCloseMs ?? 5_000));
      if (federated) {
        await federated.close();
        return;
      }
      await drain(forwarder!, Date.now() + (options.drainOnCloseMs ?? 5_000));
    },
  };
}

/**
 * Where the logs wait for central: `<spool>/logs`, else `<store>/log-spool` beside a federated
 * account's store; in memory when the agent has neither folder (an in-memory store is no folder),
 * as the spans are without a spool.
 */
function logSpoolDirOf(options: Pick<AgentOptions, 'spoolDir' | 'storeDir'>): string | null {
  if (options.spoolDir) return join(options.spoolDir, 'logs');
  if (options.storeDir && options.storeDir !== IN_MEMORY_STORE) return join(options.storeDir, 'log-spool');
  return null;
}

/** A graceful stop delivers what it can until the deadline; the rest stays spooled for the next start. */
async function drain(forwarder: Forwarder, deadline: number): Promise<void> {
  while (Date.now() < deadline && !(await Promise.race([forwarder.whenIdle(), delay(deadline - Date.now()).then(() => false)]))) await delay(100);
  await forwarder.close();
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** The account's own store failing (a federated agent's full disk) is back-pressure too: 503, retried, not a 500 dropped. */
async function backPressureOf(storing: Promise<void>): Promise<void> {
  try {
    await storing;
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    throw new ApiError(503, `store: the agent cannot store the spans now (${error.message}); retry in ${SPOOL_RETRY_AFTER_S} s`, { cause: error, headers: { 'retry-after': String(SPOOL_RETRY_AFTER_S) } });
  }
}

/**
 * Protobuf (the common case, and the fast one) is checked without a full decode unless the spans
 * are wanted (an agent that keeps them); JSON is decoded, and its spans returned.
 */
function checkOrRefuse(body: Buffer, format: OtlpFormat, account: Account, wantSpans: boolean): CheckedRequest & { batch?: SpanBatch } {
  try {
    if (format === 'protobuf' && !wantSpans) return checkOtlpProtobuf(body);
    const { batch, rejected } = decodeOtlpTraces(body, format, account);
    return { accepted: batch.length, rejected, batch };
  } catch (error) {
    if (error instanceof WireError) throw new ApiError(400, error.message, { cause: error });
    throw error;
  }
}

import { logVerbosity, Metadata, Server, ServerCredentials, setLogVerbosity, status, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs/minimal.js';
import { ApiError } from './api-error.ts';
import type { LogsPartialSuccess } from './otlp-logs-responses.ts';
import { exportResponseBytes, grpcCodeOf, type PartialSuccess } from './otlp-responses.ts';
import { widenReceiveWindows } from './grpc-receive-window.ts';
import { listenOrPassOver, type PortChoice } from './port-choice.ts';

// OTLP over gRPC: the collector services' Export calls, their messages passed through as bytes
// (the OTLP/HTTP path's decoders read them as they are). @grpc/grpc-js enforces the message size
// and inflates gzip before a handler sees a message.

/** What a handler knows of one call besides its message: its metadata and where it came from. */
export interface GrpcCallFacts {
  /** The `authorization` metadata ("Bearer <token>"), as OTLP exporters send headers. */
  authorization: string | undefined;
  /** The `idempotency-key` metadata, as the agent names its deliveries. */
  idempotencyKey: string | undefined;
  /** The peer's address, without its port. */
  address: string | undefined;
}

/** Each export, handled: the partial success to answer, or an ApiError to answer with its gRPC status. */
export interface OtlpGrpcHandlers {
  traces(message: Buffer, call: GrpcCallFacts): Promise<PartialSuccess>;
  logs(message: Buffer, call: GrpcCallFacts): Promise<LogsPartialSuccess>;
  /** Told of a failure that is not an ApiError (answered INTERNAL). */
  unexpected(error: unknown): void;
}

export interface OtlpGrpcServer {
  port: number;
  close(): Promise<void>;
}

/** startOtlpGrpc as central and the agent start it: see listenOrPassOver. */
export function listenOtlpGrpc(host: string, choice: PortChoice, maxMessageBytes: number, handlers: OtlpGrpcHandlers, log: (message: string) => void): Promise<OtlpGrpcServer | null> {
  return listenOrPassOver('OTLP/gRPC', '--grpc-port', host, choice, () => startOtlpGrpc(host, choice.port, maxMessageBytes, handlers), log);
}

/** grpc-js's own setting of what it logs (GRPC_VERBOSITY), restored after binding. */
const GRPC_VERBOSITY: Record<string, logVerbosity> = { DEBUG: logVerbosity.DEBUG, INFO: logVerbosity.INFO, ERROR: logVerbosity.ERROR, NONE: logVerbosity.NONE };

const bytes = (buffer: Buffer) => buffer;
const exportMethod = (service: string) => ({
  path: `/opentelemetry.proto.collector.${service}/Export`,
  requestStream: false,
  responseStream: false,
  requestSerialize: bytes,
  requestDeserialize: bytes,
  responseSerialize: bytes,
  responseDeserialize: bytes,
});
const TRACE_SERVICE: ServiceDefinition = { Export: exportMethod('trace.v1.TraceService') };
const LOGS_SERVICE: ServiceDefinition = { Export: exportMethod('logs.v1.LogsService') };

/** Listens for OTLP/gRPC on `host:port` (0: a free port); messages over `maxMessageBytes` (inflated) are refused RESOURCE_EXHAUSTED. */
export async function startOtlpGrpc(host: string, port: number, maxMessageBytes: number, handlers: OtlpGrpcHandlers): Promise<OtlpGrpcServer> {
  const server = new Server({ 'grpc.max_receive_message_length': maxMessageBytes, 'grpc.max_send_message_length': 4 * 1024 * 1024 });
  const unary =
    (handle: (message: Buffer, call: GrpcCallFacts) => Promise<PartialSuccess>) =>
    (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      handle(call.request, factsOf(call)).then(
        (partial) => callback(null, Buffer.from(exportResponseBytes(partial))),
        (error: unknown) => {
          if (!(error instanceof ApiError)) handlers.unexpected(error);
          callback(grpcErrorOf(error instanceof ApiError ? error : new ApiError(500, 'internal error')));
        },
      );
    };
  server.addService(TRACE_SERVICE, { Export: unary((message, call) => handlers.traces(message, call)) });
  server.addService(LOGS_SERVICE, {
    Export: unary(async (message, call) => {
      const { rejected, errorMessage } = await handlers.logs(message, call);
      return { rejectedSpans: rejected, errorMessage };
    }),
  });
  // A port already taken is reported by the caller, in its words: grpc-js would print it too.
  setLogVerbosity(logVerbosity.NONE);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort))),
  ).finally(() => setLogVerbosity(GRPC_VERBOSITY[process.env.GRPC_VERBOSITY?.toUpperCase() ?? ''] ?? logVerbosity.ERROR));
  widenReceiveWindows(server);
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        // Calls in progress finish; after a grace, what remains is cut.
        const forced = setTimeout(() => server.forceShutdown(), 5_000);
        server.tryShutdown(() => {
          clearTimeout(forced);
          resolve();
        });
      }),
  };
}

function factsOf(call: ServerUnaryCall<Buffer, Buffer>): GrpcCallFacts {
  const text = (key: string) => {
    const value = call.metadata.get(key)[0];
    return typeof value === 'string' ? value : undefined;
  };
  return { authorization: text('authorization'), idempotencyKey: text('idempotency-key'), address: addressOf(call.getPeer()) };
}

/** "127.0.0.1:5000", "[::1]:5000" or "ipv4:…" as grpc-js names a peer, without the port. */
function addressOf(peer: string): string | undefined {
  const bare = peer.replace(/^ipv[46]:/, '');
  const bracketed = /^\[([^\]]+)\]/.exec(bare);
  if (bracketed) return bracketed[1];
  const colon = bare.lastIndexOf(':');
  return colon > 0 ? bare.slice(0, colon) : bare || undefined;
}

/**
 * The gRPC status OTLP specifies for the HTTP path's answer: RESOURCE_EXHAUSTED for a 429,
 * UNAVAILABLE for a 503, each with RetryInfo (from Retry-After) so that exporters wait and retry.
 */
export function grpcErrorOf(error: ApiError): { code: status; details: string; metadata: Metadata } {
  const code = grpcCodeOf(error.status) as status;
  const metadata = new Metadata();
  const retryAfterS = Number(error.headers['retry-after']);
  if ((error.status === 429 || error.status === 503) && Number.isFinite(retryAfterS) && retryAfterS >= 0) {
    metadata.set('grpc-status-details-bin', statusWithRetryInfo(code, error.message, retryAfterS));
  }
  return { code, details: error.message, metadata };
}

/** google.rpc.Status { code = 1; message = 2; details = 3: Any { type_url = 1; value = 2: RetryInfo { retry_delay = 1: Duration { seconds = 1 } } } }. */
function statusWithRetryInfo(code: number, message: string, retryAfterS: number): Buffer {
  const retryInfo = protobuf.Writer.create().uint32((1 << 3) | 2).fork().uint32((1 << 3) | 0).int64(Math.ceil(retryAfterS)).ldelim().finish();
  const any = protobuf.Writer.create().uint32((1 << 3) | 2).string('type.googleapis.com/google.rpc.RetryInfo').uint32((2 << 3) | 2).bytes(retryInfo).finish();
  const writer = protobuf.Writer.create().uint32((1 << 3) | 0).int32(code).uint32((2 << 3) | 2).string(message).uint32((3 << 3) | 2).bytes(any);
  return Buffer.from(writer.finish());
}

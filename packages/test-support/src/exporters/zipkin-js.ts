import { once, type EventEmitter } from 'node:events';
import { Annotation, BatchRecorder, ExplicitContext, InetAddress, jsonEncoder, option, TraceId, Tracer } from 'zipkin';
import { HttpLogger } from 'zipkin-transport-http';

export interface ZipkinJsCall {
  traceId: string;
  /** The id the client span and the server span share (B3's one span per RPC). */
  sharedSpanId: string;
  startMicros: number;
}

/**
 * One RPC recorded by the stock zipkin-js tracer on both sides, as its instrumentations record
 * it: frontend's client span (to backend at 10.0.0.7:8080) and backend's server span joined to
 * the same id (shared), the server failing with an `error` tag; reported by zipkin-transport-http
 * as JSON v2 to `${zipkinUrl}/api/v2/spans`. Resolves with the transport's answer status once it
 * has posted, or throws what it reported.
 */
export async function recordZipkinJsCall(zipkinUrl: string): Promise<ZipkinJsCall & { status: number }> {
  const logger = new HttpLogger({ endpoint: `${zipkinUrl}/api/v2/spans`, jsonEncoder: jsonEncoder.JSON_V2, httpInterval: 60_000 });
  // Its typings leave out what it is (an EventEmitter), the flush, and the tracer's join.
  const events = logger as unknown as EventEmitter & { processQueue(fetchImplementation: typeof fetch): void };
  const recorder = new BatchRecorder({ logger });
  const ctxImpl = new ExplicitContext();
  const frontend = new Tracer({ ctxImpl, recorder, localServiceName: 'frontend', traceId128Bit: true });
  const backend = new Tracer({ ctxImpl, recorder, localServiceName: 'backend', traceId128Bit: true });
  // Times set, not read from the clock: a second ago, in microseconds.
  const startMicros = (Date.now() - 1_000) * 1_000;
  const root = frontend.createRootId(new option.Some(true));
  frontend.letId(root, () => {
    frontend.recordServiceName('frontend');
    frontend.recordRpc('get /prices');
    frontend.recordBinary('http.path', '/prices/SKU-1');
    frontend.recordAnnotation(new Annotation.ClientSend(), startMicros);
    frontend.recordAnnotation(new Annotation.ServerAddr({ serviceName: 'backend', host: new InetAddress('10.0.0.7'), port: 8080 }), startMicros);
  });
  const joined = (backend as unknown as { join(id: TraceId): TraceId }).join(new TraceId({ traceId: root.traceId, spanId: root.spanId, parentId: option.None, sampled: new option.Some(true) }));
  backend.letId(joined, () => {
    backend.recordServiceName('backend');
    backend.recordRpc('get /prices/{sku}');
    backend.recordAnnotation(new Annotation.ServerRecv(), startMicros + 2_000);
    backend.recordBinary('http.status_code', '500');
    backend.recordBinary('error', 'price table locked');
    backend.recordAnnotation(new Annotation.ServerSend(), startMicros + 30_000);
  });
  frontend.letId(root, () => frontend.recordAnnotation(new Annotation.ClientRecv(), startMicros + 33_000));
  const answered = Promise.race([once(events, 'success'), once(events, 'error').then(([error]) => Promise.reject(error as Error))]);
  events.processQueue(fetch);
  const [response] = (await answered) as [Response];
  return { traceId: root.traceId, sharedSpanId: root.spanId, startMicros, status: response.status };
}

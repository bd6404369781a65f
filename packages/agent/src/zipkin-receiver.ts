import { ApiError, type BodyBudget, type HttpListener, listenHttp, readBody, refuseOverSpanLimit, replyWithError } from '@stitch/http';
import type { Account, Span } from '@stitch/model';
import { WireError, zipkinFormatOf, zipkinToSpans } from '@stitch/wire';

/** What the Zipkin receiver hands its spans to, and the agent's limits it keeps. */
export interface ZipkinIntake {
  account: Account;
  maxBodyBytes: number;
  maxSpansPerRequest: number;
  bodies: BodyBudget;
  /** Throws the refusal to answer while central refuses the agent's link. */
  refuseWhileCentralRefuses(): void;
  /** Spools the spans for central (or keeps them, federated): resolves once durable. */
  acceptSpans(spans: readonly Span[]): Promise<void>;
  log(message: string): void;
}

const REFERENCE = 'the agent takes Zipkin v2 spans at POST /api/v2/spans (JSON, or protobuf as application/x-protobuf)';

/**
 * Zipkin's v2 collector API on its own port (9411, where Zipkin reporters send). A request is
 * answered 202 once its spans are spooled, as Zipkin answers; a span that cannot be read refuses
 * the whole request (400, naming it), since Zipkin's reporters have no way to hear of a partial
 * success: nothing of the request is kept, so nothing is lost unsaid.
 */
export function startZipkinReceiver(host: string, port: number, intake: ZipkinIntake): Promise<HttpListener> {
  const receive = async (body: Buffer, contentType: string | undefined): Promise<void> => {
    intake.refuseWhileCentralRefuses();
    const format = zipkinFormatOf(contentType);
    if (!format) throw new ApiError(415, `content-type: "${contentType}" is not Zipkin v2 (application/json or application/x-protobuf)`);
    let converted;
    try {
      converted = zipkinToSpans(body, format, intake.account);
    } catch (error) {
      if (error instanceof WireError) throw new ApiError(400, error.message, { cause: error });
      throw error;
    }
    const { spans, rejected } = converted;
    refuseOverSpanLimit(spans.length + rejected.length, intake.maxSpansPerRequest);
    if (rejected.length > 0) {
      const named = rejected.slice(0, 3).map((r) => `spans[${r.index}].${r.reason}`);
      throw new ApiError(400, `${named.join('; ')}${rejected.length > 3 ? `; and ${rejected.length - 3} more` : ''} (${rejected.length} of ${spans.length + rejected.length} spans refused; nothing of this request was kept)`);
    }
    await intake.acceptSpans(spans);
  };

  return listenHttp(host, port, (req, res) => {
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    const hold = intake.bodies.open();
    const handled =
      path !== '/api/v2/spans'
        ? Promise.reject(new ApiError(404, `path: ${REFERENCE}`))
        : req.method !== 'POST'
          ? Promise.reject(new ApiError(405, `method: ${REFERENCE}`, { headers: { allow: 'POST' } }))
          : readBody(req, intake.maxBodyBytes, hold).then((body) => receive(body, req.headers['content-type']));
    handled
      .then(() => {
        res.writeHead(202, { 'content-length': 0 });
        res.end();
      })
      .catch((error: unknown) => replyWithError(req, res, error, intake.log))
      .finally(hold.release);
  });
}

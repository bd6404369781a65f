import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, readBody, replyWithError, sendBytes } from '@stitch/http';

const CALLS = new Set(['/GetSamplingRules', '/SamplingTargets']);
const MAX_BODY = 1024 * 1024;

export interface SamplingProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * What the X-Ray daemon serves on TCP 2000 to SDK samplers (the stock X-Ray and OpenTelemetry
 * remote samplers): POST /GetSamplingRules and POST /SamplingTargets, relayed to central with the
 * link's credential. Central holds the rules and divides each rule's reservoir across the fleet.
 */
export async function startSamplingProxy(options: { port: number; host: string; sinkUrl: string; token: string; log: (message: string) => void }): Promise<SamplingProxy> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    (async () => {
      if (req.method !== 'POST' || !CALLS.has(path)) throw new ApiError(404, 'path: the sampling proxy takes POST /GetSamplingRules and POST /SamplingTargets');
      const body = await readBody(req, MAX_BODY);
      let answer: Response;
      try {
        answer = await fetch(`${options.sinkUrl}/api/sampling/xray${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
          body: new Uint8Array(body),
          signal: AbortSignal.timeout(5_000),
        });
      } catch (error) {
        throw new ApiError(503, `central is unreachable (${(error as Error).message}); samplers keep their last rules`, { headers: { 'retry-after': '5' } });
      }
      sendBytes(res, answer.status, answer.headers.get('content-type') ?? 'application/json', new Uint8Array(await answer.arrayBuffer()));
    })().catch((error: unknown) => replyWithError(req, res, error, options.log));
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

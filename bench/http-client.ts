import { Agent, request } from 'node:http';

export interface HttpAnswer {
  /** 0 when the request failed without an HTTP answer (connection refused or reset). */
  status: number;
  body: Buffer;
  /** From sending the request to the last byte of the answer. */
  ms: number;
  error?: string;
}

/**
 * Plain node:http over keep-alive connections, as an OTLP exporter holds them: no per-request
 * connection setup in the figures, and no third-party client to install.
 */
export class HttpClient {
  private readonly agent: Agent;
  private readonly base: URL;

  constructor(baseUrl: string, connections: number) {
    this.base = new URL(baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  post(path: string, body: Uint8Array, contentType: string): Promise<HttpAnswer> {
    return this.send('POST', path, body, { 'content-type': contentType, 'content-length': String(body.byteLength) });
  }

  get(path: string): Promise<HttpAnswer> {
    return this.send('GET', path, null, { accept: 'application/json' });
  }

  async getJson<T>(path: string): Promise<{ status: number; ms: number; json: T | null }> {
    const answer = await this.get(path);
    let json: T | null = null;
    if (answer.status !== 0) {
      try {
        json = JSON.parse(answer.body.toString('utf8')) as T;
      } catch {
        json = null;
      }
    }
    return { status: answer.status, ms: answer.ms, json };
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, body: Uint8Array | null, headers: Record<string, string>): Promise<HttpAnswer> {
    const started = performance.now();
    return new Promise((resolve) => {
      const failed = (error: Error) => resolve({ status: 0, body: Buffer.alloc(0), ms: performance.now() - started, error: error.message });
      const req = request(
        { host: this.base.hostname, port: this.base.port, path, method, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', failed);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms: performance.now() - started }));
        },
      );
      req.on('error', failed);
      req.end(body ?? undefined);
    });
  }
}

/** The clients a benchmark opens along the way, closed together when it ends. */
export class HttpClients {
  private readonly opened: HttpClient[] = [];

  open(baseUrl: string, connections: number): HttpClient {
    const client = new HttpClient(baseUrl, connections);
    this.opened.push(client);
    return client;
  }

  closeAll(): void {
    for (const client of this.opened) client.close();
  }
}

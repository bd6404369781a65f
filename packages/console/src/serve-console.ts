import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsoleAsset } from './build-console.ts';

/** The console's pages: each is the app, which reads its state from the URL. */
const APP_PATHS = /^\/(?:map|search|trace\/[^/]+|logs|propagation|accounts|sampling|alarms|canaries|cost|metrics|slos)?$/;

let built: Promise<Map<string, ConsoleAsset>> | null = null;

/**
 * Answers GET for the console's assets and pages (true), or leaves the request alone (false).
 * The pages and the bundle hold no data: what they show comes from the API, with the read
 * token when central asks for one, so they are served to anyone.
 */
export async function serveConsole(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const name = path.startsWith('/assets/') ? path : APP_PATHS.test(path) ? '/index.html' : null;
  if (name === null) return false;
  // esbuild is loaded with the first page asked for, not with central.
  built ??= import('./build-console.ts').then(({ buildConsole }) => buildConsole()).catch((error: unknown) => {
    built = null;
    throw error;
  });
  const asset = (await built).get(name);
  if (!asset) return false;
  const { etag } = asset;
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { etag });
    res.end();
    return true;
  }
  res.writeHead(200, {
    'content-type': asset.contentType,
    'content-length': asset.body.length,
    etag,
    // The page is the entry: always revalidated; the bundle's name is fixed, so it is revalidated too (cheap with the etag).
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
  });
  res.end(req.method === 'HEAD' ? undefined : asset.body);
  return true;
}

import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** One built file of the console, ready to serve. */
export interface ConsoleAsset {
  contentType: string;
  body: Buffer;
  /** The body's hash, for conditional requests. */
  etag: string;
}

const APP_ENTRY = fileURLToPath(new URL('./app/main.tsx', import.meta.url));

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stitch</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/app.css">
<script>document.documentElement.dataset.theme = localStorage.getItem('stitch.theme') || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');</script>
</head>
<body>
<div id="app"></div>
<script type="module" src="/assets/app.js"></script>
</body>
</html>
`;

/**
 * The console, bundled with esbuild into one script and one stylesheet (minified, in memory):
 * central builds it once, at its first page request, and serves the result; nothing watches
 * or rebuilds at run time.
 */
export async function buildConsole(): Promise<Map<string, ConsoleAsset>> {
  const result = await build({
    entryPoints: { app: APP_ENTRY },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: '/assets',
    write: false,
    logLevel: 'silent',
  });
  const asset = (contentType: string, body: Buffer): ConsoleAsset => ({ contentType, body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` });
  const assets = new Map<string, ConsoleAsset>([['/index.html', asset('text/html; charset=utf-8', Buffer.from(INDEX_HTML))]]);
  for (const file of result.outputFiles) {
    assets.set(file.path, asset(file.path.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8', Buffer.from(file.contents)));
  }
  return assets;
}

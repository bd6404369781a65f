import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Settings } from 'node:http2';
import { GRPC_CONNECTION_WINDOW_BYTES, GRPC_STREAM_WINDOW_BYTES } from './grpc-receive-window.ts';
import { startOtlpGrpc } from './otlp-grpc.ts';

test('the OTLP/gRPC server lets a sender have a whole export in flight (4 MiB a call, 16 MiB a connection), not HTTP/2\'s 64 KiB', async (t) => {
  const server = await startOtlpGrpc('127.0.0.1', 0, 64 * 1024 * 1024, {
    traces: async () => ({ rejectedSpans: 0, errorMessage: '' }),
    logs: async () => ({ rejected: 0, errorMessage: '' }),
    unexpected: () => {},
  });
  t.after(() => server.close());
  const session = connect(`http://127.0.0.1:${server.port}`);
  t.after(() => session.close());
  // The server's first SETTINGS carries Node's defaults; the widened window follows at once.
  let settings: Settings = (await once(session, 'remoteSettings'))[0];
  while (settings.initialWindowSize !== GRPC_STREAM_WINDOW_BYTES) {
    [settings] = await Promise.race([once(session, 'remoteSettings'), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the server advertises a window of ${settings.initialWindowSize} bytes a call`)), 2_000))]);
  }
  // Each call's window, and the connection's: what the sender may send before it waits for a WINDOW_UPDATE.
  assert.equal(session.remoteSettings.initialWindowSize, GRPC_STREAM_WINDOW_BYTES);
  // The connection's window grows by a WINDOW_UPDATE, which may come a moment after.
  for (let waited = 0; session.state.remoteWindowSize !== GRPC_CONNECTION_WINDOW_BYTES && waited < 2_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(session.state.remoteWindowSize, GRPC_CONNECTION_WINDOW_BYTES);
});

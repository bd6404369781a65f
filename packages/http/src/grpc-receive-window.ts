import type { EventEmitter } from 'node:events';
import type { Http2Session } from 'node:http2';
import type { Server } from '@grpc/grpc-js';

/** What a sender may have in flight on one call before it waits for our event loop: a typical export (512 spans ≈ 330 KB) and a Collector's larger batches at once. */
export const GRPC_STREAM_WINDOW_BYTES = 4 * 1024 * 1024;
/** The same for all of a connection's calls together. */
export const GRPC_CONNECTION_WINDOW_BYTES = 16 * 1024 * 1024;

/**
 * Raises the HTTP/2 receive windows grpc-js's server advertises. It keeps Node's defaults, 64 KiB a
 * call and a connection, and has no option to change them (grpc-node#3058 would add one). With
 * them a sender stops every 64 KiB until our event loop turns and grants more: a 330 KB export
 * took 9 turns of a loop busy with the store's appends (1.4 s at 150 ms a turn) where OTLP/HTTP,
 * which the kernel's socket buffer carries, took one or two. Memory is bounded as before, by the
 * message size limit: grpc-js reads every message whole whatever the window.
 *
 * grpc-js keeps its HTTP/2 servers in a field it does not publish (filled by bindAsync): if a
 * later version renames it, the default windows stay, and the test of the windows says so.
 */
export function widenReceiveWindows(server: Server): void {
  const http2Servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(http2Servers instanceof Map)) return;
  for (const http2Server of http2Servers.keys() as Iterable<EventEmitter>) {
    http2Server.on('session', (session: Http2Session) => {
      session.setLocalWindowSize(GRPC_CONNECTION_WINDOW_BYTES);
      session.settings({ initialWindowSize: GRPC_STREAM_WINDOW_BYTES });
    });
  }
}

// Runs in a worker thread: OTLP decoding is CPU-bound, so it happens off the thread that serves HTTP and writes the store.
import { parentPort } from 'node:worker_threads';
import { decodeOtlpTraces, WireError } from '@stitch/wire';
import type { DecodeRequest, DecodeReply } from './decode-protocol.ts';

parentPort!.on('message', (request: DecodeRequest) => {
  let reply: DecodeReply;
  const started = performance.now();
  const micros = () => (performance.now() - started) * 1_000;
  try {
    const batch = decodeOtlpTraces(request.body, request.format, request.account);
    reply = { id: request.id, ok: true, batch, decodeMicros: micros() };
  } catch (error) {
    reply = { id: request.id, ok: false, wireError: error instanceof WireError, message: (error as Error).message ?? String(error), decodeMicros: micros() };
  }
  parentPort!.postMessage(reply);
});

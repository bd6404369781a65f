/**
 * The same bytes as a Buffer, without a copy. protobufjs reads strings of a Buffer with Node's
 * UTF-8 decoder (invalid bytes become U+FFFD) and those of a plain Uint8Array with its own (which
 * makes other characters of them): a body that crossed to a worker thread arrives as a
 * Uint8Array, and would be read otherwise than on the thread it came from.
 */
export function asBuffer(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

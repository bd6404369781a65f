import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync, gzipSync, gunzipSync, inflateSync } from 'node:zlib';
import { ANNOTATION_KEYS_ATTRIBUTE, makeSpan, nanos, type Span } from '@stitch/model';
import { encodeOtlpProtobuf, spansToOtlpJson } from '@stitch/wire';
import { exportSampleTrace, type ExporterKind } from '@stitch/test-support/exporters';
import { corruptLength, mutateBytes, mutateJson, mutateJsonText, randomText, toJsonText, type Random } from './mutate.ts';

// Inputs for POST /v1/traces: valid requests made by the project's own encoders and by the
// stock OpenTelemetry exporters, then mutated; plus random bytes, compression and its lies.

export type OtlpFormat = 'protobuf' | 'json';

/** A body to POST and the headers it goes with. */
export interface OtlpInput {
  body: Buffer;
  headers: Record<string, string>;
}

const CONTENT_TYPE: Record<OtlpFormat, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** A few realistic traces: a server span and its children, every attribute type, events, links, annotations, an error. */
function seedTraces(): Span[][] {
  const traces: Span[][] = [];
  for (let t = 0; t < 6; t++) {
    const root = makeSpan({
      kind: 'server',
      name: 'POST /checkout',
      attributes: { 'http.request.method': 'POST', 'http.route': '/checkout', 'http.response.status_code': 200 + t * 60, 'order.total': 99.5, vip: t % 2 === 0, skus: ['a-1', 'b-2'], counts: [1, 2, 3] },
    });
    const child = makeSpan({
      traceId: root.traceId,
      parentSpanId: root.spanId,
      kind: 'client',
      name: 'Stripe API call ☕',
      status: t === 3 ? { code: 'error', message: 'upstream 502' } : { code: 'unset', message: '' },
      attributes: { 'url.full': 'https://api.stripe.com/v1/charges', 'order.id': `o-${t}`, [ANNOTATION_KEYS_ATTRIBUTE]: ['order.id'] },
      events: [{ name: 'retrying', timeUnixNano: nanos(root.startTimeUnixNano + 10n), attributes: { attempt: 2 } }],
      links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceState: 'k=v', attributes: { reason: 'retry-of' } }],
      resource: { serviceName: 'payments', attributes: { 'service.name': 'payments', 'cloud.account.id': '444444444444' } },
    });
    traces.push(t === 5 ? [root] : [root, child]);
  }
  return traces;
}

/** An OTLP/JSON request (hex ids) in the shape protobufjs's fromObject takes (ids as bytes). */
function toProtobufObject(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => toProtobufObject(item));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toProtobufObject(v, k)]));
  if ((key === 'traceId' || key === 'spanId' || key === 'parentSpanId') && typeof value === 'string') return Buffer.from(value, 'hex');
  return value;
}

export interface OtlpSeeds {
  json: object[];
  jsonBodies: Buffer[];
  protobufBodies: Buffer[];
}

/** Valid requests of both encodings: the project's encoders, and what the stock exporters sent to a capturing server. */
export async function otlpSeeds(): Promise<OtlpSeeds> {
  const json = seedTraces().map((spans) => spansToOtlpJson(spans));
  json.push(spansToOtlpJson(seedTraces().flat()));
  const captured = await captureStockExports(['protobuf', 'json', 'protobuf+gzip']);
  const stockJson = JSON.parse(captured.json.toString('utf8')) as object;
  return {
    json: [...json, stockJson],
    jsonBodies: [...json.map((request) => Buffer.from(JSON.stringify(request))), captured.json],
    protobufBodies: [...json.map((request) => Buffer.from(encodeOtlpProtobuf(toProtobufObject(request)))), captured.protobuf, gunzipSync(captured['protobuf+gzip'])],
  };
}

/** The bodies the stock OpenTelemetry exporters POST, caught by a server that answers an empty success. */
async function captureStockExports(kinds: ExporterKind[]): Promise<Record<ExporterKind, Buffer>> {
  let body = Buffer.alloc(0);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      body = Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/json' }).end(req.headers['content-type']?.includes('json') ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const captured = {} as Record<ExporterKind, Buffer>;
  for (const kind of kinds) {
    await exportSampleTrace(url, kind);
    captured[kind] = body;
  }
  server.close();
  return captured;
}

/**
 * A protobuf body: mostly mutations of a valid one (bytes, lengths, or values through the
 * schema), some random bytes, `untouched` of them valid as they are.
 */
export function protobufBody(random: Random, seeds: OtlpSeeds, untouched = 0.06): Buffer {
  const seed = random.pick(seeds.protobufBodies);
  const roll = random.float();
  if (roll < untouched) return seed;
  if (roll < 0.14) return random.bytes(random.int(random.chance(0.9) ? 512 : 65_536));
  if (roll < 0.3) return corruptLength(random, seed);
  if (roll < 0.45) {
    // Values of the wrong kind go through the schema where it takes them: valid wire, odd content.
    try {
      return Buffer.from(encodeOtlpProtobuf(toProtobufObject(mutateJson(random, random.pick(seeds.json)))));
    } catch {
      return mutateBytes(random, seed, seeds.protobufBodies);
    }
  }
  return mutateBytes(random, seed, seeds.protobufBodies);
}

/** A JSON body: mostly structure-aware mutations of a valid one, some random text, some untouched. */
export function jsonBody(random: Random, seeds: OtlpSeeds): Buffer {
  const roll = random.float();
  if (roll < 0.06) return random.pick(seeds.jsonBodies);
  if (roll < 0.12) return Buffer.from(randomText(random, 300));
  if (roll < 0.16) return mutateBytes(random, random.pick(seeds.jsonBodies), seeds.jsonBodies);
  return mutateJsonText(random, random.pick(seeds.json));
}

const LYING_ENCODINGS = ['br', 'GZIP', ' gzip ', 'x-gzip', 'identity', 'gzip, deflate', 'compress', 'deflate', ''];

/**
 * `body` as sent: usually plain, sometimes gzip or deflate, sometimes with a content-encoding
 * header that lies (or names an encoding nobody supports), a compressed stream cut or flipped,
 * or a content type that does not match.
 */
export function encodeForTransport(random: Random, body: Buffer, format: OtlpFormat): OtlpInput {
  const headers: Record<string, string> = { 'content-type': random.chance(0.97) ? CONTENT_TYPE[format] : random.pick(['application/protobuf', 'application/json; charset=utf-8', 'APPLICATION/X-PROTOBUF', 'text/plain', '', 'application/x-protobuf;;;', 'multipart/form-data; boundary=x']) };
  const roll = random.float();
  if (roll < 0.72) return { body, headers };
  if (roll < 0.85) return { body: gzipSync(body), headers: { ...headers, 'content-encoding': 'gzip' } };
  if (roll < 0.9) return { body: deflateSync(body), headers: { ...headers, 'content-encoding': 'deflate' } };
  if (roll < 0.95) return { body: random.chance(0.5) ? body : gzipSync(body), headers: { ...headers, 'content-encoding': random.pick(LYING_ENCODINGS) } };
  return { body: mutateBytes(random, gzipSync(body)), headers: { ...headers, 'content-encoding': 'gzip' } };
}

/** The body as central reads it: decompressed as the header says, or null when it cannot be (central refuses it). */
export function decodedBody({ body, headers }: OtlpInput): Buffer | null {
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(body);
    if (encoding === 'deflate') return inflateSync(body);
    return encoding === 'identity' || encoding === '' ? body : null;
  } catch {
    return null;
  }
}

/** A fresh, valid one-span request in JSON, and its trace id. */
export function freshRequest(random: Random): { traceId: string; spanId: string; json: string } {
  const traceId = random.bytes(16).toString('hex').replace(/^0/, '1');
  const spanId = random.bytes(8).toString('hex').replace(/^0/, '1');
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = makeSpan({ traceId, spanId, startTimeUnixNano: nanos(now - 5_000_000n), endTimeUnixNano: nanos(now) });
  return { traceId, spanId, json: toJsonText(spansToOtlpJson([span])) };
}

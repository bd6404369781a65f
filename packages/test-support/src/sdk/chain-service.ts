// One service of the zero-code chain test (@stitch/sdk's zero-code-chain.test.ts), run as
// `node --import tsx --import @stitch/sdk/auto chain-service.ts`: it has no tracing code but the
// messaging helpers, which no instrumentation can supply. Each request: note the trace headers
// it arrived with, call the next service (with fetch or http.request, as HOP_CLIENT says),
// publish an event when HOP_BROKER is set, and answer with what it saw and what came back.
import { createServer } from 'node:http';
import { injectIntoMessageAttributes, withProducerSpan } from '@stitch/sdk';
import { listenOnLoopback } from './loopback.ts';
import { httpJson, TOPIC, traceHeaders, type HopAnswer, type Notification } from './chain-protocol.ts';

const service = process.env.STITCH_SERVICE_NAME ?? 'unknown';
const next = process.env.HOP_DOWNSTREAM;
const broker = process.env.HOP_BROKER;

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as T;
}
const call = process.env.HOP_CLIENT === 'http' ? httpJson<HopAnswer> : fetchJson<HopAnswer>;

async function answer(received: HopAnswer['received']): Promise<HopAnswer> {
  const downstream = next ? await call(`${next}/${service}`) : null;
  if (broker) {
    const notification = (): Notification => ({ Message: `from ${service}`, MessageAttributes: injectIntoMessageAttributes() });
    await withProducerSpan({ system: 'sns', destination: TOPIC }, () => httpJson(`${broker}/publish`, notification()));
  }
  return { service, received, downstream };
}

const server = createServer((req, res) => {
  answer(traceHeaders(req.headers)).then(
    (body) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    },
    (error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    },
  );
});
console.log(`listening on ${await listenOnLoopback(server)}`);

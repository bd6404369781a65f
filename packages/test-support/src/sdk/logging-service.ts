// The service of the SDK's logs test (@stitch/sdk's service-logs.test.ts), run as
// `node --import tsx --import @stitch/sdk/auto logging-service.ts`: it logs through the SDK's
// logger, once at start (outside any request), and on each request once in its server span and
// once inside a span of its own; it answers with the trace id and the ids of both spans.
import { createServer } from 'node:http';
import { trace } from '@opentelemetry/api';
import { logger, withSpan } from '@stitch/sdk';
import { listenOnLoopback } from './loopback.ts';

const server = createServer((req, res) => {
  const serverSpan = trace.getActiveSpan()!.spanContext();
  logger.info('calling Stripe', { 'order.id': 'o-42' });
  void withSpan('Stripe API call', async (span) => {
    logger.warn('Stripe call took 8.5 s', { 'peer.service': 'Stripe' });
    return span.spanContext().spanId;
  }).then((stripeSpanId) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ traceId: serverSpan.traceId, serverSpanId: serverSpan.spanId, stripeSpanId, path: req.url }));
  });
});
logger.info('payments ready');
console.log(`listening on ${await listenOnLoopback(server)}`);

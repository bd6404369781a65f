// The consumer of the zero-code chain test, run under `--import @stitch/sdk/auto`: it takes
// SNS-style notifications, one JSON line each, from stdin (the test's broker writes them there),
// processes each in a consumer span continuing the producer's trace, and calls HOP_DOWNSTREAM
// from inside it with http.request. Prints `processed <answer>` per message.
import { createInterface } from 'node:readline';
import { extractFromMessageAttributes, withConsumerSpan } from '@stitch/sdk';
import { httpJson, TOPIC, type HopAnswer, type Notification } from './chain-protocol.ts';

const service = process.env.STITCH_SERVICE_NAME ?? 'unknown';
const next = process.env.HOP_DOWNSTREAM!;

createInterface({ input: process.stdin }).on('line', (line) => {
  const notification = JSON.parse(line) as Notification;
  withConsumerSpan({ system: 'sns', destination: TOPIC }, extractFromMessageAttributes(notification.MessageAttributes), () => httpJson<HopAnswer>(`${next}/${service}`)).then(
    (answer) => console.log(`processed ${JSON.stringify({ notification, answer })}`),
    (error: unknown) => console.log(`failed ${String(error)}`),
  );
});
console.log('ready');

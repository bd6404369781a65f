// What the processes of the zero-code chain test (@stitch/sdk's zero-code-chain.test.ts) and the test itself
// say to each other: the answers services give, the notifications the broker carries.
import { request, type IncomingHttpHeaders } from 'node:http';
import type { MessageAttributes } from '@stitch/sdk';

export const TOPIC = 'order-events';

/** The trace headers as they arrived on the wire (absent ones left out). */
export type TraceHeaders = { traceparent?: string; 'x-amzn-trace-id'?: string };

export interface HopAnswer {
  service: string;
  received: TraceHeaders;
  downstream: HopAnswer | null;
}

/** An SNS-style notification, as the test's broker takes and delivers it. */
export interface Notification {
  Message: string;
  MessageAttributes: MessageAttributes;
}

export function traceHeaders(headers: IncomingHttpHeaders): TraceHeaders {
  const picked: TraceHeaders = {};
  if (typeof headers.traceparent === 'string') picked.traceparent = headers.traceparent;
  if (typeof headers['x-amzn-trace-id'] === 'string') picked['x-amzn-trace-id'] = headers['x-amzn-trace-id'];
  return picked;
}

/** node's http.request, the named ES import (the SDK must have patched it even so). */
export function httpJson<T>(url: string, body?: unknown): Promise<T> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: payload ? 'POST' : 'GET', headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text) as T) : reject(new Error(`${url}: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

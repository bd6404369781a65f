import { test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import protobuf from 'protobufjs/minimal.js';
import { ApiError } from './api-error.ts';
import { grpcErrorOf } from './otlp-grpc.ts';

/** The fields of a protobuf message, by number (each one's last value): varints as numbers, the rest as bytes. */
function fieldsOf(bytes: Uint8Array): Map<number, number | Uint8Array> {
  const reader = protobuf.Reader.create(bytes);
  const fields = new Map<number, number | Uint8Array>();
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    fields.set(tag >>> 3, (tag & 7) === 0 ? Number(reader.int64()) : reader.bytes());
  }
  return fields;
}

test("the HTTP path's answers as OTLP's gRPC statuses; 429 and 503 carry RetryInfo with Retry-After's delay, so exporters wait and retry", () => {
  const cases: Array<[number, status, number | null]> = [
    [400, status.INVALID_ARGUMENT, null],
    [401, status.UNAUTHENTICATED, null],
    [403, status.PERMISSION_DENIED, null],
    [413, status.RESOURCE_EXHAUSTED, null],
    [429, status.RESOURCE_EXHAUSTED, 7],
    [503, status.UNAVAILABLE, 2],
    [500, status.INTERNAL, null],
  ];
  for (const [httpStatus, code, retryAfterS] of cases) {
    const error = new ApiError(httpStatus, `refused ${httpStatus}`, retryAfterS === null ? {} : { headers: { 'retry-after': String(retryAfterS) } });
    const answer = grpcErrorOf(error);
    assert.equal(answer.code, code, String(httpStatus));
    assert.equal(answer.details, `refused ${httpStatus}`);
    const details = answer.metadata.get('grpc-status-details-bin');
    if (retryAfterS === null) {
      assert.deepEqual(details, [], `${httpStatus}: no retry advice`);
      continue;
    }
    // google.rpc.Status { code, message, details: [Any { type_url, value: RetryInfo { retry_delay: Duration { seconds } } }] }
    const statusFields = fieldsOf(details[0] as Buffer);
    assert.equal(statusFields.get(1), code);
    assert.equal(Buffer.from(statusFields.get(2) as Uint8Array).toString(), `refused ${httpStatus}`);
    const any = fieldsOf(statusFields.get(3) as Uint8Array);
    assert.equal(Buffer.from(any.get(1) as Uint8Array).toString(), 'type.googleapis.com/google.rpc.RetryInfo');
    const delay = fieldsOf(fieldsOf(any.get(2) as Uint8Array).get(1) as Uint8Array);
    assert.equal(delay.get(1), retryAfterS, `${httpStatus}: the delay in seconds`);
  }
});

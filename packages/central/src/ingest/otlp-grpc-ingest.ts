import { ApiError, type GrpcCallFacts, type OtlpGrpcHandlers } from '@stitch/http';
import { StoreError } from '@stitch/store';
import { refusalOf, type Guard } from '../access/access-policy.ts';
import type { Principals } from '../access/principals.ts';
import { deliveryIdOf } from './delivery-id.ts';
import { ingestLogs, type LogIngestOptions } from './otlp-logs-handler.ts';
import { ingestTraces, STORE_RETRY_AFTER_S, type OtlpIngestOptions } from './otlp-traces-handler.ts';

/**
 * OTLP/gRPC exports taken as POST /v1/traces and /v1/logs take them: the `authorization`
 * metadata decides who sends and for which account, by the same access policy; then the same
 * checks, limits and writes. A message arrives whole (grpc-js has read and inflated it), so it
 * is admitted by its size, known before it is decoded.
 */
export function otlpGrpcIngest(traces: OtlpIngestOptions, logs: LogIngestOptions, principals: Principals, guard: () => Guard, log: (message: string) => void): OtlpGrpcHandlers {
  const accountOf = (call: GrpcCallFacts, type: 'traces' | 'logs') => {
    const who = principals.ofAuthorization(call.authorization, call.address);
    const refusal = refusalOf('ingest', who, guard());
    if (refusal) throw refusal;
    return principals.accountOf(who, type);
  };
  return {
    traces: (message, call) =>
      asApiErrors(() => {
        const account = accountOf(call, 'traces');
        return ingestTraces(
          {
            format: 'protobuf',
            declaredBytes: message.length,
            deliveryId: () => deliveryIdOf(call.idempotencyKey, account),
            async receive(hold) {
              hold.grow(message.length);
              return { raw: message, body: message, encoding: 'identity' };
            },
            discard: () => {},
          },
          traces,
          account,
        );
      }),
    logs: (message, call) =>
      asApiErrors(() => {
        const account = accountOf(call, 'logs');
        const received = { format: 'protobuf' as const, deliveryId: deliveryIdOf(call.idempotencyKey, account), read: async (hold: { grow(bytes: number): void }) => (hold.grow(message.length), message) };
        return ingestLogs(received, logs, account);
      }),
    unexpected: (error) => log(`otlp/grpc: ${(error as Error)?.stack ?? String(error)}`),
  };
}

/** A store failure is not the sender's fault and may pass: UNAVAILABLE, to retry (as the HTTP path's 503). */
async function asApiErrors<T>(handle: () => Promise<T>): Promise<T> {
  try {
    return await handle();
  } catch (error) {
    if (error instanceof StoreError) throw new ApiError(503, `store unavailable: ${error.message}`, { cause: error, headers: { 'retry-after': String(STORE_RETRY_AFTER_S) } });
    throw error;
  }
}

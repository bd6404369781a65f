import type { Account } from '@stitch/model';
import type { DecodedBatch, OtlpFormat } from '@stitch/wire';

export interface DecodeRequest {
  id: number;
  body: Uint8Array;
  format: OtlpFormat;
  account: Account;
}

export type DecodeReply =
  /** `decodeMicros`: the worker's time decoding, for GET /api/ingest/stages. */
  | { id: number; ok: true; batch: DecodedBatch; decodeMicros: number }
  | { id: number; ok: false; wireError: boolean; message: string };

import type { Account } from '@stitch/model';
import type { DecodedBatch, OtlpFormat } from '@stitch/wire';

export interface DecodeRequest {
  id: number;
  body: Uint8Array;
  format: OtlpFormat;
  account: Account;
}

/** `decodeMicros`: the worker's time decoding (or failing to), for GET /api/ingest/stages. */
export type DecodeReply = { id: number; decodeMicros: number } & ({ ok: true; batch: DecodedBatch } | { ok: false; wireError: boolean; message: string });

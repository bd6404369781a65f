import { ApiError } from './api-error.ts';

/** The default: four bodies at the default 16 MiB limit, or hundreds of the OTel SDKs' usual batches. */
export const DEFAULT_MAX_BODY_BYTES_IN_FLIGHT = 64 * 1024 * 1024;

/**
 * The bytes of request bodies a process holds at once, as received and decompressed, from the
 * first byte until the body is decoded. Without it a burst of large exports is read into memory
 * all at once (48 bodies of 14 MiB took central past 2.5 GiB, and glibc kept most of it). Past the
 * budget a request is answered 503 with Retry-After, which OTLP exporters and the agent retry.
 */
export class BodyBudget {
  private heldBytes = 0;

  constructor(readonly limitBytes: number = DEFAULT_MAX_BODY_BYTES_IN_FLIGHT) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes < 1) throw new Error(`maxBodyBytesInFlight: expected a positive integer, got ${limitBytes}`);
  }

  get bytesHeld(): number {
    return this.heldBytes;
  }

  /** A hold for one request's body: it grows as the body arrives and ends with `release`. */
  open(): BodyHold {
    let held = 0;
    return {
      grow: (bytes: number) => {
        // A body alone may always take what its own limit allows: the budget only spaces out bodies.
        if (this.heldBytes > held && this.heldBytes + bytes > this.limitBytes) throw busy(this.limitBytes);
        this.heldBytes += bytes;
        held += bytes;
      },
      release: () => {
        this.heldBytes -= held;
        held = 0;
      },
    };
  }
}

export interface BodyHold {
  /** Takes `bytes` more of the budget, or throws the 503 when other bodies hold it. */
  grow(bytes: number): void;
  /** Gives back everything this hold took (idempotent). */
  release(): void;
}

const busy = (limit: number) =>
  new ApiError(503, `request body: other requests hold the ${limit} bytes of bodies read at once (--max-body-bytes-in-flight); retry shortly`, {
    headers: { 'retry-after': '1', connection: 'close' },
  });

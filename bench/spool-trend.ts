import { spoolSize, type SpoolSize } from './soak-sampler.ts';

// An agent's spool over the measured window: flat while central keeps up with what the agent
// accepts, growing while it does not (the backlog central then owes).

export interface SpoolTrend {
  first: SpoolSize;
  max: SpoolSize;
  last: SpoolSize;
  samples: number;
  /** More batches at the end than at the start, by more than a few sends' worth in flight. */
  growing: boolean;
}

/** How long the agents may take to hand central what they spooled, once the load stops. */
export const SPOOL_DRAIN_LIMIT_MS = 180_000;

/** Batches (of <= 512 spans each) a flat spool may gain between two samples: the forwarder's sends in flight and a few just accepted. */
export const GROWTH_TOLERANCE_BATCHES = 20;

export function spoolTrend(samples: readonly SpoolSize[]): SpoolTrend {
  if (samples.length === 0) throw new Error('no spool samples');
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const max = { batches: Math.max(...samples.map((s) => s.batches)), bytes: Math.max(...samples.map((s) => s.bytes)) };
  return { first, max, last, samples: samples.length, growing: last.batches - first.batches > GROWTH_TOLERANCE_BATCHES };
}

/** Samples each spool directory every `intervalMs` until stopped. */
export class SpoolWatch {
  private readonly samples: SpoolSize[][];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly dirs: readonly string[],
    intervalMs = 1_000,
  ) {
    this.samples = dirs.map(() => []);
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    this.dirs.forEach((dir, i) => this.samples[i]!.push(spoolSize(dir)));
  }

  /** Samples once more, stops, and gives each spool's trend. */
  stop(): SpoolTrend[] {
    clearInterval(this.timer);
    this.sample();
    return this.samples.map(spoolTrend);
  }
}

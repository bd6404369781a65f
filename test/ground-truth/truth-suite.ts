// Every answer Stitch gives about the ground-truth corpus, held to what is true, on any store.
import { after, before, describe } from 'node:test';
import type { CentralStore } from '@stitch/store';
import { loadCorpus, type CorpusCentral } from './corpus-central.ts';
import { diagnosisTruthTests } from './diagnosis-truth.ts';
import { mapTruthTests } from './map-truth.ts';
import { metricsTruthTests } from './metrics-truth.ts';
import { searchTruthTests } from './search-truth.ts';
import { sloTruthTests } from './slo-truth.ts';
import { rideHailingCorpus, type Corpus } from './ride-hailing.ts';

export interface TruthContext {
  corpus: Corpus;
  /** Central with the corpus loaded (once the suite's `before` ran). */
  loaded: () => CorpusCentral;
  /** Whole minutes well inside the data, so no answer depends on how a window's edges are cut. */
  wholeMinutes: { startMs: number; endMs: number };
}

/** Loads the corpus into central over the store `openStore` makes, and runs every truth test against it. */
export function runTruthSuite(name: string, openStore: () => Promise<CentralStore>): void {
  describe(`ground truth, ${name}: a five-account marketplace sent by stock clients`, () => {
    let central: CorpusCentral | undefined;
    const corpus = rideHailingCorpus({ seed: 24, startMs: Math.floor(Date.now() / 60_000) * 60_000 - 20 * 60_000 + 7_300, minutes: 6, requestsPerSecond: 4 });
    const firstWhole = Math.ceil(corpus.startMs / 60_000) * 60_000;
    const context: TruthContext = {
      corpus,
      loaded: () => central ?? assertLoaded(),
      wholeMinutes: { startMs: firstWhole + 60_000, endMs: firstWhole + 4 * 60_000 },
    };
    before(async () => {
      central = await loadCorpus(await openStore(), corpus);
    });
    after(() => central?.stop());
    mapTruthTests(context);
    metricsTruthTests(context);
    searchTruthTests(context);
    diagnosisTruthTests(context, 'issue 24: trustworthy findings are landing');
    sloTruthTests(context);
  });
}

function assertLoaded(): never {
  throw new Error('the corpus is not loaded yet');
}

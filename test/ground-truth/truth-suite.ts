// Every answer Stitch gives about a ground-truth corpus, held to what is true, on any store. Two
// corpora of different topologies run the same tests, so no answer is right for one test only.
import { after, before, describe } from 'node:test';
import type { CentralStore } from '@stitch/store';
import { loadCorpus, type CorpusCentral } from './corpus-central.ts';
import { alarmTruthTests } from './alarm-truth.ts';
import { costTruthTests } from './cost-truth.ts';
import { diagnosisTruthTests } from './diagnosis-truth.ts';
import { mapTruthTests } from './map-truth.ts';
import { metricsTruthTests } from './metrics-truth.ts';
import { onlineShopCorpus } from './online-shop.ts';
import { searchTruthTests } from './search-truth.ts';
import { sloTruthTests } from './slo-truth.ts';
import type { Corpus } from './corpus.ts';
import { rideHailingCorpus } from './ride-hailing.ts';
import type { TruthContext, TruthTest } from './truth-context.ts';

export interface TruthCorpus {
  /** Short, for database names: ride_hailing. */
  name: string;
  /** The corpus, its requests starting at `startMs`: a few thousand, so the suites take seconds. */
  make: (startMs: number) => Corpus;
  /** Defects this corpus shows that no fix under way covers yet: the test, and what is wrong. */
  found: Partial<Record<TruthTest, string>>;
}

export const CORPORA: TruthCorpus[] = [
  { name: 'ride_hailing', make: (startMs) => rideHailingCorpus({ seed: 24, startMs, minutes: 6, requestsPerSecond: 4 }), found: {} },
  {
    name: 'online_shop',
    make: (startMs) => onlineShopCorpus({ seed: 24, startMs, minutes: 6, requestsPerSecond: 3 }),
    found: {},
  },
];

/** Loads each corpus into central over a store `openStore` makes for it, and runs every truth test against it. */
export function runTruthSuite(name: string, openStore: (corpus: string) => Promise<CentralStore>): void {
  for (const truthCorpus of CORPORA) {
    const corpus = truthCorpus.make(Math.floor(Date.now() / 60_000) * 60_000 - 20 * 60_000 + 7_300);
    describe(`ground truth, ${name}: ${corpus.scenario.title}`, () => {
      let central: CorpusCentral | undefined;
      const firstWhole = Math.ceil(corpus.startMs / 60_000) * 60_000;
      const context: TruthContext = {
        corpus,
        loaded: () => central ?? assertLoaded(),
        wholeMinutes: { startMs: firstWhole + 60_000, endMs: firstWhole + 4 * 60_000 },
        todo: (test, pending) => truthCorpus.found[test] ?? pending,
      };
      before(async () => {
        central = await loadCorpus(await openStore(truthCorpus.name), corpus);
      });
      after(() => central?.stop());
      mapTruthTests(context);
      metricsTruthTests(context);
      searchTruthTests(context);
      diagnosisTruthTests(context);
      sloTruthTests(context);
      costTruthTests(context);
      alarmTruthTests(context);
    });
  }
}

function assertLoaded(): never {
  throw new Error('the corpus is not loaded yet');
}

// What every truth test gets from the suite that runs it: the corpus, central with the corpus
// loaded, and the corpus's marks of the tests it shows defects in.
import type { Corpus } from './corpus.ts';
import type { CorpusCentral } from './corpus-central.ts';

/** The truth tests, by a short key: a corpus marks the ones it shows a defect in (see TruthCorpus.found). */
export type TruthTest =
  | 'map.nodes'
  | 'map.edges'
  | 'map.percentiles'
  | 'map.propagation'
  | 'map.short-windows'
  | 'map.long-window'
  | 'metrics.counts'
  | 'metrics.percentiles'
  | `search ${string}`
  | 'diagnosis.first'
  | 'diagnosis.every-finding'
  | 'diagnosis.healthy'
  | 'slo.success'
  | 'cost.usage'
  | 'alarm.threshold'
  | 'slo.latency';

export interface TruthContext {
  corpus: Corpus;
  /** Central with the corpus loaded (once the suite's `before` ran). */
  loaded: () => CorpusCentral;
  /** Whole minutes well inside the data, so no answer depends on how a window's edges are cut. */
  wholeMinutes: { startMs: number; endMs: number };
  /** The test's todo mark: a defect this corpus found, else the fix still landing (`pending`), else none. */
  todo: (test: TruthTest, pending?: string) => string | undefined;
}

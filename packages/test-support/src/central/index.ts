export type { TestCentral } from './start-test-central.ts';
export { startTestCentral } from './start-test-central.ts';
export type { CostlyAnswer, CostlyReadsLoad } from './costly-reads-load.ts';
export { costlySearch, ingestUnderCostlyReads, timedGet } from './costly-reads-load.ts';
export type { FiguresRecount } from './derived-recount.ts';
export { assertFiguresEqualRecount, recountFigures } from './derived-recount.ts';

import { InMemoryTraceStore } from '@stitch/store';
import { runMapTruthSuite } from './map-truth-suite.ts';

runMapTruthSuite('in memory', async () => new InMemoryTraceStore());

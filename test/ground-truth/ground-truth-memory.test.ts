import { InMemoryStore } from '@stitch/store';
import { runTruthSuite } from './truth-suite.ts';

runTruthSuite('in memory', async () => new InMemoryStore());

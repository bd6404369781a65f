import { soakTest } from './soak-check.ts';

// Exactly once on the scale-out store too: a delivery counts as stored only when its one insert landed whole.
soakTest('ClickHouse, two shards', 2, 60);

import type { DerivedStateStore } from './derived-state.ts';
import type { LogStore } from './log-store.ts';
import type { MetricStore } from './metric-store.ts';
import type { TraceStore } from './trace-store.ts';
import type { UsageStore } from './usage-store.ts';

/** Everything central keeps: spans, span metrics, logs, usage and where its counting stands, in one backend. */
export type CentralStore = TraceStore & MetricStore & LogStore & UsageStore & DerivedStateStore;

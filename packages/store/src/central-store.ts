import type { AttributeDiscovery } from './attribute-discovery.ts';
import type { DerivedStateStore } from './derived-state.ts';
import type { LogReads, LogWrites } from './log-store.ts';
import type { MetricsQueryReads } from './metrics-query-reads.ts';
import type { MetricReads, MetricWrites } from './metric-store.ts';
import type { StoreLifecycle } from './store-lifecycle.ts';
import type { TraceReads, TraceWrites } from './trace-store.ts';
import type { UsageReads, UsageWrites } from './usage-store.ts';

/** Everything central's read routes may ask of its store: spans, the service map, logs, span metrics, usage, attribute names and values, metrics queries. */
export type CentralReads = TraceReads & LogReads & MetricReads & UsageReads & AttributeDiscovery & MetricsQueryReads;

/** Everything central writes: spans, the service map, logs, span metrics, usage, and where its counting stands. */
export type CentralWrites = TraceWrites & LogWrites & MetricWrites & UsageWrites & DerivedStateStore;

/** Everything central keeps, in one backend (DuckDbStore, ClickHouseStore, InMemoryStore). */
export type CentralStore = CentralReads & CentralWrites & StoreLifecycle;

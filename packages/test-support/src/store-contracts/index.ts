// The contract suites every store implementation runs (in memory, DuckDB, ClickHouse, over HTTP):
// each registers node:test tests, so they live here, never in a shipped package.
export type { StoreContractOptions } from './store-contract.ts';
export { runStoreContract } from './store-contract.ts';
export type { MetricStoreContractOptions } from './metric-store-contract.ts';
export { runMetricStoreContract } from './metric-store-contract.ts';
export { runLatencyTruthContract } from './latency-truth-contract.ts';
export type { LogStoreContractOptions } from './log-store-contract.ts';
export { runLogStoreContract } from './log-store-contract.ts';
export type { UsageContractOptions } from './usage-contract.ts';
export { runUsageContract } from './usage-contract.ts';
export type { DerivedStateContractOptions } from './derived-state-contract.ts';
export { runDerivedStateContract } from './derived-state-contract.ts';
export type { ReadBudgetContractOptions } from './read-budget-contract.ts';
export { runReadBudgetContract } from './read-budget-contract.ts';
export { lateRoot, traceStatusCases, traceStatusWindow } from './trace-status-cases.ts';
export { assertMigratedTraceStatuses, assertTraceStatuses } from './trace-status-check.ts';
export type { DiscoveryContractOptions } from './discovery-contract.ts';
export { runDiscoveryContract } from './discovery-contract.ts';
export type { MetricsQueryContractOptions } from './metrics-query-contract.ts';
export { runMetricsQueryContract } from './metrics-query-contract.ts';

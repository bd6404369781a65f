export type { MetricRecord, MetricSelector } from './metric-record.ts';
export type { SloDefinition, SloObjective } from './slo-definition.ts';

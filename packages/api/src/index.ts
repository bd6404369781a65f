// The answers of central's HTTP API, declared once: central's routes return these types, the
// console and the CLI read them. Types only (and the telemetry types' list), so the console's
// browser bundle imports nothing from here at run time.

export type { DeletedJson, ErrorBodyJson } from './error-body.ts';
export type { MaybePartial, MissingAccountJson, PartialJson } from './partial-answer.ts';
export type { HealthJson } from './health.ts';

export type { HistogramJson, SearchQueryJson, ServicesJson, ServiceSummaryJson, TraceAnswerJson, TraceOutlineAnswerJson, TraceSearchJson } from './traces.ts';
export type { SpanJson, TraceJson, TraceOutlineJson, TraceSpanJson, TraceSummaryJson, LogRecordJson, LogsAnswerJson } from '@stitch/model';
export type { LogsJson } from './logs.ts';
export type { SearchTagsJson, TagScopeName, TagValuesJson, TagValueType } from './search-tags.ts';
export type { MetricsQueryJson, SeriesLabelJson } from './metrics-query.ts';
export type { AccountJson, AccountsJson, FederatedJson } from './accounts.ts';
export type { MapEdgeJson, MapNodeJson, MapWindow, PropagationFindingJson, PropagationJson, PropagationNodeJson, ServiceMapAnswer, ServiceMapJson, StatsJson, TracesLink, WindowedMap } from './service-map.ts';
export type { Health } from '@stitch/graph';
export type { DiagnoseJson } from './diagnose.ts';
export type { DiagnosisJson } from '@stitch/graph';

export type { MetricsJson, SloJson, SloStatusJson, AlarmJson, AlarmTransitionJson } from '@stitch/metrics';
export type { SloAnswerJson, SloListJson } from './span-metrics.ts';
export type { AlarmAnswerJson, AlarmEvaluationJson, AlarmHistoryJson, AlarmListJson } from './alarms.ts';
export type { CanaryJson, CanaryRunRecord } from '@stitch/canary';
export type { CanaryAnswerJson, CanaryListJson, CanaryRunJson, CanaryRunsJson } from './canaries.ts';
export type { CostReport, PriceSheet, WhatIfJson } from '@stitch/cost';
export type { PricesJson } from './cost.ts';
export type { HeldSamplingRule, SamplingAuditEntryJson, SamplingAuditJson, SamplingRuleAddedJson, SamplingRuleJson, SamplingRulesJson, SamplingVersionJson, TailSamplingJson } from './sampling.ts';

export { TELEMETRY_TYPES } from './links.ts';
export type { LinkAuditEntryJson, LinkAuditJson, LinkCreatedJson, LinkJson, LinksJson, SinkCreatedJson, SinkJson, SinksJson, TelemetryType } from './links.ts';
export type { ReadTokenIssuedJson, ReadTokenJson, ReadTokenRevokedJson, ReadTokensJson, ServerTokenRotatedJson } from './tokens.ts';
export type { FederationMemberJson, FederationStatusJson, HeartbeatAnswerJson } from './federation.ts';
export type { IngestStagesJson } from './ingest.ts';

export type {
  AggregateCondition,
  AndExpr,
  AttributeCompare,
  AttributeScope,
  CompareExpr,
  CompareOp,
  EdgeExpr,
  FilterExpr,
  Flag,
  FlagExpr,
  MetricFunction,
  MetricsQuery,
  NestedScope,
  NotExpr,
  OrExpr,
  OwnCompareExpr,
  PipelineExpr,
  ServiceExpr,
  SpanKey,
  SpanNumber,
  SpanSetExpr,
  SpanSource,
  StructuralOp,
  StructureExpr,
  TextField,
  TraceStatusExpr,
} from './ast.ts';
export { FLAGS, ID_FIELDS, LINK_ID_FIELDS, METRIC_FUNCTIONS, STRUCTURAL_OPS, TEXT_FIELDS } from './ast.ts';
export { anchoredPattern, MAX_PATTERN_LENGTH } from './regex.ts';
export { FilterSyntaxError } from './filter-syntax-error.ts';
export { tokenize, type Token } from './lexer.ts';
export { parseFieldName, parseFilter, parseMetricsQuery, FILTER_LIMITS, INTRINSIC_NAMES } from './parser.ts';
export { fieldText, filterText } from './filter-text.ts';
export type { LabelValue, MetricCell, MetricSeries, MetricsRange } from './metrics-series.ts';
export { cellsOfSpans, nearestRank, seriesOf, stepCount } from './metrics-series.ts';
export type { BaseRelation, Linked, SpanSet } from './structure.ts';
export { CONVERSE, selectSpans, spanSetsOf, structuralParts } from './structure.ts';
export { compareOrdered, matchedSpans, SpanFamily, spanKeyOf, spanMeets, spanNumberOf, traceMatches, valueOfKey } from './evaluate.ts';
export { pushdownFilter } from './federated-pushdown.ts';
export type { KnownDuration } from './duration-verdict.ts';
export { verdictFromDuration } from './duration-verdict.ts';
export { spanHasFlag } from './span-flags.ts';
export type { DurationHistogram } from './duration-histogram.ts';
export { HISTOGRAM_BOUNDS, bucketOf, histogramOf, histogramFromCounts } from './duration-histogram.ts';

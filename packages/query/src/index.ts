export type { AndExpr, CompareExpr, CompareOp, EdgeExpr, FilterExpr, Flag, FlagExpr, NotExpr, OrExpr, ServiceExpr, TextField } from './ast.ts';
export { FLAGS, TEXT_FIELDS } from './ast.ts';
export { FilterSyntaxError } from './filter-syntax-error.ts';
export { parseFilter, FILTER_LIMITS } from './parser.ts';
export { traceMatches } from './evaluate.ts';
export { spanHasFlag } from './span-flags.ts';
export type { DurationHistogram } from './duration-histogram.ts';
export { HISTOGRAM_BOUNDS, bucketOf, histogramOf, histogramFromCounts } from './duration-histogram.ts';

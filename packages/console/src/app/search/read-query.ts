import { normalizeTraceId } from '@stitch/model';
import { FilterSyntaxError, parseFilter, parseMetricsQuery, type MetricsQuery } from '@stitch/query';

export interface FilterProblem {
  message: string;
  /** 1-based, as the API and the parser give it. */
  column: number | null;
}

/** What the filter box holds: nothing to search (empty, or a trace id to open), a filter of traces, a metrics query to chart, or a mistake. */
export type QueryReading = { kind: 'nothing' } | { kind: 'filter' } | { kind: 'metrics'; query: MetricsQuery } | { kind: 'problem'; problem: FilterProblem };

/**
 * The language's own parsers, in the page, so a mistake shows as it is typed. The text is a
 * filter or a metrics query (`{ … } | rate() …`); when it is neither, the mistake shown is the
 * one found further along: the reading that got further is the one the person was writing.
 */
export function readQuery(text: string): QueryReading {
  if (text.trim() === '' || normalizeTraceId(text) !== null) return { kind: 'nothing' };
  let asFilter: unknown;
  try {
    parseFilter(text);
    return { kind: 'filter' };
  } catch (error) {
    asFilter = error;
  }
  try {
    return { kind: 'metrics', query: parseMetricsQuery(text) };
  } catch (asMetrics) {
    const further = asMetrics instanceof FilterSyntaxError && asFilter instanceof FilterSyntaxError && asMetrics.column > asFilter.column ? asMetrics : asFilter;
    return { kind: 'problem', problem: problemOf(further) };
  }
}

function problemOf(error: unknown): FilterProblem {
  if (error instanceof FilterSyntaxError) return { message: error.detail, column: error.column };
  return { message: (error as Error).message, column: null };
}

import type { z } from 'zod';
import { ApiError } from '@stitch/http';
import { filterText, FilterSyntaxError, parseFilter } from '@stitch/query';
import type { TraceQuery } from '@stitch/store';
import type { histogramBody, HistogramBody, SearchBody } from './protocol.ts';

type Window = Omit<TraceQuery, 'limit'>;

/** A search window as central sends it: nanoseconds as decimal strings, the filter as text. */
export function histogramBodyOf(query: Window): HistogramBody {
  return {
    start: query.startNanos.toString(),
    end: query.endNanos.toString(),
    service: query.serviceName,
    minDuration: query.minDurationNanos?.toString(),
    maxDuration: query.maxDurationNanos?.toString(),
    filter: query.filter && filterText(query.filter),
  };
}

export function searchBodyOf(query: TraceQuery): SearchBody {
  return { ...histogramBodyOf(query), limit: query.limit };
}

/** The agent's side: a checked body as the store's query; a filter that does not parse is a 400 naming `filter`. */
export function windowOf(body: z.output<typeof histogramBody>): Window {
  const query: Window = { startNanos: body.start, endNanos: body.end };
  if (body.service !== undefined) query.serviceName = body.service;
  if (body.minDuration !== undefined) query.minDurationNanos = body.minDuration;
  if (body.maxDuration !== undefined) query.maxDurationNanos = body.maxDuration;
  if (body.filter !== undefined) query.filter = parsedFilter(body.filter);
  return query;
}

function parsedFilter(text: string) {
  try {
    return parseFilter(text);
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) throw error;
    throw new ApiError(400, `filter: ${error.message}`, { cause: error, details: { column: error.column } });
  }
}

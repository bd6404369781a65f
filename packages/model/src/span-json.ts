import type { Span, SpanEvent } from './span.ts';
import { nanos } from './units.ts';

type WithStringNanos<T, K extends keyof T> = Omit<T, K> & { [P in K]: string };

/** A span as the JSON API carries it: nanosecond times as decimal strings (uint64 does not fit a JSON number). */
export type SpanJson = Omit<WithStringNanos<Span, 'startTimeUnixNano' | 'endTimeUnixNano'>, 'events'> & {
  durationNanos: string;
  events: Array<WithStringNanos<SpanEvent, 'timeUnixNano'>>;
};

export function spanToJson(span: Span): SpanJson {
  return {
    ...span,
    startTimeUnixNano: span.startTimeUnixNano.toString(),
    endTimeUnixNano: span.endTimeUnixNano.toString(),
    durationNanos: (span.endTimeUnixNano - span.startTimeUnixNano).toString(),
    events: span.events.map((event) => ({ ...event, timeUnixNano: event.timeUnixNano.toString() })),
  };
}

export function spanFromJson(json: SpanJson): Span {
  const { durationNanos: _duration, ...rest } = json;
  return {
    ...rest,
    startTimeUnixNano: nanos(BigInt(json.startTimeUnixNano)),
    endTimeUnixNano: nanos(BigInt(json.endTimeUnixNano)),
    events: json.events.map((event) => ({ ...event, timeUnixNano: nanos(BigInt(event.timeUnixNano)) })),
  };
}

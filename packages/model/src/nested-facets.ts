import type { SpanEvent, SpanLink } from './span.ts';
import { typedListMembers, wellFormed, type TypedAttributes } from './typed-attributes.ts';

/**
 * What the stores keep of a span's events and links so that search can ask about them (the
 * language's `event.k`, `event:name`, `event:timeSinceStart`, `link.k`, `link:traceID`,
 * `link:spanID`): lists over all of them, with their attributes' typed lists one event (or link)
 * after another. A condition then holds when one event (link) meets it; which one is not kept, so
 * two conditions may be met by two events of one span. Null for a span with none.
 */
export interface EventFacets extends TypedAttributes {
  names: string[];
  /** Each event's time since the span's start, in nanoseconds (negative for a skewed one). */
  offsets: number[];
}

export interface LinkFacets extends TypedAttributes {
  trace_ids: string[];
  span_ids: string[];
}

/** EventFacets as JSON, as SpanBatch.eventFacetsJson carries it. */
export function eventFacetsJson(events: readonly SpanEvent[], startNs: bigint): string | null {
  if (events.length === 0) return null;
  const names = JSON.stringify(events.map((event) => wellFormed(event.name)));
  const offsets = JSON.stringify(events.map((event) => Number(event.timeUnixNano - startNs)));
  return facetsJson(`"names":${names},"offsets":${offsets}`, typedListMembers(events.map((event) => event.attributes)));
}

/** LinkFacets as JSON, as SpanBatch.linkFacetsJson carries it. */
export function linkFacetsJson(links: readonly SpanLink[]): string | null {
  if (links.length === 0) return null;
  const ids = `"trace_ids":${JSON.stringify(links.map((link) => wellFormed(link.traceId)))},"span_ids":${JSON.stringify(links.map((link) => wellFormed(link.spanId)))}`;
  return facetsJson(ids, typedListMembers(links.map((link) => link.attributes)));
}

const facetsJson = (own: string, typed: string) => `{${own}${typed === '' ? '' : `,${typed}`}}`;

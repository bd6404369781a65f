import type { Nanos, Span } from '@stitch/model';
import { SpanFamily, spanKeyOf, spanMeets, valueOfKey, type FilterExpr, type SpanKey } from '@stitch/query';

// What the filter box completes from: the attribute names spans carry, and the values a field or
// attribute takes, each with how many spans of a window carry it (Tempo's search tags, counted).

export interface DiscoveryWindow {
  /** Spans starting in [startNanos, endNanos). */
  startNanos: Nanos;
  endNanos: Nanos;
  /** Only spans of these accounts (a scoped reader's); every account when absent. */
  accounts?: readonly string[];
}

export interface NameCount {
  name: string;
  count: number;
}

/**
 * Names of the spans' own attributes, of their resources' (a resource's counted once per span of
 * it), and of their events' and links' (counted once per span that has one carrying it).
 */
export interface AttributeNames {
  span: NameCount[];
  resource: NameCount[];
  event: NameCount[];
  link: NameCount[];
}

export type DiscoveredValue = string | number | boolean;

export interface ValueCount {
  value: DiscoveredValue;
  count: number;
}

export interface AttributeDiscovery {
  /** The names on spans of the window, most carried first (then by name), at most `limit` per scope. */
  attributeNames(window: DiscoveryWindow, limit: number): Promise<AttributeNames>;
  /** The values `key` takes on spans of the window meeting `spans` (a condition on one span; null: all), most common first, at most `limit`. */
  attributeValues(window: DiscoveryWindow, key: SpanKey, spans: FilterExpr | null, limit: number): Promise<ValueCount[]>;
}

/** Most first, then by name: the order every store answers in. */
export const byCountThenName = <T extends { count: number }>(name: (item: T) => string) => (a: T, b: T) => b.count - a.count || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);

/** Discovery over spans in memory: the in-memory store's, and the meaning the SQL stores are tested against. */
export function discoverNames(spans: readonly Span[], window: DiscoveryWindow, limit: number): AttributeNames {
  const counts = { span: new Map<string, number>(), resource: new Map<string, number>(), event: new Map<string, number>(), link: new Map<string, number>() };
  const count = (scope: keyof AttributeNames, keys: Iterable<string>) => {
    for (const key of keys) counts[scope].set(key, (counts[scope].get(key) ?? 0) + 1);
  };
  for (const one of inWindow(spans, window)) {
    count('span', Object.keys(one.attributes));
    count('resource', Object.keys(one.resource.attributes));
    count('event', new Set(one.events.flatMap((event) => Object.keys(event.attributes))));
    count('link', new Set(one.links.flatMap((link) => Object.keys(link.attributes))));
  }
  const ranked = (scope: keyof AttributeNames) =>
    [...counts[scope]].map(([name, count]) => ({ name, count })).sort(byCountThenName((item) => item.name)).slice(0, limit);
  return { span: ranked('span'), resource: ranked('resource'), event: ranked('event'), link: ranked('link') };
}

export function discoverValues(spans: readonly Span[], window: DiscoveryWindow, key: SpanKey, condition: FilterExpr | null, limit: number): ValueCount[] {
  const counts = new Map<string, number>();
  // Children are counted among the window's accounts' spans from its start on, as the stores read them.
  const family = new SpanFamily(spans.filter((span) => span.startTimeUnixNano >= window.startNanos && (window.accounts?.includes(span.account.id) ?? true)));
  for (const span of inWindow(spans, window)) {
    if (condition !== null && !spanMeets(condition, span, family)) continue;
    const typed = spanKeyOf(span, key);
    if (typed !== 'nil') counts.set(typed, (counts.get(typed) ?? 0) + 1);
  }
  return [...counts]
    .map(([typed, count]) => ({ typed, count }))
    .sort(byCountThenName((item) => item.typed))
    .slice(0, limit)
    .map(({ typed, count }) => ({ value: valueOfKey(typed)!, count }));
}

function* inWindow(spans: readonly Span[], window: DiscoveryWindow): Generator<Span> {
  const accounts = window.accounts ? new Set(window.accounts) : null;
  for (const span of spans) {
    if (span.startTimeUnixNano < window.startNanos || span.startTimeUnixNano >= window.endNanos) continue;
    if (accounts && !accounts.has(span.account.id)) continue;
    yield span;
  }
}

import { annotationsOf, calledPeerOf, type Span } from '@stitch/model';
import type { LegacySpanRow } from '@stitch/store';

/**
 * A span as the stores wrote it before attributes were kept as typed lists: its details in one
 * JSON text and its resource's attributes in another. Tests write such rows to check that a store
 * written then is migrated, or read, right.
 */
export function legacySpanRowOf(span: Span): LegacySpanRow & { account_label: string; annotation_keys: string[] | null; annotation_values: string[] | null; peer_name: string | null; peer_account: string | null } {
  const annotations = annotationsOf(span.attributes);
  const peer = calledPeerOf(span);
  return {
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId,
    name: span.name,
    kind: span.kind,
    start_ns: span.startTimeUnixNano,
    end_ns: span.endTimeUnixNano,
    status_code: span.status.code,
    http_method: span.http.method,
    http_route: span.http.route,
    http_url: span.http.url,
    http_status: span.http.statusCode,
    service_name: span.resource.serviceName,
    account_id: span.account.id,
    account_label: span.account.label,
    annotation_keys: annotations.length === 0 ? null : annotations.map(([key]) => key),
    annotation_values: annotations.length === 0 ? null : annotations.map(([, value]) => JSON.stringify(value)),
    peer_name: peer?.name ?? null,
    peer_account: peer?.account ?? null,
    resource_json: JSON.stringify(span.resource.attributes),
    detail_json: JSON.stringify({
      traceState: span.traceState,
      statusMessage: span.status.message,
      accountLabel: span.account.label,
      scope: span.scope,
      attributes: span.attributes,
      events: span.events.map((event) => ({ name: event.name, timeUnixNano: event.timeUnixNano.toString(), attributes: event.attributes })),
      links: span.links,
    }),
  };
}

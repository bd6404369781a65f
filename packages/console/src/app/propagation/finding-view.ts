import type { PropagationFindingJson, PropagationNodeJson } from '@stitch/api';
import { urlOf } from '../router.ts';

/**
 * A finding's node by name: the API's, or else read back from the node key
 * (`<service|inferred kind>|<account>|<name>`, each part URL-encoded) so that a key never shows.
 */
export function nodeOf(node: PropagationNodeJson | null | undefined, key: string | null): PropagationNodeJson | null {
  if (node) return node;
  if (key === null) return null;
  const [, account = '', service = key] = key.split('|').map((part) => safeDecode(part));
  return { service, account, accountLabel: account };
}

/**
 * Where to see a finding's traces without its recorded examples: the search of the service where
 * context was lost (its account's), in the page's window. The examples come from the map's
 * aggregator; this search reads the stored spans, so it answers even when the aggregator kept none.
 */
export function tracesAtUrl(finding: PropagationFindingJson, window: { start: string; end: string }): string | null {
  const to = nodeOf(finding.toNode, finding.to);
  if (!to) return null;
  return urlOf('/search', { q: `service(${JSON.stringify(to.service)})`, account: to.account, start: window.start, end: window.end });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

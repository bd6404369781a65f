import type { PropagationFindingJson } from '@stitch/api';
import { onLinkClick, urlOf } from '../router.ts';

/** Broken trace propagation makes the map incomplete: say so above it, and where to look. */
export function PropagationStrip({ findings, scope }: { findings: PropagationFindingJson[]; scope: { start: string; end: string; account: string } }) {
  if (findings.length === 0) return null;
  const [worst] = findings;
  const more = findings.length - 1;
  const url = urlOf('/propagation', scope);
  return (
    <div class="map-warning" role="status" data-propagation-findings={findings.length}>
      <strong>Trace context breaks</strong> {worst!.message}
      {more > 0 && ` (and ${more} more)`}. Calls across those hops show as separate traces or inferred peers.{' '}
      <a href={url} onClick={(event) => onLinkClick(event, url)}>
        See propagation
      </a>
    </div>
  );
}

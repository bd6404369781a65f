import { accountColor } from '../account-colors.ts';
import { showsFigures, unitsFor } from './map-detail.ts';
import { DEFAULT_SIZES, type ClusterBox } from './map-layout.ts';

/** The label's size on screen, and in map units at 1:1 (as base.css has it). */
const LABEL_UNITS = 12;

/**
 * The box around one account's services, tinted and labelled in the account's colour; zoomed
 * out, the label alone, in type that stays readable. The label folds the account into one node
 * and back (a click, or Enter).
 */
export function MapCluster({ cluster, scale, collapsed, onToggle }: { cluster: ClusterBox; scale: number; collapsed: boolean; onToggle(): void }) {
  const colour = accountColor(cluster.account);
  const fontUnits = unitsFor(LABEL_UNITS, scale);
  // The id once: not after a label that holds it (a link labelled `$AccountName ($AccountId)`); zoomed out, not at all.
  const showId = showsFigures(scale) && !cluster.label.includes(cluster.account);
  return (
    <g class="map-cluster" data-account={cluster.account} transform={`translate(${cluster.x},${cluster.y})`}>
      <rect class="map-cluster-box" width={cluster.width} height={cluster.height} rx={10} style={{ stroke: colour, fill: colour }} />
      {/* In the band at the box's top while it fits there; above the box when the type has outgrown it. */}
      <text
        class="map-cluster-label"
        x={12}
        y={fontUnits <= DEFAULT_SIZES.clusterLabel ? 17 : -6}
        style={{ fill: colour, fontSize: `${fontUnits}px` }}
        role="button"
        tabindex={0}
        aria-expanded={collapsed ? 'false' : 'true'}
        aria-label={`${collapsed ? 'Show the services of' : 'Fold into one node:'} account ${cluster.label}`}
        // A press here is the toggle's, not the start of a pan.
        onPointerDown={(event) => event.stopPropagation()}
        onClick={onToggle}
        onKeyDown={(event) => {
          if (event.key !== 'Enter' && event.key !== ' ') return;
          event.preventDefault();
          onToggle();
        }}
      >
        {cluster.label}
        {showId && <tspan class="map-cluster-id"> · {cluster.account}</tspan>}
        <tspan class="map-cluster-caret" aria-hidden="true">
          {collapsed ? ' ▸' : ' ▾'}
        </tspan>
      </text>
    </g>
  );
}

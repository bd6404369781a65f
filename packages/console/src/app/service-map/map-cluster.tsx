import { accountColor } from '../account-colors.ts';
import type { ClusterBox } from './map-layout.ts';

/** The box around one account's services, tinted and labelled in the account's colour. */
export function MapCluster({ cluster }: { cluster: ClusterBox }) {
  const colour = accountColor(cluster.account);
  // The id once: not after a label that holds it (a link labelled `$AccountName ($AccountId)`).
  const showId = !cluster.label.includes(cluster.account);
  return (
    <g class="map-cluster" data-account={cluster.account} transform={`translate(${cluster.x},${cluster.y})`}>
      <rect class="map-cluster-box" width={cluster.width} height={cluster.height} rx={10} style={{ stroke: colour, fill: colour }} />
      <text class="map-cluster-label" x={12} y={17} style={{ fill: colour }}>
        {cluster.label}
        {showId && <tspan class="map-cluster-id"> · {cluster.account}</tspan>}
      </text>
    </g>
  );
}

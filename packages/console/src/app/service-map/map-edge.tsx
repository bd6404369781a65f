import type { MapEdgeJson, MapNodeJson } from '@stitch/api';
import { smoothPath } from './geometry.ts';
import { describeStats, formatLatency, formatRate } from './map-format.ts';
import type { EdgeRoute } from './map-layout.ts';

export type EdgeEmphasis = 'normal' | 'active' | 'faded';

interface MapEdgeProps {
  edge: MapEdgeJson;
  route: EdgeRoute;
  from: MapNodeJson;
  to: MapNodeJson;
  emphasis: EdgeEmphasis;
  labelWidth: number;
  /** Its calls/s and p99 drawn on it: not when zoomed out (the figures would be under 11 px; the title has them). */
  labelled: boolean;
  onOpen: (edge: MapEdgeJson) => void;
}

/**
 * One call path: a line with an arrowhead in its health colour, dashed when the hop is async
 * (a message through a queue or topic), labelled with calls/s and p99. A click or Enter opens
 * the traces through it. A wide invisible stroke makes the thin line easy to hit.
 */
export function MapEdge({ edge, route, from, to, emphasis, labelWidth, labelled, onOpen }: MapEdgeProps) {
  const { stats } = edge;
  const path = smoothPath(route.points);
  // Failures show as the line's colour (and in the title): the label stays short enough for its slot.
  const label = `${formatRate(stats.requestsPerSecond)}/s · p99 ${formatLatency(stats.p99Nanos)}`;
  const title = `${from.label} → ${to.label} (${edge.connection === 'async' ? 'async, through a message' : 'sync call'}): ${describeStats(stats)}. Open the traces through it.`;
  const marker = emphasis === 'active' ? 'map-arrow-active' : `map-arrow-${stats.health}`;
  const width = Math.max(labelWidth, label.length * 6.6 + 14);
  return (
    <g
      class={`map-edge ${edge.connection} health-${stats.health} ${emphasis}`}
      data-edge={route.key}
      data-from={edge.from}
      data-to={edge.to}
      data-connection={edge.connection}
      data-health={stats.health}
      tabindex={0}
      role="link"
      aria-label={title}
      onClick={() => onOpen(edge)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') onOpen(edge);
      }}
    >
      <title>{title}</title>
      <path class="map-edge-hit" d={path} />
      <path class="map-edge-line" d={path} marker-end={`url(#${marker})`} />
      {labelled && (
        <g class="map-edge-label" transform={`translate(${route.labelAt.x},${route.labelAt.y})`}>
          <rect x={-width / 2} y={-9} width={width} height={18} rx={4} />
          <text y={4} text-anchor="middle">
            {label}
          </text>
        </g>
      )}
    </g>
  );
}

/** Arrowheads, one per colour an edge can take (a marker cannot take its line's colour in every browser). */
export function ArrowMarkers() {
  return (
    <defs>
      {['green', 'yellow', 'red', 'active'].map((kind) => (
        <marker key={kind} id={`map-arrow-${kind}`} class={`map-arrow ${kind}`} viewBox="0 0 10 10" refX={9} refY={5} markerWidth={9} markerHeight={9} markerUnits="userSpaceOnUse" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" />
        </marker>
      ))}
    </defs>
  );
}

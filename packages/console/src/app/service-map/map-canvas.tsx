import { useMemo, useState } from 'preact/hooks';
import type { MapEdgeJson, MapNodeJson, ServiceMapJson } from '@stitch/api';
import { collapseAccounts } from './collapse-accounts.ts';
import { MapCluster } from './map-cluster.tsx';
import { ArrowMarkers, MapEdge, type EdgeEmphasis } from './map-edge.tsx';
import { DEFAULT_SIZES, edgeKey, layoutServiceMap } from './map-layout.ts';
import { MapLegend } from './map-legend.tsx';
import { showsFigures } from './map-detail.ts';
import { MapNode } from './map-node.tsx';
import { usePanZoom } from './use-pan-zoom.ts';
import { viewBoxText } from './view-box.ts';

interface MapCanvasProps {
  map: ServiceMapJson;
  onOpenNode: (node: MapNodeJson) => void;
  onOpenEdge: (edge: MapEdgeJson) => void;
}

/**
 * The map drawn in SVG: account clusters, then edges, then nodes on top. Laid out once per
 * answer; hovering a node brings its edges and neighbours forward and fades the rest.
 */
export function MapCanvas({ map: answer, onOpenNode, onOpenEdge }: MapCanvasProps) {
  // Accounts folded into one node each (their box's label toggles it): what is drawn.
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const map = useMemo(() => collapseAccounts(answer.nodes, answer.edges, collapsed), [answer, collapsed]);
  const toggleAccount = (account: string) => {
    const next = new Set(collapsed);
    if (!next.delete(account)) next.add(account);
    setCollapsed(next);
  };
  const layout = useMemo(() => layoutServiceMap(map.nodes, map.edges), [map]);
  const nodesById = useMemo(() => new Map(map.nodes.map((node) => [node.id, node])), [map]);
  const routes = useMemo(() => new Map(layout.edges.map((route) => [route.key, route])), [layout]);
  const panZoom = usePanZoom(layout);
  const [hovered, setHovered] = useState<string | null>(null);
  const figures = showsFigures(panZoom.scale);

  const neighbours = useMemo(() => {
    if (hovered === null) return null;
    const near = new Set([hovered]);
    for (const edge of map.edges) {
      if (edge.from === hovered) near.add(edge.to);
      if (edge.to === hovered) near.add(edge.from);
    }
    return near;
  }, [hovered, map]);
  const emphasis = (edge: MapEdgeJson): EdgeEmphasis => (hovered === null ? 'normal' : edge.from === hovered || edge.to === hovered ? 'active' : 'faded');

  // The click that ends a drag is not a click on what it ends over.
  const openNode = (node: MapNodeJson) => {
    if (!panZoom.consumeDrag()) onOpenNode(node);
  };
  const openEdge = (edge: MapEdgeJson) => {
    if (!panZoom.consumeDrag()) onOpenEdge(edge);
  };

  return (
    <div class="map-canvas">
      <svg
        ref={panZoom.svgRef}
        class="map-svg"
        data-detail={figures ? 'figures' : 'names'}
        viewBox={viewBoxText(panZoom.view)}
        role="group"
        aria-label={`Service map: ${map.nodes.length} services and peers, ${map.edges.length} edges`}
        data-node-count={map.nodes.length}
        data-edge-count={map.edges.length}
        {...panZoom.handlers}
      >
        <ArrowMarkers />
        <g class="map-clusters">
          {layout.clusters.map((cluster) => (
            <MapCluster key={cluster.account} cluster={cluster} scale={panZoom.scale} collapsed={collapsed.has(cluster.account)} onToggle={() => toggleAccount(cluster.account)} />
          ))}
        </g>
        <g class="map-edges">
          {map.edges.map((edge) => {
            const route = routes.get(edgeKey(edge));
            const from = nodesById.get(edge.from);
            const to = nodesById.get(edge.to);
            if (!route || !from || !to) return null;
            return <MapEdge key={route.key} edge={edge} route={route} from={from} to={to} emphasis={emphasis(edge)} labelWidth={DEFAULT_SIZES.edgeLabel.width} labelled={figures} onOpen={openEdge} />;
          })}
        </g>
        <g class="map-nodes">
          {map.nodes.map((node) => {
            const box = layout.nodes.get(node.id);
            if (!box) return null;
            return <MapNode key={node.id} node={node} box={box} scale={panZoom.scale} faded={neighbours !== null && !neighbours.has(node.id)} onOpen={openNode} onHover={setHovered} />;
          })}
        </g>
      </svg>
      <div class="map-controls">
        <button class="ghost" title="Zoom in" aria-label="Zoom in" onClick={() => panZoom.zoomBy(1 / 1.25)}>
          +
        </button>
        <button class="ghost" title="Zoom out" aria-label="Zoom out" onClick={() => panZoom.zoomBy(1.25)}>
          −
        </button>
        <button class="ghost" title="Show the whole map" onClick={panZoom.fit}>
          Fit
        </button>
      </div>
      <MapLegend />
    </div>
  );
}

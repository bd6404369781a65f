import { accountColor } from '../account-colors.ts';
import type { MapNodeJson } from '@stitch/api';
import { describeStats, failureRate, formatLatency, formatRate, formatShare, truncate } from './map-format.ts';
import { COMPACT_NAME_PX, nameLines, showsFigures, unitsFor } from './map-detail.ts';
import type { NodeBox } from './map-layout.ts';

const PAD = 14;
/** Wide enough for `p50 13.6 ms` at the node's font size. */
const LATENCY_COLUMN = 72;

interface MapNodeProps {
  node: MapNodeJson;
  box: NodeBox;
  /** Screen pixels per map unit: zoomed out, the node shows its name and health only (map-detail.ts). */
  scale: number;
  /** Drawn faint while another node is hovered and this one is not its neighbour. */
  faded: boolean;
  onOpen: (node: MapNodeJson) => void;
  onHover: (id: string | null) => void;
}

/**
 * One (account, service): its name and account, a ring in its health colour, and its figures
 * (req/s, failures, p50/p95/p99) from 1:1 on; zoomed out, its name and health only. An inferred
 * peer (nobody's instrumented code) has a dashed ring and says what kind of peer it is. A click
 * or Enter opens its traces (the title has the figures at any scale).
 */
export function MapNode({ node, box, scale, faded, onOpen, onHover }: MapNodeProps) {
  const { stats } = node;
  const inferred = node.inferred !== null;
  const accountText = inferred ? (node.account ? `account ${node.accountLabel || node.account}` : 'not instrumented') : node.accountLabel || node.account;
  const title = `${node.label}${inferred ? ` (inferred ${node.inferred} peer)` : ''}, ${accountText}: ${describeStats(stats)}. Open its traces.`;
  const classes = ['map-node', `health-${stats.health}`, inferred ? 'inferred' : '', faded ? 'faded' : ''].filter(Boolean).join(' ');
  return (
    <g
      class={classes}
      transform={`translate(${box.x},${box.y})`}
      data-node-id={node.id}
      data-health={stats.health}
      data-inferred={node.inferred ?? undefined}
      tabindex={0}
      role="link"
      aria-label={title}
      onClick={() => onOpen(node)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') onOpen(node);
      }}
      onMouseEnter={() => onHover(node.id)}
      onMouseLeave={() => onHover(null)}
      onFocus={() => onHover(node.id)}
      onBlur={() => onHover(null)}
    >
      <title>{title}</title>
      <rect class="map-node-ring" width={box.width} height={box.height} rx={8} />
      {!inferred && <rect class="map-node-account-bar" x={1.5} y={1.5} width={5} height={box.height - 3} rx={2} style={{ fill: accountColor(node.account) }} />}
      {showsFigures(scale) ? (
        <>
          <text class="map-node-name" x={PAD} y={21}>
            {truncate(node.label, 28)}
          </text>
          <NodeFigures node={node} box={box} accountText={accountText} />
        </>
      ) : (
        <CompactName name={node.label} box={box} scale={scale} />
      )}
    </g>
  );
}

/** Zoomed out: the name alone, in type that stays COMPACT_NAME_PX on screen, centred in up to two lines. */
function CompactName({ name, box, scale }: { name: string; box: NodeBox; scale: number }) {
  const fontUnits = unitsFor(COMPACT_NAME_PX, scale);
  const lineUnits = fontUnits * 1.15;
  const lines = nameLines(name, box.width - 2 * PAD, fontUnits, Math.max(1, Math.min(2, Math.floor((box.height - 8) / lineUnits))));
  const top = (box.height - lines.length * lineUnits) / 2 + fontUnits * 0.85;
  return (
    <text class="map-node-name compact" x={box.width / 2} text-anchor="middle" style={{ fontSize: `${fontUnits}px` }}>
      {lines.map((line, i) => (
        <tspan key={i} x={box.width / 2} y={top + i * lineUnits}>
          {line}
        </tspan>
      ))}
    </text>
  );
}

/** From 1:1 on: the account line (or the peer's kind), req/s and failures, p50/p95/p99. */
function NodeFigures({ node, box, accountText }: { node: MapNodeJson; box: NodeBox; accountText: string }) {
  const { stats } = node;
  const failures = failureRate(stats);
  const inferred = node.inferred !== null;
  const latencies = [
    ['p50', stats.p50Nanos],
    ['p95', stats.p95Nanos],
    ['p99', stats.p99Nanos],
  ] as const;
  return (
    <>
      <text class="map-node-account" x={PAD} y={37}>
        {truncate(accountText, inferred ? 22 : 32)}
      </text>
      {inferred && <KindMarker kind={node.inferred ?? 'unknown'} right={box.width - 8} top={26} />}
      <g transform={`translate(${PAD},45)`}>
        <Badge x={0} text={`${formatRate(stats.requestsPerSecond)} req/s`} />
        <Badge x={92} text={`${formatShare(failures)} err`} alarm={failures > 0} />
      </g>
      <text class="map-node-latency" y={box.height - 10}>
        {latencies.map(([name, nanos], i) => (
          <tspan key={name} x={PAD + i * LATENCY_COLUMN}>
            <tspan class="metric">{name}</tspan> {formatLatency(nanos)}
          </tspan>
        ))}
      </text>
    </>
  );
}

/** A pill of text; its width is estimated, SVG text having no layout of its own. */
function Badge({ x, text, alarm = false }: { x: number; text: string; alarm?: boolean }) {
  const width = text.length * 6.6 + 12;
  return (
    <g class={`map-badge${alarm ? ' alarm' : ''}`} transform={`translate(${x},0)`}>
      <rect width={width} height={17} rx={8.5} />
      <text x={width / 2} y={12.5} text-anchor="middle">
        {text}
      </text>
    </g>
  );
}

const KIND_TEXT: Record<NonNullable<MapNodeJson['inferred']>, string> = { database: 'database', queue: 'queue', http: 'http', rpc: 'rpc', unknown: 'peer' };

/** What kind of uninstrumented peer this is, at the right of the account line. */
function KindMarker({ kind, right, top }: { kind: NonNullable<MapNodeJson['inferred']>; right: number; top: number }) {
  const text = KIND_TEXT[kind];
  const width = text.length * 7 + 12;
  return (
    <g class={`map-node-kind kind-${kind}`} transform={`translate(${right - width},${top})`} data-kind={kind}>
      <rect width={width} height={16} rx={3} />
      <text x={width / 2} y={12} text-anchor="middle">
        {text}
      </text>
    </g>
  );
}

import { accountColor } from '../account-colors.ts';
import type { MapNodeJson } from '@stitch/api';
import { describeStats, failureRate, formatLatency, formatRate, formatShare, truncate } from './map-format.ts';
import type { NodeBox } from './map-layout.ts';

const PAD = 14;
/** Wide enough for `p50 13.6 ms` at the node's font size. */
const LATENCY_COLUMN = 72;

interface MapNodeProps {
  node: MapNodeJson;
  box: NodeBox;
  /** Drawn faint while another node is hovered and this one is not its neighbour. */
  faded: boolean;
  onOpen: (node: MapNodeJson) => void;
  onHover: (id: string | null) => void;
}

/**
 * One (account, service): its name and account, a ring in its health colour, and its figures
 * (req/s, failures, p50/p95/p99). An inferred peer (nobody's instrumented code) has a dashed
 * ring and says what kind of peer it is. A click or Enter opens its traces.
 */
export function MapNode({ node, box, faded, onOpen, onHover }: MapNodeProps) {
  const { stats } = node;
  const failures = failureRate(stats);
  const inferred = node.inferred !== null;
  const accountText = inferred ? (node.account ? `account ${node.accountLabel || node.account}` : 'not instrumented') : node.accountLabel || node.account;
  const title = `${node.label}${inferred ? ` (inferred ${node.inferred} peer)` : ''}, ${accountText}: ${describeStats(stats)}. Open its traces.`;
  const latencies = [
    ['p50', stats.p50Nanos],
    ['p95', stats.p95Nanos],
    ['p99', stats.p99Nanos],
  ] as const;
  const classes = ['map-node', `health-${stats.health}`, inferred ? 'inferred' : '', faded ? 'faded' : ''].filter(Boolean).join(' ');
  return (
    <g
      class={classes}
      transform={`translate(${box.x},${box.y})`}
      data-node-id={node.id}
      data-health={stats.health}
      data-inferred={node.inferred ?? undefined}
      tabIndex={0}
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
      <text class="map-node-name" x={PAD} y={21}>
        {truncate(node.label, 28)}
      </text>
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
    </g>
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
  const width = text.length * 6.4 + 12;
  return (
    <g class={`map-node-kind kind-${kind}`} transform={`translate(${right - width},${top})`} data-kind={kind}>
      <rect width={width} height={16} rx={3} />
      <text x={width / 2} y={12} text-anchor="middle">
        {text}
      </text>
    </g>
  );
}

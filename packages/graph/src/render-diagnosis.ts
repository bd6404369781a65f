import type { Diagnosis } from './diagnosis.ts';
import { formatChange, formatDuration } from './format-duration.ts';
import { operationTitle } from './operation.ts';

export interface RenderDiagnosisOptions {
  color?: boolean;
}

const BOLD = '1';
const DIM = '2';
const RED = '31';
const GREEN = '32';
const YELLOW = '33';

/** The diagnosis for a terminal: the trace counts, the top contributors as a table, then the findings. */
export function renderDiagnosis(diagnosis: Diagnosis, options: RenderDiagnosisOptions = {}): string {
  const paint = (code: string, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const { counts, contributors, findings } = diagnosis;
  const orDash = (value: bigint | null) => (value === null ? '–' : formatDuration(value));
  const lines = [
    `${counts.matches} matching traces (p50 ${orDash(counts.matchP50Nanos)}, p99 ${orDash(counts.matchP99Nanos)}) vs ${counts.baseline} baseline traces (p50 ${orDash(counts.baselineP50Nanos)}, p99 ${orDash(counts.baselineP99Nanos)})`,
  ];
  const arriving = stillArriving(counts);
  if (arriving) lines.push(paint(DIM, arriving));
  if (counts.matches === 0) return [...lines, '', 'Nothing to diagnose: no trace matches.'].join('\n');

  const [first] = findings;
  if (first?.kind === 'context-dropped') lines.push(`${paint(BOLD, 'First:')} trace context dropped on ${first.hop} in ${first.matchCount} matching traces: fix it before reading the rest`);
  const top = contributors[0];
  if (top) lines.push(`${paint(BOLD, 'Top:')} ${top.headline}`);
  lines.push('', paint(BOLD, 'Where the matching traces spend their critical path (per trace, against the baseline\'s; span p50s apart)'));
  const header = ['#', 'share', 'critical', 'baseline', 'change', 'traces', 'span p50', 'baseline span p50', 'operation', 'kind', 'account'];
  const rows = contributors.map((c, i) => [
    String(i + 1),
    formatShare(c.share),
    formatDuration(c.meanCriticalNanos),
    orDash(c.baselineMeanCriticalNanos),
    c.changeNanos === null ? '–' : formatChange(c.changeNanos),
    `${c.matchTraces}/${counts.matches}`,
    orDash(c.matchSpanP50Nanos),
    orDash(c.baselineSpanP50Nanos),
    c.contextDroppedOn ? `${operationTitle(c)} (context dropped: ${c.contextDroppedOn})` : operationTitle(c),
    c.kind,
    c.account.label || c.account.id,
  ]);
  const CHANGE = 4;
  alignColumns([header, ...rows], new Set([0, 1, 2, 3, 4, 5, 6, 7])).forEach((cells, row) => {
    if (row === 0) return lines.push(paint(DIM, `  ${cells.join('  ')}`.trimEnd()));
    const change = contributors[row - 1]!.changeNanos;
    if (change !== null && change !== 0n) cells[CHANGE] = paint(change > 0n ? RED : GREEN, cells[CHANGE]!);
    lines.push(`  ${cells.join('  ')}`.trimEnd());
  });

  lines.push('', paint(BOLD, 'Findings'));
  if (findings.length === 0) lines.push('  none');
  const kindWidth = Math.max(0, ...findings.map((f) => f.kind.length));
  for (const finding of findings) {
    lines.push(`  ${paint(YELLOW, finding.kind.padEnd(kindWidth))}  ${finding.message}`);
    lines.push(`  ${' '.repeat(kindWidth)}  ${paint(DIM, `e.g. trace ${finding.exampleTraceId}`)}`);
  }
  return lines.join('\n');
}

/** `3 traces still arriving, not compared (2 matching, 1 baseline)`; null when every trace was compared. */
export function stillArriving(counts: Pick<Diagnosis['counts'], 'incompleteMatches' | 'incompleteBaseline'>): string | null {
  const total = counts.incompleteMatches + counts.incompleteBaseline;
  if (total === 0) return null;
  return `${total} ${total === 1 ? 'trace' : 'traces'} still arriving, not compared (${counts.incompleteMatches} matching, ${counts.incompleteBaseline} baseline)`;
}

/** `91%`; one decimal under 10 % so small shares do not all read `0%`. */
const formatShare = (share: number): string => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;

/** Pads every cell to its column's width; the columns in `right` are right-aligned (numbers). */
function alignColumns(rows: readonly string[][], right: ReadonlySet<number>): string[][] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))));
}

import { isErrorSpan, type SpanJson } from '@stitch/model';

export interface WaterfallSpan extends SpanJson {
  depth: number;
  selfTimeNanos: string;
  /** On the trace's critical path (the model's criticalPath): marked `*` and drawn in yellow. */
  critical?: boolean;
}

export interface WaterfallOptions {
  /** Total width of the terminal line. */
  width?: number;
  color?: boolean;
}

const formatMs = (nanos: bigint): string => {
  const ms = Number(nanos) / 1e6;
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : `${ms.toFixed(ms < 10 ? 2 : 1)}ms`;
};

/** An indented waterfall for a terminal: one line per span, a bar placed on the trace's time axis. */
export function renderWaterfall(spans: readonly WaterfallSpan[], options: WaterfallOptions = {}): string {
  if (spans.length === 0) return '(no spans)';
  const width = Math.max(80, options.width ?? 120);
  const paint = (code: string, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const start = spans.reduce((min, s) => (BigInt(s.startTimeUnixNano) < min ? BigInt(s.startTimeUnixNano) : min), BigInt(spans[0]!.startTimeUnixNano));
  const end = spans.reduce((max, s) => (BigInt(s.endTimeUnixNano) > max ? BigInt(s.endTimeUnixNano) : max), 0n);
  const total = end > start ? end - start : 1n;

  const labelWidth = Math.min(60, Math.max(...spans.map((s) => s.depth * 2 + s.resource.serviceName.length + s.name.length + 3)));
  const barWidth = Math.max(20, width - labelWidth - 34);
  const lines = spans.map((span) => {
    const from = BigInt(span.startTimeUnixNano) - start;
    const to = BigInt(span.endTimeUnixNano) - start;
    const left = Number((from * BigInt(barWidth)) / total);
    const length = Math.max(1, Number(((to - from) * BigInt(barWidth)) / total));
    const bar = ' '.repeat(left) + '█'.repeat(Math.min(length, barWidth - left)) ;
    const failed = isErrorSpan(span);
    let label = `${'  '.repeat(span.depth)}${span.resource.serviceName}: ${span.name}`;
    if (label.length > labelWidth) label = `${label.slice(0, labelWidth - 1)}…`;
    const duration = formatMs(to - from).padStart(9);
    const self = `self ${formatMs(BigInt(span.selfTimeNanos))}`.padEnd(14);
    const mark = `${failed ? paint('31', '!') : ' '}${span.critical ? paint('33', '*') : ' '}`;
    return `${label.padEnd(labelWidth)} ${mark}${paint(failed ? '31' : span.critical ? '33' : '36', bar.padEnd(barWidth))} ${duration} ${self} ${span.account.label}`;
  });
  const header = `${'span'.padEnd(labelWidth)}   ${`0`.padEnd(barWidth - formatMs(total).length)}${formatMs(total)} ${'duration'.padStart(9)} ${'self'.padEnd(14)} account`;
  return [header, ...lines].join('\n');
}

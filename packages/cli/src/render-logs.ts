import { formatInstant, TRACE_STATUS_LABELS, type LogsAnswerJson } from '@stitch/model';

const SINCE = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since 1h` as the start of the window, in unix ms; null when it is not a duration. */
export function sinceToStartMs(since: string, nowMs: number): number | null {
  const match = SINCE.exec(since.trim());
  return match ? Math.round(nowMs - Number(match[1]) * UNIT_MS[match[2]!]!) : null;
}

/**
 * One line per record: time (local, to the ms, as the console writes it), level, account/service, the message, and where it
 * belongs (span; with a trace summary, the trace's id, duration and root).
 */
export function renderLogLines(lines: LogsAnswerJson['logs']): string {
  if (lines.length === 0) return 'no log lines match';
  return lines
    .map((line) => {
      const time = formatInstant(Number(BigInt(line.timeUnixNano) / 1_000_000n), true);
      const level = (line.severityText || '-').toUpperCase().slice(0, 5).padEnd(5);
      const where = line.trace
        ? `  [trace ${line.traceId} ${(line.trace.durationMs / 1000).toFixed(2)} s ${line.trace.rootServiceName} ${line.trace.rootSpanName}${line.trace.status === 'ok' ? '' : ` ${TRACE_STATUS_LABELS[line.trace.status]}`}]`
        : line.spanId
          ? `  [span ${line.spanId}]`
          : line.traceId
            ? `  [trace ${line.traceId}]`
            : '';
      return `${time}  ${level}  ${line.account.label}/${line.serviceName}  ${line.body.replaceAll('\n', '\\n')}${where}`;
    })
    .join('\n');
}

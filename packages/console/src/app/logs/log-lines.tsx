import { formatInstant, TRACE_STATUS_LABELS, type LogsAnswerJson } from '@stitch/model';
import { onLinkClick } from '../router.ts';

type LogLineJson = LogsAnswerJson['logs'][number];

/** Each of OTLP's severity ranges its own look: DEBUG and TRACE (1-8) quiet, INFO (9), WARN (13), ERROR (17), FATAL (21). */
const levelClass = (severity: number) => `badge ${severity >= 21 ? 'sev-fatal' : severity >= 17 ? 'sev-error' : severity >= 13 ? 'sev-warn' : severity >= 9 ? 'sev-info' : 'sev-debug'}`;

const timeOf = (line: LogLineJson): string => formatInstant(Number(BigInt(line.timeUnixNano) / 1_000_000n), true);

/**
 * Log lines as a table: time, level, account/service, message, and where the line belongs.
 * A line with a span id links to that span in its trace; with `showTrace`, to its trace with the
 * trace's duration and root.
 */
export function LogLines({ lines, label, showTrace = false }: { lines: readonly LogLineJson[]; label: string; showTrace?: boolean }) {
  return (
    <table aria-label={label} class="log-lines">
      <thead>
        <tr>
          <th>time</th>
          <th>level</th>
          <th>service</th>
          <th>message</th>
          <th>{showTrace ? 'trace' : 'span'}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line, i) => {
          const spanUrl = line.traceId && line.spanId ? `/trace/${line.traceId}?span=${line.spanId}` : null;
          const traceUrl = line.traceId ? `/trace/${line.traceId}` : null;
          return (
            <tr key={`${line.timeUnixNano}-${i}`} data-log-line={i} data-severity={line.severityNumber}>
              <td class="mono">{timeOf(line)}</td>
              <td>
                <span class={levelClass(line.severityNumber)}>{line.severityText || '-'}</span>
              </td>
              <td>
                {line.account.label}/{line.serviceName}
              </td>
              <td class="mono" style={{ whiteSpace: 'pre-wrap' }}>
                {line.body}
              </td>
              <td class="mono">
                {showTrace && line.trace && traceUrl ? (
                  <a href={spanUrl ?? traceUrl} onClick={(e) => onLinkClick(e, spanUrl ?? traceUrl)} title={line.traceId}>
                    {(line.trace.durationMs / 1000).toFixed(2)} s {line.trace.rootServiceName} {line.trace.rootSpanName}
                    {line.trace.status === 'ok' ? '' : ` ${TRACE_STATUS_LABELS[line.trace.status]}`}
                  </a>
                ) : spanUrl ? (
                  <a href={spanUrl} onClick={(e) => onLinkClick(e, spanUrl)} aria-label={`span ${line.spanId}`}>
                    {line.spanId}
                  </a>
                ) : (
                  ''
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

import type { AlarmJson, AlarmTransitionJson } from '@stitch/metrics';

const STATE_MARK = { ALARM: '!!', OK: 'ok', INSUFFICIENT_DATA: '..' } as const;

/** One block per rule: state first (what an operator scans for), then what it watches and where it pages. */
export function renderAlarms(alarms: AlarmJson[], nowMs: number): string {
  if (alarms.length === 0) return 'no alarm rules (stitch alarm create …)';
  const lines: string[] = [];
  for (const alarm of alarms) {
    const since = alarm.since ? ` for ${ago(Date.parse(alarm.since), nowMs)}` : '';
    lines.push(`${STATE_MARK[alarm.state]} ${alarm.state.padEnd(17)} ${alarm.name}  (${alarm.id})${since}`);
    lines.push(`   ${alarm.description}${alarm.datapointsToAlarm > 1 ? `, ${alarm.datapointsToAlarm} evaluations in a row` : ''}`);
    if (alarm.lastEvaluation) lines.push(`   last evaluated ${ago(Date.parse(alarm.lastEvaluation.at), nowMs)} ago: ${alarm.lastEvaluation.reason}`);
    lines.push(`   webhooks: ${alarm.webhooks.length === 0 ? 'none' : alarm.webhooks.join(', ')}`);
  }
  return lines.join('\n');
}

/** Newest first: each change with its reason, and each receiver's outcome. */
export function renderHistory(id: string, history: AlarmTransitionJson[]): string {
  if (history.length === 0) return `alarm ${id}: no state change yet`;
  const lines = [`alarm ${id}: ${history.length} state changes, newest first`];
  for (const entry of history) {
    lines.push(`${entry.at}  ${entry.from} -> ${entry.to}  ${entry.reason}`);
    if (!entry.notified) lines.push('    not notified (a new rule\'s first verdict)');
    else if (entry.deliveries.length === 0) lines.push('    notifications on their way');
    for (const delivery of entry.deliveries) {
      const status = delivery.status === null ? '' : ` ${delivery.status}`;
      lines.push(`    ${delivery.outcome.padEnd(9)} ${delivery.url}${status} after ${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}${delivery.error ? ` (${delivery.error})` : ''}`);
    }
  }
  return lines.join('\n');
}

function ago(thenMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

import type { AlarmHistoryJson, AlarmJson } from '@stitch/api';
import { formatAgo } from '@stitch/model';
import { useApi } from '../use-api.ts';
import { AlarmStateBadge } from './alarm-state-badge.tsx';

/** Every state change of one rule, newest first, with what became of each notification. */
export function AlarmHistory({ alarm, version }: { alarm: AlarmJson; version: number }) {
  const loaded = useApi<AlarmHistoryJson>(`/api/alarms/${encodeURIComponent(alarm.id)}/history`, { v: version });
  const nowMs = Date.now();
  return (
    <section class="card alarm-history" aria-label={`history of ${alarm.name}`}>
      <strong>History of {alarm.name}</strong> <span class="muted">{alarm.description}</span>
      {loaded.state === 'failed' && <p class="error">{loaded.error.message}</p>}
      {loaded.state === 'loaded' && loaded.value.history.length === 0 && <p class="empty">No state change yet.</p>}
      {loaded.state === 'loaded' && loaded.value.history.length > 0 && (
        <table aria-label="state changes">
          <thead>
            <tr>
              <th>when</th>
              <th>change</th>
              <th>why</th>
              <th>notifications</th>
            </tr>
          </thead>
          <tbody>
            {loaded.value.history.map((entry) => (
              <tr key={entry.eventId} data-event-id={entry.eventId}>
                <td title={entry.at}>{formatAgo(Date.parse(entry.at), nowMs)}</td>
                <td>
                  <AlarmStateBadge state={entry.from} /> → <AlarmStateBadge state={entry.to} />
                </td>
                <td>{entry.reason}</td>
                <td>
                  {!entry.notified && <span class="muted">not sent (first verdict)</span>}
                  {entry.notified && entry.deliveries.length === 0 && <span class="muted">on their way…</span>}
                  <ul class="deliveries">
                    {entry.deliveries.map((delivery) => (
                      <li key={delivery.url} class={delivery.outcome}>
                        {delivery.outcome} <span class="mono">{delivery.url}</span>
                        {delivery.status !== null && ` (${delivery.status})`} after {delivery.attempts} {delivery.attempts === 1 ? 'attempt' : 'attempts'}
                        {delivery.error && <span class="muted"> — {delivery.error}</span>}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

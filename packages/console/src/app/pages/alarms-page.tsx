import { useEffect, useState } from 'preact/hooks';
import { AlarmHistory } from '../alarms/alarm-history.tsx';
import { AlarmStateBadge } from '../alarms/alarm-state-badge.tsx';
import '../alarms/alarms.css';
import { ApiFailure, apiCall } from '../api.ts';
import type { AlarmJson, AlarmListJson } from '@stitch/api';
import { formatAgo } from '@stitch/model';
import { onLinkClick, urlOf } from '../router.ts';
import { useApi } from '../use-api.ts';

/** How often the page asks again: rules are evaluated every minute by default. */
const REFRESH_MS = 15_000;

/**
 * Alarm rules with their state (alarming first), the latest change of each, and one rule's whole
 * history (`/alarms?alarm=<id>`). "Evaluate now" needs the admin token; a read token sees a 403.
 */
export function AlarmsPage({ params }: { params: URLSearchParams }) {
  const [version, setVersion] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const loaded = useApi<AlarmListJson>('/api/alarms', { v: version });
  useEffect(() => {
    const timer = setInterval(() => setVersion((v) => v + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const selectedId = params.get('alarm');
  const evaluate = async (id: string) => {
    try {
      await apiCall('POST', `/api/alarms/${encodeURIComponent(id)}/evaluate`);
      setProblem(null);
      setVersion((v) => v + 1);
    } catch (error) {
      setProblem(error instanceof ApiFailure ? error.message : String(error));
    }
  };
  if (loaded.state === 'failed') return <p class="error">{loaded.error.message}</p>;
  if (loaded.state === 'loading' && version === 0) return <p class="muted">Loading alarms…</p>;
  const alarms = loaded.state === 'loaded' ? inAttentionOrder(loaded.value.alarms) : [];
  const selected = alarms.find((alarm) => alarm.id === selectedId) ?? null;
  const counts = { ALARM: 0, OK: 0, INSUFFICIENT_DATA: 0 };
  for (const alarm of alarms) counts[alarm.state] += 1;
  const nowMs = Date.now();
  return (
    <div class="alarms-page">
      <h2>
        Alarms{' '}
        <span class="muted">
          {counts.ALARM} in alarm · {counts.OK} OK · {counts.INSUFFICIENT_DATA} without data
        </span>
      </h2>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      {alarms.length === 0 ? (
        <p class="empty">
          No alarm rule yet: <code>stitch alarm create "checkout p99" --metric p99 --threshold 2s --service checkout --webhook URL</code>, or POST /api/alarms.
        </p>
      ) : (
        <table aria-label="alarm rules">
          <thead>
            <tr>
              <th>state</th>
              <th>rule</th>
              <th>latest evaluation</th>
              <th>latest change</th>
              <th>webhooks</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {alarms.map((alarm) => {
              const url = urlOf('/alarms', { alarm: alarm.id });
              const latest = alarm.recent[0];
              return (
                <tr key={alarm.id} data-alarm-id={alarm.id} class={alarm.id === selectedId ? 'selected' : ''}>
                  <td>
                    <AlarmStateBadge state={alarm.state} />
                    {alarm.since && <div class="muted">{formatAgo(Date.parse(alarm.since), nowMs)}</div>}
                  </td>
                  <td>
                    <a href={url} onClick={(event) => onLinkClick(event, url)}>
                      <strong>{alarm.name}</strong>
                    </a>
                    <div class="muted">
                      {alarm.description}
                      {alarm.datapointsToAlarm > 1 && `, ${alarm.datapointsToAlarm} evaluations in a row`}
                    </div>
                    {alarm.condition.kind === 'burnRate' && <SloLink sloId={alarm.condition.sloId} />}
                  </td>
                  <td>{alarm.lastEvaluation ? alarm.lastEvaluation.reason : <span class="muted">not evaluated yet</span>}</td>
                  <td>
                    {latest ? (
                      <>
                        {latest.from} → {latest.to} <span class="muted">{formatAgo(Date.parse(latest.at), nowMs)}</span>
                      </>
                    ) : (
                      <span class="muted">none</span>
                    )}
                  </td>
                  <td class="mono">{alarm.webhooks.length === 0 ? <span class="muted">none</span> : alarm.webhooks.map((hook) => <div key={hook}>{hook}</div>)}</td>
                  <td>
                    <button class="ghost" onClick={() => void evaluate(alarm.id)}>
                      Evaluate now
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {selected && <AlarmHistory alarm={selected} version={version} />}
      {selectedId && !selected && loaded.state === 'loaded' && (
        <p class="empty">
          No alarm {selectedId}.{' '}
          <a href="/alarms" onClick={(event) => onLinkClick(event, '/alarms')}>
            All alarms
          </a>
        </p>
      )}
    </div>
  );
}

/** Alarming rules first, then those without data, then OK; by name within each. */
function inAttentionOrder(alarms: AlarmJson[]): AlarmJson[] {
  const rank = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };
  return [...alarms].sort((a, b) => rank[a.state] - rank[b.state] || a.name.localeCompare(b.name));
}

function SloLink({ sloId }: { sloId: string }) {
  const url = urlOf('/slos', { slo: sloId });
  return (
    <a href={url} onClick={(event) => onLinkClick(event, url)}>
      SLO {sloId}
    </a>
  );
}

import { useState } from 'preact/hooks';
import type { CanaryJson, CanaryListJson, CanaryRunsJson } from '@stitch/api';
import { ApiFailure, apiCall } from '../api.ts';
import { CanaryRunsTable } from '../canaries/canary-runs-table.tsx';
import { formatAgo } from '@stitch/model';
import { onLinkClick, urlOf } from '../router.ts';
import { useApi } from '../use-api.ts';

/**
 * Synthetic canaries (`/canaries?canary=<id>`): every journey with its last run, and the chosen
 * one's recent runs step by step, each linked to its trace. "Run now" runs it at once.
 */
export function CanariesPage({ params }: { params: URLSearchParams }) {
  const [version, setVersion] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const loaded = useApi<CanaryListJson>('/api/canaries', { v: version });
  const canaries = loaded.state === 'loaded' ? loaded.value.canaries : [];
  const chosen = canaries.find((canary) => canary.id === params.get('canary')) ?? canaries[0] ?? null;
  const runs = useApi<CanaryRunsJson>(chosen ? `/api/canaries/${encodeURIComponent(chosen.id)}/runs` : null, { limit: 20, v: version });
  const runNow = async (id: string) => {
    setRunning(true);
    try {
      await apiCall('POST', `/api/canaries/${encodeURIComponent(id)}/run`);
      setProblem(null);
    } catch (error) {
      setProblem(error instanceof ApiFailure ? error.message : String(error));
    } finally {
      setRunning(false);
      setVersion(version + 1);
    }
  };
  if (loaded.state === 'loading') return <p class="muted">Loading canaries…</p>;
  if (loaded.state === 'failed') return <p class="error">{loaded.error.message}</p>;
  if (canaries.length === 0) return <p class="empty">No canary yet: `stitch canary create --name checkout --every 60 --step 'GET http://… status=200 maxMs=2000'`.</p>;
  const nowMs = Date.now();
  return (
    <div class="canaries-page">
      <h2 style={{ margin: '0 0 10px', fontSize: '16px' }}>Synthetic canaries</h2>
      <table class="rules" aria-label="canaries">
        <thead>
          <tr>
            <th>canary</th>
            <th>steps</th>
            <th>every</th>
            <th>last run</th>
            <th>runs / failures</th>
          </tr>
        </thead>
        <tbody>
          {canaries.map((canary) => {
            const link = urlOf('/canaries', { canary: canary.id });
            const run = canary.lastRun;
            return (
              <tr key={canary.id} data-canary={canary.id} aria-selected={chosen?.id === canary.id}>
                <td>
                  <a href={link} onClick={(event) => onLinkClick(event, link)}>
                    <strong>{canary.name}</strong>
                  </a>{' '}
                  <span class="muted mono">{canary.service}</span>
                </td>
                <td>{canary.steps.map((step) => step.name).join(' → ')}</td>
                <td>{canary.everySeconds} s</td>
                <td data-last-run={run === null ? 'none' : run.ok ? 'pass' : 'fail'}>
                  {run === null ? <span class="muted">not yet</span> : <>{run.ok ? 'pass' : <strong class="error">fail</strong>} <span class="muted">{formatAgo(run.startedAtMs, nowMs)}</span></>}
                </td>
                <td>
                  {canary.stats.runs} / {canary.stats.failures}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {chosen && (
        <section aria-label={`runs of ${chosen.name}`} style={{ marginTop: '16px' }}>
          <div class="toolbar">
            <h3 style={{ margin: 0, fontSize: '15px' }}>{chosen.name}: recent runs</h3>
            <button disabled={running} onClick={() => void runNow(chosen.id)}>
              {running ? 'Running…' : 'Run now'}
            </button>
            <a href={tracesOf(chosen)} onClick={(event) => onLinkClick(event, tracesOf(chosen))}>
              all its traces
            </a>
          </div>
          {problem && (
            <p class="error" role="alert">
              {problem}
            </p>
          )}
          {runs.state === 'failed' && <p class="error">{runs.error.message}</p>}
          {runs.state === 'loaded' && <CanaryRunsTable runs={runs.value.runs} steps={chosen.steps.map((step) => step.name)} />}
        </section>
      )}
    </div>
  );
}

const tracesOf = (canary: CanaryJson) => urlOf('/search', { q: `service("${canary.service}")`, range: '24h' });

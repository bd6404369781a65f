import { useState } from 'preact/hooks';
import { ApiFailure, apiCall } from '../api.ts';
import type { SamplingRulesJson } from '@stitch/api';
import { useApi } from '../use-api.ts';

interface RuleForm {
  name: string;
  serviceName: string;
  urlPath: string;
  attribute: string;
  rate: string;
  fixedTarget: string;
  priority: string;
  for: string;
}

const EMPTY: RuleForm = { name: '', serviceName: '*', urlPath: '*', attribute: '', rate: '1', fixedTarget: '1', priority: '100', for: '30m' };

/** The fleet's sampling rules in evaluation order, and a temporary rule added from here (debug traffic at 100 % for 30 minutes). */
export function SamplingPage() {
  const [version, setVersion] = useState(0);
  const loaded = useApi<SamplingRulesJson>('/api/sampling/rules', { v: version });
  const [form, setForm] = useState<RuleForm>(EMPTY);
  const [problem, setProblem] = useState<string | null>(null);
  const field = (name: keyof RuleForm, label: string, width = 9) => (
    <label>
      {label}
      <input name={name} size={width} value={form[name]} onInput={(event) => setForm({ ...form, [name]: (event.target as HTMLInputElement).value })} />
    </label>
  );
  const add = async (event: Event) => {
    event.preventDefault();
    const [key, value] = form.attribute.split('=');
    try {
      await apiCall('POST', '/api/sampling/rules', {}, {
        name: form.name,
        serviceName: form.serviceName || '*',
        urlPath: form.urlPath || '*',
        ...(key && value !== undefined ? { attributes: { [key.trim()]: value.trim() } } : {}),
        rate: Number(form.rate),
        fixedTarget: Number(form.fixedTarget),
        priority: Number(form.priority),
        ...(form.for ? { for: form.for } : {}),
      });
      setProblem(null);
      setForm(EMPTY);
      setVersion(version + 1);
    } catch (error) {
      setProblem(error instanceof ApiFailure ? error.message : String(error));
    }
  };
  const remove = async (name: string) => {
    try {
      await apiCall('DELETE', `/api/sampling/rules/${encodeURIComponent(name)}`);
      setVersion(version + 1);
    } catch (error) {
      setProblem(error instanceof ApiFailure ? error.message : String(error));
    }
  };
  return (
    <div class="sampling-page">
      <h2 style={{ margin: '0 0 10px', fontSize: '16px' }}>Sampling rules {loaded.state === 'loaded' && <span class="muted">version {loaded.value.version}</span>}</h2>
      {loaded.state === 'failed' && <p class="error">{loaded.error.message}</p>}
      {loaded.state === 'loaded' && (
        <table class="rules">
          <thead>
            <tr>
              <th>rule</th>
              <th>matches</th>
              <th>reservoir / rate</th>
              <th>priority</th>
              <th>expires</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {loaded.value.rules.map((rule) => (
              <tr key={rule.name} data-rule={rule.name}>
                <td>
                  <strong>{rule.name}</strong>
                  {rule.description && <div class="muted">{rule.description}</div>}
                </td>
                <td class="mono">
                  service {rule.serviceName} · {rule.httpMethod} {rule.urlPath} · host {rule.host}
                  {Object.entries(rule.attributes).map(([k, v]) => ` · ${k}=${v}`)}
                </td>
                <td>
                  {rule.fixedTarget}/s, then {(rule.rate * 100).toFixed(rule.rate < 0.01 ? 2 : 0)} %
                </td>
                <td>{rule.priority}</td>
                <td>{rule.expiresInSeconds === null ? '–' : `in ${Math.ceil(rule.expiresInSeconds / 60)} min`}</td>
                <td>
                  {rule.name !== 'Default' && (
                    <button class="ghost" onClick={() => void remove(rule.name)}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="card rule-form" onSubmit={(event) => void add(event)} aria-label="add a sampling rule">
        <strong>Add a rule</strong>
        <div class="toolbar">
          {field('name', 'name ', 16)}
          {field('serviceName', 'service ', 14)}
          {field('urlPath', 'path ', 14)}
          {field('attribute', 'attribute k=v ', 24)}
          {field('fixedTarget', 'per second ', 4)}
          {field('rate', 'then rate ', 4)}
          {field('priority', 'priority ', 4)}
          {field('for', 'for ', 5)}
          <button type="submit">Add</button>
        </div>
        <div class="muted">
          Debug traffic at 100 % for half an hour: attribute <code>http.request.header.x-debug=true</code>, rate 1, for 30m. Leave "for" empty for a lasting rule.
        </div>
        {problem && (
          <p class="error" role="alert">
            {problem}
          </p>
        )}
      </form>
    </div>
  );
}

import { useEffect, useState } from 'preact/hooks';
import type { WhatIfJson } from '@stitch/api';
import { useApi } from '../use-api.ts';
import { count, dollars } from './cost-format.ts';

/** "checkout to 100 % ⇒ +N traces a month, +$X"; the question is in the URL (service, rate), so the answer is a link. */
export function WhatIfForm({ service, rate, onAsk }: { service: string | null; rate: string | null; onAsk: (service: string, rate: string) => void }) {
  const [form, setForm] = useState({ service: service ?? '', rate: rate ?? '100%' });
  useEffect(() => setForm({ service: service ?? '', rate: rate ?? '100%' }), [service, rate]);
  const answer = useApi<WhatIfJson>(service && rate ? '/api/cost/what-if' : null, { service, rate });
  return (
    <form
      class="card what-if"
      aria-label="what-if"
      onSubmit={(event) => {
        event.preventDefault();
        onAsk(form.service.trim(), form.rate.trim());
      }}
    >
      <strong>What if</strong> <span class="muted">a service's sampling rate changed?</span>
      <div class="toolbar">
        <label>
          service <input name="service" size={18} value={form.service} onInput={(event) => setForm({ ...form, service: (event.target as HTMLInputElement).value })} />
        </label>
        <label>
          rate <input name="rate" size={6} value={form.rate} onInput={(event) => setForm({ ...form, rate: (event.target as HTMLInputElement).value })} />
        </label>
        <button type="submit">Estimate</button>
      </div>
      {service && rate && answer.state === 'loading' && <p class="muted">Estimating…</p>}
      {service && rate && answer.state === 'failed' && (
        <p class="error" role="alert">
          {answer.error.message}
        </p>
      )}
      {service && rate && answer.state === 'loaded' && (
        <div role="status" class="what-if-answer">
          <p>
            <strong>{answer.value.summary}</strong>
          </p>
          <p class="muted">
            Today's rule {answer.value.rule.name}: {answer.value.rule.fixedTarget}/s then {+(answer.value.rule.rate * 100).toFixed(2)} %; about {answer.value.incomingPerSecond.toFixed(2)} requests/s
            {answer.value.incomingIsLowerBound ? ' at least' : ''}. A month: {count(answer.value.tracesPerMonth.current)} → {count(answer.value.tracesPerMonth.proposed)} traces,{' '}
            {dollars(answer.value.costPerMonth.current)} → {dollars(answer.value.costPerMonth.proposed)}.
          </p>
        </div>
      )}
    </form>
  );
}

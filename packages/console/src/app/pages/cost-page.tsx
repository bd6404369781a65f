import { useState } from 'preact/hooks';
import type { CostReport } from '@stitch/api';
import '../cost/cost.css';
import { CostTable } from '../cost/cost-table.tsx';
import { dollars } from '../cost/cost-format.ts';
import { PriceSheetForm } from '../cost/price-sheet-form.tsx';
import { WhatIfForm } from '../cost/what-if-form.tsx';
import { accountNameOf } from '../known-accounts.ts';
import { navigate, urlOf } from '../router.ts';
import { useApi } from '../use-api.ts';

const WINDOWS = [1, 7, 30, 90] as const;

/**
 * The cost profile (`/cost?days=30&service=checkout&rate=100%25`): usage and cost per account,
 * service and day over the last `days`, the price sheet, and a what-if for a sampling change.
 */
export function CostPage({ params }: { params: URLSearchParams }) {
  const days = Number(params.get('days') ?? 30) || 30;
  const [version, setVersion] = useState(0);
  const today = new Date().toISOString().slice(0, 10);
  const start = new Date(Date.now() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const go = (more: Record<string, string | number | null>) =>
    navigate(urlOf('/cost', { days, service: params.get('service'), rate: params.get('rate'), ...more }), { replace: true });
  return (
    <div class="cost-page">
      <h2>
        Cost profile{' '}
        <span class="muted">
          {start} to {today} (UTC)
        </span>
      </h2>
      <div class="toolbar" role="group" aria-label="window">
        {WINDOWS.map((n) => (
          <button key={n} class={n === days ? '' : 'ghost'} aria-pressed={n === days} onClick={() => go({ days: n })}>
            {n === 1 ? 'today' : `${n} days`}
          </button>
        ))}
      </div>
      {/* Keyed by the sheet's version: saving prices loads the report again. */}
      <CostReport key={version} start={start} end={today} onPricesSaved={() => setVersion(version + 1)} />
      <WhatIfForm service={params.get('service')} rate={params.get('rate')} onAsk={(service, rate) => go({ service, rate })} />
    </div>
  );
}

/** The report of the days from `start` to `end`, and the price sheet that priced it. */
function CostReport({ start, end, onPricesSaved }: { start: string; end: string; onPricesSaved: () => void }) {
  const report = useApi<CostReport>('/api/cost', { start, end });
  if (report.state === 'failed') return <p class="error">{report.error.message}</p>;
  if (report.state === 'loading') return <p class="muted">Loading…</p>;
  return (
    <>
      <div class="totals" aria-label="totals">
        <span>
          total <strong data-total="cost">{dollars(report.value.total.cost.total)}</strong>
        </span>
        <span>per trace {dollars(report.value.total.costPerTrace)}</span>
        <span>per GB ingested {dollars(report.value.total.costPerGb)}</span>
        <span class="muted">
          {report.value.freeTier.map((m) => `${m.month}: ${m.freeTraces.toLocaleString('en-US')} of ${m.tracesRecorded.toLocaleString('en-US')} traces free`).join(' · ')}
        </span>
      </div>
      <p class="muted cost-counting">
        A trace counts once in each account it went through, and once in the total; a service's count is its share of its account's (the traces whose first span
        there was its). Each trace is priced once, where its first span was stored.
      </p>
      <h3>Per account</h3>
      <CostTable label="cost per account" heading="account" lines={report.value.byAccount.map((l) => ({ ...l, name: accountNameOf(l.accountId) }))} total={report.value.total} />
      <h3>Per service</h3>
      <CostTable label="cost per service" heading="service" lines={report.value.byService.map((l) => ({ ...l, name: l.serviceName }))} total={report.value.total} />
      <h3>Per day</h3>
      <CostTable label="cost per day" heading="day" lines={report.value.byDay.map((l) => ({ ...l, name: l.day }))} total={report.value.total} />
      <PriceSheetForm prices={report.value.prices} onSaved={onPricesSaved} />
    </>
  );
}

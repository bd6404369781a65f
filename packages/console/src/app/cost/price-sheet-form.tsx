import { useEffect, useState } from 'preact/hooks';
import type { PriceSheet } from '@stitch/cost';
import { ApiFailure, apiCall } from '../api.ts';

const LABELS: Record<keyof PriceSheet, string> = {
  perMillionTracesRecorded: '$ per million traces recorded',
  perMillionTracesScanned: '$ per million traces read',
  freeTracesRecordedPerMonth: 'free traces a month',
  perGbIngested: '$ per GB ingested',
  perGbStored: '$ per GB stored',
};

/** The price sheet, editable with the admin token (a read token gets the 403 shown). */
export function PriceSheetForm({ prices, onSaved }: { prices: PriceSheet; onSaved: () => void }) {
  const [form, setForm] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setForm(Object.fromEntries(Object.entries(prices).map(([key, value]) => [key, String(value)]))), [JSON.stringify(prices)]);
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      await apiCall('PUT', '/api/cost/prices', {}, Object.fromEntries(Object.entries(form).map(([key, value]) => [key, value.trim() === '' ? NaN : Number(value)])));
      setProblem(null);
      onSaved();
    } catch (error) {
      setProblem(error instanceof ApiFailure ? error.message : String(error));
    }
  };
  return (
    <form class="card price-sheet" aria-label="price sheet" onSubmit={(event) => void save(event)}>
      <strong>Price sheet</strong> <span class="muted">(defaults: AWS X-Ray's list prices)</span>
      <div class="toolbar">
        {(Object.keys(LABELS) as Array<keyof PriceSheet>).map((key) => (
          <label key={key}>
            {LABELS[key]}{' '}
            <input name={key} size={9} inputMode="decimal" value={form[key] ?? ''} onInput={(event) => setForm({ ...form, [key]: (event.target as HTMLInputElement).value })} />
          </label>
        ))}
        <button type="submit">Save prices</button>
      </div>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

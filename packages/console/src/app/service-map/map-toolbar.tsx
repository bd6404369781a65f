import type { MapNodeJson } from '@stitch/api';
import { accountNameWithId } from '@stitch/model';
import { TimeRangePicker } from '../components/time-range-picker.tsx';
import type { RangeKey, TimeWindow } from '../time-window.ts';

export interface AccountOption {
  id: string;
  label: string;
}

/** The accounts the map's own services belong to, by label (peers have no account of their own code). */
export function accountOptions(nodes: readonly MapNodeJson[]): AccountOption[] {
  const byId = new Map<string, string>();
  for (const node of nodes) if (node.inferred === null && node.account) byId.set(node.account, node.accountLabel || node.account);
  return [...byId].map(([id, label]) => ({ id, label })).sort((a, b) => a.label.localeCompare(b.label));
}

interface MapToolbarProps {
  window: TimeWindow;
  /** The URL's account filter, an id or a label; empty for every account. */
  account: string;
  accounts: AccountOption[];
  loading: boolean;
  summary: string | null;
  onRange: (range: RangeKey) => void;
  onAccount: (account: string) => void;
  onRefresh: () => void;
  /** Whether the map loads again by itself: on, paused, or never (a fixed window). */
  autoRefresh: 'on' | 'paused' | 'fixed';
  onPause: (pause: boolean) => void;
}

/** The time range and the account filter, both kept in the URL by the page. */
export function MapToolbar({ window, account, accounts, loading, summary, onRange, onAccount, onRefresh, autoRefresh, onPause }: MapToolbarProps) {
  const selected = accounts.find((option) => option.id === account || option.label === account);
  // A filter naming an account absent from this window stays selectable, as the URL wrote it.
  const options = account && !selected ? [...accounts, { id: account, label: account }] : accounts;
  return (
    <div class="toolbar map-toolbar">
      <TimeRangePicker window={window} onRange={onRange} />
      <label class="map-account-filter">
        Account{' '}
        <select aria-label="Account" value={selected?.id ?? account} onChange={(event) => onAccount((event.target as HTMLSelectElement).value)}>
          <option value="">All accounts</option>
          {options.map((option) => (
            <option key={option.id} value={option.id}>
              {accountNameWithId(option)}
            </option>
          ))}
        </select>
      </label>
      <button class="ghost" title="Load the window again, up to now" onClick={onRefresh}>
        Refresh
      </button>
      {autoRefresh !== 'fixed' && (
        <button
          class="ghost map-auto-refresh"
          aria-pressed={autoRefresh === 'paused'}
          title={autoRefresh === 'on' ? 'The map loads again every 30 s: pause to study it' : 'Auto-refresh is paused: resume it'}
          onClick={() => onPause(autoRefresh === 'on')}
        >
          {autoRefresh === 'on' ? '❚❚ Pause' : '▶ Resume'}
        </button>
      )}
      <span class="muted map-summary">{loading ? 'Loading…' : summary}</span>
    </div>
  );
}

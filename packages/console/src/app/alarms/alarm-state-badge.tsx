import type { AlarmStateJson } from '../api-types.ts';

const LABEL: Record<AlarmStateJson, string> = { OK: 'OK', ALARM: 'ALARM', INSUFFICIENT_DATA: 'no data' };

/** A rule's state as a coloured pill; the full state name for screen readers and tooltips. */
export function AlarmStateBadge({ state }: { state: AlarmStateJson }) {
  return (
    <span class={`alarm-state state-${state}`} title={state} aria-label={`state ${state}`} data-state={state}>
      {LABEL[state]}
    </span>
  );
}

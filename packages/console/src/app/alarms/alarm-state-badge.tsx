import type { AlarmState } from '@stitch/metrics';

const LABEL: Record<AlarmState, string> = { OK: 'OK', ALARM: 'ALARM', INSUFFICIENT_DATA: 'no data' };

/** A rule's state as a coloured pill; the full state name for screen readers and tooltips. */
export function AlarmStateBadge({ state }: { state: AlarmState }) {
  return (
    <span class={`alarm-state state-${state}`} title={state} aria-label={`state ${state}`} data-state={state}>
      {LABEL[state]}
    </span>
  );
}

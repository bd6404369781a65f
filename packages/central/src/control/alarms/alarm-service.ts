import type { SloDefinition } from '@stitch/metrics';
import type { MetricReads } from '@stitch/store';
import { AlarmRegistry } from './alarm-registry.ts';
import type { AlarmService } from './alarm-routes.ts';
import { AlarmScheduler, type AlarmOptions } from './alarm-scheduler.ts';
import { storeAlarmInputs } from './store-alarm-inputs.ts';

/** Central's alarms: the rules (from `options.registry`, or in memory), evaluated on schedule over the stored span metrics. */
export async function startAlarms(
  options: AlarmOptions,
  store: MetricReads,
  slos: { get(id: string): SloDefinition | null } | null,
  now: () => number,
  log: (message: string) => void,
): Promise<AlarmService> {
  const registry = options.registry ?? (await AlarmRegistry.open(null, now));
  const slo = (id: string) => slos?.get(id) ?? null;
  const scheduler = new AlarmScheduler(registry, storeAlarmInputs(store, slo), options, now, log);
  return { registry, scheduler, sloExists: slos ? (id) => slo(id) !== null : null };
}

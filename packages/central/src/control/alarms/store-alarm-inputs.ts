import { totalOf, type AlarmInputs, type SloDefinition } from '@stitch/metrics';
import type { MetricReads } from '@stitch/store';

/** Alarm evaluation over the stored span metrics: a window's buckets added up into one set of measurements. */
export function storeAlarmInputs(store: MetricReads, slo: (id: string) => SloDefinition | null): AlarmInputs {
  return {
    measure: async (selector, startMs, endMs) => totalOf(await store.readMetricRecords(startMs, endMs, selector, Math.max(1, endMs - startMs))),
    slo,
  };
}

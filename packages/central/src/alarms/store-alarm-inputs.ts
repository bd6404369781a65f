import { emptyMeasurements, mergeMeasurements } from '@stitch/graph';
import type { AlarmInputs, SloDefinition } from '@stitch/metrics';
import type { MetricStore } from '@stitch/store';

/** Alarm evaluation over the stored span metrics: a window's buckets added up into one set of measurements. */
export function storeAlarmInputs(store: Pick<MetricStore, 'readMetricRecords'>, slo: (id: string) => SloDefinition | null): AlarmInputs {
  return {
    async measure(selector, startMs, endMs) {
      const into = emptyMeasurements();
      for (const record of await store.readMetricRecords(startMs, endMs, selector)) mergeMeasurements(into, record.measurements);
      return into;
    },
    slo,
  };
}

import type { SeriesLabelJson } from '@stitch/api';
import { durationText } from './value-unit.ts';

/** A series as its legend names it: `resource.service.name=checkout, p=0.99`; a query without by() draws one series of every span it matched. */
export function seriesName(labels: readonly SeriesLabelJson[]): string {
  return labels.length === 0 ? 'all matching spans' : labels.map(labelText).join(', ');
}

/** `key=value`; a group of spans without the field is `(none)`, a bucket's bound (`le`, in ms) a duration, the last bucket's `+Inf`. */
function labelText({ key, value }: SeriesLabelJson): string {
  if (key === 'le' && typeof value === 'number') return `le=${durationText(value * 1e6).replace(' ', '')}`;
  if (key === 'le' && value === null) return 'le=+Inf';
  return `${key}=${value === null ? '(none)' : String(value)}`;
}

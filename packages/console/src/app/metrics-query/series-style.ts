import type { MetricsQueryJson } from '@stitch/api';

export interface SeriesStyle {
  color: string;
  /** An SVG dash pattern; undefined for a solid line. */
  dash: string | undefined;
}

/** How many colours a chart has before they repeat: the account palette, ten hues tuned for both themes (styles/base.css). */
const COLOURS = 10;
const DASHES = [undefined, '6 4', '1.5 3.5'];

/**
 * The look of each series: a colour each, and past the tenth a dash, so no two of the first thirty
 * look alike. The quantiles of one group are one colour, a dash for each quantile (`p=0.5` solid,
 * `p=0.99` dashed), so a group's spread reads as one family.
 */
export function seriesStyles(series: MetricsQueryJson['series']): SeriesStyle[] {
  const groups = new Map<string, number>();
  const quantiles = new Map<string, number>();
  return series.map((one, i) => {
    const p = one.labels.find((label) => label.key === 'p');
    if (p === undefined) return { color: colour(i), dash: DASHES[Math.floor(i / COLOURS) % DASHES.length] };
    const group = JSON.stringify(one.labels.filter((label) => label.key !== 'p'));
    if (!groups.has(group)) groups.set(group, groups.size);
    if (!quantiles.has(String(p.value))) quantiles.set(String(p.value), quantiles.size);
    return { color: colour(groups.get(group)!), dash: DASHES[quantiles.get(String(p.value))! % DASHES.length] };
  });
}

const colour = (i: number) => `var(--account-${i % COLOURS})`;

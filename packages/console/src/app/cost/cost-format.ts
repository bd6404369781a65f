import { formatDollars } from '@stitch/cost';

export const dollars = (value: number | null) => (value === null ? '–' : formatDollars(value));
export const count = (value: number) => Math.round(value).toLocaleString('en-US');
export const bytes = (value: number) => (value >= 1e9 ? `${(value / 1e9).toFixed(2)} GB` : value >= 1e6 ? `${(value / 1e6).toFixed(1)} MB` : value >= 1e3 ? `${(value / 1e3).toFixed(1)} kB` : `${value} B`);

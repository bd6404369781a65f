import type { PartialJson } from '@stitch/api';

/** How many series the chart draws unless the URL asks for more (`series=`): one colour each. */
export const DRAWN_SERIES = 10;
/** The most central answers (its limit=). */
const MOST_SERIES = 1000;

/** The number of series to draw the URL asks for: a whole number up to what central answers, else the default. */
export function drawnSeriesOf(asked: string | null): number {
  const number = Number(asked);
  return asked !== null && Number.isInteger(number) && number >= 1 ? Math.min(number, MOST_SERIES) : DRAWN_SERIES;
}

// Central's note when `limit=` left series out (metrics-query-route.ts): "series: the 10 with the most spans of 40 (limit=)".
const LIMIT_NOTE = /^series: the \d+ with the most spans of (\d+)/;

/**
 * The answer's notes of where it stopped, with the one about series left out by the limit taken
 * apart: the chart says that one in its own words (how many are hidden, and a way to draw more).
 * `total` is how many series there were (null: none were left out, or the note did not say).
 */
export function seriesLeftOut(partial: PartialJson | undefined): { total: number | null; limited: boolean; otherNotes: string[] } {
  const notes = partial?.stoppedAt ?? [];
  const limit = notes.find((note) => note.startsWith('series:'));
  const total = limit === undefined ? null : Number(LIMIT_NOTE.exec(limit)?.[1] ?? NaN);
  return { total: total === null || Number.isNaN(total) ? null : total, limited: limit !== undefined, otherNotes: notes.filter((note) => note !== limit) };
}

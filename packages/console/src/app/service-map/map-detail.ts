// What the map draws at the scale it is shown at: text is never drawn smaller than MIN_TEXT_PX
// screen pixels. Zoomed out (a large map at Fit), a node shows its name and its health only, in
// type scaled up to stay readable; its figures and the edges' labels appear from 1:1 on.

/** The smallest text the map draws, in screen pixels. */
export const MIN_TEXT_PX = 11;
/** A node name's size when zoomed out, in screen pixels. */
export const COMPACT_NAME_PX = 13;

/** The figures' type (badges, latencies, edge labels), in map units. */
const FIGURE_UNITS = 11;

/** Figures are drawn where they come out MIN_TEXT_PX or more: from 1:1 on. */
export const showsFigures = (scale: number): boolean => scale * FIGURE_UNITS >= MIN_TEXT_PX - 0.01;

/** Map units that come out as `px` screen pixels at `scale` (screen px per map unit), never fewer than `px` (type does not shrink as the map grows). */
export const unitsFor = (px: number, scale: number): number => Math.max(px, px / Math.max(scale, 1e-6));

/** An average glyph's width for the console's sans-serif, as a share of the font size. */
const GLYPH_WIDTH = 0.6;

/**
 * A name in at most `maxLines` lines of `fontUnits` type within `widthUnits`: broken after a
 * `-`, `.`, `/`, `_`, `:` or space where it can be, anywhere where it cannot, the last line cut
 * in its middle with an ellipsis when the rest does not fit (both ends tell services apart).
 */
export function nameLines(name: string, widthUnits: number, fontUnits: number, maxLines: number): string[] {
  const perLine = Math.max(3, Math.floor(widthUnits / (fontUnits * GLYPH_WIDTH)));
  const lines: string[] = [];
  let rest = name;
  while (rest.length > 0 && lines.length < maxLines) {
    if (rest.length <= perLine) {
      lines.push(rest);
      rest = '';
      break;
    }
    if (lines.length === maxLines - 1) {
      // Cut in the middle: services of one team share a prefix ("recommendation-…") and differ at the end ("…-17").
      const head = Math.ceil((perLine - 1) / 2);
      lines.push(`${rest.slice(0, head)}…${rest.slice(rest.length - (perLine - 1 - head))}`);
      rest = '';
      break;
    }
    const window = rest.slice(0, perLine);
    const breakAt = Math.max(...['-', '.', '/', '_', ':', ' '].map((separator) => window.lastIndexOf(separator)));
    const cut = breakAt >= perLine / 3 ? breakAt + 1 : perLine;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  return lines;
}

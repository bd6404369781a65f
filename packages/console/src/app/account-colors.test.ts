import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ACCOUNT_PALETTE_SIZE, paletteOrder } from './account-colors.ts';

const account = (accountId: string, createdAt: string | null) => ({ accountId, link: createdAt === null ? null : { id: `link-${accountId}`, sinkId: 's', types: ['traces' as const], createdAt, revokedAt: null } });

test('accounts take the palette in the order their links were made: twelve accounts, twelve colours, kept as others are added', () => {
  const twelve = Array.from({ length: 11 }, (_, i) => account(String(900 - i).padStart(12, '0'), `2026-12-0${1 + (i % 9)}T00:00:${String(i).padStart(2, '0')}Z`));
  const local = account('local', null);
  const places = paletteOrder([...twelve, local]);
  assert.equal(places.get('local'), 0, "central's own account (no link) first");
  assert.equal(new Set(places.values()).size, ACCOUNT_PALETTE_SIZE, 'twelve different colours');
  // A thirteenth account, linked later: the twelve keep their colours; it takes the first again.
  const later = paletteOrder([account('000000000013', '2026-12-31T00:00:00Z'), ...twelve, local]);
  for (const [id, place] of places) assert.equal(later.get(id), place, id);
  assert.equal(later.get('000000000013'), 0);
});

// The palette as base.css declares it, told apart by CIE76 ΔE in CIELAB, as seen with normal
// vision and with each full dichromacy (Machado, Oliveira & Fernandes 2009, severity 1).
const CVD: Record<string, number[][] | null> = {
  normal: null,
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
};
const linear = (channel: number) => (channel / 255 <= 0.04045 ? channel / 255 / 12.92 : ((channel / 255 + 0.055) / 1.055) ** 2.4);
function labOf(hex: string, matrix: number[][] | null): [number, number, number] {
  let rgb = [1, 3, 5].map((at) => linear(parseInt(hex.slice(at, at + 2), 16)));
  if (matrix) rgb = matrix.map((row) => Math.min(1, Math.max(0, row[0]! * rgb[0]! + row[1]! * rgb[1]! + row[2]! * rgb[2]!)));
  const [r, g, b] = rgb as [number, number, number];
  const xyz = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883];
  const [fx, fy, fz] = xyz.map((t) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116)) as [number, number, number];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}
const luminance = (hex: string) => { const [r, g, b] = [1, 3, 5].map((at) => linear(parseInt(hex.slice(at, at + 2), 16))) as [number, number, number]; return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const contrast = (a: string, b: string) => { const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]; return (hi + 0.05) / (lo + 0.05); };

test('the account palette: twelve colours told apart with normal vision (ΔE ≥ 15) and with each colour blindness (ΔE ≥ 10), visible on both themes', () => {
  const css = readFileSync(new URL('./styles/base.css', import.meta.url), 'utf8');
  const palette = [...css.matchAll(/--account-(\d+): (#[0-9a-f]{6});/g)].map((match) => match[2]!);
  assert.equal(palette.length, ACCOUNT_PALETTE_SIZE);
  for (const [vision, matrix] of Object.entries(CVD)) {
    const labs = palette.map((hex) => labOf(hex, matrix));
    let closest = { distance: Infinity, pair: '' };
    for (let i = 0; i < labs.length; i++)
      for (let j = i + 1; j < labs.length; j++) {
        const distance = Math.hypot(labs[i]![0] - labs[j]![0], labs[i]![1] - labs[j]![1], labs[i]![2] - labs[j]![2]);
        if (distance < closest.distance) closest = { distance, pair: `${palette[i]} and ${palette[j]}` };
      }
    assert.ok(closest.distance >= (vision === 'normal' ? 15 : 10), `${vision}: ${closest.pair} are ΔE ${closest.distance.toFixed(1)} apart`);
  }
  const background = (theme: string) => new RegExp(`${theme}[^{]*\\{[^}]*?--bg: (#[0-9a-f]{6})`).exec(css)![1]!;
  for (const bg of [background(":root, \\[data-theme='light'\\]"), background("\\[data-theme='dark'\\]")]) {
    for (const hex of palette) assert.ok(contrast(hex, bg) >= 2, `${hex} on ${bg}: contrast ${contrast(hex, bg).toFixed(2)}`);
  }
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { moveForKey, type KeyboardState } from './keyboard-moves.ts';
import { visibleRows, type TreeRow } from './visible-rows.ts';

// 0 ─┬─ 1 ── 2
//    └─ 3
const spans: TreeRow[] = [
  { parentIndex: -1, childIndexes: [1, 3], subtreeEnd: 4 },
  { parentIndex: 0, childIndexes: [2], subtreeEnd: 3 },
  { parentIndex: 1, childIndexes: [], subtreeEnd: 3 },
  { parentIndex: 0, childIndexes: [], subtreeEnd: 4 },
];
const state = (selected: number | null, collapsed: number[] = []): KeyboardState => ({ spans, rows: visibleRows(spans, new Set(collapsed)), collapsed: new Set(collapsed), selected });

describe('moveForKey', () => {
  const cases: Array<[string, string, KeyboardState, ReturnType<typeof moveForKey>]> = [
    ['↓ selects the next row', 'ArrowDown', state(0), { kind: 'select', index: 1 }],
    ['↓ skips a collapsed subtree', 'ArrowDown', state(1, [1]), { kind: 'select', index: 3 }],
    ['↓ stays on the last row', 'ArrowDown', state(3), { kind: 'select', index: 3 }],
    ['↓ with nothing selected starts at the top', 'ArrowDown', state(null), { kind: 'select', index: 0 }],
    ['↑ selects the previous row', 'ArrowUp', state(3), { kind: 'select', index: 2 }],
    ['↑ with nothing selected starts at the bottom', 'ArrowUp', state(null), { kind: 'select', index: 3 }],
    ['← collapses an expanded parent', 'ArrowLeft', state(1), { kind: 'collapse', index: 1 }],
    ['← on a collapsed span goes to its parent', 'ArrowLeft', state(1, [1]), { kind: 'select', index: 0 }],
    ['← on a leaf goes to its parent', 'ArrowLeft', state(2), { kind: 'select', index: 1 }],
    ['← on a collapsed root does nothing', 'ArrowLeft', state(0, [0]), null],
    ['→ expands a collapsed span', 'ArrowRight', state(1, [1]), { kind: 'expand', index: 1 }],
    ['→ on an expanded span goes to its first child', 'ArrowRight', state(0), { kind: 'select', index: 1 }],
    ['→ on a leaf does nothing', 'ArrowRight', state(2), null],
    ['Home selects the first row', 'Home', state(2), { kind: 'select', index: 0 }],
    ['End selects the last shown row', 'End', state(0, [0]), { kind: 'select', index: 0 }],
    ['End selects the last row', 'End', state(0), { kind: 'select', index: 3 }],
    ['Enter toggles the details', 'Enter', state(2), { kind: 'toggle-details' }],
    ['Space toggles the details', ' ', state(2), { kind: 'toggle-details' }],
    ['Enter without a selection is left to the browser', 'Enter', state(null), null],
    ['other keys are left to the browser', 'a', state(0), null],
  ];
  for (const [name, key, given, expected] of cases) it(name, () => assert.deepEqual(moveForKey(key, given), expected));
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clampNameColumn, storedNameColumn, storeNameColumn } from './name-column.ts';

describe('the name column width', () => {
  it('stays between 160 px and three quarters of the waterfall', () => {
    assert.equal(clampNameColumn(40, 1200), 160);
    assert.equal(clampNameColumn(500, 1200), 500);
    assert.equal(clampNameColumn(1100, 1200), 900);
    assert.equal(clampNameColumn(400, 180), 160, 'a waterfall too narrow for both still shows names');
    assert.equal(clampNameColumn(5000, 0), 5000, 'before the waterfall is measured, only the minimum applies');
  });

  it("is remembered; none, or a stored value that is not a width, leaves the stylesheet's", () => {
    const values = new Map<string, string>();
    const storage = { getItem: (key: string) => values.get(key) ?? null, setItem: (key: string, value: string) => void values.set(key, value), removeItem: (key: string) => void values.delete(key) };
    assert.equal(storedNameColumn(storage), null);
    storeNameColumn(storage, 512);
    assert.equal(storedNameColumn(storage), 512);
    storeNameColumn(storage, null);
    assert.equal(storedNameColumn(storage), null, 'the default again');
    values.set('stitch.waterfall.nameColumn', 'wide');
    assert.equal(storedNameColumn(storage), null);
  });
});

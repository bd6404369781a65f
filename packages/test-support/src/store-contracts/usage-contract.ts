import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addUsage, seededRandom, type UsageRow } from '@stitch/model';
import { usageRowOrder, type StoreLifecycle, type UsageSelector, type UsageStore } from '@stitch/store';

type ClosableUsageStore = UsageStore & StoreLifecycle;

export interface UsageContractOptions {
  /** A fresh, empty store. */
  newStore: () => Promise<ClosableUsageStore>;
  /** Closes the store and opens the same data again; omitted for stores without durability. */
  reopen?: (store: ClosableUsageStore) => Promise<ClosableUsageStore>;
}

const DAYS = ['2030-01-30', '2030-01-31', '2030-02-01', '2030-02-02'];
const ACCOUNTS = ['111111111111', '222222222222', "o'hara; DROP TABLE usage --"];
const SERVICES = ['checkout', 'payments', 'Stripe ☕ \\ "x"'];

/** Rows with random counts (several per key: the store must add them up), from a seed. */
function generatedRows(seed: number, count: number): UsageRow[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const big = () => Math.floor(random() * 5_000_000_000); // past 32 bits: bytes of a busy day
  return Array.from({ length: count }, () => {
    const day = pick(DAYS);
    const reads = random() < 0.25;
    const first = Date.parse(`${day}T00:00:00Z`) + Math.floor(random() * 40_000_000);
    return {
      day,
      accountId: pick(ACCOUNTS),
      serviceName: pick(SERVICES),
      tracesRecorded: reads ? 0 : Math.floor(random() * 1000),
      tracesFirstRecorded: reads ? 0 : Math.floor(random() * 700),
      spans: reads ? 0 : Math.floor(random() * 10_000),
      bytesIngested: reads ? 0 : big(),
      bytesStored: reads ? 0 : big(),
      tracesScanned: Math.floor(random() * 50),
      tracesRetrieved: Math.floor(random() * 5),
      firstSeenMs: reads ? null : first,
      lastSeenMs: reads ? null : first + Math.floor(random() * 40_000_000),
    };
  });
}

/** What a store must answer: the rows of the days and selector, added up per key, in key order. */
function expectedUsage(rows: readonly UsageRow[], startDay: string, endDay: string, selector: UsageSelector = {}): UsageRow[] {
  const sums = new Map<string, UsageRow>();
  for (const row of rows) {
    if (row.day < startDay || row.day > endDay) continue;
    if (selector.accountId !== undefined && row.accountId !== selector.accountId) continue;
    if (selector.serviceName !== undefined && row.serviceName !== selector.serviceName) continue;
    const key = `${row.day}/${row.accountId}/${row.serviceName}`;
    const sum = sums.get(key);
    if (sum) addUsage(sum, row);
    else sums.set(key, { ...row });
  }
  return [...sums.values()].sort(usageRowOrder);
}

/** The usage port's contract, run against every backend (in memory, DuckDB, ClickHouse). */
export function runUsageContract(name: string, options: UsageContractOptions): void {
  describe(`usage store contract: ${name}`, () => {
    test('rows of one key add up; days, accounts and services select; hostile names are kept as sent', async () => {
      let store = await options.newStore();
      try {
        const rows = generatedRows(7, 120);
        await store.addUsage(rows.slice(0, 70));
        await store.addUsage([]);
        await store.addUsage(rows.slice(70));
        if (options.reopen) store = await options.reopen(store);
        assert.deepEqual(await store.readUsage('2000-01-01', '2100-01-01'), expectedUsage(rows, '2000-01-01', '2100-01-01'));
        assert.deepEqual(await store.readUsage('2030-01-31', '2030-02-01'), expectedUsage(rows, '2030-01-31', '2030-02-01'), 'both ends of the days included');
        for (const selector of [{ accountId: ACCOUNTS[2]! }, { serviceName: SERVICES[2]! }, { accountId: ACCOUNTS[0]!, serviceName: 'payments' }, { accountId: 'nobody' }]) {
          assert.deepEqual(await store.readUsage('2030-01-01', '2030-12-31', selector), expectedUsage(rows, '2030-01-01', '2030-12-31', selector), JSON.stringify(selector));
        }
        assert.deepEqual(await store.readUsage('2030-03-01', '2030-03-31'), []);
      } finally {
        await store.close();
      }
    });

    test('counts past 32 bits and rows of reads only (no seen times) come back exact', async () => {
      const store = await options.newStore();
      try {
        const row: UsageRow = {
          day: '2030-05-05',
          accountId: 'a',
          serviceName: 's',
          tracesRecorded: 3_000_000_000,
          tracesFirstRecorded: 2_000_000_001,
          spans: 9_000_000_000,
          bytesIngested: 2 ** 52,
          bytesStored: 1,
          tracesScanned: 0,
          tracesRetrieved: 0,
          firstSeenMs: 1_904_000_000_123,
          lastSeenMs: 1_904_000_000_999,
        };
        const reads: UsageRow = { ...row, tracesRecorded: 0, tracesFirstRecorded: 0, spans: 0, bytesIngested: 0, bytesStored: 0, tracesScanned: 7, tracesRetrieved: 2, firstSeenMs: null, lastSeenMs: null };
        await store.addUsage([reads]);
        assert.deepEqual(await store.readUsage('2030-05-05', '2030-05-05'), [reads]);
        await store.addUsage([row]);
        assert.deepEqual(await store.readUsage('2030-05-05', '2030-05-05'), [{ ...row, tracesScanned: 7, tracesRetrieved: 2 }]);
      } finally {
        await store.close();
      }
    });
  });
}

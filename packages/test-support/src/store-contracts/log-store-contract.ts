import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nanos, seededRandom, type LogRecord } from '@stitch/model';
import type { LogQuery, LogStore, StoreLifecycle } from '@stitch/store';

export interface LogStoreContractOptions {
  /** A fresh, empty store. */
  newStore: () => Promise<LogStore & StoreLifecycle>;
  /** Closes the store and opens the same data again; omitted for stores without durability. */
  reopen?: (store: LogStore & StoreLifecycle) => Promise<LogStore & StoreLifecycle>;
}

const BASE = 1_900_000_000_000_000_000n; // 2030-03-17, in ns
const at = (ms: number) => nanos(BASE + BigInt(ms) * 1_000_000n);
const id32 = (n: number) => n.toString(16).padStart(32, 'c');
const id16 = (n: number) => n.toString(16).padStart(16, 'd');
const everything = { startNanos: at(-1), endNanos: at(10_000_000), limit: 10_000 };

function logAt(ms: number, more: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: at(ms),
    severityNumber: 9,
    severityText: 'INFO',
    body: `line at ${ms}`,
    traceId: '',
    spanId: '',
    serviceName: 'checkout',
    attributes: {},
    account: { id: '222222222222', label: 'checkout' },
    ...more,
  };
}

/** A record carrying every field, with awkward values, to check nothing is lost or bent on the way through. */
function richLog(): LogRecord {
  return logAt(42, {
    severityNumber: 18,
    severityText: 'Error2',
    body: "Stripe ☕ 'quoted' \"double\" ; DROP TABLE logs; -- 100% _done_ \\ \n second line",
    traceId: id32(1),
    spanId: id16(1),
    serviceName: 'payments',
    attributes: { 'http.status': 502, ratio: 0.25, vip: false, tags: ['a', 'b'], big: '9007199254740993', empty: '' },
    account: { id: '555555555555', label: 'payments (prod)' },
  });
}

/** The behaviour every LogStore must have; each backend's test file calls this. */
export function runLogStoreContract(name: string, options: LogStoreContractOptions): void {
  const it = (title: string, body: (store: LogStore) => Promise<void>) =>
    test(title, async () => {
      const store = await options.newStore();
      try {
        await body(store);
      } finally {
        await store.close();
      }
    });

  describe(`LogStore contract: ${name}`, () => {
    it('a record comes back exactly as written', async (store) => {
      const record = richLog();
      await store.writeLogs([record]);
      assert.deepEqual(await store.searchLogs(everything), [record]);
      await store.writeLogs([]);
    });

    it("a trace's logs come back oldest first, and no other trace's", async (store) => {
      const mine = [300, 100, 200].map((ms, i) => logAt(ms, { traceId: id32(7), spanId: id16(i + 1), body: `step ${ms}` }));
      const others = [logAt(150, { traceId: id32(8) }), logAt(250)];
      await store.writeLogs([...others, mine[0]!]);
      await store.writeLogs(mine.slice(1));
      const found = await store.searchLogs({ ...everything, traceIds: [id32(7)], oldestFirst: true });
      assert.deepEqual(found.map((r) => r.body), ['step 100', 'step 200', 'step 300']);
      assert.deepEqual((await store.searchLogs({ ...everything, traceIds: [id32(7), id32(8)] })).map((r) => r.timeUnixNano), [at(300), at(200), at(150), at(100)]);
      assert.deepEqual(await store.searchLogs({ ...everything, traceIds: [] }), []);
      assert.deepEqual(await store.searchLogs({ ...everything, traceIds: [id32(404)] }), []);
    });

    it('text is a literal, case-insensitive substring of the body', async (store) => {
      const bodies = ['100% done', '100 percent', 'a_b', 'axb', "it's", 'back\\slash', 'CAFÉ au lait', 'nothing'];
      await store.writeLogs(bodies.map((body, i) => logAt(i, { body })));
      const bodiesWith = async (text: string) => (await store.searchLogs({ ...everything, text, oldestFirst: true })).map((r) => r.body);
      assert.deepEqual(await bodiesWith('0%'), ['100% done']);
      assert.deepEqual(await bodiesWith('a_b'), ['a_b']);
      assert.deepEqual(await bodiesWith("'s"), ["it's"]);
      assert.deepEqual(await bodiesWith('\\'), ['back\\slash']);
      assert.deepEqual(await bodiesWith('café'), ['CAFÉ au lait']);
      assert.deepEqual(await bodiesWith("' OR 1=1 --"), []);
    });

    it('every combination of conditions finds exactly the records it should, newest first', async (store) => {
      const random = seededRandom(10);
      const services = ['checkout', 'payments', 'pricing'];
      const accounts = [
        { id: '111', label: 'edge' },
        { id: '222', label: 'checkout' },
      ];
      const words = ['timeout', 'retry', 'Paid', 'stock'];
      const records = Array.from({ length: 400 }, (_, i) =>
        logAt(i * 10 + Math.floor(random() * 9), {
          severityNumber: 1 + Math.floor(random() * 24),
          traceId: random() < 0.2 ? '' : id32(1 + Math.floor(random() * 30)),
          spanId: id16(i + 1),
          body: `${words[Math.floor(random() * words.length)]} #${i}`,
          serviceName: services[Math.floor(random() * services.length)]!,
          account: accounts[Math.floor(random() * accounts.length)]!,
        }),
      );
      await store.writeLogs(records.slice(0, 150));
      await store.writeLogs(records.slice(150));
      let answered = 0;
      for (let round = 0; round < 40; round++) {
        const from = Math.floor(random() * 3000);
        const query: LogQuery = { startNanos: at(from), endNanos: at(from + 200 + Math.floor(random() * 2000)), limit: 1 + Math.floor(random() * 60) };
        if (random() < 0.4) query.traceIds = [id32(1 + Math.floor(random() * 30)), id32(1 + Math.floor(random() * 30))];
        if (random() < 0.4) query.severityAtLeast = 1 + Math.floor(random() * 24);
        if (random() < 0.4) query.text = random() < 0.5 ? 'PAID' : 'ry';
        if (random() < 0.3) query.serviceName = services[Math.floor(random() * services.length)]!;
        if (random() < 0.3) query.account = random() < 0.5 ? '111' : 'checkout';
        const expected = records
          .filter(
            (r) =>
              r.timeUnixNano >= query.startNanos &&
              r.timeUnixNano < query.endNanos &&
              (!query.traceIds || query.traceIds.includes(r.traceId)) &&
              (query.severityAtLeast === undefined || r.severityNumber >= query.severityAtLeast) &&
              (query.text === undefined || r.body.toLowerCase().includes(query.text.toLowerCase())) &&
              (query.serviceName === undefined || r.serviceName === query.serviceName) &&
              (query.account === undefined || r.account.id === query.account || r.account.label === query.account),
          )
          .sort((a, b) => Number(b.timeUnixNano - a.timeUnixNano))
          .slice(0, query.limit);
        const found = await store.searchLogs(query);
        answered += expected.length > 0 ? 1 : 0;
        assert.deepEqual(found.map((r) => r.spanId), expected.map((r) => r.spanId), `round ${round}: ${JSON.stringify({ ...query, startNanos: from, endNanos: Number(query.endNanos - BASE) / 1e6 })}`);
      }
      assert.ok(answered >= 20, `only ${answered} of 40 queries matched anything: the data does not test much`);
    });

    if (options.reopen) {
      const reopen = options.reopen;
      test('records survive a restart', async () => {
        const store = await options.newStore();
        await store.writeLogs([richLog()]);
        const reopened = await reopen(store);
        try {
          assert.deepEqual(await reopened.searchLogs(everything), [richLog()]);
        } finally {
          await reopened.close();
        }
      });
    }
  });
}

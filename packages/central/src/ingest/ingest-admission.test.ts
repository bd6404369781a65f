import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DrainRate } from './drain-rate.ts';
import { IngestAdmission, type AdmissionOptions, type StoreBacklog } from './ingest-admission.ts';

const OPTIONS: AdmissionOptions = { backlogTargetMs: 1_000, minBacklogSpans: 0, maxDecoding: 2, maxWaiting: 3, alwaysAdmitted: 0, random: () => 0.9 };

/** A store side the test sets by hand. */
const storeAt = (backlogSpans: number, drainSpansPerSecond: number | null): StoreBacklog => ({ backlogSpans, drainSpansPerSecond });

const admitted = (decision: ReturnType<IngestAdmission['admit']>) => {
  assert.ok(decision.admitted, decision.admitted ? '' : decision.reason);
  return decision.ticket;
};

test('the drain rate is spans stored per busy second, averaged: idle time between writes does not make the store look slow', () => {
  let nowMs = 0;
  const rate = new DrainRate(() => nowMs);
  assert.equal(rate.spansPerSecond, null, 'unknown before a sample');
  // Two writes overlap in [0, 300) ms: 3,000 spans in 300 busy ms.
  rate.started();
  nowMs = 100;
  rate.started();
  nowMs = 200;
  rate.finished(1_000);
  nowMs = 300;
  rate.finished(2_000);
  assert.equal(rate.spansPerSecond, 10_000);
  // Ten idle seconds, then 500 spans in 250 busy ms: 2,000/s, weighted into the average (0.3).
  nowMs = 10_300;
  rate.started();
  nowMs = 10_550;
  rate.finished(500);
  assert.equal(rate.spansPerSecond, 10_000 + 0.3 * (2_000 - 10_000));
  // A failed write counts its time and no spans.
  rate.started();
  nowMs = 10_850;
  rate.finished(0);
  assert.ok(rate.spansPerSecond! < 7_600);
});

test('a request is shed when the spans already admitted would take the store longer than the target; the rest are admitted', () => {
  const cases: Array<{ what: string; backlog: number; rate: number | null; shed: boolean }> = [
    { what: 'rate not known yet', backlog: 1_000_000, rate: null, shed: false },
    { what: 'under the target', backlog: 9_000, rate: 10_000, shed: false },
    { what: 'exactly the target', backlog: 10_000, rate: 10_000, shed: false },
    { what: 'over the target', backlog: 10_001, rate: 10_000, shed: true },
    { what: 'a store that stores nothing', backlog: 1, rate: 0, shed: true },
  ];
  for (const { what, backlog, rate, shed } of cases) {
    const decision = new IngestAdmission(OPTIONS, storeAt(backlog, rate)).admit(1_000);
    assert.equal(!decision.admitted, shed, what);
    if (!decision.admitted) {
      assert.match(decision.reason, /^ingest: over capacity, shed before reading: \d+ spans admitted are still to be stored/, what);
      assert.equal(decision.retryAfterS, 2, 'Retry-After from the jitter: 1 or 2 s');
    }
  }
});

test('a backlog under the minimum is never shed, however slow the rate measured on small writes', () => {
  const options = { ...OPTIONS, minBacklogSpans: 5_000 };
  assert.ok(new IngestAdmission(options, storeAt(4_999, 8)).admit(1_000).admitted, 'a few spans at 8 spans/s: one write takes them all');
  assert.ok(new IngestAdmission(options, storeAt(1, 0)).admit(1_000).admitted, 'under the minimum even when writes fail: the store says so itself');
  assert.ok(!new IngestAdmission(options, storeAt(5_001, 8)).admit(1_000).admitted, 'past the minimum, the rate decides');
});

test('spans admitted but not yet decoded count against the target, estimated from the declared body size once a request was seen', () => {
  const store = { backlogSpans: 0, drainSpansPerSecond: 1_000 };
  const admission = new IngestAdmission({ ...OPTIONS, maxWaiting: 100 }, store);
  const first = admitted(admission.admit(10_000));
  assert.equal(admission.estimatedSpans, 0, 'nothing learnt yet: no estimate');
  first.decoded({ spans: 500, bodyBytes: 10_000 }); // 0.05 spans a byte
  // Each new 10 kB body: 500 spans; the third pushes the estimate past 1 s of the store's 1,000 spans/s.
  admitted(admission.admit(10_000));
  admitted(admission.admit(10_000));
  assert.equal(admission.estimatedSpans, 1_000);
  admitted(admission.admit(10_000));
  assert.equal(admission.admit(10_000).admitted, false, '1,500 spans admitted: 1.5 s at 1,000 spans/s');
  // Without a Content-Length, a request counts the average spans of one.
  const other = new IngestAdmission(OPTIONS, store);
  admitted(other.admit(null)).decoded({ spans: 300, bodyBytes: 7_000 });
  admitted(other.admit(null));
  assert.equal(other.estimatedSpans, 300);
});

test('admitted requests are read and decoded a few at a time, in order; past the waiting limit new ones are shed; a turn is handed on once', async () => {
  const admission = new IngestAdmission(OPTIONS, storeAt(0, null));
  const tickets = Array.from({ length: 5 }, () => admitted(admission.admit(100)));
  const order: number[] = [];
  const turns = tickets.map((ticket, i) => ticket.turn().then(() => order.push(i)));
  await Promise.resolve();
  assert.deepEqual(order, [0, 1], 'two decode at once');
  const refused = admission.admit(100);
  assert.equal(refused.admitted, false, 'three already wait');
  assert.match(refused.admitted ? '' : refused.reason, /3 requests already wait for their turn/);
  tickets[0]!.decoded();
  tickets[0]!.decoded(); // twice: still one turn handed on
  await Promise.resolve();
  assert.deepEqual(order, [0, 1, 2]);
  tickets[1]!.decoded();
  tickets[2]!.decoded();
  await Promise.all(turns);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
  tickets[3]!.decoded();
  tickets[4]!.decoded();
  // Every turn is free again: two more start at once.
  const again = [admitted(admission.admit(100)), admitted(admission.admit(100))];
  let started = 0;
  await Promise.all(again.map((ticket) => ticket.turn().then(() => started++)));
  assert.equal(started, 2);
});

test('while fewer requests than the floor are unanswered, one is admitted whatever the backlog; answered, it makes room', () => {
  const admission = new IngestAdmission({ ...OPTIONS, alwaysAdmitted: 2 }, storeAt(1_000_000, 1_000));
  const first = admitted(admission.admit(100));
  const second = admitted(admission.admit(100));
  assert.equal(admission.admit(100).admitted, false, 'a third is shed: 1,000 s of backlog');
  second.decoded();
  assert.equal(admission.admit(100).admitted, false, 'decoded is not answered: its spans still wait for the store');
  second.answered();
  second.answered(); // twice: counted once
  admitted(admission.admit(100));
  assert.equal(admission.admit(100).admitted, false);
  first.answered();
  admitted(admission.admit(100));
});

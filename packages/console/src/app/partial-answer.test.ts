import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describePartial } from './partial-answer.ts';

const payments = { accountId: '444444444444', label: 'payments', reason: 'unreachable (ECONNREFUSED)' };
const stalled = { accountId: '999999999999', label: 'stalled', reason: 'timeout after 800 ms' };
const STOPPED = 'checked 5000 candidate traces (the most one federated search reads); narrow the window or the filter';

test('a partial answer in words', async (t) => {
  const cases: Array<[string, Parameters<typeof describePartial>, string]> = [
    ['nothing missing', [{ missingAccounts: [], stoppedAt: [] }], ''],
    ['one account', [{ missingAccounts: [payments], stoppedAt: [] }], 'no answer from payments (444444444444): unreachable (ECONNREFUSED). The rest of the accounts answered.'],
    [
      'two accounts, with what it leaves out',
      [{ missingAccounts: [payments, stalled], stoppedAt: [] }, 'Their spans are not in this trace.'],
      'no answer from payments (444444444444): unreachable (ECONNREFUSED); stalled (999999999999): timeout after 800 ms. The rest of the accounts answered. Their spans are not in this trace.',
    ],
    ['an account without a label of its own, a reason ending in a full stop', [{ missingAccounts: [{ accountId: '1', label: '1', reason: 'refused: 403 forbidden.' }], stoppedAt: [] }], 'no answer from 1: refused: 403 forbidden. The rest of the accounts answered.'],
    ['a bound only', [{ missingAccounts: [], stoppedAt: [STOPPED] }, 'Their spans are not in this trace.'], `stopped early: ${STOPPED}.`],
    ['both', [{ missingAccounts: [stalled], stoppedAt: [STOPPED] }], `no answer from stalled (999999999999): timeout after 800 ms. The rest of the accounts answered. Stopped early: ${STOPPED}.`],
  ];
  for (const [name, args, expected] of cases) await t.test(name, () => assert.equal(describePartial(...args), expected));
});

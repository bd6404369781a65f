import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReadCoverage } from './read-coverage.ts';

test("a scoped reader's partial answer names another missing account by id only, without the remote's reason", () => {
  const coverage = new ReadCoverage();
  coverage.accountMissing({ accountId: '111111111111', label: 'payments', reason: 'refused: 500 connection to db-payments.internal failed' });
  coverage.accountMissing({ accountId: '222222222222', label: 'checkout', reason: 'timeout after 3000 ms' });
  assert.deepEqual(coverage.json((id) => id === '222222222222')?.missingAccounts, [
    { accountId: '111111111111', label: '111111111111', reason: 'did not answer' },
    { accountId: '222222222222', label: 'checkout', reason: 'timeout after 3000 ms' },
  ]);
  assert.equal(coverage.json()?.missingAccounts[0]!.label, 'payments', 'everyone else is told as before');
});

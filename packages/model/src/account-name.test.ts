import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accountName, accountNameWithId } from './account-name.ts';

test('an account is named by its label, its id written once however the link labels it', () => {
  assert.equal(accountNameWithId({ id: '222222222222', label: 'checkout' }), 'checkout (222222222222)');
  // A link labelled `$AccountName ($AccountId)` already holds the id: not "checkout (222222222222) (222222222222)".
  assert.equal(accountNameWithId({ id: '222222222222', label: 'checkout (222222222222)' }), 'checkout (222222222222)');
  assert.equal(accountNameWithId({ id: '222222222222', label: '222222222222' }), '222222222222');
  assert.equal(accountNameWithId({ id: '222222222222', label: '' }), '222222222222');
  assert.equal(accountNameWithId({ id: '222222222222' }), '222222222222');
  assert.equal(accountName({ id: '222222222222', label: 'checkout' }), 'checkout');
  assert.equal(accountName({ id: '222222222222', label: null }), '222222222222');
});

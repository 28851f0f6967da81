import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeAccountInput, normalizeAmountInput, parseTypedTransaction } from './transaction-input.js';

describe('typed transaction input', () => {
  it('accepts the account as people type it', () => {
    for (const typed of ['1234567', ' 1234567 ', '123-4567', '１２３４５６７', '123 4567', '123ー4567']) {
      assert.equal(normalizeAccountInput(typed), '1234567', typed);
    }
    assert.equal(normalizeAccountInput('0012345'), '0012345'); // leading zeros are part of the account
  });

  it('refuses accounts that are not 7 digits', () => {
    for (const typed of ['', '123456', '12345678', '12345a7', '1,234,567']) {
      assert.equal(normalizeAccountInput(typed), undefined, typed);
    }
  });

  it('reads amounts with separators and yen signs; empty means no amount', () => {
    assert.equal(normalizeAmountInput(''), null);
    assert.equal(normalizeAmountInput('  '), null);
    assert.equal(normalizeAmountInput('10000'), 10_000);
    assert.equal(normalizeAmountInput('10,000'), 10_000);
    assert.equal(normalizeAmountInput('¥10,000'), 10_000);
    assert.equal(normalizeAmountInput('１００００円'), 10_000);
    assert.equal(normalizeAmountInput('999,999,999,999'), 999_999_999_999);
  });

  it('refuses zero, fractions, negatives, leading zeros and amounts too large for the challenge', () => {
    for (const typed of ['0', '-5', '10.5', '1e5', '010', '1000000000000', 'abc']) {
      assert.equal(normalizeAmountInput(typed), undefined, typed);
    }
  });

  it('names the field that is wrong', () => {
    assert.deepEqual(parseTypedTransaction({ account: '12', amount: '' }), { ok: false, reason: 'invalid_account' });
    assert.deepEqual(parseTypedTransaction({ account: '1234567', amount: '0' }), { ok: false, reason: 'invalid_amount' });
    assert.deepEqual(parseTypedTransaction({ account: '1234567', amount: '' }), { ok: true, transaction: { payeeAccount: '1234567' } });
    assert.deepEqual(parseTypedTransaction({ account: '1234567', amount: '3,000' }), {
      ok: true,
      transaction: { payeeAccount: '1234567', amountYen: 3000 },
    });
  });
});

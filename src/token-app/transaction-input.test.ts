import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  normalizeAccountInput,
  normalizeAmountInput,
  parseTransactionQr,
  parseTypedTransaction,
  transactionQrPayload,
} from './transaction-input.js';

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

describe('transaction QR payload (mamori-tx:v1)', () => {
  it('reads the documented examples', () => {
    assert.deepEqual(parseTransactionQr('mamori-tx:v1?account=1234567&amount=10000'), {
      ok: true,
      transaction: { payeeAccount: '1234567', amountYen: 10_000 },
    });
    assert.deepEqual(parseTransactionQr('mamori-tx:v1?account=0012345'), { ok: true, transaction: { payeeAccount: '0012345' } });
    // A later version may add parameters; v1 readers ignore them.
    assert.deepEqual(parseTransactionQr('mamori-tx:v1?account=1234567&bank=demo'), { ok: true, transaction: { payeeAccount: '1234567' } });
  });

  it('refuses anything else', () => {
    const cases: [string, string][] = [
      ['https://example.com/?account=1234567', 'not_a_transaction_qr'],
      ['MAMORI-TX:V1?account=1234567', 'not_a_transaction_qr'],
      ['mamori-tx:v2?account=1234567', 'not_a_transaction_qr'],
      ['mamori-tx:v1?amount=100', 'not_a_transaction_qr'],
      ['mamori-tx:v1?account=1234567&account=7654321', 'not_a_transaction_qr'],
      ['mamori-tx:v1?account=1234567&amount=1&amount=2', 'not_a_transaction_qr'],
      ['mamori-tx:v1?account=123456', 'invalid_account'],
      ['mamori-tx:v1?account=%EF%BC%91234567', 'invalid_account'],
      ['mamori-tx:v1?account=1234567&amount=10%2C000', 'invalid_amount'],
      ['mamori-tx:v1?account=1234567&amount=0', 'invalid_amount'],
      ['mamori-tx:v1?account=1234567&amount=', 'invalid_amount'],
      ['mamori-tx:v1?account=1234567&amount=1000000000000', 'invalid_amount'],
    ];
    for (const [payload, reason] of cases) {
      assert.deepEqual(parseTransactionQr(payload), { ok: false, reason }, payload);
    }
  });

  it('reads back every payload it writes', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{7}$/), fc.option(fc.integer({ min: 1, max: 999_999_999_999 }), { nil: undefined }), (payeeAccount, amountYen) => {
        const transaction = amountYen === undefined ? { payeeAccount } : { payeeAccount, amountYen };
        assert.deepEqual(parseTransactionQr(transactionQrPayload(transaction)), { ok: true, transaction });
      }),
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseTransactionQr, transactionQrPayload } from './transaction-payload.js';

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

// Payees in the console's history: the bank and branch by the names the transfer pages use
// (みずほ → みずほ銀行), the account masked; an unknown bank is left to its codes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditSentence } from './audit-sentences.js';
import { payeeNames } from './payee-names.js';

const demo = { code: '9991', name: 'デモ信用金庫', nameEn: 'Demo Shinkin Bank', kana: '', branches: [{ code: '001', name: '本店', kana: 'ホンテン' }] };

describe('payee names in the history', () => {
  it('names the bank and branch in full, in both languages, with the account masked', () => {
    const names = payeeNames(['0001-100-1234567', '9991-001-7654321', '8888-001-1111111'], [demo]);
    assert.deepEqual(names.payee('0001-100-1234567'), { ja: 'みずほ銀行 本店 口座 ****567', en: 'Mizuho Bank, Head Office, account ****567' });
    assert.deepEqual(names.payee('9991-001-7654321'), { ja: 'デモ信用金庫 本店 口座 ****321', en: 'Demo Shinkin Bank, Head Office, account ****321' });
    assert.equal(names.payee('8888-001-1111111'), undefined, 'a code no bank has');
  });

  it('a transfer sentence carries them; the unknown bank keeps its codes, masked too', () => {
    const names = payeeNames(['0001-100-1234567', '8888-001-1111111'], []);
    const details = (payee: string) => JSON.stringify({ amountYen: 12_000, feeYen: 0, payee, referenceNo: 'R-1' });
    assert.equal(auditSentence({ action: 'payee_registered', details: details('0001-100-1234567') }, names).ja, '振込先 みずほ銀行 本店 口座 ****567 を登録しました。');
    const unknown = auditSentence({ action: 'transfer_confirmed', details: details('8888-001-1111111') }, names);
    assert.equal(unknown.en, 'Transferred ¥12,000 to bank 8888, branch 001, account ****111 (fee ¥0, reference R-1).');
  });
});

// Every audit kind reads as a sentence in both languages, with what matters and without the
// record's internals; the history's groups cover the kinds; payees are masked and named.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AUDIT_ACTIONS } from '../audit/audit-actions.js';
import { actionsOfGroup, actorText, AUDIT_GROUPS, auditSentence, payeesOf, type SentenceLookups } from './audit-sentences.js';

const noNames: SentenceLookups = { payee: () => undefined };
const RAW = /[{}"]|timeStep|transferId|proposalId|bindingId|accountId|undefined|NaN|\[object/;

describe('audit sentences', () => {
  it('every kind has a sentence in Japanese and English, even for a record without details', () => {
    for (const action of AUDIT_ACTIONS) {
      for (const details of ['{}', '{"failures":5,"path":"login","timeStep":12345,"transferId":"t-1","proposalId":"p-1"}']) {
        const text = auditSentence({ action, details }, noNames);
        assert.ok(text.ja.length > 3 && text.en.length > 3, action);
        assert.doesNotMatch(text.ja, RAW, `${action} (ja): ${text.ja}`);
        assert.doesNotMatch(text.en, RAW, `${action} (en): ${text.en}`);
        assert.ok(!text.ja.includes(action) && !text.en.includes(action), `${action} is not named by its code`);
      }
    }
  });

  it('a lock says how many and where, in both languages', () => {
    const text = auditSentence({ action: 'otp_locked', details: '{"failures":5,"path":"login"}' }, noNames);
    assert.equal(text.ja, 'ワンタイムパスワードの誤りが5回に達し、ワンタイムパスワードがロックされました（ログインで）。');
    assert.equal(text.en, 'Wrong one-time password for the 5th time: one-time passwords are locked (at login).');
    assert.equal(auditSentence({ action: 'otp_failed', details: '{"failures":2,"path":"transfer"}' }, noNames).en, 'Wrong one-time password (2nd) (at a transfer).');
  });

  it('a branch action names its written request and who proposed it', () => {
    const details = JSON.stringify({ failures: 5, proposalId: 'p-1', proposedBy: 'teller', reason: 'ロック解除届', requestFormNo: 'R-2026-0101' });
    const text = auditSentence({ action: 'otp_unlocked', details }, noNames);
    assert.equal(text.ja, 'ワンタイムパスワードのロックを解除しました（書面番号 R-2026-0101、受付理由: ロック解除届）。申請者 teller の申請を承認して実行。');
    assert.equal(text.en, 'Unlocked one-time passwords (written request R-2026-0101, reason: ロック解除届). Proposed by teller, approved.');
    const proposed = auditSentence({ action: 'branch_proposal_created', details: JSON.stringify({ kind: 'change_limit', newLimitYen: 1_000_000, requestFormNo: 'L-1', reason: '増額' }) }, noNames);
    assert.equal(proposed.ja, '「1日あたり振込限度額の変更」を申請しました（1,000,000円）（書面番号 L-1、受付理由: 増額）。承認待ちです。');
    assert.equal(proposed.en, 'Proposed “change the daily transfer limit” (¥1,000,000) (written request L-1, reason: 増額). It awaits approval.');
  });

  it('a transfer says how much to whom, the payee masked — named when the directory knows it', () => {
    const details = JSON.stringify({ amountYen: 30_000, feeYen: 220, kind: 'other_bank', method: 'otp', payee: '0001-100-1234567', referenceNo: 'R20261207-0001', transferId: 't-1' });
    const bare = auditSentence({ action: 'transfer_confirmed', details }, noNames);
    assert.equal(bare.ja, '金融機関 0001 支店 100 口座 ****567へ 30,000円 を振り込みました（手数料 220円、他行あて、受付番号 R20261207-0001）。');
    assert.ok(!bare.en.includes('1234567'), 'the account is masked');
    const named = auditSentence({ action: 'transfer_confirmed', details }, { payee: (p) => (p === '0001-100-1234567' ? { ja: 'みずほ銀行 本店 口座 ****567', en: 'みずほ銀行 本店, account ****567' } : undefined) });
    assert.equal(named.en, 'Transferred ¥30,000 to みずほ銀行 本店, account ****567 (fee ¥220, to another bank, reference R20261207-0001).');
    assert.deepEqual(payeesOf([{ details }, { details: '{}' }, { details }]), ['0001-100-1234567']);
  });

  it('serials and addresses are shown masked', () => {
    const text = auditSentence({ action: 'token_exchanged', details: '{"oldSerial":"MMOB12345678","serial":"MDSK87654321"}' }, noNames);
    assert.equal(text.ja, 'ソフトウェアトークンを MMOB-****-5678 から MDSK-****-4321 に交換しました。');
  });

  it('a kind this build does not know keeps its code; details that are not JSON are ignored', () => {
    assert.deepEqual(auditSentence({ action: 'future_kind', details: '{}' }, noNames), { ja: '記録 future_kind', en: 'Record future_kind' });
    assert.equal(auditSentence({ action: 'signed_out', details: 'not json' }, noNames).ja, 'ログアウトしました。');
  });

  it('the groups cover every kind once; who is said in words', () => {
    const grouped = AUDIT_GROUPS.filter((g) => g !== 'branch').flatMap((g) => actionsOfGroup(g as Exclude<typeof g, 'branch'>));
    const branchOnly = AUDIT_ACTIONS.filter((a) => !grouped.includes(a));
    assert.equal(new Set(grouped).size, grouped.length, 'no kind in two groups');
    assert.ok(actionsOfGroup('signin').includes('otp_locked') && actionsOfGroup('transfers').includes('transfer_confirmed') && actionsOfGroup('token').includes('token_registered'));
    assert.ok(branchOnly.includes('branch_proposal_created') && branchOnly.includes('operator_signed_in'));
    assert.deepEqual(actorText('customer:1000000001'), { ja: 'お客様', en: 'The customer' });
    assert.deepEqual(actorText('operator:teller'), { ja: 'オペレーター teller', en: 'Operator teller' });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideConfirmChallenge, normalizeCode, verifyConfirmAnswer, verifyOtpForLimitRaise, type ConfirmingCustomer } from './confirm-authentication.js';
import { fakePorts, RIGHT_CODE } from '../../../test/support/banking/transfers/test-world.js';

const WITH_TOKEN: ConfirmingCustomer = { bindingId: 'bind_1', otpLocked: false, passwordLocked: false };
const WITHOUT_TOKEN: ConfirmingCustomer = { bindingId: null, otpLocked: false, passwordLocked: false };
const TRANSFER = { payeeAccountNumber: '0123456', amountYen: 78000, passwordPositions: [2, 5] };

describe('what the confirm step asks', () => {
  it('asks the OTP with a token and 取引認証 off', () => {
    assert.deepEqual(decideConfirmChallenge({ customer: WITH_TOKEN, transactionAuth: 'off', confirmationMode: 'whole', transfer: TRANSFER }), { kind: 'otp' });
  });

  it('asks a transaction code over the payee account, and the amount when the policy says so', () => {
    assert.deepEqual(decideConfirmChallenge({ customer: WITH_TOKEN, transactionAuth: 'account', confirmationMode: 'whole', transfer: TRANSFER }), {
      kind: 'transaction_code', includeAmount: false, payeeAccount: '0123456', amountYen: null,
    });
    assert.deepEqual(decideConfirmChallenge({ customer: WITH_TOKEN, transactionAuth: 'account_amount', confirmationMode: 'whole', transfer: TRANSFER }), {
      kind: 'transaction_code', includeAmount: true, payeeAccount: '0123456', amountYen: 78000,
    });
  });

  it('asks the confirmation password without a token, whole or at the positions fixed for the transfer', () => {
    for (const transactionAuth of ['off', 'account', 'account_amount'] as const) {
      assert.deepEqual(decideConfirmChallenge({ customer: WITHOUT_TOKEN, transactionAuth, confirmationMode: 'whole', transfer: TRANSFER }), { kind: 'confirmation_password', mode: 'whole' });
      assert.deepEqual(decideConfirmChallenge({ customer: WITHOUT_TOKEN, transactionAuth, confirmationMode: 'positions', transfer: TRANSFER }), {
        kind: 'confirmation_password', mode: 'positions', positions: [2, 5],
      });
    }
  });

  it('normalises typed codes', () => {
    assert.equal(normalizeCode(' 123 456 '), '123456');
    assert.equal(normalizeCode('１２３４５６'), '123456');
    assert.equal(normalizeCode('12345'), undefined);
    assert.equal(normalizeCode('1234567'), undefined);
    assert.equal(normalizeCode('12345a'), undefined);
  });
});

describe('checking the answer', () => {
  it('accepts the right OTP and counts wrong ones toward the lock, warning before it', async () => {
    const ports = fakePorts({ lockAfter: 5 });
    const check = (code: string) => verifyConfirmAnswer(ports, { challenge: { kind: 'otp' }, customer: WITH_TOKEN, answer: { kind: 'code', code } });
    assert.deepEqual(await check('000000'), { ok: false, error: 'code_wrong', warn: false, remainingAttempts: 4 });
    assert.deepEqual(await check('000001'), { ok: false, error: 'code_wrong', warn: false, remainingAttempts: 3 });
    assert.deepEqual(await check('000002'), { ok: false, error: 'code_wrong', warn: false, remainingAttempts: 2 });
    assert.deepEqual(await check('000003'), { ok: false, error: 'code_wrong', warn: true, remainingAttempts: 1 });
    assert.deepEqual(await check('000004'), { ok: false, error: 'code_locked', warn: false });
    assert.equal(ports.wrongCodes, 5);
    // Locked: no attempt is left, so even the right code is refused without reaching the authority.
    assert.deepEqual(await check(RIGHT_CODE), { ok: false, error: 'code_locked', warn: false });
    assert.equal(ports.verified.length, 5);
    const fresh = fakePorts();
    assert.deepEqual(await verifyConfirmAnswer(fresh, { challenge: { kind: 'otp' }, customer: WITH_TOKEN, answer: { kind: 'code', code: RIGHT_CODE } }), { ok: true, method: 'otp' });
  });

  it('does not count a malformed code, nor ask the authority about it', async () => {
    const ports = fakePorts();
    const result = await verifyConfirmAnswer(ports, { challenge: { kind: 'otp' }, customer: WITH_TOKEN, answer: { kind: 'code', code: '12 34' } });
    assert.deepEqual(result, { ok: false, error: 'code_malformed', warn: false });
    assert.equal(ports.verified.length, 0);
    assert.equal(ports.wrongCodes, 0);
  });

  it('refuses at once when the contract is locked', async () => {
    const ports = fakePorts();
    const result = await verifyConfirmAnswer(ports, { challenge: { kind: 'otp' }, customer: { ...WITH_TOKEN, otpLocked: true }, answer: { kind: 'code', code: RIGHT_CODE } });
    assert.deepEqual(result, { ok: false, error: 'code_locked', warn: false });
    assert.equal(ports.verified.length, 0);
  });

  it('binds a transaction code to the payee account and amount it was made for', async () => {
    const ports = fakePorts({ expectTransaction: { payeeAccount: '0123456', amountYen: 78000 } });
    const challenge = { kind: 'transaction_code', includeAmount: true, payeeAccount: '0123456', amountYen: 78000 } as const;
    const ok = await verifyConfirmAnswer(ports, { challenge, customer: WITH_TOKEN, answer: { kind: 'code', code: RIGHT_CODE } });
    assert.deepEqual(ok, { ok: true, method: 'transaction_code' });
    assert.deepEqual(ports.verified[0]!.transaction, { payeeAccount: '0123456', amountYen: 78000 });
    // The same code for a changed amount or payee is a wrong code.
    const changed = await verifyConfirmAnswer(ports, { challenge: { ...challenge, amountYen: 780000 }, customer: WITH_TOKEN, answer: { kind: 'code', code: RIGHT_CODE } });
    assert.deepEqual(changed, { ok: false, error: 'code_wrong', warn: false, remainingAttempts: 4 });
    const otherPayee = await verifyConfirmAnswer(ports, { challenge: { ...challenge, payeeAccount: '1234567' }, customer: WITH_TOKEN, answer: { kind: 'code', code: RIGHT_CODE } });
    assert.deepEqual(otherPayee, { ok: false, error: 'code_wrong', warn: false, remainingAttempts: 3 });
    const accountOnly = await verifyConfirmAnswer(fakePorts(), { challenge: { ...challenge, includeAmount: false, amountYen: null }, customer: WITH_TOKEN, answer: { kind: 'code', code: RIGHT_CODE } });
    assert.ok(accountOnly.ok);
  });

  it('maps authority refusals that are not wrong codes without counting them', async () => {
    for (const reason of ['throttled', 'token_disabled', 'binding_not_found', 'malformed_code'] as const) {
      const ports = fakePorts();
      ports.verifyCode = async () => ({ valid: false, reason });
      const result = await verifyConfirmAnswer(ports, { challenge: { kind: 'otp' }, customer: WITH_TOKEN, answer: { kind: 'code', code: RIGHT_CODE } });
      assert.equal(result.ok, false);
      assert.equal(ports.wrongCodes, 0, reason);
    }
  });

  it('checks the confirmation password whole or by the positions asked, and nothing else', async () => {
    const ports = fakePorts({ password: '246810' });
    const whole = { kind: 'confirmation_password', mode: 'whole' } as const;
    assert.deepEqual(await verifyConfirmAnswer(ports, { challenge: whole, customer: WITHOUT_TOKEN, answer: { kind: 'confirmation_password', answer: { mode: 'whole', value: '246810' } } }), { ok: true, method: 'confirmation_password' });
    assert.deepEqual(await verifyConfirmAnswer(ports, { challenge: whole, customer: WITHOUT_TOKEN, answer: { kind: 'confirmation_password', answer: { mode: 'whole', value: '246811' } } }), { ok: false, error: 'password_wrong', warn: false });
    const positions = { kind: 'confirmation_password' as const, mode: 'positions' as const, positions: [2, 5] };
    assert.deepEqual(await verifyConfirmAnswer(ports, { challenge: positions, customer: WITHOUT_TOKEN, answer: { kind: 'confirmation_password', answer: { mode: 'positions', digits: { 2: '4', 5: '1' } } } }), { ok: true, method: 'confirmation_password' });
    // Digits for positions other than those asked are not an answer (no choosing easier digits).
    assert.deepEqual(await verifyConfirmAnswer(ports, { challenge: positions, customer: WITHOUT_TOKEN, answer: { kind: 'confirmation_password', answer: { mode: 'positions', digits: { 1: '2', 3: '6' } } } }), { ok: false, error: 'answer_missing', warn: false });
    // A code is no answer where the password is asked.
    assert.deepEqual(await verifyConfirmAnswer(ports, { challenge: whole, customer: WITHOUT_TOKEN, answer: { kind: 'code', code: RIGHT_CODE } }), { ok: false, error: 'answer_missing', warn: false });
    assert.deepEqual(await verifyConfirmAnswer(ports, { challenge: whole, customer: { ...WITHOUT_TOKEN, passwordLocked: true }, answer: { kind: 'confirmation_password', answer: { mode: 'whole', value: '246810' } } }), { ok: false, error: 'password_locked', warn: false });
    assert.equal(ports.wrongPasswords, 1);
  });

  it('proves a fresh OTP for a limit raise', async () => {
    const result = await verifyOtpForLimitRaise(fakePorts(), { institution: 'demo', contractId: '1000000001', customer: WITH_TOKEN, code: RIGHT_CODE, nowMs: 5 });
    assert.deepEqual(result, { ok: true, proof: { kind: 'otp_verified', purpose: 'limit_raise', institution: 'demo', contractId: '1000000001', verifiedAtMs: 5 } });
    assert.deepEqual(await verifyOtpForLimitRaise(fakePorts(), { institution: 'demo', contractId: '1', customer: WITHOUT_TOKEN, code: RIGHT_CODE, nowMs: 5 }), { ok: false, error: 'answer_missing', warn: false });
  });
});

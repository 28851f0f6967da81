import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextSignInStep, type SignInSequence } from './sign-in-sequence.js';

// The two sites' shapes: customers go on without a token and may have to change their
// password; operators enrol a token at their first sign-in and never change it there.
function customerSequence(required: Set<string>): SignInSequence<string, string> {
  return {
    one_time_code: { stage: 'password_verified', path: 'login/otp' },
    password_change: { stage: 'password_change', path: 'password/change', required: async (subject) => required.has(subject) },
    signed_in: { stage: 'signed_in', path: 'main' },
  };
}

const OPERATORS: SignInSequence<string, string> = {
  one_time_code: { stage: 'password_verified', path: 'login/otp' },
  enrolment: { stage: 'enrolment', path: 'login/enrol' },
  signed_in: { stage: 'signed_in', path: 'home' },
};

describe('the sign-in sequence', () => {
  it('asks the code after the password of a principal with a token, whatever else is required', async () => {
    for (const sequence of [customerSequence(new Set(['c1'])), OPERATORS]) {
      const next = await nextSignInStep(sequence, 'password', { subject: 'c1', hasToken: true });
      assert.deepEqual(next, { step: 'one_time_code', stage: 'password_verified', path: 'login/otp' });
    }
  });

  it('without a token: customers go on (to the password change while one is required), operators enrol', async () => {
    const customers = customerSequence(new Set(['reset']));
    assert.equal((await nextSignInStep(customers, 'password', { subject: 'plain', hasToken: false })).step, 'signed_in');
    assert.deepEqual(await nextSignInStep(customers, 'password', { subject: 'reset', hasToken: false }), {
      step: 'password_change',
      stage: 'password_change',
      path: 'password/change',
    });
    assert.deepEqual(await nextSignInStep(OPERATORS, 'password', { subject: 'op', hasToken: false }), { step: 'enrolment', stage: 'enrolment', path: 'login/enrol' });
  });

  it('after the code or the enrolment: the password change while required, else signed in', async () => {
    const customers = customerSequence(new Set(['reset']));
    assert.equal((await nextSignInStep(customers, 'one_time_code', { subject: 'reset', hasToken: true })).step, 'password_change');
    assert.equal((await nextSignInStep(customers, 'one_time_code', { subject: 'plain', hasToken: true })).path, 'main');
    assert.deepEqual(await nextSignInStep(OPERATORS, 'one_time_code', { subject: 'op', hasToken: true }), { step: 'signed_in', stage: 'signed_in', path: 'home' });
    assert.deepEqual(await nextSignInStep(OPERATORS, 'enrolment', { subject: 'op', hasToken: true }), { step: 'signed_in', stage: 'signed_in', path: 'home' });
  });

  it('asks whether a new password is required only when the answer matters', async () => {
    let asked = 0;
    const sequence: SignInSequence<string, string> = {
      ...customerSequence(new Set()),
      password_change: { stage: 'password_change', path: 'password/change', required: async () => (asked++, false) },
    };
    await nextSignInStep(sequence, 'password', { subject: 'c', hasToken: true });
    assert.equal(asked, 0);
    await nextSignInStep(sequence, 'one_time_code', { subject: 'c', hasToken: true });
    assert.equal(asked, 1);
  });
});

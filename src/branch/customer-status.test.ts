// The console's one status line agrees with what the bank site does to the customer: nothing
// for a suspended contract, no sign-in past a lock (at the policy's thresholds), no code until
// a reissued token is registered (the wait first), else active.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_POLICY, type InstitutionPolicy } from '../banking/institution-policy.js';
import { statusLineOf } from './customer-status.js';

const NOW = Date.UTC(2026, 11, 7, 3, 0);
const base = { status: 'active' as const, otp_failures: 0, password_failures: 0, token_binding_id: 'b-1', token_deregistered_at: null, registration_blocked_until: null };
const policy: InstitutionPolicy = { ...DEFAULT_POLICY };
const strict: InstitutionPolicy = { ...DEFAULT_POLICY, otpLockThreshold: 3, passwordLockThreshold: 3 };
const reissued = { token_binding_id: null, token_deregistered_at: NOW - 10 * 60_000, registration_blocked_until: NOW + 20 * 60_000 };

describe('statusLineOf', () => {
  it('active: nothing holds the customer back', () => {
    assert.deepEqual(statusLineOf(base, policy, NOW), { state: 'active', locks: [], reissue: null });
    assert.equal(statusLineOf({ ...base, otp_failures: 4, password_failures: 4 }, policy, NOW).state, 'active', 'below the threshold is not a lock');
  });

  it('locked at the policy’s threshold, whichever factor (both listed)', () => {
    assert.deepEqual(statusLineOf({ ...base, otp_failures: 5 }, policy, NOW), { state: 'locked', locks: ['otp'], reissue: null });
    assert.deepEqual(statusLineOf({ ...base, password_failures: 5, otp_failures: 5 }, policy, NOW).locks, ['password', 'otp']);
    assert.equal(statusLineOf({ ...base, otp_failures: 3 }, policy, NOW).state, 'active');
    assert.equal(statusLineOf({ ...base, otp_failures: 3 }, strict, NOW).state, 'locked', 'another policy, another threshold');
  });

  it('suspended comes first (the bank site answers a suspended contract before any lock), the locks still listed', () => {
    assert.deepEqual(statusLineOf({ ...base, status: 'suspended', otp_failures: 5 }, policy, NOW), { state: 'suspended', locks: ['otp'], reissue: null });
    assert.equal(statusLineOf({ ...base, ...reissued, status: 'suspended' }, policy, NOW).state, 'suspended');
  });

  it('reissue waiting: blocked until the wait is over, then open until the customer registers', () => {
    assert.deepEqual(statusLineOf({ ...base, ...reissued }, policy, NOW), { state: 'reissue_waiting', locks: [], reissue: { registrationFromMs: NOW + 20 * 60_000, open: false } });
    assert.deepEqual(statusLineOf({ ...base, ...reissued }, policy, NOW + 30 * 60_000).reissue, { registrationFromMs: NOW + 20 * 60_000, open: true });
    assert.equal(statusLineOf({ ...base, ...reissued, otp_failures: 5 }, policy, NOW).state, 'locked', 'a lock stops the registration first');
    assert.equal(statusLineOf({ ...base, ...reissued, token_binding_id: 'b-2' }, policy, NOW).state, 'active', 'registered again');
  });

  it('a token the customer removed later themselves is not a reissue', () => {
    const later = { ...base, token_binding_id: null, registration_blocked_until: NOW - 86_400_000, token_deregistered_at: NOW - 3_600_000 };
    assert.deepEqual(statusLineOf(later, policy, NOW), { state: 'active', locks: [], reissue: null });
  });
});

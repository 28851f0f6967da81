import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_POLICY, isDesktopRegistrationClosed, japanDate, validateInstitutionPolicy } from './institution-policy.js';

describe('institution policy', () => {
  it('defaults to DESIGN §4', () => {
    const result = validateInstitutionPolicy({});
    assert.deepEqual(result, { ok: true, policy: DEFAULT_POLICY });
    assert.equal(DEFAULT_POLICY.otpLockThreshold, 5);
    assert.equal(DEFAULT_POLICY.otpWarnAt, 4);
    assert.equal(DEFAULT_POLICY.passwordLockThreshold, 5);
    assert.equal(DEFAULT_POLICY.sessionIdleMinutes, 5);
    assert.equal(DEFAULT_POLICY.sessionAbsoluteHours, 12);
    assert.equal(DEFAULT_POLICY.reissueWaitMinutes, 30);
    // Credential stuffing: failed sign-ins per client address (docs/SECURITY.md).
    assert.equal(DEFAULT_POLICY.signInFailuresPerAddress, 20);
    assert.equal(DEFAULT_POLICY.signInAddressWindowMinutes, 15);
    assert.equal(validateInstitutionPolicy({ signInFailuresPerAddress: 0 }).ok, false);
    assert.equal(validateInstitutionPolicy({ signInAddressWindowMinutes: 24 * 60 + 1 }).ok, false);
  });

  it('rejects unknown keys, wrong types and values out of range, naming each', () => {
    const result = validateInstitutionPolicy({ otpLockThreshold: 0, sessionIdleMinutes: '5', nonsense: 1, transactionAuth: 'maybe', desktopRegistrationClosedFrom: '2018-02-30' });
    assert.equal(result.ok, false);
    const errors = result.ok ? [] : result.errors.join('\n');
    for (const word of ['nonsense', 'otpLockThreshold', 'sessionIdleMinutes', 'transactionAuth', 'desktopRegistrationClosedFrom']) assert.match(String(errors), new RegExp(word));
    assert.equal(validateInstitutionPolicy({ otpWarnAt: 5 }).ok, false);
    assert.equal(validateInstitutionPolicy([]).ok, false);
    assert.equal(validateInstitutionPolicy(null).ok, false);
  });

  it('closes desktop registration from the Japan calendar day', () => {
    const policy = { ...DEFAULT_POLICY, desktopRegistrationClosedFrom: '2018-04-01' };
    assert.equal(isDesktopRegistrationClosed(policy, Date.UTC(2018, 2, 31, 14, 59)), false); // 23:59 JST on 31 March
    assert.equal(isDesktopRegistrationClosed(policy, Date.UTC(2018, 2, 31, 15, 0)), true); // 00:00 JST on 1 April
    assert.equal(isDesktopRegistrationClosed(DEFAULT_POLICY, Date.UTC(2030, 0, 1)), false);
    assert.equal(japanDate(Date.UTC(2026, 11, 31, 15, 0)), '2027-01-01');
  });
});

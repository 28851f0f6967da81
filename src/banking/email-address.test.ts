// The one validator of a notification address (email-address.ts): every way an address can be
// wrong has its own reason, and the addresses Japanese customers really have pass.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkEmailAddress, type EmailAddressProblem } from './email-address.js';

const ACCEPTED: [typed: string, stored: string][] = [
  ['taro@example.jp', 'taro@example.jp'],
  ['Taro.Yamada+bank@Mail.Example.CO.JP', 'Taro.Yamada+bank@mail.example.co.jp'],
  ["o'brien_1-2@sub-domain.example.com", "o'brien_1-2@sub-domain.example.com"],
  // Addresses Japanese carriers issued before RFC 5322 was enforced.
  ['taro..hanako@docomo.ne.jp', 'taro..hanako@docomo.ne.jp'],
  ['taro.@ezweb.ne.jp', 'taro.@ezweb.ne.jp'],
  // An IDN written in punycode (例え.jp).
  ['info@xn--r8jz45g.jp', 'info@xn--r8jz45g.jp'],
  [`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.jp`, `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.jp`],
];

const REFUSED: [typed: string, problem: EmailAddressProblem][] = [
  ['', 'missing'],
  ['taro.example.jp', 'no_at'],
  ['taro@@example.jp', 'several_at'],
  ['taro@mail@example.jp', 'several_at'],
  ['@example.jp', 'empty_local_part'],
  ['taro@', 'empty_domain'],
  ['taro @example.jp', 'whitespace'],
  [' taro@example.jp', 'whitespace'],
  ['taro@example.jp\u3000', 'whitespace'],
  ['taro\u200b@example.jp', 'whitespace'],
  ['taro@example.jp\n', 'control_characters'],
  ['taro\u0000@example.jp', 'control_characters'],
  ['taro\u0085@example.jp', 'control_characters'],
  ['ｔａｒｏ＠example.jp', 'full_width'],
  ['taro＠example.jp', 'full_width'],
  [`${'a'.repeat(65)}@example.jp`, 'local_part_too_long'],
  [`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(59)}.jp`, 'too_long'],
  ['.taro@example.jp', 'local_part_invalid'],
  ['"taro yamada"@example.jp', 'whitespace'],
  ['"taro"@example.jp', 'local_part_invalid'],
  ['taro(comment)@example.jp', 'local_part_invalid'],
  ['たろう@example.jp', 'local_part_invalid'],
  ['taro@例え.jp', 'domain_not_punycode'],
  ['taro@exаmple.jp', 'domain_not_punycode'], // a Cyrillic а among Latin letters
  ['taro@localhost', 'domain_invalid'],
  ['taro@example.', 'domain_invalid'],
  ['taro@.example.jp', 'domain_invalid'],
  ['taro@example..jp', 'domain_invalid'],
  ['taro@-example.jp', 'domain_invalid'],
  ['taro@example-.jp', 'domain_invalid'],
  ['taro@exa_mple.jp', 'domain_invalid'],
  ['taro@[192.0.2.1]', 'domain_invalid'],
  ['taro@192.0.2.1', 'domain_invalid'],
  [`taro@${'b'.repeat(64)}.jp`, 'domain_invalid'],
  ['taro@example.jp<script>', 'domain_invalid'],
];

describe('checkEmailAddress', () => {
  for (const [typed, stored] of ACCEPTED) {
    it(`accepts ${typed.length > 40 ? `${typed.slice(0, 40)}… (${typed.length} characters)` : typed}`, () => {
      assert.deepEqual(checkEmailAddress(typed), { ok: true, address: stored });
    });
  }
  for (const [typed, problem] of REFUSED) {
    it(`refuses ${JSON.stringify(typed.length > 40 ? `${typed.slice(0, 40)}…` : typed)}: ${problem}`, () => {
      assert.deepEqual(checkEmailAddress(typed), { ok: false, problem });
    });
  }
  it('refuses 255 characters and accepts 254', () => {
    const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.jp`; // 189 characters
    const at254 = `${'a'.repeat(64)}@${domain}`;
    assert.equal(at254.length, 254);
    assert.equal(checkEmailAddress(at254).ok, true);
    assert.deepEqual(checkEmailAddress(`a${at254}`), { ok: false, problem: 'too_long' });
  });
});

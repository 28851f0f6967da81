// The notification address (メールアドレス) as typed, checked by this one function wherever an
// address enters Mamori: the customer's page, the branch's 新規契約 and メールアドレス変更, and
// createCustomer. It refuses what a mail relay would refuse or misroute, each with its own
// reason so the page can say exactly what to correct — and changes nothing (the callers check
// before any write).
//
// What is accepted, and why:
// - at most 254 characters (RFC 5321 §4.5.3.1.3: a path of 256 octets with its angle brackets),
//   a local part of at most 64 (§4.5.3.1.1), a domain of at most 253 and labels of at most 63;
// - exactly one `@`; a local part of RFC 5322 `atext` and dots (dot-atom). Japanese carriers
//   long issued addresses with two dots in a row or a dot just before the `@`
//   (`taro..x.@docomo.ne.jp`), which RFC 5322 calls obsolete but which customers still use and
//   every relay we send through delivers, so those two are accepted; a leading dot is not;
// - a domain of at least two labels of ASCII letters, digits and hyphens (no hyphen at either
//   end of a label), the top-level label not all digits. A domain with non-ASCII letters (IDN,
//   「例え.jp」) must be written in punycode (`xn--r8jz45g.jp`): the relay and the customer's
//   provider see only the ASCII form, and a look-alike letter (Cyrillic `а` for Latin `a`) would
//   otherwise route the bank's mails elsewhere unnoticed. No domain literal (`[192.0.2.1]`), no
//   quoted local part, no non-ASCII local part (SMTPUTF8 is not assumed of every relay);
// - no whitespace, no control character, no full-width form of ASCII (`ｔａｒｏ＠…`, typed with
//   the Japanese input method on), each named as such.
// The domain is stored in lower case (domains are case-insensitive); the local part as typed.

export const MAX_EMAIL_ADDRESS_LENGTH = 254;
export const MAX_LOCAL_PART_LENGTH = 64;
const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

export type EmailAddressProblem =
  | 'missing'
  | 'too_long'
  | 'control_characters'
  | 'whitespace'
  | 'full_width'
  | 'no_at'
  | 'several_at'
  | 'empty_local_part'
  | 'local_part_too_long'
  | 'local_part_invalid'
  | 'empty_domain'
  | 'domain_not_punycode'
  | 'domain_invalid';

export type EmailAddressCheck = { ok: true; address: string } | { ok: false; problem: EmailAddressProblem };

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
// Every Unicode space (U+3000 the ideographic space included), and the zero-width ones.
const WHITESPACE = /[\s\u200b-\u200d\u2060\ufeff]/u;
// Full-width ASCII (U+FF01–FF5E), the form the Japanese input method types.
const FULL_WIDTH = /[\uff01-\uff5e]/u;
// RFC 5322 §3.2.3 atext.
const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

export function checkEmailAddress(typed: string): EmailAddressCheck {
  if (typed.length === 0) return refused('missing');
  if (CONTROL.test(typed)) return refused('control_characters');
  if (WHITESPACE.test(typed)) return refused('whitespace');
  if (FULL_WIDTH.test(typed)) return refused('full_width');
  if (typed.length > MAX_EMAIL_ADDRESS_LENGTH) return refused('too_long');
  const at = typed.indexOf('@');
  if (at < 0) return refused('no_at');
  if (typed.indexOf('@', at + 1) >= 0) return refused('several_at');
  const local = typed.slice(0, at);
  const domain = typed.slice(at + 1);
  if (local.length === 0) return refused('empty_local_part');
  if (domain.length === 0) return refused('empty_domain');
  if (local.length > MAX_LOCAL_PART_LENGTH) return refused('local_part_too_long');
  if (local.startsWith('.') || ![...local].every((c) => c === '.' || ATEXT.test(c))) return refused('local_part_invalid');
  // eslint-disable-next-line no-control-regex -- anything beyond ASCII
  if (/[^\u0000-\u007f]/u.test(domain)) return refused('domain_not_punycode');
  const lower = domain.toLowerCase();
  const labels = lower.split('.');
  if (
    lower.length > MAX_DOMAIN_LENGTH ||
    labels.length < 2 ||
    !labels.every((label) => label.length <= MAX_LABEL_LENGTH && LABEL.test(label)) ||
    /^\d+$/.test(labels[labels.length - 1]!)
  ) {
    return refused('domain_invalid');
  }
  return { ok: true, address: `${local}@${lower}` };
}

function refused(problem: EmailAddressProblem): EmailAddressCheck {
  return { ok: false, problem };
}

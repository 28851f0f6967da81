// Where a sign-in (or a failed attempt) came from, as the customer is shown it: the browser and
// OS family, and the client address masked. Only these three words are ever kept — in the audit
// record of the attempt (its details), in a sign-in notice, in a 「心当たりがない」 report — never
// the raw User-Agent (it can carry anything a client puts there, and identifies a browser more
// than a customer needs) and never the whole address.
//
// The families are found by a small parser of the User-Agent header: the tokens browsers
// actually send (MDN, "Browser detection using the user agent": look for the browser's own token
// and exclude those that copy it, in the order below — Edge and Samsung Internet and Opera also
// say "Chrome", Chrome also says "Safari"). Anything else is "other": a notice says less, never
// something wrong.
import type { Text } from './text.js';

export interface SignInEnvironment {
  /** 'Chrome', 'Edge', 'Firefox', 'Safari', 'Samsung Internet', 'Opera' or 'other'. */
  browser: string;
  /** 'Windows', 'macOS', 'iOS', 'iPadOS', 'Android', 'ChromeOS', 'Linux' or 'other'. */
  os: string;
  /** The client address masked (maskClientAddress of src/web/sign-in-address-limit.ts), or 'unknown'. */
  address: string;
}

export const UNKNOWN_FAMILY = 'other';

/** Longer than any real User-Agent; beyond it nothing is read (the regexes stay cheap). */
const USER_AGENT_READ_LIMIT = 512;

const BROWSERS: readonly [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(?:OPR|Opera|OPT)\//, 'Opera'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\b(?:Headless)?Chrome\/|\bCriOS\/|\bChromium\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\/|\bMobile\/\w+\s+Safari\//, 'Safari'],
];

const SYSTEMS: readonly [RegExp, string][] = [
  [/\bWindows\b/, 'Windows'],
  [/\biPad\b/, 'iPadOS'],
  [/\b(?:iPhone|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

function familyOf(userAgent: string, families: readonly [RegExp, string][]): string {
  for (const [pattern, family] of families) if (pattern.test(userAgent)) return family;
  return UNKNOWN_FAMILY;
}

/** The browser and OS family named by a User-Agent header (absent, repeated or odd: 'other'). */
export function browserAndOsOf(userAgent: unknown): { browser: string; os: string } {
  if (typeof userAgent !== 'string') return { browser: UNKNOWN_FAMILY, os: UNKNOWN_FAMILY };
  const text = userAgent.slice(0, USER_AGENT_READ_LIMIT);
  return { browser: familyOf(text, BROWSERS), os: familyOf(text, SYSTEMS) };
}

/** The environment as an audit record's details carry it (names that say what they hold). */
export function environmentDetails(environment: SignInEnvironment): { browser: string; os: string; maskedAddress: string } {
  return { browser: environment.browser, os: environment.os, maskedAddress: environment.address };
}

/** The environment back from an audit record's details, when the record has one. */
export function environmentFromDetails(details: Record<string, unknown>): SignInEnvironment | undefined {
  const { browser, os, maskedAddress } = details;
  if (typeof browser !== 'string' || typeof os !== 'string' || typeof maskedAddress !== 'string') return undefined;
  return { browser, os, address: maskedAddress };
}

/** Each part of the environment as words in both languages ('other' and 'unknown' said as such). */
export function environmentWords(environment: SignInEnvironment): { browser: Text; os: Text; address: Text } {
  const family = (name: string): Text => (name === UNKNOWN_FAMILY ? { ja: '不明', en: 'unknown' } : { ja: name, en: name });
  const address = environment.address === UNKNOWN_ADDRESS ? { ja: '不明', en: 'unknown' } : { ja: environment.address, en: environment.address };
  return { browser: family(environment.browser), os: family(environment.os), address };
}

/** The environment as one line in both languages: 「Chrome（Windows）・接続元 203.0.113.*」. */
export function environmentText(environment: SignInEnvironment): Text {
  const { browser, os, address } = environmentWords(environment);
  return { ja: `${browser.ja}（${os.ja}）・接続元 ${address.ja}`, en: `${browser.en} (${os.en}), from ${address.en}` };
}

export const UNKNOWN_ADDRESS = 'unknown';

// Account holder names (口座名義 / 受取人名) as the zengin format carries them: half-width
// katakana, upper-case Latin letters, digits, space and a few marks. Customers type names in
// whatever their IME gives — full-width katakana, hiragana, full-width letters — so input is
// normalised to that form first; only characters with no half-width equivalent are refused.
//
// Names are compared by a key that also ignores spaces and the size of small kana (ｧ = ｱ,
// ｯ = ﾂ), because banks register 「ｼﾞﾖｳ」 as often as 「ｼﾞｮｳ」 and a payee check must not
// fail on how a name was keyed in decades ago.

/** The zengin 受取人名 field is 30 characters (a voiced kana counts twice: ｶﾞ). */
export const HOLDER_NAME_MAX_LENGTH = 30;

export type HolderNameResult =
  | { ok: true; value: string }
  | { ok: false; error: 'holder_name_empty' | 'holder_name_invalid_characters' | 'holder_name_too_long' };

// Full-width katakana (after NFD, without voicing marks) → half-width, in Unicode order from ァ.
const FULL_KATAKANA = 'ァアィイゥウェエォオカキクケコサシスセソタチッツテトナニヌネノハヒフヘホマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶ';
const HALF_KATAKANA = ['ｧ', 'ｱ', 'ｨ', 'ｲ', 'ｩ', 'ｳ', 'ｪ', 'ｴ', 'ｫ', 'ｵ', 'ｶ', 'ｷ', 'ｸ', 'ｹ', 'ｺ', 'ｻ', 'ｼ', 'ｽ', 'ｾ', 'ｿ', 'ﾀ', 'ﾁ', 'ｯ', 'ﾂ', 'ﾃ', 'ﾄ', 'ﾅ', 'ﾆ', 'ﾇ', 'ﾈ', 'ﾉ', 'ﾊ', 'ﾋ', 'ﾌ', 'ﾍ', 'ﾎ', 'ﾏ', 'ﾐ', 'ﾑ', 'ﾒ', 'ﾓ', 'ｬ', 'ﾔ', 'ｭ', 'ﾕ', 'ｮ', 'ﾖ', 'ﾗ', 'ﾘ', 'ﾙ', 'ﾚ', 'ﾛ', 'ﾜ', 'ﾜ', 'ｲ', 'ｴ', 'ｦ', 'ﾝ', 'ｳﾞ', 'ｶ', 'ｹ'];
const TO_HALF = new Map<string, string>();
for (let i = 0; i < FULL_KATAKANA.length; i++) TO_HALF.set(FULL_KATAKANA[i]!, HALF_KATAKANA[i]!);
TO_HALF.set('ー', 'ｰ');
TO_HALF.set('\u3099', 'ﾞ'); // combining voiced mark (from NFD of ガ)
TO_HALF.set('\u309A', 'ﾟ'); // combining semi-voiced mark (from NFD of パ)
TO_HALF.set('゛', 'ﾞ');
TO_HALF.set('゜', 'ﾟ');
TO_HALF.set('\u3000', ' '); // ideographic space
TO_HALF.set('・', ' ');
TO_HALF.set('･', ' ');
for (const dash of ['‐', '−', '–', '—', '－']) TO_HALF.set(dash, '-');

const SMALL_TO_LARGE = new Map<string, string>([
  ['ｧ', 'ｱ'], ['ｨ', 'ｲ'], ['ｩ', 'ｳ'], ['ｪ', 'ｴ'], ['ｫ', 'ｵ'], ['ｯ', 'ﾂ'], ['ｬ', 'ﾔ'], ['ｭ', 'ﾕ'], ['ｮ', 'ﾖ'],
]);

// Half-width katakana ｦ..ﾟ (U+FF66–U+FF9F), A–Z, 0–9, space and ( ) . , - /
const ALLOWED = /^[\uFF66-\uFF9FA-Z0-9 ().,\-/]*$/;

function toHalfWidth(input: string): string {
  let out = '';
  // NFD splits ガ into カ + U+3099 (and ヴ into ウ + U+3099); half-width katakana and ASCII are
  // unchanged by it. Not NFKC: that would turn half-width katakana into full-width.
  for (const ch of input.normalize('NFD')) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x3041 && code <= 0x3096) {
      // hiragana → katakana (same layout, 0x60 higher), then to half-width
      const katakana = String.fromCodePoint(code + 0x60);
      out += TO_HALF.get(katakana) ?? katakana;
    } else if (code >= 0xff01 && code <= 0xff5e) {
      out += String.fromCodePoint(code - 0xfee0); // full-width ASCII
    } else {
      out += TO_HALF.get(ch) ?? ch;
    }
  }
  return out;
}

/** Normalises a typed name to half-width zengin characters; refuses what has no equivalent. */
export function normalizeHolderName(input: string): HolderNameResult {
  const value = toHalfWidth(input).toUpperCase().replace(/ +/g, ' ').trim();
  if (value === '') return { ok: false, error: 'holder_name_empty' };
  if (!ALLOWED.test(value)) return { ok: false, error: 'holder_name_invalid_characters' };
  if (value.length > HOLDER_NAME_MAX_LENGTH) return { ok: false, error: 'holder_name_too_long' };
  return { ok: true, value };
}

/** The comparison key of a normalised name: no spaces, small kana as large. */
export function holderNameKey(normalized: string): string {
  let key = '';
  for (const ch of normalized) {
    if (ch === ' ') continue;
    key += SMALL_TO_LARGE.get(ch) ?? ch;
  }
  return key;
}

/** Whether a typed payee name names the account's holder (both normalised first). */
export function holderNamesMatch(typed: string, holderName: string): boolean {
  const a = normalizeHolderName(typed);
  const b = normalizeHolderName(holderName);
  return a.ok && b.ok && holderNameKey(a.value) === holderNameKey(b.value);
}

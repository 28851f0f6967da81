/**
 * Characters people put between groups when they type or paste a code, an ID or a serial:
 * white space (including the ideographic space U+3000 of Japanese input) and hyphens and
 * dashes of every kind: '-', the Unicode hyphens and dashes U+2010..U+2015, minus U+2212,
 * small and full-width hyphen-minus U+FE63 and U+FF0D, and the katakana prolonged sound mark
 * 'ー' U+30FC with its half-width form U+FF70, which a Japanese IME often yields for '-'.
 */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212\u30fc\ufe63\uff0d\uff70]/gu;

export function removeSeparators(text: string): string {
  return text.replace(SEPARATORS, '');
}

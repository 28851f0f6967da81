// How serials and codes are shown and read out. Grouping makes a 12-character serial and a
// 6-digit code easy to copy by eye; the spoken form makes a screen reader say "1 2 3, 4 5 6"
// rather than "one hundred twenty-three thousand…".

/** Splits `text` into groups of the given sizes (the rest, if any, forms a last group). */
export function groupCharacters(text: string, sizes: readonly number[]): string[] {
  const groups: string[] = [];
  let offset = 0;
  for (const size of sizes) {
    if (offset >= text.length) break;
    groups.push(text.slice(offset, offset + size));
    offset += size;
  }
  if (offset < text.length) groups.push(text.slice(offset));
  return groups;
}

/** Serial `ABCD12345678` as `ABCD 1234 5678` (DESIGN §3.2: 4 letters, then 8 digits). */
export function serialGroups(serial: string): string[] {
  return groupCharacters(serial, [4, 4, 4]);
}

/** A 6-digit code as `123 456`; 7 and 8 digits as `123 4567`, `1234 5678`. */
export function codeGroups(code: string): string[] {
  const first = code.length === 8 ? 4 : 3;
  return groupCharacters(code, [first, code.length - first]);
}

/**
 * The groups as a screen reader should say them: each character separately, a comma (a pause)
 * between groups. `["123","456"]` → "1 2 3, 4 5 6".
 */
export function spokenGroups(groups: readonly string[]): string {
  return groups.map((group) => [...group].join(' ')).join(', ');
}

/** `10000` → `10,000` (integer yen, no locale surprises). */
export function formatYen(amountYen: number): string {
  return String(amountYen).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// Yen amounts as the pages write them: `¥500,000` (integer yen, the grouping of ja-JP).

/** `500000` → `¥500,000`. */
export function yenText(amountYen: number): string {
  return `¥${amountYen.toLocaleString('ja-JP')}`;
}

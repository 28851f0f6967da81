// The one way every page and mail writes an instant (DESIGN §3.5): `YYYY/MM/DD HH:MM`, the
// Japan wall-clock time (JST, UTC+9, no daylight saving) — no seconds, no date-only form, the
// same in Japanese and English. Pure: no imports, so the browser token may bundle it.

const JST_OFFSET_MS = 9 * 3600_000;

/** An instant (ms since the epoch) as 2026/12/07 00:30 in Japan time. */
export function japanDateTime(ms: number): string {
  const iso = new Date(ms + JST_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 16)}`;
}

/** A calendar day of Japan (YYYY-MM-DD, as policies store it) from its first minute, 2018/04/01 00:00. */
export function japanDayStart(day: string): string {
  return japanDateTime(Date.parse(`${day}T00:00:00+09:00`));
}

// One message shape for every part: a text is a typed pair, Japanese and English, so a missing
// translation is a compile error, not a blank on a page. The sites (src/web/i18n.ts re-exports
// these), the browser token (src/token-app/messages.ts) and the notifications
// (src/notifications/notification-messages.ts) all write their words as `Text` and show them
// with `pick`. Pure: no imports, so the browser token may bundle it.

export type Lang = 'ja' | 'en';

/** Japanese first (the default everywhere), English beside. */
export const LANGS: readonly Lang[] = ['ja', 'en'];

/** A message in both languages; `T` is a line by default, or e.g. paragraphs (`readonly string[]`). */
export interface Text<T = string> {
  readonly ja: T;
  readonly en: T;
}

/** The message in `lang`. */
export function pick<T>(lang: Lang, text: Text<T>): T {
  return text[lang];
}

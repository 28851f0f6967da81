// Japanese first, English beside: every text of the bank site is a pair, picked per request.
// The language comes from `?lang=en|ja` (remembered in a cookie) or the cookie, else Japanese.
export type Lang = 'ja' | 'en';
export interface Text {
  ja: string;
  en: string;
}

export function pick(lang: Lang, text: Text): string {
  return text[lang];
}

export function parseLang(value: unknown): Lang | undefined {
  return value === 'ja' || value === 'en' ? value : undefined;
}

export const LANG_COOKIE = 'mamori_lang';

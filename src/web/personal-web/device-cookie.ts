// The device cookie of the bank site (ログイン通知, issue 14 §2): a long-lived random value that
// tells a browser the contract has signed in from before. HttpOnly, SameSite=Strict, Path = the
// institution's base (one cookie per institution), Secure behind TLS (src/web/cookies.ts); set
// only by a completed sign-in. The server keeps only its hash (src/banking/sign-in-notice.ts),
// and it is never logged (the log keeps no cookies) nor put in a URL. A value of any other shape
// is a new browser, given a new value.
import { DEVICE_TOKEN_BYTES, hashDeviceToken, isDeviceTokenShape } from '../../banking/sign-in-notice.js';
import { cookieOptions } from '../cookies.js';
import type { PageContext } from './page-context.js';

export const DEVICE_COOKIE = 'mamori_device';

/** 400 days: the longest lifetime browsers keep a cookie for (RFC 6265bis §5.5, Chrome's cap). */
const DEVICE_COOKIE_MAX_AGE_SECONDS = 400 * 24 * 3600;

export interface DeviceToken {
  token: string;
  hash: string;
}

/** This browser's device token: the cookie's, or a new one when it has none (or a forged shape). */
export function deviceTokenOf(ctx: PageContext): DeviceToken {
  const presented = ctx.request.cookies[DEVICE_COOKIE];
  const token = isDeviceTokenShape(presented) ? presented : Buffer.from(ctx.site.deps.randomBytes(DEVICE_TOKEN_BYTES)).toString('base64url');
  return { token, hash: hashDeviceToken(token) };
}

/** (Re)sets the cookie after a completed sign-in: its lifetime counts from the latest. */
export function setDeviceCookie(ctx: PageContext, device: DeviceToken): void {
  void ctx.reply.setCookie(DEVICE_COOKIE, device.token, cookieOptions({ path: ctx.base, secure: ctx.site.deps.secureCookies ?? false, maxAgeSeconds: DEVICE_COOKIE_MAX_AGE_SECONDS }));
}

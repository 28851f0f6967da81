// The environment a sign-in is described by (ログイン履歴, ログイン通知): the browser and OS
// families of real User-Agent headers, and the client address masked. A table of the headers
// browsers send (as of 2026), each with the families it must give; odd input gives 'other',
// never an exception, and nothing of the raw header is ever passed on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskClientAddress, signInEnvironmentOf } from '../web/sign-in-address-limit.js';
import { browserAndOsOf, environmentDetails, environmentFromDetails, environmentText } from './sign-in-environment.js';

const USER_AGENTS: readonly [string, string, string][] = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome', 'Windows'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 'Edge', 'Windows'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox', 'Windows'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15', 'Safari', 'macOS'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome', 'macOS'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', 'Safari', 'iOS'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1', 'Chrome', 'iOS'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15', 'Firefox', 'iOS'],
  ['Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.7 Mobile/15E148 Safari/604.1', 'Safari', 'iPadOS'],
  ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 'Chrome', 'Android'],
  ['Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36', 'Samsung Internet', 'Android'],
  ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0', 'Edge', 'Android'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0', 'Opera', 'Windows'],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome', 'Linux'],
  ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox', 'Linux'],
  ['Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome', 'ChromeOS'],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36', 'Chrome', 'Linux'],
  ['curl/8.5.0', 'other', 'other'],
  ['', 'other', 'other'],
];

describe('the environment of a sign-in', () => {
  for (const [userAgent, browser, os] of USER_AGENTS) {
    it(`${browser} on ${os}: ${userAgent.slice(0, 60) || '(empty)'}`, () => {
      assert.deepEqual(browserAndOsOf(userAgent), { browser, os });
    });
  }

  it('odd headers give "other", never an exception: absent, repeated, huge, hostile', () => {
    for (const odd of [undefined, null, 42, ['Chrome/1', 'Firefox/2'], 'Chrome'.repeat(100_000), '\u0000<script>Firefox', '<img src=x onerror=alert(1)>']) {
      const families = browserAndOsOf(odd);
      assert.ok(['other', 'Chrome', 'Firefox'].includes(families.browser), String(odd).slice(0, 40));
      assert.doesNotMatch(JSON.stringify(families), /script|img|onerror/);
    }
    assert.deepEqual(browserAndOsOf(undefined), { browser: 'other', os: 'other' });
    assert.deepEqual(browserAndOsOf(['Chrome/1']), { browser: 'other', os: 'other' });
  });

  it('masks the client address: IPv4 without its last byte, IPv6 by its /48, anything else unknown', () => {
    assert.equal(maskClientAddress('203.0.113.45'), '203.0.113.*');
    assert.equal(maskClientAddress('::ffff:198.51.100.7'), '198.51.100.*');
    assert.equal(maskClientAddress('2001:db8:1234:5678:9abc:def0:1234:5678'), '2001:db8:1234:*');
    assert.equal(maskClientAddress('2001:0db8:0001::1'), '2001:db8:1:*');
    assert.equal(maskClientAddress('::1'), '0:0:0:*');
    assert.equal(maskClientAddress('fe80::1%eth0'), 'fe80:0:0:*');
    for (const odd of ['', 'localhost', '999.1.1.1', '1.2.3', 'x'.repeat(300), '203.0.113.45, 10.0.0.1']) assert.equal(maskClientAddress(odd), 'unknown', odd);
  });

  it('the environment of a request: families and the masked address of request.ip, nothing of the raw header', () => {
    const environment = signInEnvironmentOf({ ip: '203.0.113.45', headers: { 'user-agent': USER_AGENTS[0]![0] } });
    assert.deepEqual(environment, { browser: 'Chrome', os: 'Windows', address: '203.0.113.*' });
    assert.deepEqual(environmentFromDetails(environmentDetails(environment)), environment);
    assert.equal(environmentFromDetails({ path: 'login' }), undefined, 'records from before issue 14 have none');
    assert.deepEqual(environmentText(environment), { ja: 'Chrome（Windows）・接続元 203.0.113.*', en: 'Chrome (Windows), from 203.0.113.*' });
    assert.deepEqual(environmentText({ browser: 'other', os: 'other', address: 'unknown' }), { ja: '不明（不明）・接続元 不明', en: 'unknown (unknown), from unknown' });
  });
});

// What a notification may say. An e-mail is read on phones, forwarded, kept for years and
// passes through servers the bank does not run; a message that carried a code, a password, a
// full serial or a full account number would hand them to whoever reads the mailbox — and a
// phishing mail that looks like ours would teach customers to expect such things. So every kind
// of message is rendered here from facts that include secrets-shaped values, and the text must
// mask or omit every one of them, say what happened in Japanese first and English below, and
// name the support centre.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_INSTITUTIONS } from '../banking/demo-data.js';
import { maskAccountNumber, maskEmailAddress, maskSerial } from './masking.js';
import { NOTIFICATION_KINDS, type NotificationEvent } from './notification-events.js';
import { renderAddressCode, renderNotification, type MessageInstitution } from './notification-messages.js';

const demo = DEMO_INSTITUTIONS[0]!;
const institution: MessageInstitution = {
  name: { ja: demo.name, en: demo.nameEn },
  support: { name: { ja: demo.support.name, en: demo.support.nameEn }, phone: demo.support.phone, hours: { ja: demo.support.hours, en: demo.support.hoursEn } },
};
const SERIAL = 'MMOB12345678';
const OLD_SERIAL = 'MDSK87654321';
const ACCOUNT = '7654321';
const ADDRESS = 'hanako.mamori@example.co.jp';
const AT = Date.UTC(2026, 10, 21, 6, 9, 0); // 15:09 in Japan

const EVENTS: Record<NotificationEvent['kind'], NotificationEvent> = {
  token_registered: { kind: 'token_registered', serial: SERIAL, tokenKind: 'mobile' },
  token_deregistered: { kind: 'token_deregistered', serial: SERIAL },
  token_exchanged: { kind: 'token_exchanged', oldSerial: OLD_SERIAL, serial: SERIAL },
  token_reissued: { kind: 'token_reissued', serial: SERIAL },
  otp_locked: { kind: 'otp_locked' },
  login_password_changed: { kind: 'login_password_changed' },
  confirmation_password_changed: { kind: 'confirmation_password_changed', name: { ja: '確認用パスワード', en: 'confirmation password' } },
  suspended: { kind: 'suspended' },
  signed_in: { kind: 'signed_in', environment: { browser: 'Chrome', os: 'Windows', address: '203.0.113.*' } },
  resumed: { kind: 'resumed' },
  limit_changed: { kind: 'limit_changed', fromYen: 500_000, toYen: 1_000_000, by: 'customer' },
  limit_raise_cancelled: { kind: 'limit_raise_cancelled', limitYen: 500_000, cancelledYen: 1_000_000 },
  transfer_done: {
    kind: 'transfer_done',
    referenceNo: '20261121-000123',
    amountYen: 1_234_567,
    feeYen: 330,
    payee: { bankCode: '9901', bankName: 'デモ信用金庫', branchCode: '001', accountNumber: ACCOUNT, name: 'ﾏﾓﾘ ﾊﾅｺ' },
  },
  notification_address_changed: { kind: 'notification_address_changed', newAddress: ADDRESS, by: 'customer' },
};

function render(event: NotificationEvent) {
  return renderNotification({ institution, customerName: '守 太郎', atMs: AT, event });
}

describe('notification messages', () => {
  it('mask serials to the kind and the last 4 digits, account numbers to the last 3', () => {
    assert.equal(maskSerial('MMOB12345678'), 'MMOB-****-5678');
    assert.equal(maskSerial('mmob-1234-5678'), 'MMOB-****-5678');
    assert.equal(maskSerial('nonsense'), '****');
    assert.equal(maskAccountNumber('7654321'), '****321');
    assert.equal(maskAccountNumber('12'), '****');
  });

  for (const kind of NOTIFICATION_KINDS) {
    it(`${kind}: Japanese first, English below, nothing secret, the support centre named`, () => {
      const { subject, body } = render(EVENTS[kind]);
      assert.match(subject, /^【デモ信用金庫】.+のお知らせ \/ .+ \(Demo Shinkin Bank\)$/);
      assert.doesNotMatch(subject, /[\r\n]/);
      const english = body.indexOf('(English)');
      assert.ok(english > 0, 'an English part');
      assert.ok(body.startsWith('守 太郎 様\n'), 'Japanese first');
      // The English part greets neutrally: no kanji name (customers hold no romanised one).
      assert.ok(body.slice(english).startsWith('(English)\n\nDear customer,\n'), body.slice(english, english + 40));
      assert.ok(!body.slice(english).includes('守 太郎'), 'the English part does not name the customer in kanji');
      // One date format in both parts (DESIGN §3.5: YYYY/MM/DD HH:MM, JST).
      assert.match(body.slice(0, english), /受付日時: 2026\/11\/21 15:09（日本時間）/);
      assert.match(body.slice(english), /Date and time: 2026\/11\/21 15:09 \(Japan time\)/);
      assert.doesNotMatch(body.slice(0, english), /[A-Za-z]{12,}/, 'no English sentence in the Japanese part');
      for (const part of [body.slice(0, english), body.slice(english)]) assert.ok(part.includes('0120-000-000'), 'support phone in both parts');
      // Nothing that could be used: no full serial, no full account number, no code or password.
      for (const secret of [SERIAL, OLD_SERIAL, '12345678', '87654321', ACCOUNT, '246810', 'Mamori-2026', ADDRESS, 'hanako']) {
        assert.ok(!body.includes(secret) && !subject.includes(secret), `${kind} shows ${secret}`);
      }
      // No six-digit number that could pass for a code (the 受付番号 is YYYYMMDD-NNNNNN, by design).
      assert.doesNotMatch(body.replaceAll('20261121-000123', ''), /\b\d{6}\b/, 'no six-digit number that could pass for a code');
      assert.match(body, /パスワードやワンタイムパスワードをお尋ねすることはありません/);
      assert.match(body, /never asks for passwords or one-time passwords by e-mail/);
    });
  }

  it('shows what the customer needs to recognise each event', () => {
    assert.match(render(EVENTS.token_registered).body, /シリアル番号: MMOB-\*\*\*\*-5678（末尾4桁のみ表示）/);
    assert.match(render(EVENTS.token_exchanged).body, /交換前のシリアル番号: MDSK-\*\*\*\*-4321/);
    const transfer = render(EVENTS.transfer_done).body;
    assert.match(transfer, /受付番号: 20261121-000123/);
    assert.match(transfer, /口座番号 \*\*\*\*321/);
    assert.match(transfer, /金額: 1,234,567円/);
    assert.match(transfer, /Amount: ¥1,234,567/);
    assert.match(render(EVENTS.limit_changed).body, /変更前: 500,000円\n {2}変更後: 1,000,000円/);
    assert.match(render(EVENTS.otp_locked).body, /ワンタイムパスワードのロック解除/);
  });

  // ログイン通知 (issue 14 §2): the families and the masked address only, what to do if it was
  // not the customer — 「心当たりがない」 on ログイン履歴, or the support centre — and no link.
  it('a sign-in notice: browser and OS families, the masked address, what to do, no link', () => {
    const { subject, body } = render(EVENTS.signed_in);
    assert.match(subject, /ログイン/);
    assert.match(body, /ブラウザ: Chrome\n {2}OS: Windows\n {2}接続元IPアドレス: 203\.0\.113\.\*（一部のみ表示）/);
    assert.match(body, /IP address: 203\.0\.113\.\* \(partly shown\)/);
    assert.match(body, /「ログイン履歴」の「心当たりがない」/);
    assert.match(body, /0120-000-000/);
    assert.doesNotMatch(body, /https?:|www\.|\/ib\//, 'no link');
    const unknown = render({ kind: 'signed_in', environment: { browser: 'other', os: 'other', address: 'unknown' } }).body;
    assert.match(unknown, /ブラウザ: 不明\n {2}OS: 不明\n {2}接続元IPアドレス: 不明/);
  });

  it('masks an e-mail address to its first character and its domain', () => {
    assert.equal(maskEmailAddress(ADDRESS), 'h***@example.co.jp');
    assert.equal(maskEmailAddress('x@example.jp'), 'x***@example.jp');
    assert.equal(maskEmailAddress('nonsense'), '***');
    assert.match(render(EVENTS.notification_address_changed).body, /新しいメールアドレス: h\*\*\*@example\.co\.jp（一部のみ表示）/);
  });

  // The one mail that carries a code (a new address proves itself by it): it says where to type
  // it and until when, carries no link, and tells who did not ask that nothing changes.
  it('the confirmation code mail: the code, its expiry in JST, no link, what to do if it was not you', () => {
    const { subject, body } = renderAddressCode({ institution, customerName: '守 太郎', atMs: AT, code: '482913', expiresAtMs: AT + 10 * 60_000 });
    assert.match(subject, /^【デモ信用金庫】メールアドレス確認コードのお知らせ \/ E-mail address confirmation code \(Demo Shinkin Bank\)$/);
    assert.match(body, /確認コード: 482913\n {2}有効期限: 2026\/11\/21 15:19（日本時間）まで/);
    assert.match(body, /Confirmation code: 482913\n {2}Valid until: 2026\/11\/21 15:19 \(Japan time\)/);
    assert.match(body, /確認コードを入力しない限り、メールアドレスは登録されません/);
    assert.doesNotMatch(body, /https?:|www\.|\/ib\//, 'no link');
  });

  it('keeps data on one header line whatever it holds', () => {
    const { subject } = renderNotification({ institution: { ...institution, name: { ja: 'デモ\r\nBcc: x@evil.example', en: 'Demo\r\nBcc: x@evil.example' } }, customerName: '守', atMs: AT, event: EVENTS.resumed });
    assert.doesNotMatch(subject, /[\r\n]/);
  });
});

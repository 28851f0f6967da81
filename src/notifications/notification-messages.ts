// The text of each notification: Japanese first, English below (the customers of a Japanese
// community bank read Japanese; the English is for those who do not). Rendered once, when the
// event happens, and stored in the outbox, so what the mailbox shows is what is sent. Every
// text, the institution's names included, is a pair of the shared shape (src/shared/text.ts);
// both parts of the body are the same lines, each picked in its language.
//
// Nothing secret is ever passed in (see notification-events.ts); identifiers are masked here.
// Every message names the support centre: an event the customer did not cause is how fraud is
// noticed, and the message says so.
import { maskAccountNumber, maskEmailAddress, maskSerial } from './masking.js';
import type { NotificationEvent, TokenKind } from './notification-events.js';
import { japanDateTime } from '../shared/japan-time.js';
import { pick, type Lang, type Text } from '../shared/text.js';
import { environmentWords, UNKNOWN_ADDRESS } from '../shared/sign-in-environment.js';

export interface MessageInstitution {
  name: Text;
  support: { name: Text; phone: string; hours: Text };
}

export interface RenderInput {
  institution: MessageInstitution;
  customerName: string;
  atMs: number;
  event: NotificationEvent;
}

export interface RenderedMessage {
  subject: string;
  body: string;
}

interface Wording {
  title: Text;
  /** One sentence: what happened. */
  what: Text;
  /** The facts, a line each. */
  details: Text[];
  /** What to do now, when something must be done (a lock, a suspension). */
  next?: Text;
}

const RULE = '――――――――――――――――――――――――――――――';

export function renderNotification(input: RenderInput): RenderedMessage {
  return renderWording(input, wordingOf(input.event));
}

/**
 * The one mail that carries a code: the 6-digit code that proves a new notification address
 * (src/banking/notification-address.ts), sent only to that address and typed on the page where
 * it was asked — no link, like every mail of ours. It is not a NotificationEvent, whose facts
 * are never secret; the outbox clears its body once it is sent (outbox-delivery.ts).
 */
export function renderAddressCode(input: Omit<RenderInput, 'event'> & { code: string; expiresAtMs: number }): RenderedMessage {
  const until = japanDateTime(input.expiresAtMs);
  return renderWording(input, {
    title: { ja: 'メールアドレス確認コード', en: 'E-mail address confirmation code' },
    what: {
      ja: 'お知らせメールの送信先としてこのメールアドレスを登録するお手続きがありました。次の確認コードを「メールアドレス」の画面に入力してください。',
      en: 'This address is being registered for our notices. Enter the following confirmation code on the “E-mail address” page.',
    },
    details: [
      { ja: `確認コード: ${input.code}`, en: `Confirmation code: ${input.code}` },
      { ja: `有効期限: ${until}（日本時間）まで`, en: `Valid until: ${until} (Japan time)` },
    ],
    next: {
      ja: 'お手続きにお心当たりのない場合は、このメールを破棄してください。確認コードを入力しない限り、メールアドレスは登録されません。当金庫の職員が確認コードをお尋ねすることはありません。',
      en: 'If you did not ask for this, delete this mail: unless the code is entered, the address is not registered. Our staff never ask you for this code.',
    },
  });
}

function renderWording(input: Omit<RenderInput, 'event'>, w: Wording): RenderedMessage {
  const { name } = input.institution;
  const subject = oneLine(`【${name.ja}】${w.title.ja}のお知らせ / ${w.title.en} (${name.en})`);
  return { subject, body: [...part('ja', input, w), '', RULE, '(English)', '', ...part('en', input, w), ''].join('\n') };
}

/** The body in one language: the same lines, in the same order, in both. */
function part(lang: Lang, input: Omit<RenderInput, 'event'>, w: Wording): string[] {
  const { institution: i, customerName: customer } = input;
  const [name, support, phone, at] = [pick(lang, i.name), pick(lang, i.support.name), i.support.phone, japanDateTime(input.atMs)];
  return [
    // The customer's name is written in Japanese (customers.name, 守 太郎); a contract holds no
    // romanised one, and a romanisation made up here could be wrong: the English part greets
    // neutrally rather than open with kanji.
    pick(lang, { ja: `${customer} 様`, en: 'Dear customer,' }),
    '',
    pick(lang, { ja: `${name}です。インターネットバンキングで次のお手続きがありました。`, en: `This is ${name}. The following took place in your internet banking:` }),
    '',
    `■ ${pick(lang, w.title)}`,
    `  ${pick(lang, w.what)}`,
    pick(lang, { ja: `  受付日時: ${at}（日本時間）`, en: `  Date and time: ${at} (Japan time)` }),
    ...w.details.map((line) => `  ${pick(lang, line)}`),
    ...(w.next ? ['', pick(lang, w.next)] : []),
    '',
    pick(lang, { ja: `お心当たりのない場合は、至急 ${support}（${phone}）までご連絡ください。`, en: `If this was not you, please call the ${support} at once: ${phone}.` }),
    pick(lang, i.support.hours),
    '',
    pick(lang, { ja: `${name}がメールでパスワードやワンタイムパスワードをお尋ねすることはありません。`, en: `${name} never asks for passwords or one-time passwords by e-mail.` }),
    pick(lang, { ja: 'このメールは送信専用のアドレスからお送りしています。ご返信いただいてもお答えできません。', en: 'This message comes from an address that cannot receive replies.' }),
  ];
}

function wordingOf(event: NotificationEvent): Wording {
  switch (event.kind) {
    case 'token_registered':
      return {
        title: { ja: 'ワンタイムパスワード利用開始', en: 'One-time password registered' },
        what: { ja: 'ワンタイムパスワードの利用開始（ソフトウェアトークンの登録）を受け付けました。', en: 'A software token was registered for one-time passwords.' },
        details: [
          { ja: `シリアル番号: ${maskSerial(event.serial)}（末尾4桁のみ表示）`, en: `Serial number: ${maskSerial(event.serial)} (last 4 digits only)` },
          { ja: `種類: ${kindOf(event.tokenKind).ja}`, en: `Kind: ${kindOf(event.tokenKind).en}` },
        ],
      };
    case 'token_deregistered':
      return {
        title: { ja: 'ワンタイムパスワード利用中止', en: 'One-time password stopped' },
        what: { ja: 'ワンタイムパスワードの利用を中止しました。', en: 'One-time passwords are no longer used for your contract.' },
        details: event.serial ? [{ ja: `シリアル番号: ${maskSerial(event.serial)}（末尾4桁のみ表示）`, en: `Serial number: ${maskSerial(event.serial)} (last 4 digits only)` }] : [],
      };
    case 'token_exchanged':
      return {
        title: { ja: 'ワンタイムパスワード利用登録/交換', en: 'Token exchanged' },
        what: {
          ja: 'ソフトウェアトークンの交換を受け付けました。今後は新しいトークンのワンタイムパスワードをご利用ください。',
          en: 'Your software token was exchanged. From now on, use the one-time passwords of the new token.',
        },
        details: [
          ...(event.oldSerial ? [{ ja: `交換前のシリアル番号: ${maskSerial(event.oldSerial)}`, en: `Previous serial number: ${maskSerial(event.oldSerial)}` }] : []),
          { ja: `新しいシリアル番号: ${maskSerial(event.serial)}（末尾4桁のみ表示）`, en: `New serial number: ${maskSerial(event.serial)} (last 4 digits only)` },
        ],
      };
    case 'token_reissued':
      return {
        title: { ja: 'トークン再発行', en: 'Token reissued' },
        what: { ja: 'お届けにより、登録されていたソフトウェアトークンを当金庫で解除しました。', en: 'At your request, the bank removed the software token that was registered.' },
        details: event.serial ? [{ ja: `解除したシリアル番号: ${maskSerial(event.serial)}（末尾4桁のみ表示）`, en: `Removed serial number: ${maskSerial(event.serial)} (last 4 digits only)` }] : [],
        next: { ja: '新しいトークンの利用開始は、ログイン画面の「利用開始」からお手続きください。', en: 'To register a new token, choose "Start using" on the login page.' },
      };
    case 'otp_locked':
      return {
        title: { ja: 'ワンタイムパスワードのロック', en: 'One-time password locked' },
        what: {
          ja: 'ワンタイムパスワードが所定の回数続けて誤って入力されたため、インターネットバンキングのご利用をロックしました。',
          en: 'Wrong one-time passwords were entered too many times in a row, so internet banking is locked.',
        },
        details: [],
        next: {
          ja: 'ロックの解除は、お取引店舗へ当金庫所定の書面（ワンタイムパスワードのロック解除）にてお届けください。',
          en: 'To unlock it, please submit our written request form (one-time password unlock) at your branch.',
        },
      };
    case 'suspended':
      return {
        title: { ja: 'インターネットバンキングの利用一時停止', en: 'Internet banking suspended' },
        what: { ja: 'インターネットバンキングのご利用を一時停止しました。', en: 'Your internet banking has been suspended.' },
        details: [],
        next: { ja: 'ご利用の再開は、お取引店舗へお届けください。', en: 'To resume it, please contact your branch.' },
      };
    case 'signed_in': {
      const { browser, os, address } = environmentWords(event.environment);
      return {
        title: { ja: 'ログイン', en: 'Sign-in' },
        what: { ja: 'インターネットバンキングへのログインがありました。', en: 'Someone signed in to your internet banking.' },
        details: [
          { ja: `ブラウザ: ${browser.ja}`, en: `Browser: ${browser.en}` },
          { ja: `OS: ${os.ja}`, en: `Operating system: ${os.en}` },
          event.environment.address === UNKNOWN_ADDRESS
            ? { ja: `接続元IPアドレス: ${address.ja}`, en: `IP address: ${address.en}` }
            : { ja: `接続元IPアドレス: ${address.ja}（一部のみ表示）`, en: `IP address: ${address.en} (partly shown)` },
        ],
        next: {
          ja: 'お客様ご自身のログインでない場合は、ログイン後のメニュー「ログイン履歴」の「心当たりがない」を押してください。インターネットバンキングのご利用をすぐに停止します。ログインできない場合は、下記のサポートセンターへお電話ください。',
          en: 'If this was not you, sign in and press “It wasn\'t me” (心当たりがない) on “Sign-in history” (ログイン履歴): your internet banking is suspended at once. If you cannot sign in, call the support centre below.',
        },
      };
    }
    case 'login_password_changed':
      return {
        title: { ja: 'ログインパスワード変更', en: 'Login password changed' },
        what: {
          ja: 'ログインパスワードの変更を受け付けました。ほかの端末でのログインはすべて終了しました。',
          en: 'Your login password was changed. Every other signed-in session has ended.',
        },
        details: [],
      };
    case 'confirmation_password_changed':
      return {
        title: { ja: `${event.name.ja}変更`, en: `${capitalised(event.name.en)} changed` },
        what: { ja: `${event.name.ja}の変更を受け付けました。`, en: `Your ${event.name.en} was changed.` },
        details: [],
      };
    case 'resumed':
      return {
        title: { ja: 'インターネットバンキングの利用再開', en: 'Internet banking resumed' },
        what: { ja: 'インターネットバンキングのご利用を再開しました。', en: 'Your internet banking can be used again.' },
        details: [],
      };
    case 'limit_changed':
      return {
        title: { ja: '1日あたり振込限度額の変更', en: 'Daily transfer limit changed' },
        what: {
          customer: { ja: '1日あたり振込限度額の変更を受け付けました。', en: 'Your daily transfer limit was changed.' },
          branch: { ja: 'お届けにより、1日あたり振込限度額を変更しました。', en: 'At your request, the bank changed your daily transfer limit.' },
          rule: {
            ja: 'ワンタイムパスワードの利用中止から所定の日数が過ぎたため、1日あたり振込限度額を変更しました。',
            en: 'One-time passwords have not been used for the set number of days, so your daily transfer limit was lowered.',
          },
        }[event.by],
        details: [
          { ja: `変更前: ${yen(event.fromYen).ja}`, en: `Before: ${yen(event.fromYen).en}` },
          { ja: `変更後: ${yen(event.toYen).ja}`, en: `After: ${yen(event.toYen).en}` },
          ...(event.effectiveFromMs === undefined
            ? []
            : [{ ja: `適用開始: ${japanDateTime(event.effectiveFromMs)}（それまでは変更前の限度額です）`, en: `In force from: ${japanDateTime(event.effectiveFromMs)} (until then the previous limit holds)` }]),
        ],
      };
    case 'limit_raise_cancelled':
      return {
        title: { ja: '1日あたり振込限度額の引き上げの取消', en: 'Raise of the daily transfer limit cancelled' },
        what: { ja: '予約されていた1日あたり振込限度額の引き上げを取り消しました。', en: 'The pending raise of your daily transfer limit was cancelled.' },
        details: [
          { ja: `取り消した引き上げ: ${yen(event.cancelledYen).ja}`, en: `Raise cancelled: ${yen(event.cancelledYen).en}` },
          { ja: `現在の限度額: ${yen(event.limitYen).ja}`, en: `Current limit: ${yen(event.limitYen).en}` },
        ],
      };
    case 'transfer_done': {
      const { payee } = event;
      const account = maskAccountNumber(payee.accountNumber);
      return {
        title: { ja: '振込受付', en: 'Transfer accepted' },
        what: { ja: 'お振込みを受け付けました。', en: 'Your transfer was accepted.' },
        details: [
          { ja: `受付番号: ${event.referenceNo}`, en: `Reference number: ${event.referenceNo}` },
          {
            ja: `振込先: ${payee.bankName ? `${payee.bankName}（${payee.bankCode}）` : payee.bankCode} 支店 ${payee.branchCode} 口座番号 ${account}`,
            en: `Payee: bank ${payee.bankCode}${payee.bankName ? ` (${payee.bankName})` : ''}, branch ${payee.branchCode}, account ${account}`,
          },
          { ja: `受取人名: ${payee.name}`, en: `Payee name: ${payee.name}` },
          { ja: `金額: ${yen(event.amountYen).ja}`, en: `Amount: ${yen(event.amountYen).en}` },
          { ja: `振込手数料: ${yen(event.feeYen).ja}`, en: `Fee: ${yen(event.feeYen).en}` },
        ],
      };
    }
    case 'notification_address_changed': {
      const masked = maskEmailAddress(event.newAddress);
      return {
        title: { ja: 'メールアドレスの変更', en: 'E-mail address changed' },
        what:
          event.by === 'customer'
            ? { ja: 'お知らせメールの送信先メールアドレスの変更を受け付けました。', en: 'The e-mail address our notices go to was changed.' }
            : { ja: 'お届けにより、お知らせメールの送信先メールアドレスを変更しました。', en: 'At your request, the bank changed the e-mail address our notices go to.' },
        details: [{ ja: `新しいメールアドレス: ${masked}（一部のみ表示）`, en: `New e-mail address: ${masked} (partly shown)` }],
        next: { ja: '今後のお知らせは新しいメールアドレスへお送りします。', en: 'From now on, our notices go to the new address.' },
      };
    }
  }
}

function kindOf(kind: TokenKind): Text {
  return kind === 'mobile' ? { ja: 'スマートフォン用', en: 'smartphone' } : { ja: 'パソコン用', en: 'PC' };
}

function yen(amount: number): Text {
  return { ja: `${amount.toLocaleString('ja-JP')}円`, en: `¥${amount.toLocaleString('en-US')}` };
}


/** A header line: no line breaks (header injection), whatever the data held. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

/** 'confirmation password' → 'Confirmation password' (an institution's name, used as a title). */
function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// The text of each notification: Japanese first, English below (the customers of a Japanese
// community bank read Japanese; the English is for those who do not). Rendered once, when the
// event happens, and stored in the outbox, so what the mailbox shows is what is sent.
//
// Nothing secret is ever passed in (see notification-events.ts); identifiers are masked here.
// Every message names the support centre: an event the customer did not cause is how fraud is
// noticed, and the message says so.
import { maskAccountNumber, maskSerial } from './masking.js';
import type { NotificationEvent, TokenKind } from './notification-events.js';

export interface MessageInstitution {
  name: string;
  nameEn: string;
  support: { name: string; nameEn: string; phone: string; hours: string; hoursEn: string };
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
  titleJa: string;
  titleEn: string;
  /** One sentence: what happened. */
  whatJa: string;
  whatEn: string;
  detailsJa: string[];
  detailsEn: string[];
  /** What to do now, when something must be done (a lock, a suspension). */
  nextJa?: string;
  nextEn?: string;
}

const RULE = '――――――――――――――――――――――――――――――';

export function renderNotification(input: RenderInput): RenderedMessage {
  const w = wordingOf(input.event);
  const { institution: i } = input;
  const subject = oneLine(`【${i.name}】${w.titleJa}のお知らせ / ${w.titleEn} (${i.nameEn})`);
  const ja = [
    `${input.customerName} 様`,
    '',
    `${i.name}です。インターネットバンキングで次のお手続きがありました。`,
    '',
    `■ ${w.titleJa}`,
    `  ${w.whatJa}`,
    `  受付日時: ${formatJa(input.atMs)}（日本時間）`,
    ...w.detailsJa.map((line) => `  ${line}`),
    ...(w.nextJa ? ['', w.nextJa] : []),
    '',
    `お心当たりのない場合は、至急 ${i.support.name}（${i.support.phone}）までご連絡ください。`,
    i.support.hours,
    '',
    `${i.name}がメールでパスワードやワンタイムパスワードをお尋ねすることはありません。`,
    'このメールは送信専用のアドレスからお送りしています。ご返信いただいてもお答えできません。',
  ];
  const en = [
    `Dear ${input.customerName},`,
    '',
    `This is ${i.nameEn}. The following took place in your internet banking:`,
    '',
    `■ ${w.titleEn}`,
    `  ${w.whatEn}`,
    `  Date and time: ${formatEn(input.atMs)} (Japan time)`,
    ...w.detailsEn.map((line) => `  ${line}`),
    ...(w.nextEn ? ['', w.nextEn] : []),
    '',
    `If this was not you, please call the ${i.support.nameEn} at once: ${i.support.phone}.`,
    i.support.hoursEn,
    '',
    `${i.nameEn} never asks for passwords or one-time passwords by e-mail.`,
    'This message comes from an address that cannot receive replies.',
  ];
  return { subject, body: [...ja, '', RULE, '(English)', '', ...en, ''].join('\n') };
}

function wordingOf(event: NotificationEvent): Wording {
  switch (event.kind) {
    case 'token_registered':
      return {
        titleJa: 'ワンタイムパスワード利用開始',
        titleEn: 'One-time password registered',
        whatJa: 'ワンタイムパスワードの利用開始（ソフトウェアトークンの登録）を受け付けました。',
        whatEn: 'A software token was registered for one-time passwords.',
        detailsJa: [`シリアル番号: ${maskSerial(event.serial)}（末尾4桁のみ表示）`, `種類: ${kindJa(event.tokenKind)}`],
        detailsEn: [`Serial number: ${maskSerial(event.serial)} (last 4 digits only)`, `Kind: ${kindEn(event.tokenKind)}`],
      };
    case 'token_deregistered':
      return {
        titleJa: 'ワンタイムパスワード利用中止',
        titleEn: 'One-time password stopped',
        whatJa: 'ワンタイムパスワードの利用を中止しました。',
        whatEn: 'One-time passwords are no longer used for your contract.',
        detailsJa: event.serial ? [`シリアル番号: ${maskSerial(event.serial)}（末尾4桁のみ表示）`] : [],
        detailsEn: event.serial ? [`Serial number: ${maskSerial(event.serial)} (last 4 digits only)`] : [],
      };
    case 'token_exchanged':
      return {
        titleJa: 'ワンタイムパスワード利用登録/交換',
        titleEn: 'Token exchanged',
        whatJa: 'ソフトウェアトークンの交換を受け付けました。今後は新しいトークンのワンタイムパスワードをご利用ください。',
        whatEn: 'Your software token was exchanged. From now on, use the one-time passwords of the new token.',
        detailsJa: [
          ...(event.oldSerial ? [`交換前のシリアル番号: ${maskSerial(event.oldSerial)}`] : []),
          `新しいシリアル番号: ${maskSerial(event.serial)}（末尾4桁のみ表示）`,
        ],
        detailsEn: [
          ...(event.oldSerial ? [`Previous serial number: ${maskSerial(event.oldSerial)}`] : []),
          `New serial number: ${maskSerial(event.serial)} (last 4 digits only)`,
        ],
      };
    case 'token_reissued':
      return {
        titleJa: 'トークン再発行',
        titleEn: 'Token reissued',
        whatJa: 'お届けにより、登録されていたソフトウェアトークンを当金庫で解除しました。',
        whatEn: 'At your request, the bank removed the software token that was registered.',
        detailsJa: event.serial ? [`解除したシリアル番号: ${maskSerial(event.serial)}（末尾4桁のみ表示）`] : [],
        detailsEn: event.serial ? [`Removed serial number: ${maskSerial(event.serial)} (last 4 digits only)`] : [],
        nextJa: '新しいトークンの利用開始は、ログイン画面の「利用開始」からお手続きください。',
        nextEn: 'To register a new token, choose "Start using" on the login page.',
      };
    case 'otp_locked':
      return {
        titleJa: 'ワンタイムパスワードのロック',
        titleEn: 'One-time password locked',
        whatJa: 'ワンタイムパスワードが所定の回数続けて誤って入力されたため、インターネットバンキングのご利用をロックしました。',
        whatEn: 'Wrong one-time passwords were entered too many times in a row, so internet banking is locked.',
        detailsJa: [],
        detailsEn: [],
        nextJa: 'ロックの解除は、お取引店舗へ当金庫所定の書面（ワンタイムパスワードのロック解除）にてお届けください。',
        nextEn: 'To unlock it, please submit our written request form (one-time password unlock) at your branch.',
      };
    case 'suspended':
      return {
        titleJa: 'インターネットバンキングの利用一時停止',
        titleEn: 'Internet banking suspended',
        whatJa: 'インターネットバンキングのご利用を一時停止しました。',
        whatEn: 'Your internet banking has been suspended.',
        detailsJa: [],
        detailsEn: [],
        nextJa: 'ご利用の再開は、お取引店舗へお届けください。',
        nextEn: 'To resume it, please contact your branch.',
      };
    case 'resumed':
      return {
        titleJa: 'インターネットバンキングの利用再開',
        titleEn: 'Internet banking resumed',
        whatJa: 'インターネットバンキングのご利用を再開しました。',
        whatEn: 'Your internet banking can be used again.',
        detailsJa: [],
        detailsEn: [],
      };
    case 'limit_changed':
      return {
        titleJa: '1日あたり振込限度額の変更',
        titleEn: 'Daily transfer limit changed',
        whatJa: {
          customer: '1日あたり振込限度額の変更を受け付けました。',
          branch: 'お届けにより、1日あたり振込限度額を変更しました。',
          rule: 'ワンタイムパスワードの利用中止から所定の日数が過ぎたため、1日あたり振込限度額を変更しました。',
        }[event.by],
        whatEn: {
          customer: 'Your daily transfer limit was changed.',
          branch: 'At your request, the bank changed your daily transfer limit.',
          rule: 'One-time passwords have not been used for the set number of days, so your daily transfer limit was lowered.',
        }[event.by],
        detailsJa: [`変更前: ${yenJa(event.fromYen)}`, `変更後: ${yenJa(event.toYen)}`],
        detailsEn: [`Before: ${yenEn(event.fromYen)}`, `After: ${yenEn(event.toYen)}`],
      };
    case 'transfer_done': {
      const bankJa = event.payee.bankName ? `${event.payee.bankName}（${event.payee.bankCode}）` : event.payee.bankCode;
      return {
        titleJa: '振込受付',
        titleEn: 'Transfer accepted',
        whatJa: 'お振込みを受け付けました。',
        whatEn: 'Your transfer was accepted.',
        detailsJa: [
          `受付番号: ${event.referenceNo}`,
          `振込先: ${bankJa} 支店 ${event.payee.branchCode} 口座番号 ${maskAccountNumber(event.payee.accountNumber)}`,
          `受取人名: ${event.payee.name}`,
          `金額: ${yenJa(event.amountYen)}`,
          `振込手数料: ${yenJa(event.feeYen)}`,
        ],
        detailsEn: [
          `Reference number: ${event.referenceNo}`,
          `Payee: bank ${event.payee.bankCode}${event.payee.bankName ? ` (${event.payee.bankName})` : ''}, branch ${event.payee.branchCode}, account ${maskAccountNumber(event.payee.accountNumber)}`,
          `Payee name: ${event.payee.name}`,
          `Amount: ${yenEn(event.amountYen)}`,
          `Fee: ${yenEn(event.feeYen)}`,
        ],
      };
    }
  }
}

function kindJa(kind: TokenKind): string {
  return kind === 'mobile' ? 'スマートフォン用' : 'パソコン用';
}

function kindEn(kind: TokenKind): string {
  return kind === 'mobile' ? 'smartphone' : 'PC';
}

function yenJa(amount: number): string {
  return `${amount.toLocaleString('ja-JP')}円`;
}

function yenEn(amount: number): string {
  return `¥${amount.toLocaleString('en-US')}`;
}

const JA_TIME = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const EN_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

function formatJa(atMs: number): string {
  return JA_TIME.format(atMs);
}

function formatEn(atMs: number): string {
  return EN_TIME.format(atMs);
}

/** A header line: no line breaks (header injection), whatever the data held. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

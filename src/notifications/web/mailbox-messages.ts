// The words of the development mailbox (mailbox-part.ts), Japanese and English. The mails
// themselves are shown as they were rendered (both languages, notification-messages.ts).
import type { OutboxStatus } from '../notifications.tables.js';
import type { Text } from '../../web/i18n.js';

export const M = {
  otherLanguage: { ja: 'English', en: '日本語' },
  name: { ja: 'Mamori メールボックス', en: 'Mamori mailbox' },
  service: { ja: '開発用 — 本番環境にはありません', en: 'Development only — not in production' },
  title: { ja: 'メールボックス (開発用)', en: 'Mailbox (development)' },
  lead: {
    ja: 'このサーバーが送ったメール(送信待ちを含む)を新しい順に一覧します。件名を選ぶとそのメールを開きます。',
    en: 'The mails this server sent (or is about to), newest first. Choose a subject to open the mail.',
  },
  filterLegend: { ja: '契約で絞り込む', en: 'Filter by contract' },
  contract: { ja: '契約者ID', en: 'Contract ID' },
  contractHint: { ja: '10桁の数字', en: '10 digits' },
  institution: { ja: '金融機関', en: 'Institution' },
  anyInstitution: { ja: 'すべて', en: 'All' },
  filter: { ja: '絞り込む', en: 'Filter' },
  showAll: { ja: 'すべてのメール', en: 'All mails' },
  badContract: { ja: '契約者IDは10桁の数字で入力してください。', en: 'The contract ID is 10 digits.' },
  badInstitution: { ja: 'その金融機関のメールはありません。一覧から選んでください。', en: 'No mail of that institution: choose one from the list.' },
  badPage: { ja: 'ページ番号は1以上の数字です。', en: 'The page number is a number from 1.' },
  listHeading: { ja: 'メール一覧', en: 'Mails' },
  time: { ja: '日時', en: 'Time' },
  to: { ja: '宛先', en: 'To' },
  subject: { ja: '件名', en: 'Subject' },
  none: { ja: 'メールはありません。', en: 'No mail.' },
  newer: { ja: '← 新しいメール', en: '← Newer' },
  older: { ja: '古いメール →', en: 'Older →' },
  pages: { ja: 'ページ', en: 'Pages' },
  back: { ja: '← 一覧に戻る', en: '← Back to the list' },
  from: { ja: '差出人', en: 'From' },
  contractOf: { ja: '契約', en: 'Contract' },
  onlyThisContract: { ja: 'この契約のメールだけを表示', en: 'Only this contract’s mails' },
  kind: { ja: '種類', en: 'Kind' },
  status: { ja: '状態', en: 'Status' },
  notFound: { ja: 'そのメールはありません。', en: 'There is no such mail.' },
} as const satisfies Record<string, Text>;

export const STATUS: Record<OutboxStatus, Text> = {
  pending: { ja: '送信待ち', en: 'waiting to be sent' },
  sent: { ja: '送信済み', en: 'sent' },
  failed: { ja: '送信失敗', en: 'failed' },
};

/** "12件中 1–12件" — which of the matching mails the page shows. */
export function countLine(input: { first: number; last: number; total: number; contractId?: string }): Text {
  const range = input.total === 0 ? { ja: '0件', en: 'no mail' } : { ja: `${input.total}件中 ${input.first}–${input.last}件`, en: `${input.first}–${input.last} of ${input.total}` };
  if (input.contractId === undefined) return range;
  return { ja: `契約者ID ${input.contractId}: ${range.ja}`, en: `Contract ID ${input.contractId}: ${range.en}` };
}

/** "2 / 5 ページ" */
export function pageOf(page: number, pages: number): Text {
  return { ja: `${page} / ${pages} ページ`, en: `Page ${page} of ${pages}` };
}

// Audit records as the branch console tells them: one sentence per record, in the operator's
// language, with what matters (which written request, how much, to whom — the payee's account
// masked, the bank and branch by their full names) and without the record's internals (ids,
// time steps, hashes). Every kind of AUDIT_ACTIONS has its sentence: SENTENCES is keyed by the
// kind, so a kind added there without one here does not compile. A record of a kind this build
// does not know (an older or newer one) keeps its code.
import { isAuditAction, type AuditAction } from '../audit/audit-actions.js';
import { maskAccountNumber, maskSerial } from '../notifications/masking.js';
import { japanDateTime } from '../shared/japan-time.js';
import type { Text } from '../shared/text.js';

/** What the filter of a customer's history offers; `branch` is everything an operator did. */
export const AUDIT_GROUPS = ['signin', 'token', 'transfers', 'settings', 'branch'] as const;
export type AuditGroup = (typeof AUDIT_GROUPS)[number];

export function isAuditGroup(value: string): value is AuditGroup {
  return (AUDIT_GROUPS as readonly string[]).includes(value);
}

type Details = Record<string, unknown>;

/** The names a sentence needs that are not in the record (the payee's bank and branch). */
export interface SentenceLookups {
  /** `0001-100-1234567` → みずほ銀行 本店 ****567 (the account masked), or undefined if unknown. */
  payee(payee: string): Text | undefined;
}

interface Kind {
  /** The kind's group for the filter (an operator's record is also in `branch`). */
  group: Exclude<AuditGroup, 'branch'> | 'branch';
  sentence(d: Details, lookups: SentenceLookups): Text;
}

const str = (d: Details, key: string): string | undefined => (typeof d[key] === 'string' && d[key] !== '' ? (d[key] as string) : undefined);
const num = (d: Details, key: string): number | undefined => (typeof d[key] === 'number' ? (d[key] as number) : undefined);
const pair = (ja: string, en: string): Text => ({ ja, en });
const join = (...parts: (Text | undefined)[]): Text => {
  const present = parts.filter((p): p is Text => p !== undefined);
  return { ja: present.map((p) => p.ja).join(''), en: present.map((p) => p.en).join('') };
};
const when = (ok: boolean, text: Text): Text | undefined => (ok ? text : undefined);

/** 「（書面番号 R-1、受付理由: 本人来店）」, or 「（お客様ご本人の「心当たりがない」）」. */
function written(d: Details): Text | undefined {
  const no = str(d, 'requestFormNo');
  const reason = str(d, 'reason');
  if (d.reportedByCustomer === true) return pair('（お客様ご本人の「心当たりがない」による）', ' (by the customer’s own “It wasn’t me”)');
  if (no === undefined) return undefined;
  return pair(`（書面番号 ${no}${reason ? `、受付理由: ${reason}` : ''}）`, ` (written request ${no}${reason ? `, reason: ${reason}` : ''})`);
}

function approvedBy(d: Details): Text | undefined {
  const by = str(d, 'proposedBy');
  return by === undefined ? undefined : pair(`申請者 ${by} の申請を承認して実行。`, ` Proposed by ${by}, approved.`);
}

/** 500,000円 / ¥500,000: the console's one way of writing an amount (messages.ts `yen` picks it). */
export function yenPair(amountYen: number): Text {
  const digits = amountYen.toLocaleString('en-US');
  return pair(`${digits}円`, `¥${digits}`);
}

function yen(d: Details, key: string): Text {
  const value = num(d, key);
  return value === undefined ? pair('—', '—') : yenPair(value);
}

function serial(d: Details, key: string): string {
  const value = str(d, key);
  return value === undefined ? '' : maskSerial(value);
}

function payeeText(d: Details, lookups: SentenceLookups): Text {
  const raw = str(d, 'payee');
  if (raw === undefined) return pair('不明な振込先', 'an unknown payee');
  const named = lookups.payee(raw);
  if (named) return named;
  const [bank = '', branch = '', account = ''] = raw.split('-');
  return pair(`金融機関 ${bank} 支店 ${branch} 口座 ${maskAccountNumber(account)}`, `bank ${bank}, branch ${branch}, account ${maskAccountNumber(account)}`);
}

const PATHS: Record<string, Text> = {
  login: pair('ログイン', 'login'),
  'login/otp': pair('ログイン', 'login'),
  register: pair('トークンの利用登録', 'token registration'),
  deregister: pair('トークンの利用中止', 'token deregistration'),
  exchange: pair('トークンの交換', 'token exchange'),
  transfer: pair('振込', 'a transfer'),
  limit: pair('限度額の変更', 'a limit change'),
  password_change: pair('パスワード変更', 'a password change'),
  notification_address: pair('メールアドレス変更', 'an e-mail change'),
};

function path(d: Details): Text | undefined {
  const value = str(d, 'path');
  const named = value === undefined ? undefined : PATHS[value] ?? PATHS[value.split('/')[0]!];
  return named === undefined ? undefined : pair(`（${named.ja}で）`, ` (at ${named.en})`);
}

/** What was wrong, and what its lock stops. */
interface Factor {
  what: Text;
  lock: Text;
}
const PASSWORD: Factor = { what: pair('パスワード', 'password'), lock: pair('パスワード', 'the password') };
const OTP: Factor = { what: pair('ワンタイムパスワード', 'one-time password'), lock: pair('ワンタイムパスワード', 'one-time passwords') };
const PASSKEY: Factor = { what: pair('パスキー', 'passkey'), lock: pair('パスキー', 'passkeys') };
const OPERATOR_PASSWORD: Factor = { what: pair('オペレーターのパスワード', 'operator password'), lock: pair('オペレーター', 'the operator') };
const OPERATOR_OTP: Factor = { what: pair('オペレーターのワンタイムパスワード', 'operator one-time password'), lock: pair('オペレーター', 'the operator') };
const OPERATOR_PASSKEY: Factor = { what: pair('オペレーターのパスキー', 'operator passkey'), lock: pair('オペレーター', 'the operator') };

/** 「パスワードの誤り（2回目）」 / "Wrong password (2nd)"; without the count when the record has none. */
function failed(d: Details, factor: Factor): Text {
  const n = num(d, 'failures');
  return n === undefined ? pair(`${factor.what.ja}の誤り`, `Wrong ${factor.what.en}`) : pair(`${factor.what.ja}の誤り（${n}回目）`, `Wrong ${factor.what.en} (${ordinal(n)})`);
}

/** 「パスワードの誤りが5回に達し、パスワードがロックされました」 / "Wrong password for the 5th time: the password is locked". */
function locked(d: Details, factor: Factor): Text {
  const n = num(d, 'failures');
  const locks = pair(`${factor.lock.ja}がロックされました`, `${factor.lock.en} ${factor.lock.en.endsWith('s') ? 'are' : 'is'} locked`);
  return n === undefined
    ? pair(`${factor.what.ja}の誤りで${locks.ja}`, `Wrong ${factor.what.en}: ${locks.en}`)
    : pair(`${factor.what.ja}の誤りが${n}回に達し、${locks.ja}`, `Wrong ${factor.what.en} for the ${ordinal(n)} time: ${locks.en}`);
}

const REQUEST_KINDS: Record<string, Text> = {
  unlock_otp: pair('ワンタイムパスワードのロック解除', 'unlock one-time passwords'),
  unlock_password: pair('パスワードのロック解除', 'unlock the password'),
  reissue_token: pair('トークン再発行', 'reissue the token'),
  suspend: pair('利用一時停止', 'suspend'),
  resume: pair('利用再開', 'resume'),
  change_limit: pair('1日あたり振込限度額の変更', 'change the daily transfer limit'),
  reset_password: pair('ログインパスワードの再設定', 'reset the login password'),
  change_email: pair('メールアドレス変更', 'change the e-mail address'),
  lift_limit_cap: pair('新規契約・トークン登録後の振込上限の解除', 'lift the cap after a new contract or token'),
};

function requestKind(d: Details): Text {
  const kind = str(d, 'kind');
  return (kind !== undefined ? REQUEST_KINDS[kind] : undefined) ?? pair(kind ?? '不明な手続き', kind ?? 'an unknown request');
}

function limitChange(d: Details): Text {
  return pair(`${yen(d, 'fromYen').ja} → ${yen(d, 'toYen').ja}`, `${yen(d, 'fromYen').en} → ${yen(d, 'toYen').en}`);
}

function date(d: Details, key: string): string {
  const value = num(d, key);
  return value === undefined ? '—' : japanDateTime(value);
}

const TRANSFER_KINDS: Record<string, Text> = {
  same_bank: pair('当金庫あて', 'within the bank'),
  other_bank: pair('他行あて', 'to another bank'),
};

const SENTENCES: Record<AuditAction, Kind> = {
  signed_in: { group: 'signin', sentence: (d) => join(d.otp === true ? pair('ログインしました（ワンタイムパスワード認証）', 'Signed in with a one-time password') : pair('ログインしました', 'Signed in'), environment(d), pair('。', '.')) },
  signed_out: { group: 'signin', sentence: () => pair('ログアウトしました。', 'Signed out.') },
  password_failed: { group: 'signin', sentence: (d) => join(failed(d, PASSWORD), path(d), environment(d), pair('。', '.')) },
  password_locked: { group: 'signin', sentence: (d) => join(locked(d, PASSWORD), path(d), environment(d), pair('。', '.')) },
  otp_failed: { group: 'signin', sentence: (d) => join(failed(d, OTP), path(d), environment(d), pair('。', '.')) },
  otp_locked: { group: 'signin', sentence: (d) => join(locked(d, OTP), path(d), environment(d), pair('。', '.')) },
  passkey_failed: { group: 'signin', sentence: (d) => join(failed(d, PASSKEY), path(d), environment(d), pair('。', '.')) },
  passkey_locked: { group: 'signin', sentence: (d) => join(locked(d, PASSKEY), path(d), environment(d), pair('。', '.')) },
  sign_in_reported: { group: 'signin', sentence: (d) => pair(`${date(d, 'signInAt')} のログインに「心当たりがない」と申し出て、利用を停止しました。`, `Reported the sign-in of ${date(d, 'signInAt')} as “It wasn’t me”, which suspended internet banking.`) },

  token_registered: { group: 'token', sentence: (d) => pair(`ソフトウェアトークン ${serial(d, 'serial')} を利用登録しました。`, `Registered the software token ${serial(d, 'serial')}.`) },
  token_deregistered: { group: 'token', sentence: () => pair('ソフトウェアトークンの利用を中止しました。', 'Deregistered the software token.') },
  token_exchanged: { group: 'token', sentence: (d) => pair(`ソフトウェアトークンを ${serial(d, 'oldSerial')} から ${serial(d, 'serial')} に交換しました。`, `Exchanged the software token ${serial(d, 'oldSerial')} for ${serial(d, 'serial')}.`) },

  otp_unlocked: { group: 'signin', sentence: (d) => join(pair('ワンタイムパスワードのロックを解除しました', 'Unlocked one-time passwords'), written(d), pair('。', '.'), approvedBy(d)) },
  password_unlocked: { group: 'signin', sentence: (d) => join(pair('パスワードのロックを解除しました', 'Unlocked the password'), written(d), pair('。', '.'), approvedBy(d)) },
  token_reissued: {
    group: 'token',
    sentence: (d) => join(pair(`トークン ${serial(d, 'serial')} を解除し、再発行としました（${date(d, 'registrationBlockedUntil')} から再登録可能）`, `Removed the token ${serial(d, 'serial')} for a reissue (registration from ${date(d, 'registrationBlockedUntil')})`), written(d), pair('。', '.'), approvedBy(d)),
  },
  customer_suspended: { group: 'settings', sentence: (d) => join(pair('利用を一時停止しました', 'Suspended internet banking'), written(d), pair('。', '.'), approvedBy(d)) },
  customer_resumed: { group: 'settings', sentence: (d) => join(pair('利用を再開しました', 'Resumed internet banking'), written(d), pair('。', '.'), approvedBy(d)) },
  login_password_reset: { group: 'settings', sentence: (d) => join(pair('ログインパスワードを再設定しました（次回ログイン時に変更）', 'Reset the login password (to be changed at the next login)'), written(d), pair('。', '.'), approvedBy(d)) },
  limit_cap_lifted: { group: 'settings', sentence: (d) => join(pair(`新規契約・トークン登録後の振込上限（1日 ${yen(d, 'capYen').ja}）を解除しました`, `Lifted the cap after a new contract or token (${yen(d, 'capYen').en} a day)`), written(d), pair('。', '.'), approvedBy(d)) },
  branch_proposal_created: {
    group: 'branch',
    sentence: (d) => join(pair(`「${requestKind(d).ja}」を申請しました`, `Proposed “${requestKind(d).en}”`), when(num(d, 'newLimitYen') !== undefined, pair(`（${yen(d, 'newLimitYen').ja}）`, ` (${yen(d, 'newLimitYen').en})`)), written(d), pair('。承認待ちです。', '. It awaits approval.')),
  },
  branch_proposal_approved: { group: 'branch', sentence: (d) => join(pair(`${str(d, 'proposedBy') ?? ''} の申請「${requestKind(d).ja}」を承認しました`, `Approved “${requestKind(d).en}”, proposed by ${str(d, 'proposedBy') ?? ''}`), written(d), pair('。', '.')) },
  branch_proposal_rejected: {
    group: 'branch',
    sentence: (d) => join(pair(`${str(d, 'proposedBy') ?? ''} の申請「${requestKind(d).ja}」を却下しました`, `Rejected “${requestKind(d).en}”, proposed by ${str(d, 'proposedBy') ?? ''}`), written(d), when(str(d, 'note') !== undefined, pair(`。却下理由: ${str(d, 'note')}`, `. Why: ${str(d, 'note')}`)), pair('。', '.')),
  },
  customer_created: { group: 'branch', sentence: (d) => join(pair('ご契約を受け付けました', 'Opened the contract'), written(d), when(str(d, 'email') !== undefined, pair(`。メールアドレス ${str(d, 'email')}`, `. E-mail ${str(d, 'email')}`)), pair('。', '.')) },
  account_opened: { group: 'branch', sentence: (d) => join(pair(`普通預金口座（店番 ${str(d, 'branchCode') ?? ''}、口座番号 ${maskAccountNumber(str(d, 'accountNumber') ?? '')}）を開設しました`, `Opened an ordinary account (branch ${str(d, 'branchCode') ?? ''}, number ${maskAccountNumber(str(d, 'accountNumber') ?? '')})`), written(d), pair('。', '.')) },
  statement_exported: {
    group: 'branch',
    sentence: (d) => join(pair(`入出金明細（${str(d, 'from') ?? ''}〜${str(d, 'to') ?? ''}、${num(d, 'rows') ?? 0}件）をCSVで出力しました`, `Exported the statement (${str(d, 'from') ?? ''} to ${str(d, 'to') ?? ''}, ${num(d, 'rows') ?? 0} lines) as CSV`), written(d), pair('。', '.')),
  },

  transfer_confirmed: {
    group: 'transfers',
    sentence: (d, lookups) => {
      const payee = payeeText(d, lookups);
      const kind = str(d, 'kind');
      const kindText = kind === undefined ? undefined : TRANSFER_KINDS[kind];
      const ref = str(d, 'referenceNo');
      return join(
        pair(`${payee.ja}へ ${yen(d, 'amountYen').ja} を振り込みました（手数料 ${yen(d, 'feeYen').ja}`, `Transferred ${yen(d, 'amountYen').en} to ${payee.en} (fee ${yen(d, 'feeYen').en}`),
        kindText ? pair(`、${kindText.ja}`, `, ${kindText.en}`) : undefined,
        ref ? pair(`、受付番号 ${ref}`, `, reference ${ref}`) : undefined,
        pair('）。', ').'),
      );
    },
  },
  payee_registered: { group: 'transfers', sentence: (d, lookups) => pair(`振込先 ${payeeText(d, lookups).ja} を登録しました。`, `Registered the payee ${payeeText(d, lookups).en}.`) },
  payee_updated: { group: 'transfers', sentence: (d, lookups) => pair(`振込先 ${payeeText(d, lookups).ja} を変更しました。`, `Changed the payee ${payeeText(d, lookups).en}.`) },
  payee_removed: { group: 'transfers', sentence: () => pair('登録振込先を1件削除しました。', 'Removed a registered payee.') },
  transfers_exported: { group: 'transfers', sentence: (d) => pair(`他行あて振込 ${num(d, 'marked') ?? 0} 件を全銀データとして出力しました。`, `Exported ${num(d, 'marked') ?? 0} transfers to other banks for clearing.`) },
  deposit_posted: { group: 'transfers', sentence: (d) => pair(`${yen(d, 'amountYen').ja} の入金を記帳しました。`, `Posted a deposit of ${yen(d, 'amountYen').en}.`) },

  passkey_registered: { group: 'settings', sentence: (d) => pair(`パスキーを登録しました${d.synced === true ? '（同期されるパスキー）' : ''}。`, `Registered a passkey${d.synced === true ? ' (a synced one)' : ''}.`) },
  passkey_deleted: { group: 'settings', sentence: () => pair('パスキーを削除しました。', 'Deleted a passkey.') },
  passkey_revoked: { group: 'settings', sentence: (d) => join(pair('パスキーを無効にしました', 'Revoked a passkey'), written(d), pair('。', '.')) },
  login_password_changed: { group: 'settings', sentence: (d) => pair(`ログインパスワードを変更しました${d.changeRequired === true ? '（再設定後の必須の変更）' : ''}。`, `Changed the login password${d.changeRequired === true ? ' (required after a reset)' : ''}.`) },
  confirmation_password_changed: { group: 'settings', sentence: () => pair('確認用パスワードを変更しました。', 'Changed the confirmation password.') },
  notification_address_code_sent: { group: 'settings', sentence: (d) => pair(`メールアドレス変更の確認コードを ${str(d, 'to') ?? ''} へ送りました${d.resent === true ? '（再送）' : ''}。`, `Sent the code for an e-mail change to ${str(d, 'to') ?? ''}${d.resent === true ? ' (again)' : ''}.`) },
  notification_address_changed: {
    group: 'settings',
    sentence: (d) => join(pair(`メールアドレスを ${str(d, 'from') ?? '未登録'} から ${str(d, 'to') ?? '未登録'} に変更しました`, `Changed the e-mail address from ${str(d, 'from') ?? 'none'} to ${str(d, 'to') ?? 'none'}`), written(d), pair('。', '.'), approvedBy(d)),
  },
  daily_limit_raised: { group: 'settings', sentence: (d) => join(pair(`1日あたり振込限度額を引き上げました（${limitChange(d).ja}）`, `Raised the daily transfer limit (${limitChange(d).en})`), written(d), pair('。', '.'), approvedBy(d)) },
  daily_limit_lowered: {
    group: 'settings',
    sentence: (d) =>
      join(
        pair(`1日あたり振込限度額を引き下げました（${limitChange(d).ja}）`, `Lowered the daily transfer limit (${limitChange(d).en})`),
        when(str(d, 'reason') === 'token_deregistered', pair('。トークンの利用中止によるもの', ': the token was deregistered')),
        written(d),
        pair('。', '.'),
        approvedBy(d),
      ),
  },
  daily_limit_raise_scheduled: { group: 'settings', sentence: (d) => join(pair(`1日あたり振込限度額の引き上げ（${limitChange(d).ja}）を予約しました。${date(d, 'effectiveFromMs')} から適用`, `Scheduled a raise of the daily transfer limit (${limitChange(d).en}), in force from ${date(d, 'effectiveFromMs')}`), written(d), pair('。', '.')) },
  daily_limit_raise_cancelled: { group: 'settings', sentence: (d) => join(pair(`予約していた限度額の引き上げ（${yen(d, 'cancelledPendingYen').ja}）を取り消しました`, `Cancelled the pending raise of the limit (${yen(d, 'cancelledPendingYen').en})`), written(d), pair('。', '.')) },

  operator_signed_in: { group: 'branch', sentence: (d) => pair(`オペレーターがログインしました${str(d, 'enrolled') ? '（トークンを登録）' : ''}。`, `The operator signed in${str(d, 'enrolled') ? ' (registering a token)' : ''}.`) },
  operator_signed_out: { group: 'branch', sentence: () => pair('オペレーターがログアウトしました。', 'The operator signed out.') },
  operator_password_failed: { group: 'branch', sentence: (d) => join(failed(d, OPERATOR_PASSWORD), pair('。', '.')) },
  operator_password_locked: { group: 'branch', sentence: (d) => join(locked(d, OPERATOR_PASSWORD), pair('。', '.')) },
  operator_otp_failed: { group: 'branch', sentence: (d) => join(failed(d, OPERATOR_OTP), pair('。', '.')) },
  operator_otp_locked: { group: 'branch', sentence: (d) => join(locked(d, OPERATOR_OTP), pair('。', '.')) },
  operator_passkey_failed: { group: 'branch', sentence: (d) => join(failed(d, OPERATOR_PASSKEY), pair('。', '.')) },
  operator_passkey_locked: { group: 'branch', sentence: (d) => join(locked(d, OPERATOR_PASSKEY), pair('。', '.')) },
  operator_passkey_registered: { group: 'branch', sentence: () => pair('オペレーターがパスキーを登録しました。', 'The operator registered a passkey.') },
  operator_passkey_deleted: { group: 'branch', sentence: () => pair('オペレーターがパスキーを削除しました。', 'The operator deleted a passkey.') },
  operator_passkey_revoked: { group: 'branch', sentence: (d) => join(pair('オペレーターのパスキーを無効にしました', 'Revoked the operator’s passkey'), written(d), pair('。', '.')) },
  operator_token_enrolled: { group: 'branch', sentence: (d) => pair(`オペレーターがトークン ${serial(d, 'serial')} を登録しました。`, `The operator registered the token ${serial(d, 'serial')}.`) },
  operator_token_reset: { group: 'branch', sentence: (d) => pair(`オペレーターのトークン ${serial(d, 'serial')} を解除しました${str(d, 'reason') ? `（理由: ${str(d, 'reason')}）` : ''}。`, `Reset the operator’s token ${serial(d, 'serial')}${str(d, 'reason') ? ` (reason: ${str(d, 'reason')})` : ''}.`) },
  operator_created: { group: 'branch', sentence: (d) => pair(`オペレーターを登録しました（権限: ${str(d, 'role') ?? ''}）。`, `Created the operator (role: ${str(d, 'role') ?? ''}).`) },
  operator_unlocked: { group: 'branch', sentence: (d) => pair(`オペレーターのロックを解除しました${str(d, 'reason') ? `（理由: ${str(d, 'reason')}）` : ''}。`, `Unlocked the operator${str(d, 'reason') ? ` (reason: ${str(d, 'reason')})` : ''}.`) },
  audit_exported: { group: 'branch', sentence: (d) => pair(`監査ログ ${num(d, 'rows') ?? 0} 件をCSVで出力しました。`, `Exported ${num(d, 'rows') ?? 0} audit lines as CSV.`) },
  institution_created: { group: 'branch', sentence: () => pair('金融機関を登録しました。', 'Set up the institution.') },
  institution_policy_set: { group: 'branch', sentence: (d) => pair(`金融機関の設定「${str(d, 'key') ?? ''}」を変更しました。`, `Changed the institution’s setting “${str(d, 'key') ?? ''}”.`) },
  branch_added: { group: 'branch', sentence: (d) => pair(`取引店舗「${str(d, 'name') ?? ''}」を登録しました。`, `Added the branch “${str(d, 'name') ?? ''}”.`) },

  token_provisioned: { group: 'token', sentence: () => pair('トークンを発行しました。', 'Provisioned a token.') },
  token_resynced: { group: 'token', sentence: (d) => pair(`トークンの時刻ずれを補正しました（${num(d, 'driftSteps') ?? 0}ステップ）。`, `Resynchronised the token (${num(d, 'driftSteps') ?? 0} steps).`) },
  token_state_changed: { group: 'token', sentence: (d) => pair(`トークンの状態を「${str(d, 'state') ?? ''}」にしました。`, `Set the token’s state to “${str(d, 'state') ?? ''}”.`) },
  token_bound: { group: 'token', sentence: () => pair('トークンを利用者に結び付けました。', 'Bound the token to its user.') },
  token_unbound: { group: 'token', sentence: () => pair('トークンと利用者の結び付きを解きました。', 'Unbound the token from its user.') },
  relying_party_registered: { group: 'token', sentence: (d) => pair(`連携先「${str(d, 'name') ?? ''}」を登録しました。`, `Registered the relying party “${str(d, 'name') ?? ''}”.`) },
  relying_party_key_rotated: { group: 'token', sentence: () => pair('連携先の鍵を更新しました。', 'Rotated the relying party’s key.') },
};

function ordinal(n: number): string {
  if (!Number.isInteger(n) || n <= 0) return String(n);
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

function environment(d: Details): Text | undefined {
  const browser = str(d, 'browser');
  const address = str(d, 'maskedAddress');
  if (browser === undefined && address === undefined) return undefined;
  const os = str(d, 'os');
  return pair(`（${browser ?? '不明'}${os ? `・${os}` : ''}、接続元 ${address ?? '不明'}）`, ` (${browser ?? 'unknown'}${os ? ` on ${os}` : ''}, from ${address ?? 'unknown'})`);
}

/** The kinds of a group, for the history's filter (the `branch` group is by actor instead). */
export function actionsOfGroup(group: Exclude<AuditGroup, 'branch'>): AuditAction[] {
  return (Object.keys(SENTENCES) as AuditAction[]).filter((action) => SENTENCES[action].group === group);
}

/** Who did it: the customer, an operator by login, the system. */
export function actorText(actor: string): Text {
  if (actor.startsWith('customer:')) return pair('お客様', 'The customer');
  if (actor.startsWith('operator:')) {
    const login = actor.slice('operator:'.length);
    return pair(`オペレーター ${login}`, `Operator ${login}`);
  }
  if (actor === 'system') return pair('システム（自動処理）', 'The system');
  return pair(actor, actor);
}

function parseDetails(details: string): Details {
  try {
    const value: unknown = JSON.parse(details);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Details) : {};
  } catch {
    return {};
  }
}

/** The record's sentence; a kind this build does not know is named by its code. */
export function auditSentence(line: { action: string; details: string }, lookups: SentenceLookups): Text {
  if (!isAuditAction(line.action)) return pair(`記録 ${line.action}`, `Record ${line.action}`);
  return SENTENCES[line.action].sentence(parseDetails(line.details), lookups);
}

/** The payees a page of records names (each `bank-branch-account` once), for one lookup. */
export function payeesOf(lines: readonly { details: string }[]): string[] {
  const found = new Set<string>();
  for (const line of lines) {
    const payee = parseDetails(line.details).payee;
    if (typeof payee === 'string') found.add(payee);
  }
  return [...found];
}


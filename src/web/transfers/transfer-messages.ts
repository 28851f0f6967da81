// Every word of the transfer pages, Japanese and English, and one message per coded refusal
// of the domain (exhaustive switches: a new error code does not compile until it has words).
import type { PrepareTransferError } from '../../banking/transfers/prepare-transfer.js';
import type { SavePayeeError } from '../../banking/transfers/registered-payees.js';
import type { ChangeLimitError } from '../../banking/limits/change-limit.js';
import type { LimitRefusal, PendingRaise } from '../../banking/limits/daily-limit.js';
import type { DayCap } from '../../banking/limits/limit-shaping.js';
import { japanDateTime } from '../../shared/japan-time.js';
import type { Text } from '../i18n.js';
import { yenText } from '../../shared/yen.js';

export const TT = {
  menuTransfer: { ja: '振込', en: 'Transfers' },
  menuHistory: { ja: '残高・入出金明細', en: 'Balance and statement' },
  transfersTitle: { ja: '振込', en: 'Transfers' },
  accountsTitle: { ja: 'ご利用口座', en: 'Your accounts' },
  newTransfer: { ja: '振込先を入力して振込', en: 'Make a transfer' },
  payeesTitle: { ja: '登録済み振込先', en: 'Registered payees' },
  payeesLink: { ja: '振込先の登録・変更・削除', en: 'Add, change or delete payees' },
  historyTitle: { ja: '入出金明細', en: 'Statement' },
  limitTitle: { ja: '1日あたり振込限度額', en: 'Daily transfer limit' },
  limitLink: { ja: '振込限度額の変更', en: 'Change the daily limit' },
  recentTitle: { ja: '最近の振込', en: 'Recent transfers' },
  backToTransfers: { ja: '振込メニューへ戻る', en: 'Back to transfers' },
  backToMain: { ja: 'メインへ戻る', en: 'Back to the main menu' },

  stepInput: { ja: '振込先・金額の入力', en: 'Payee and amount' },
  stepConfirm: { ja: '内容の確認', en: 'Check' },
  stepAuth: { ja: '認証', en: 'Authentication' },
  stepDone: { ja: '受付完了', en: 'Done' },

  sourceAccount: { ja: '支払口座', en: 'From account' },
  bank: { ja: '金融機関', en: 'Bank' },
  bankHint: { ja: '金融機関コード(4桁)または名前の一部を入力し、「金融機関を検索」を押してください。', en: 'Type the 4-digit bank code or part of the name, then press “Search banks”.' },
  searchBank: { ja: '金融機関を検索', en: 'Search banks' },
  branch: { ja: '支店', en: 'Branch' },
  branchHint: { ja: '支店コード(3桁)または支店名の一部を入力し、「支店を検索」を押してください。', en: 'Type the 3-digit branch code or part of the name, then press “Search branches”.' },
  searchBranch: { ja: '支店を検索', en: 'Search branches' },
  chooseBank: { ja: '該当する金融機関を選んでください', en: 'Choose the bank' },
  chooseBranch: { ja: '該当する支店を選んでください', en: 'Choose the branch' },
  noMatch: { ja: '該当するものが見つかりません。名前やコードをご確認ください。', en: 'Nothing matches. Please check the name or code.' },
  selected: { ja: '選択中', en: 'Selected' },
  accountType: { ja: '科目', en: 'Account type' },
  ordinary: { ja: '普通', en: 'Ordinary' },
  current: { ja: '当座', en: 'Current' },
  savings: { ja: '貯蓄', en: 'Savings' },
  accountNumber: { ja: '口座番号', en: 'Account number' },
  accountNumberHint: { ja: '7桁の数字(7桁に満たない場合は先頭に0を付けてください)', en: '7 digits (add leading zeros to shorter numbers)' },
  payeeName: { ja: '受取人名', en: 'Payee name' },
  payeeNameHint: { ja: 'カナで入力してください(全角カナ・ひらがなは半角カナに変換します)', en: 'In kana (full-width kana and hiragana are converted to half-width kana)' },
  amount: { ja: '金額', en: 'Amount' },
  amountHint: { ja: '円単位の半角数字で、カンマを付けずに入力してください(例: 10000)', en: 'In yen, as plain digits without commas (e.g. 10000)' },
  yen: { ja: '円', en: 'yen' },
  fee: { ja: '振込手数料', en: 'Transfer fee' },
  total: { ja: 'お引出し合計', en: 'Total debited' },
  remainingToday: { ja: '本日の振込可能額', en: 'Can still be sent today' },
  balance: { ja: '残高', en: 'Balance' },
  balanceAfter: { ja: 'お振込後残高', en: 'Balance after the transfer' },
  usePayee: { ja: '登録済み振込先から選ぶ', en: 'Use a registered payee' },
  use: { ja: 'この振込先に振込', en: 'Transfer to this payee' },

  confirmLead: { ja: '以下の内容でよろしければ「次へ」を押してください。', en: 'If everything is right, press “Next”.' },
  fix: { ja: '内容を修正する', en: 'Change the details' },
  expiresAt: { ja: 'この振込は次の時刻までに確定してください', en: 'Confirm this transfer before' },

  otpLead: {
    ja: 'ソフトウェアトークンアプリを起動し、表示された「ワンタイムパスワード」を入力して「確認」を押してください。',
    en: 'Open the software token app, enter the one-time password it shows and press “Confirm”.',
  },
  transactionCode: { ja: '取引認証コード', en: 'Transaction code' },
  transactionCodeHint: { ja: 'トークンアプリの取引認証に表示された6桁の数字', en: 'The 6 digits the token app shows for this transaction' },
  transactionQrLabel: { ja: '取引認証用QRコード', en: 'QR code for transaction signing' },
  transactionQrCaption: {
    ja: 'トークンアプリの「取引認証」で「QRコードを読み取る」を押し、このQRコードを読み取ることもできます。',
    en: 'Or press “Scan QR code” in the token app’s “Transaction” tab and scan this QR code.',
  },
  /** After a wrong 取引認証 code: what this step asked for, not the one-time password. */
  transactionCodeRetry: {
    ja: 'トークンアプリの「取引認証」に表示されている最新の取引認証コードを入力してください。',
    en: 'Enter the latest transaction code shown in the token app’s “Transaction” tab.',
  },
  passwordLead: {
    ja: 'ワンタイムパスワードが未登録のため、お客様カードに記載のパスワードで本人確認を行います。',
    en: 'As no token is registered, your identity is checked with the password on your customer card.',
  },
  tokenAdvice: {
    ja: 'ワンタイムパスワードをご利用いただくと、振込がより安全になり、振込限度額を50万円超に引き上げることができます。',
    en: 'With one-time passwords transfers are safer, and the daily limit can be raised above ¥500,000.',
  },

  doneTitle: { ja: '振込を受け付けました', en: 'Your transfer has been accepted' },
  referenceNo: { ja: '受付番号', en: 'Reference number' },
  acceptedAt: { ja: '受付日時', en: 'Accepted at' },
  referenceNoHint: { ja: 'お問い合わせの際は受付番号をお伝えください。', en: 'Quote the reference number when you contact us about this transfer.' },
  savePayee: { ja: 'この振込先を登録する', en: 'Register this payee' },
  anotherTransfer: { ja: '続けて振込', en: 'Make another transfer' },
  externalNote: {
    ja: '他の金融機関あての振込は、当金庫から振込先金融機関へ送金されます。',
    en: 'Transfers to other banks are sent on by us to the payee’s bank.',
  },

  nickname: { ja: '登録名(任意)', en: 'Nickname (optional)' },
  addPayee: { ja: '振込先を登録', en: 'Add a payee' },
  editPayee: { ja: '振込先を変更', en: 'Change a payee' },
  change: { ja: '変更', en: 'Change' },
  delete: { ja: '削除', en: 'Delete' },
  save: { ja: '登録', en: 'Register' },
  noPayees: { ja: '登録済みの振込先はありません。', en: 'No payees are registered.' },
  payeeSaved: { ja: '振込先を登録しました。', en: 'The payee has been registered.' },
  payeeUpdated: { ja: '振込先を変更しました。', en: 'The payee has been changed.' },
  payeeDeleted: { ja: '振込先を削除しました。', en: 'The payee has been deleted.' },

  currentLimit: { ja: '現在の限度額', en: 'Current limit' },
  usedToday: { ja: '本日の振込額', en: 'Sent today' },
  newLimit: { ja: '新しい限度額(万円)', en: 'New limit (in units of ¥10,000)' },
  newLimitHint: { ja: '万円単位の半角数字(例: 50 は50万円)。引き下げはいつでもできます。', en: 'Digits, in units of ¥10,000 (50 means ¥500,000). You can lower it at any time.' },
  raiseNeedsOtp: { ja: '引き上げる場合はワンタイムパスワードも入力してください。', en: 'To raise the limit, also enter a one-time password.' },
  raiseNeedsToken: {
    ja: 'ワンタイムパスワードが未登録のため、限度額の引き上げはできません(引き下げはできます)。引き上げにはワンタイムパスワードの利用登録が必要です。',
    en: 'Without a registered token the limit can only be lowered. Register a token to raise it.',
  },
  limitChanged: { ja: '1日あたり振込限度額を変更しました。', en: 'Your daily transfer limit has been changed.' },
  limitUnchanged: { ja: '限度額は変更されていません(現在と同じ金額です)。', en: 'The limit is unchanged (the same amount as now).' },
  changeLimit: { ja: '変更', en: 'Change' },

  date: { ja: '日付', en: 'Date' },
  description: { ja: '摘要', en: 'Details' },
  paidOut: { ja: 'お支払金額', en: 'Paid out' },
  paidIn: { ja: 'お預り金額', en: 'Paid in' },
  noHistory: { ja: '入出金はまだありません。', en: 'There are no entries yet.' },
  pageOf: { ja: 'ページ', en: 'Page' },
  previous: { ja: '前へ', en: 'Previous' },
  nextPage: { ja: '次へ', en: 'Next' },
  account: { ja: '口座', en: 'Account' },
  show: { ja: '表示', en: 'Show' },
  noAccount: { ja: 'ご利用いただける口座がありません。お取引店舗へお問い合わせください。', en: 'No account is available. Please contact your branch.' },

  notFoundTransfer: { ja: 'お探しの振込は見つかりませんでした。', en: 'That transfer could not be found.' },
  bodyChanged: {
    ja: '振込内容が確認画面と異なるため、受け付けられませんでした。お手数ですが、最初から入力してください。',
    en: 'The transfer details differ from those you checked, so it was not accepted. Please start again.',
  },
  expired: {
    ja: '確認画面の有効期限が切れました。お手数ですが、最初から入力してください。振込は行われていません。',
    en: 'The confirmation has expired. Please start again. No money has been sent.',
  },
  inProgress: {
    ja: 'この振込は処理中です。しばらくしてから振込メニューの「最近の振込」でご確認ください。',
    en: 'This transfer is being processed. Please check “Recent transfers” in a moment.',
  },
  insufficientAtConfirm: {
    ja: '残高が不足しているため、振込できませんでした。振込は行われていません。',
    en: 'The balance is not enough, so the transfer was not made.',
  },
  limitAtConfirm: {
    ja: '本日の振込限度額を超えるため、振込できませんでした。振込は行われていません。',
    en: 'This would pass today’s transfer limit, so the transfer was not made.',
  },
  answerMissing: { ja: '認証情報を入力してください。', en: 'Please enter what is asked.' },
  refusedAtConfirm: { ja: '次のご利用制限により、振込できませんでした。振込は行われていません。', en: 'The transfer was not made because of this limit. No money has been sent.' },
  limitRaisePending: { ja: '引き上げの予約', en: 'Raise pending' },
  limitRaiseScheduled: { ja: '限度額の引き上げを受け付けました。', en: 'Your raise of the limit has been accepted.' },
  cancelRaise: { ja: '引き上げを取り消す', en: 'Cancel the raise' },
  raiseCancelled: { ja: '限度額の引き上げを取り消しました。現在の限度額のままです。', en: 'The raise has been cancelled. The current limit stays.' },
  raiseNotPending: { ja: '取り消す引き上げの予約はありません。', en: 'There is no pending raise to cancel.' },
  raiseNextDayRule: {
    ja: '限度額の引き上げは、翌日0:00から適用されます(引き下げはすぐに適用されます)。',
    en: 'A raise takes effect from 0:00 (Japan time) the next day; a lowering at once.',
  },
} satisfies Record<string, Text>;

/** A bank's or branch's name the data has only in Japanese, on an English page too (bank-labels.ts). */
export function inJapaneseOnly(name: string): Text {
  return { ja: name, en: `${name} (no English name on record)` };
}

/** The one way the pages write an amount (src/shared/yen.ts), for the transfer views beside these texts. */
export { yenText } from '../../shared/yen.js';

/** The 取引認証 step's lead: where in the token app the customer makes the code. */
export function transactionLead(payeeAccount: string, amount: string | undefined): Text {
  return amount
    ? {
        ja: `トークンアプリの「取引認証」で、振込先の口座番号「${payeeAccount}」と金額「${amount}」を入力し、表示された取引認証コードを入力してください。`,
        en: `In the token app’s “Transaction” tab, enter the payee account number “${payeeAccount}” and the amount “${amount}”, then type the transaction code it shows.`,
      }
    : {
        ja: `トークンアプリの「取引認証」で、振込先の口座番号「${payeeAccount}」を入力し、表示された取引認証コードを入力してください。`,
        en: `In the token app’s “Transaction” tab, enter the payee account number “${payeeAccount}”, then type the transaction code it shows.`,
      };
}

/** The 4th wrong 取引認証 code warns in the step's own words. */
export function transactionCodeRemaining(remaining: number): Text {
  return {
    ja: `取引認証コードをあと${remaining}回誤るとロックされます。`,
    en: remaining === 1 ? 'One more wrong transaction code will lock internet banking.' : `${remaining} more wrong transaction codes will lock internet banking.`,
  };
}

export function limitExceededText(remainingYen: number): Text {
  return {
    ja: `本日の振込限度額を超えています。本日あと${yenText(remainingYen)}まで振込できます。`,
    en: `This passes today’s transfer limit. You can send ${yenText(remainingYen)} more today.`,
  };
}

/** ¥100,000 as 「10万円」 where it is whole 万, as the bank's notices write caps. */
function manYenJa(amount: number): string {
  return amount % 10_000 === 0 && amount > 0 ? `${(amount / 10_000).toLocaleString('ja-JP')}万円` : `${amount.toLocaleString('ja-JP')}円`;
}

/** The cap after an opening or a token registration, and when it ends: 「ご登録から7日間は1日10万円までです（…）」. */
export function dayCapText(cap: DayCap): Text {
  const until = japanDateTime(cap.untilMs);
  return cap.since === 'token'
    ? {
        ja: `ワンタイムパスワードのご登録から${cap.days}日間は、振込は1日${manYenJa(cap.capYen)}までです（${until} から通常の限度額）。`,
        en: `For ${cap.days} days after a token is registered, transfers are limited to ${yenText(cap.capYen)} a day (the usual limit from ${until}).`,
      }
    : {
        ja: `ご契約から${cap.days}日間は、振込は1日${manYenJa(cap.capYen)}までです（${until} から通常の限度額）。`,
        en: `For ${cap.days} days after the contract is opened, transfers are limited to ${yenText(cap.capYen)} a day (the usual limit from ${until}).`,
      };
}

/** A refusal by the daily limit or one of the limits shaped in time, naming the rule and when it ends. */
export function limitRefusalText(refusal: LimitRefusal): Text {
  switch (refusal.rule) {
    case 'daily_limit':
      return limitExceededText(refusal.remainingYen);
    case 'new_contract_or_token': {
      const rule = dayCapText(refusal);
      return {
        ja: `${rule.ja}本日あと${yenText(refusal.remainingYen)}まで振込できます。`,
        en: `${rule.en} You can send ${yenText(refusal.remainingYen)} more today.`,
      };
    }
    case 'new_payee': {
      const until = japanDateTime(refusal.untilMs);
      return {
        ja: `本日ご登録の振込先や初めてのお振込先へは、あわせて本日${manYenJa(refusal.capYen)}までです（${until} から通常の限度額）。本日これらの振込先へはあと${yenText(refusal.remainingYen)}まで振込できます。`,
        en: `Payees registered today and accounts you have never paid before can receive ${yenText(refusal.capYen)} today, all together (the usual limit from ${until}). You can send ${yenText(refusal.remainingYen)} more to them today.`,
      };
    }
  }
}

/** The raise still pending and when it starts. */
export function pendingRaiseText(pending: PendingRaise): Text {
  const from = japanDateTime(pending.fromMs);
  return {
    ja: `${yenText(pending.limitYen)}への引き上げを受け付けました。${from} から適用されます（それまでは現在の限度額です）。`,
    en: `Your raise to ${yenText(pending.limitYen)} takes effect from ${from} (until then the current limit holds).`,
  };
}

/** The message of a refusal on the transfer form, shown at its field. */
export function prepareErrorText(error: PrepareTransferError, remainingYen?: number, refusal?: LimitRefusal): Text {
  switch (error) {
    case 'amount_required':
      return { ja: '金額を入力してください。', en: 'Enter the amount.' };
    case 'amount_full_width':
      return { ja: '金額は半角数字で入力してください(全角の「１０００」ではなく「1000」)。', en: 'Type the amount with half-width digits (1000, not full-width １０００).' };
    case 'amount_has_separators':
      return { ja: '金額はカンマを付けずに数字だけで入力してください(「1,000」ではなく「1000」)。', en: 'Type the amount as digits only, without commas (1000, not 1,000).' };
    case 'amount_not_integer':
      return { ja: '金額は1円単位の整数で入力してください(小数点は使えません)。', en: 'The amount is whole yen; a decimal point cannot be used.' };
    case 'amount_not_positive':
      return { ja: '金額は1円以上で入力してください。', en: 'The amount must be at least ¥1.' };
    case 'amount_not_a_number':
      return { ja: '金額は半角数字だけで入力してください(「円」「¥」は不要です)。', en: 'Type the amount as digits only (without ¥ or 円).' };
    case 'amount_too_large':
      return { ja: '金額が大きすぎます。', en: 'The amount is too large.' };
    case 'bank_code_invalid':
      return { ja: '金融機関を検索して選んでください(金融機関コードは4桁の数字です)。', en: 'Search for the bank and choose it (a bank code is 4 digits).' };
    case 'branch_code_invalid':
      return { ja: '支店を検索して選んでください(支店コードは3桁の数字です)。', en: 'Search for the branch and choose it (a branch code is 3 digits).' };
    case 'account_type_invalid':
      return { ja: '科目を選んでください。', en: 'Choose the account type.' };
    case 'account_number_invalid':
      return { ja: '口座番号は7桁の数字で入力してください(7桁に満たない場合は先頭に0を付けてください)。', en: 'The account number is 7 digits (add leading zeros to shorter numbers).' };
    case 'payee_name_empty':
      return { ja: '受取人名を入力してください。', en: 'Enter the payee name.' };
    case 'payee_name_invalid_characters':
      return { ja: '受取人名はカナ・英大文字・数字で入力してください(漢字は使えません)。', en: 'Enter the payee name in kana, capital letters or digits (no kanji).' };
    case 'payee_name_too_long':
      return { ja: '受取人名は30文字(半角)以内で入力してください。', en: 'The payee name is at most 30 half-width characters.' };
    case 'source_account_not_found':
      return { ja: '支払口座を選んでください。', en: 'Choose the account to pay from.' };
    case 'bank_not_found':
      return { ja: 'その金融機関は見つかりません。金融機関を検索して選んでください。', en: 'That bank was not found. Search for it and choose it.' };
    case 'branch_not_found':
      return { ja: 'その支店は見つかりません。支店を検索して選んでください。', en: 'That branch was not found. Search for it and choose it.' };
    case 'payee_not_found':
      return { ja: '振込先の口座が見つかりません。支店・科目・口座番号をご確認ください。', en: 'The payee account was not found. Please check the branch, type and number.' };
    case 'payee_is_source':
      return { ja: '支払口座と同じ口座には振込できません。', en: 'You cannot transfer to the account you pay from.' };
    case 'payee_name_mismatch':
      return { ja: '受取人名が口座名義と一致しません。受取人名をご確認ください。', en: 'The payee name does not match the account holder. Please check it.' };
    case 'insufficient_funds':
      return { ja: '残高が不足しています(振込手数料を含みます)。', en: 'The balance is not enough (the fee included).' };
    case 'limit_exceeded':
      return refusal ? limitRefusalText(refusal) : limitExceededText(remainingYen ?? 0);
  }
}

export function savePayeeErrorText(error: SavePayeeError): Text {
  switch (error) {
    case 'nickname_too_long':
      return { ja: '登録名は30文字以内で入力してください。', en: 'The nickname is at most 30 characters.' };
    case 'payee_already_registered':
      return { ja: 'この振込先はすでに登録されています。', en: 'This payee is already registered.' };
    case 'too_many_payees':
      return { ja: '登録できる振込先は100件までです。不要な振込先を削除してください。', en: 'Up to 100 payees can be registered. Please delete some first.' };
    case 'payee_not_found':
      return { ja: 'その振込先は見つかりません。', en: 'That payee was not found.' };
    default:
      return prepareErrorText(error);
  }
}

export function changeLimitErrorText(error: ChangeLimitError): Text {
  switch (error) {
    case 'limit_not_whole_units':
      return { ja: '限度額は万円単位の半角数字で入力してください(例: 50)。', en: 'Enter the limit as digits in units of ¥10,000 (e.g. 50).' };
    case 'limit_above_maximum':
      return { ja: '限度額は1,000万円までです。', en: 'The limit is at most ¥10,000,000.' };
    case 'limit_raise_needs_token':
      return TT.raiseNeedsToken;
    case 'limit_raise_needs_otp':
      return { ja: '限度額を引き上げるには、ワンタイムパスワードを入力してください。', en: 'To raise the limit, enter a one-time password.' };
  }
}

export function accountTypeText(type: 'ordinary' | 'current' | 'savings'): Text {
  switch (type) {
    case 'ordinary':
      return TT.ordinary;
    case 'current':
      return TT.current;
    case 'savings':
      return TT.savings;
  }
}

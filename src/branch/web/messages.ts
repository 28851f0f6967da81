// Every word the branch console shows, Japanese first with English beside. The customer-facing
// words of the seeds (ロック解除, トークン再発行, 利用一時停止…) name the actions, so an operator
// finds the written request's title on the screen.
import { pick, type Lang, type Text } from '../../web/i18n.js';
import type { CustomerActionKind } from '../permissions.js';
import type { OperatorRole } from '../branch.tables.js';
import { yenPair } from '../audit-sentences.js';

export const C = {
  service: { ja: '営業店端末', en: 'Branch console' },
  personalWeb: { ja: 'パーソナルWeb', en: 'Personal Web' },
  skipToContent: { ja: '本文へ移動', en: 'Skip to content' },
  otherLanguage: { ja: 'English', en: '日本語' },
  logout: { ja: 'ログアウト', en: 'Log out' },
  signedInAs: { ja: 'ログイン中', en: 'Signed in as' },

  operatorLogin: { ja: 'オペレーターID', en: 'Operator ID' },
  password: { ja: 'パスワード', en: 'Password' },
  otp: { ja: 'ワンタイムパスワード', en: 'One-time password' },
  otpHint: { ja: 'トークンに表示された6桁の数字', en: 'The 6 digits your token shows' },
  serial: { ja: 'シリアル番号', en: 'Serial number' },
  serialHint: { ja: 'トークンに表示されたシリアル番号(英字4文字と数字8桁)', en: 'The serial number your token shows (4 letters and 8 digits)' },
  login: { ja: 'ログイン', en: 'Log in' },
  confirm: { ja: '確認', en: 'Confirm' },
  register: { ja: '登録', en: 'Register' },
  search: { ja: '検索', en: 'Search' },
  backToLogin: { ja: 'ログイン画面に戻る', en: 'Back to the login page' },

  loginTitle: { ja: 'オペレーターログイン', en: 'Operator log in' },
  loginLead: { ja: 'オペレーターIDとパスワードを入力してください。', en: 'Enter your operator ID and password.' },
  loginFailed: { ja: 'オペレーターIDまたはパスワードが正しくありません。', en: 'The operator ID or the password is not correct.' },
  otpTitle: { ja: 'ワンタイムパスワード認証', en: 'One-time password' },
  otpLead: { ja: 'ご自身のトークンに表示されたワンタイムパスワードを入力してください。', en: 'Enter the one-time password your own token shows.' },
  enrolTitle: { ja: 'トークンの登録(初回ログイン)', en: 'Register your token (first sign-in)' },
  enrolLead: {
    ja: '初回ログインです。ご自身専用のソフトウェアトークンを登録してください。「ブラウザ版トークンを開く」でトークンを作成し、表示されたシリアル番号とワンタイムパスワードを入力してください。',
    en: 'This is your first sign-in. Register a software token of your own: make one with “Open the browser token”, then enter the serial number and the one-time password it shows.',
  },
  openTokenApp: { ja: 'ブラウザ版トークンを開く', en: 'Open the browser token' },
  wrongCode: { ja: 'ワンタイムパスワードが正しくありません。', en: 'The one-time password is not correct.' },
  wrongCodeWarn: { ja: 'あと1回誤るとロックされます。', en: 'One more wrong code will lock your operator ID.' },
  unknownSerial: { ja: 'シリアル番号が正しくありません。', en: 'The serial number is not correct.' },
  checkDigit: { ja: 'シリアル番号の確認桁が正しくありません。入力を確認してください。', en: 'The check digit of the serial number is wrong: please check what you typed.' },
  operatorLocked: {
    ja: 'オペレーターIDがロックされています。管理者にロック解除を依頼してください。',
    en: 'Your operator ID is locked. Ask an administrator to unlock it.',
  },
  throttled: { ja: 'しばらく時間をおいてからお試しください。', en: 'Please wait a while and try again.' },
  signInEnded: {
    ja: 'ログインの途中でオペレーターIDの状態が変わりました（ロック、トークンの再登録など）。もう一度ログインしてください。',
    en: 'Your operator ID changed while you were signing in (a lock, a token reset). Please sign in again.',
  },
  tooManyAttemptsTitle: { ja: 'ログインを一時停止しています', en: 'Sign-in is paused for a while' },
  tooManyAttempts: {
    ja: 'この端末のネットワークからのログインの試行が多すぎるため、受け付けを一時停止しています。しばらく時間をおいてからお試しください。',
    en: 'Too many sign-in attempts have come from this network, so they are paused for a while. Please wait a while and try again.',
  },
  tokenUnusable: {
    ja: 'トークンが利用できません。管理者にトークンの再登録を依頼してください。',
    en: 'Your token cannot be used. Ask an administrator to reset your token.',
  },
  timedOut: { ja: '一定時間操作がなかったため、ログアウトしました。', en: 'You were logged out after a period without activity.' },
  loggedOut: { ja: 'ログアウトしました。', en: 'You have logged out.' },

  homeTitle: { ja: 'メニュー', en: 'Menu' },
  navLabel: { ja: 'メニュー', en: 'Menu' },
  navCustomers: { ja: 'お客様検索', en: 'Find a customer' },
  navApprovals: { ja: '承認待ち', en: 'Awaiting approval' },
  navOpenContract: { ja: '新規契約', en: 'Open a contract' },
  navAudit: { ja: '監査ログ', en: 'Audit log' },
  navOperators: { ja: 'オペレーター管理', en: 'Operators' },
  searchLabel: { ja: '契約者ID または 氏名', en: 'Contract ID or name' },
  searchHint: { ja: '契約者ID(10桁)は完全一致、氏名は部分一致で検索します。', en: 'A contract ID (10 digits) matches exactly; a name matches any part.' },
  searchTitle: { ja: 'お客様検索', en: 'Find a customer' },
  noHits: { ja: '該当するお客様はいません。', en: 'No customer matches.' },
  tooManyHits: { ja: '表示は先頭50件までです。条件を絞ってください。', en: 'Only the first 50 are shown: narrow the search.' },

  contractId: { ja: '契約者ID', en: 'Contract ID' },
  name: { ja: '氏名', en: 'Name' },
  status: { ja: '状態', en: 'Status' },
  statusActive: { ja: '利用中', en: 'Active' },
  statusSuspended: { ja: '利用一時停止中', en: 'Suspended' },
  locked: { ja: 'ロック中', en: 'Locked' },
  // The one status line (customer-status.ts statusLineOf), with what it means for the customer.
  statusReissueWaiting: { ja: 'トークン再発行待ち', en: 'Waiting for the reissued token' },
  statusMeaning: {
    suspended: { ja: 'ログインもお取引もできません。再開は書面(利用再開)で。', en: 'Cannot sign in or do anything: resuming needs a written request.' },
    locked: { ja: 'ロックが解除されるまでログインできません。解除は書面(ロック解除)で。', en: 'Cannot sign in until unlocked on a written request.' },
    reissue_waiting: { ja: 'お客様が新しいトークンを利用登録するまで、ワンタイムパスワードは使えません。', en: 'No one-time password until the customer registers the new token.' },
    active: { ja: 'ご利用いただけます。', en: 'Can use internet banking.' },
  },
  lockOf: { password: { ja: 'パスワード', en: 'password' }, otp: { ja: 'ワンタイムパスワード', en: 'one-time password' } },
  reissueOpen: { ja: 'お客様の再登録待ち(再登録できます)', en: 'the customer may register it now' },
  reissueFrom: { ja: 'から再登録可能', en: 'is when registration opens' },
  customerTitle: { ja: 'お客様情報', en: 'Customer' },
  token: { ja: 'ソフトウェアトークン', en: 'Software token' },
  tokenNone: { ja: '未登録', en: 'Not registered' },
  tokenKinds: { mobile: { ja: 'スマートフォン用', en: 'mobile' }, desktop: { ja: 'パソコン用', en: 'desktop' } },
  tokenSince: { ja: '登録日時', en: 'Registered' },
  tokenDeregisteredAt: { ja: '利用中止日時', en: 'Deregistered' },
  registrationBlockedUntil: { ja: '再登録可能になる日時', en: 'Registration reopens' },
  otpCounter: { ja: 'ワンタイムパスワード誤り回数', en: 'Wrong one-time passwords' },
  passwordCounter: { ja: 'パスワード誤り回数', en: 'Wrong passwords' },
  passwordChangeRequired: { ja: '次回ログイン時にパスワード変更が必要', en: 'Must change the password at the next login' },
  dailyLimit: { ja: '1日あたり振込限度額', en: 'Daily transfer limit' },
  pendingRaise: { ja: 'お客様による引き上げの予約', en: 'Raise pending (by the customer)' },
  fromTime: { ja: 'から', en: 'onwards' },
  limitCap: { ja: '新規契約・トークン登録後の振込上限', en: 'Cap after a new contract or token' },
  perDay: { ja: '1日', en: 'a day' },
  limitCapSinceToken: { ja: 'トークン登録から', en: 'since a token registration' },
  limitCapSinceContract: { ja: 'ご契約から', en: 'since the contract was opened' },
  limitCapEnds: { ja: 'から通常の限度額', en: 'the usual limit from then' },
  createdAt: { ja: '契約日時', en: 'Contract opened' },
  // The customer's history: audit records as sentences (audit-sentences.ts), a page at a time.
  historyTitle: { ja: '操作履歴', en: 'History' },
  historyGroup: { ja: '履歴の種類', en: 'Kind of event' },
  historyGroups: {
    signin: { ja: 'ログイン・ロック', en: 'Sign-in and locks' },
    token: { ja: 'トークン', en: 'Token' },
    transfers: { ja: '振込・振込先', en: 'Transfers and payees' },
    settings: { ja: '設定・届出', en: 'Settings' },
    branch: { ja: '営業店の操作', en: 'Done by the branch' },
  },
  historyShow: { ja: '表示', en: 'Show' },
  historyNone: { ja: 'この条件の履歴はありません。', en: 'No event of this kind.' },
  historyBadGroup: { ja: '履歴の種類が正しくありません。一覧から選んでください。', en: 'That kind of event does not exist: choose one from the list.' },
  historyBadPage: { ja: 'ページ番号が正しくありません。1以上の数字で指定してください。', en: 'The page number is not valid: use a whole number from 1.' },
  actionGroups: {
    unlock: { ja: 'ロック解除', en: 'Unlocking' },
    token: { ja: 'トークン', en: 'Token' },
    use: { ja: '利用停止・再開', en: 'Suspending and resuming' },
    password: { ja: 'ログインパスワード', en: 'Login password' },
    limit: { ja: '振込限度額', en: 'Transfer limits' },
    notices: { ja: '届出事項の変更', en: 'Changes to what the customer told us' },
  },
  none: { ja: 'なし', en: 'None' },
  pendingForCustomer: { ja: '承認待ちの申請', en: 'Proposals awaiting approval' },
  actionsTitle: { ja: '書面による手続き', en: 'Written requests' },
  actionsLead: {
    ja: 'お客様から提出された当金庫所定の書面の番号と、受付理由を入力してください。「承認が必要」の手続きは、別の役席者の承認後に実行されます。',
    en: 'Enter the number of the written request the customer handed in and the reason. Actions marked “needs approval” take effect when another supervisor approves them.',
  },
  needsApproval: { ja: '承認が必要', en: 'needs approval' },
  immediate: { ja: '即時実行', en: 'immediate' },
  requestFormNo: { ja: '書面番号', en: 'Request form number' },
  requestFormNoHint: { ja: '書面に記載の番号(英数字とハイフン、24文字まで)', en: 'The number on the form (letters, digits and hyphens, up to 24)' },
  reason: { ja: '受付理由', en: 'Reason' },
  newLimit: { ja: '新しい限度額(円)', en: 'New limit (yen)' },
  newLimitHint: { ja: '1万円単位。50万円を超える引き上げは承認が必要です。', en: 'In units of ¥10,000. Raising above ¥500,000 needs approval.' },
  // メールアドレス (issue 14 §1): shown masked on the console; typed from the written request.
  email: { ja: 'メールアドレス', en: 'E-mail address' },
  emailNone: { ja: '未登録', en: 'None' },
  newEmail: { ja: '新しいメールアドレス', en: 'New e-mail address' },
  newEmailHint: { ja: '届出書のとおり半角で入力。変更前と変更後のメールアドレスへお知らせします。', en: 'As on the written request, in ASCII. The old and the new address are told.' },
  contractEmail: { ja: 'メールアドレス(任意)', en: 'E-mail address (optional)' },
  contractEmailHint: { ja: 'お知らせメールの送信先。届出書のとおり半角で入力。', en: 'Where our notices go, as on the written request, in ASCII.' },
  submit: { ja: '申請', en: 'Submit' },

  approvalsTitle: { ja: '承認待ちの申請', en: 'Proposals awaiting approval' },
  noProposals: { ja: '承認待ちの申請はありません。', en: 'Nothing awaits approval.' },
  proposedBy: { ja: '申請者', en: 'Proposed by' },
  proposedAt: { ja: '申請日時', en: 'Proposed at' },
  approve: { ja: '承認', en: 'Approve' },
  reject: { ja: '却下', en: 'Reject' },
  rejectNote: { ja: '却下理由', en: 'Why rejected' },
  rejectNoteHint: { ja: '却下するときに入力してください(承認には不要です)。', en: 'Needed to reject only (not to approve).' },
  ownProposal: { ja: 'ご自身の申請は承認・却下できません。', en: 'You cannot decide your own proposal.' },
  notSupervisor: { ja: '承認は役席者が行います。', en: 'A supervisor decides proposals.' },

  openContractTitle: { ja: '新規契約', en: 'Open a contract' },
  openContractLead: {
    ja: '契約者IDと初回ログインパスワード・確認用パスワードは自動で発行され、お客様カードとして一度だけ表示されます。',
    en: 'The contract ID, the initial login password and the confirmation password are generated and shown once, on the customer card.',
  },
  holderName: { ja: '口座名義(カナ)', en: 'Account holder name (kana)' },
  holderNameHint: { ja: '例: モリ タロウ', en: 'e.g. モリ タロウ' },
  branch: { ja: '取引店舗', en: 'Branch' },
  noBranches: { ja: '取引店舗が登録されていないため、口座を開設できません。', en: 'No branch is set up, so no account can be opened.' },
  open: { ja: '契約する', en: 'Open the contract' },
  cardTitle: { ja: 'お客様カード', en: 'Customer card' },
  cardOnce: {
    ja: 'この画面は一度だけ表示されます。印刷してお客様にお渡しください。パスワードは当金庫にも保存されていません。',
    en: 'This page is shown once only. Print it and hand it to the customer: not even the bank keeps these passwords.',
  },
  print: { ja: '印刷する', en: 'Print' },
  // A resubmission of the same 新規契約 form (reload, double click): the first card's outcome.
  cardIssuedTitle: { ja: 'お客様カード(発行済み)', en: 'Customer card (already issued)' },
  cardAlreadyIssued: {
    ja: 'この新規契約は最初の送信で受け付け済みです。同じ画面からの再送信のため、新しい契約は作成していません。',
    en: 'This contract was opened when the form was first sent. The same form was sent again, so no new contract was opened.',
  },
  cardPasswordsShownOnce: {
    ja: 'パスワードは最初のお客様カードに一度だけ表示したもので、再表示できません。そのカードを紛失した(印刷できなかった)場合は、所定の書面によりお客様カードの再発行が必要です。',
    en: 'The passwords were shown once, on the first customer card, and cannot be shown again. If that card is lost (or was not printed), the customer card must be reissued on a written request.',
  },
  passwordNotShownAgain: { ja: '最初のお客様カードに記載(再表示できません)', en: 'On the first customer card (not shown again)' },
  formAlreadyUsed: {
    ja: 'この画面からはすでに別の内容で契約を受け付けています。新しい契約は「新規契約」から画面を開き直して入力してください。',
    en: 'A contract was already opened from this form with other details. For a new contract, open the 新規契約 form again.',
  },
  formOutdated: {
    ja: '古い画面から送信されたため、受け付けていません。内容をご確認のうえ、もう一度「契約する」を押してください。',
    en: 'The form was out of date, so nothing was opened. Check the details and press the button again.',
  },
  initialLoginPassword: { ja: '初回ログインパスワード', en: 'Initial login password' },
  initialPasswordNote: { ja: '初回ログイン時に変更していただきます。', en: 'To be changed at the first login.' },
  accountNumber: { ja: '口座番号', en: 'Account number' },
  ordinary: { ja: '普通', en: 'Ordinary' },
  issuedAt: { ja: '発行日', en: 'Issued' },
  keepCardSafe: {
    ja: 'このカードは他人に見せず、大切に保管してください。当金庫職員がパスワードをお尋ねすることはありません。',
    en: 'Keep this card safe and show it to no one. Our staff never ask for your passwords.',
  },

  resetDoneTitle: { ja: 'ログインパスワードの再設定', en: 'Login password reset' },
  resetDoneLead: {
    ja: '一時的なログインパスワードです。この画面は一度だけ表示されます。お客様にお伝えください(次回ログイン時に変更していただきます)。',
    en: 'This is the one-time login password. This page is shown once only: hand it to the customer (who must change it at the next login).',
  },

  auditTitle: { ja: '監査ログ', en: 'Audit log' },
  filter: { ja: '絞り込み', en: 'Filter' },
  operator: { ja: 'オペレーター', en: 'Operator' },
  action: { ja: '操作', en: 'Action' },
  any: { ja: 'すべて', en: 'Any' },
  at: { ja: '日時', en: 'At' },
  actor: { ja: '実行者', en: 'Actor' },
  subject: { ja: '対象', en: 'Subject' },
  details: { ja: '詳細', en: 'Details' },
  exportCsv: { ja: 'CSVで出力', en: 'Export CSV' },
  previous: { ja: '前へ', en: 'Previous' },
  next: { ja: '次へ', en: 'Next' },
  pageOf: { ja: 'ページ', en: 'Page' },
  totalLines: { ja: '件', en: 'entries' },

  operatorsTitle: { ja: 'オペレーター管理', en: 'Operators' },
  role: { ja: '権限', en: 'Role' },
  lastSignIn: { ja: '最終ログイン', en: 'Last sign-in' },
  unlockOperator: { ja: 'ロック解除', en: 'Unlock' },
  resetOperatorToken: { ja: 'トークン再登録', en: 'Reset token' },
  enrolled: { ja: '登録済み', en: 'Enrolled' },

  done: { ja: '受け付けました', en: 'Done' },
  proposedNotice: { ja: '申請しました。役席者の承認後に実行されます。', en: 'Proposed: it takes effect when a supervisor approves it.' },
  approvedNotice: { ja: '承認し、実行しました。', en: 'Approved and carried out.' },
  rejectedNotice: { ja: '却下しました。', en: 'Rejected.' },
  suspendedNotice: { ja: '利用を一時停止しました。ご利用中の画面は直ちにログアウトされます。', en: 'Suspended: any session the customer had has ended.' },
  doneNotice: { ja: '実行しました。', en: 'Done.' },
  operatorUnlockedNotice: { ja: 'オペレーターのロックを解除しました。', en: 'The operator is unlocked.' },
  operatorTokenResetNotice: { ja: 'トークンを解除しました。次回ログイン時に再登録します。', en: 'The token is reset: the operator registers a new one at the next sign-in.' },

  errorTitle: { ja: '入力内容をご確認ください', en: 'Please check your input' },
  forbiddenTitle: { ja: '権限がありません', en: 'Not allowed' },
  forbidden: { ja: 'この操作を行う権限がありません。', en: 'Your role does not allow this.' },
  notFoundTitle: { ja: 'ページが見つかりません', en: 'Page not found' },
  notFound: { ja: 'お探しのページは見つかりませんでした。', en: 'The page you asked for does not exist.' },
  customerNotFound: { ja: '該当するお客様はいません。', en: 'No such customer.' },
  csrfTitle: { ja: '画面の有効期限が切れました', en: 'This page has expired' },
  csrf: { ja: 'お手数ですが、もう一度画面を開き直してから操作してください。', en: 'Please open the page again and retry.' },
  unavailableTitle: { ja: 'ただいま処理できません', en: 'Temporarily unavailable' },
  unavailable: { ja: 'しばらく時間をおいてから、もう一度お試しください。', en: 'Please try again in a little while.' },
  internalErrorTitle: { ja: 'システムエラー', en: 'System error' },
  internalError: { ja: '処理中にエラーが発生しました。', en: 'Something went wrong on our side.' },
  errorReference: { ja: 'エラー番号', en: 'Error reference' },
  tooLarge: { ja: '入力内容が大きすぎます。', en: 'The input is too large.' },

  // 入出金明細 (CSV) on a written request (issue 14 §7): the file the customer downloads, audited.
  statementLink: { ja: '入出金明細 (CSV) の出力', en: 'Export the statement (CSV)' },
  statementLead: {
    ja: 'お客様の書面でのお申出により、入出金明細をCSVファイルで出力します。出力は監査ログに記録されます。',
    en: 'At the customer’s written request, the statement is exported as a CSV file. The export is recorded in the audit log.',
  },
  statementAccount: { ja: '口座', en: 'Account' },
  statementOrdinary: { ja: '普通', en: 'Ordinary' },
  statementNoAccount: { ja: 'このお客様の口座はありません。', en: 'This customer has no account.' },
  statementAccountUnknown: { ja: 'このお客様の口座を選んでください。', en: 'Choose one of this customer’s accounts.' },
  statementBack: { ja: 'お客様情報へ戻る', en: 'Back to the customer' },

  // 「心当たりがない」: the customer's own suspension (issue 14 §4), first on the customer list.
  reportsTitle: { ja: '「心当たりがない」のお申出（利用停止済み）', en: '“It wasn’t me” reports (suspended)' },
  reportsLead: {
    ja: 'お客様がログイン履歴から「心当たりがない」を押し、ご利用を停止したお客様です。ご本人へ連絡し、再開は書面でのお届け（承認が必要）で行ってください。',
    en: 'These customers pressed “It wasn’t me” on their sign-in history, which suspended them. Call the customer; resuming needs a written request (with approval).',
  },
  reportsOfCustomer: { ja: '「心当たりがない」のお申出', en: '“It wasn’t me” reports' },
  reportBadge: { ja: '心当たりがない', en: 'It wasn’t me' },
  reportedAt: { ja: 'お申出日時', en: 'Reported' },
  reportedSignIn: { ja: '対象のログイン', en: 'Sign-in reported' },
  reportResolved: { ja: '再開済み', en: 'Resumed' },
} satisfies Record<string, Text | Record<string, Text>>;

export const ACTION_NAMES: Record<CustomerActionKind, Text> = {
  unlock_otp: { ja: 'ワンタイムパスワードのロック解除', en: 'Unlock one-time passwords' },
  unlock_password: { ja: 'パスワードのロック解除', en: 'Unlock the password' },
  reissue_token: { ja: 'トークン再発行', en: 'Reissue the token' },
  suspend: { ja: '利用一時停止(盗難・紛失)', en: 'Suspend (lost or stolen device)' },
  resume: { ja: '利用再開', en: 'Resume' },
  change_limit: { ja: '1日あたり振込限度額の変更', en: 'Change the daily transfer limit' },
  reset_password: { ja: 'ログインパスワードの再設定', en: 'Reset the login password' },
  change_email: { ja: 'メールアドレス変更', en: 'Change the e-mail address' },
  lift_limit_cap: { ja: '新規契約・トークン登録後の振込上限の解除', en: 'Lift the transfer cap after a new contract or token' },
};

export const ROLE_NAMES: Record<OperatorRole, Text> = {
  teller: { ja: '担当者', en: 'Teller' },
  supervisor: { ja: '役席者', en: 'Supervisor' },
  administrator: { ja: '管理者', en: 'Administrator' },
};

/** What an action's failure means, for the operator. */
export const FAILURE_TEXTS = {
  forbidden: C.forbidden,
  customer_not_found: C.customerNotFound,
  not_otp_locked: { ja: 'ワンタイムパスワードはロックされていません。', en: 'One-time passwords are not locked.' },
  not_password_locked: { ja: 'パスワードはロックされていません。', en: 'The password is not locked.' },
  no_token: { ja: 'トークンが登録されていません。', en: 'No token is registered.' },
  already_suspended: { ja: 'すでに利用一時停止中です。', en: 'Already suspended.' },
  not_suspended: { ja: '利用一時停止中ではありません。', en: 'Not suspended.' },
  limit_unchanged: { ja: '現在の限度額と同じです。', en: 'That is the current limit.' },
  email_unchanged: { ja: '登録中のメールアドレスと同じです。', en: 'That is the address already registered.' },
  no_limit_cap: { ja: '新規契約・トークン登録後の振込上限は適用されていません。', en: 'No cap after a new contract or token applies.' },
  limit_not_whole_units: { ja: '限度額は1万円単位で入力してください。', en: 'Enter the limit in units of ¥10,000.' },
  limit_above_maximum: { ja: '限度額の上限(1,000万円)を超えています。', en: 'Above the highest limit (¥10,000,000).' },
  limit_raise_needs_token: {
    ja: 'ワンタイムパスワード(トークン)の登録がないため、50万円を超える限度額にはできません。',
    en: 'Without a registered token the limit cannot go above ¥500,000.',
  },
  already_pending: { ja: '同じ手続きの申請がすでに承認待ちです。', en: 'The same request already awaits approval.' },
  changed_meanwhile: { ja: 'お客様の状態が変わったため実行できませんでした。画面を開き直してください。', en: 'The customer changed meanwhile: nothing was done. Reload the page.' },
  needs_second_person: { ja: 'この手続きには承認が必要です。画面を開き直してください。', en: 'This needs approval now: reload the page.' },
  not_found: { ja: '申請が見つかりません。', en: 'No such proposal.' },
  own_proposal: C.ownProposal,
  already_decided: { ja: 'この申請はすでに処理されています。', en: 'This proposal has already been decided.' },
} satisfies Record<string, Text>;

export type FailureCode = keyof typeof FAILURE_TEXTS;

export const FIELD_PROBLEMS = {
  missing: { ja: '入力してください。', en: 'Please fill this in.' },
  malformed: { ja: '形式が正しくありません。', en: 'This is not in the expected form.' },
  too_long: { ja: '長すぎます。', en: 'This is too long.' },
  control_characters: { ja: '使用できない文字が含まれています。', en: 'This contains characters that cannot be used.' },
  repeated: { ja: '形式が正しくありません。', en: 'This is not in the expected form.' },
  check_digit: C.checkDigit,
} satisfies Record<string, Text>;

/** 2026/11/21 10:05 (Japan time) in both languages: the one date format (src/shared/japan-time.ts). */
export { japanDateTime } from '../../shared/japan-time.js';

export function yen(amount: number, lang: Lang): string {
  return pick(lang, yenPair(amount));
}

/** A page of a customer's history past its last one. */
export function historyNoSuchPage(page: number, pageCount: number): Text {
  return { ja: `${page}ページ目はありません(全${pageCount}ページ)。`, en: `There is no page ${page} (${pageCount} in all).` };
}

/** 「12件」 / "12 events". */
export function historyCount(count: number): Text {
  return { ja: `${count}件`, en: `${count} ${count === 1 ? 'event' : 'events'}` };
}

// Every word the bank site shows, in Japanese (the seeds' words, verbatim where the seeds name
// them) and English. Institution-specific words (its name, the name of its confirmation
// password, its support centre) are passed in.
import { japanDayStart } from '../../shared/japan-time.js';
import type { EmailAddressProblem } from '../../banking/email-address.js';
import type { Text } from '../i18n.js';

export const T = {
  service: { ja: 'パーソナルWeb', en: 'Personal Web' },
  skipToContent: { ja: '本文へ移動', en: 'Skip to content' },
  otherLanguage: { ja: 'English', en: '日本語' },
  help: { ja: 'ヘルプ', en: 'Help' },
  toolsLabel: { ja: 'ツール', en: 'Tools' },
  stepsLabel: { ja: '手順', en: 'Steps' },

  contractId: { ja: '契約者ID', en: 'Contract ID' },
  contractIdHint: { ja: 'お客様カードに書かれている契約者ID(利用者番号)10桁', en: 'The 10-digit contract ID on your customer card' },
  loginPassword: { ja: 'ログインパスワード', en: 'Login password' },
  otp: { ja: 'ワンタイムパスワード', en: 'One-time password' },
  otpHint: { ja: 'アプリに表示された6桁の数字(30秒ごとに更新されます)', en: 'The 6 digits shown in the app (they change every 30 seconds)' },
  serial: { ja: 'シリアル番号', en: 'Serial number' },
  serialHint: { ja: 'アプリに表示されたシリアル番号(英字4文字と数字8桁)', en: 'The serial number shown in the app (4 letters and 8 digits)' },
  inputNote: {
    ja: '半角英数字で入力願います。英字は大文字と小文字を区別しますのでご注意願います。',
    en: 'Passwords are case-sensitive: upper- and lower-case letters are different.',
  },

  login: { ja: 'ログイン', en: 'Log in' },
  next: { ja: '次へ', en: 'Next' },
  confirm: { ja: '確認', en: 'Confirm' },
  register: { ja: '登録', en: 'Register' },
  stop: { ja: '停止', en: 'Stop' },
  backToLogin: { ja: 'ログイン画面に戻る', en: 'Back to the login page' },
  toLogin: { ja: 'ログイン画面へ', en: 'To the login page' },
  logout: { ja: 'ログアウト', en: 'Log out' },

  startUse: { ja: '利用開始', en: 'Start using' },
  stopUse: { ja: '利用中止', en: 'Stop using' },
  exchange: { ja: '利用登録/交換', en: 'Register / exchange' },
  otpLinksLead: { ja: 'ワンタイムパスワード(ソフトウェアトークン)', en: 'One-time passwords (software token)' },

  loginTitle: { ja: 'ログイン', en: 'Log in' },
  otpTitle: { ja: 'ワンタイムパスワード認証', en: 'One-time password check' },
  otpLead: {
    ja: 'ソフトウェアトークンアプリを起動し、表示された「ワンタイムパスワード」を入力して「確認」をクリックしてください。',
    en: 'Open the software token app, enter the one-time password it shows and press “Confirm”.',
  },
  mainTitle: { ja: 'メイン', en: 'Main menu' },
  registerTitle: { ja: 'ワンタイムパスワード利用開始', en: 'Start using one-time passwords' },
  deregisterTitle: { ja: 'ワンタイムパスワード利用中止', en: 'Stop using one-time passwords' },
  exchangeTitle: { ja: 'ワンタイムパスワード利用登録/交換', en: 'Register / exchange your token' },
  stepAuth: { ja: '利用者認証', en: 'Identity check' },
  stepRegisterToken: { ja: 'ワンタイムパスワード登録', en: 'Token registration' },
  stepOtpInput: { ja: 'ワンタイムパスワード入力', en: 'One-time password' },
  stepCurrentToken: { ja: '現トークンの確認', en: 'Current token' },
  stepNewToken: { ja: '新トークンの登録', en: 'New token' },
  stepResult: { ja: '処理結果の確認', en: 'Result' },

  authLead: {
    ja: 'お客様カードに書かれている「契約者ID(利用者番号)」と「ログインパスワード」を入力し、「次へ」をクリックしてください。',
    en: 'Enter the contract ID on your customer card and your login password, then press “Next”.',
  },
  registerTokenLead: {
    ja: 'ソフトウェアトークンアプリに表示された「シリアル番号」と「ワンタイムパスワード」を入力してください。',
    en: 'Enter the serial number and the one-time password shown in the software token app.',
  },
  deregisterTokenLead: {
    ja: 'ソフトウェアトークンアプリを起動し、表示された「ワンタイムパスワード」を入力してください。',
    en: 'Open the software token app and enter the one-time password it shows.',
  },
  exchangeCurrentLead: {
    ja: '現在ご利用中のトークン(現トークン)に表示されている「ワンタイムパスワード」を入力してください。',
    en: 'Enter the one-time password shown by the token you use now (your current token).',
  },
  exchangeNewLead: {
    ja: '新しいトークン(新トークン)に表示されている「シリアル番号」と「ワンタイムパスワード」を入力してください。',
    en: 'Enter the serial number and the one-time password shown by your new token.',
  },
  registerLinkNote: {
    ja: 'この操作によりパーソナルWebとトークンが関連付けされ、ワンタイムパスワードが利用可能になります。',
    en: 'This links the token to your Personal Web contract, and one-time passwords can then be used.',
  },

  registerDone: { ja: 'ワンタイムパスワードの利用開始が完了しました', en: 'You can now use one-time passwords.' },
  registerDoneNext: {
    ja: '次回のログインから、ログインパスワードに加えてワンタイムパスワードを入力してください。',
    en: 'From your next login, enter a one-time password after your login password.',
  },
  deregisterDone: { ja: 'ワンタイムパスワードの利用を中止しました', en: 'You have stopped using one-time passwords.' },
  deregisterDoneDevice: {
    ja: 'ソフトウェアトークン端末の変更(買い替え)の場合は、新しい端末にてソフトウェアトークンのダウンロードおよび利用開始操作をお願いします。',
    en: 'If you are changing your device, install the software token on the new device and register it with “Start using”.',
  },
  deregisterDoneLimit: {
    ja: '振込限度額を50万円超に設定されているお客様につきましては、利用中止後、ワンタイムパスワード未登録の状態が一定期間継続された場合、振込限度額を50万円に引き下げさせていただきます。お早めに利用開始操作をお願いします。',
    en: 'If your daily transfer limit is above ¥500,000, it will be lowered to ¥500,000 when no token is registered for a while. Please register a token soon.',
  },
  exchangeDone: { ja: 'ワンタイムパスワードの利用登録/交換が完了しました', en: 'Your new token is registered.' },
  exchangeDoneNext: {
    ja: 'これまでのトークンのワンタイムパスワードはご利用いただけません。次回のログインから新しいトークンをご利用ください。',
    en: 'The old token’s one-time passwords no longer work. Use the new token from now on.',
  },

  tokenStatus: { ja: 'ワンタイムパスワード', en: 'One-time passwords' },
  tokenInUse: { ja: '利用中', en: 'In use' },
  tokenNotRegistered: { ja: '未登録', en: 'Not registered' },
  noTokenNoticeTitle: { ja: 'ワンタイムパスワードが未登録です', en: 'No token is registered' },
  noTokenNotice: {
    ja: 'なりすまし対策に有効なワンタイムパスワード(ソフトウェアトークン)を是非ご利用ください。ログアウト後、ログイン画面の「利用開始」から登録できます。',
    en: 'One-time passwords protect you against someone using your stolen ID and password. Log out and choose “Start using” on the login page to register a token.',
  },
  menuTitle: { ja: 'メニュー', en: 'Menu' },
  menuHelp: { ja: 'ワンタイムパスワードにかかるQ&A', en: 'Questions about one-time passwords' },
  loggedOut: { ja: 'ログアウトしました。', en: 'You have logged out.' },
  timedOut: {
    ja: '一定時間操作がなかったため、ログアウトしました。再度ログインしてください。',
    en: 'You were logged out because nothing happened for a while. Please log in again.',
  },
  // The branch ended the session (a note left by src/identity/sessions.ts endSessionsOf): shown on the login page.
  endedSuspendedTitle: { ja: 'ご利用を一時停止しました', en: 'Internet banking has been suspended' },
  endedSuspended: {
    ja: 'インターネットバンキングのご利用を一時停止しました。再開には、お取引店舗へ書面でのお手続きが必要です。',
    en: 'We have suspended your use of internet banking. To use it again, please apply in writing at your branch.',
  },
  endedTokenReissuedTitle: { ja: 'トークンが再発行されました', en: 'Your token has been reissued' },
  endedTokenReissued: {
    ja: 'お取引店舗でトークン再発行のお手続きが行われたため、ログアウトしました。これまでのトークンはご利用いただけません。新しいトークンは、しばらくしてからこの画面の「利用開始」で登録してください。',
    en: 'You were logged out because your token was reissued at your branch. The old token no longer works. After a short wait, register the new one with “Start using” on this page.',
  },
  endedPasswordResetTitle: { ja: 'ログインパスワードが再設定されました', en: 'Your login password has been reset' },
  endedPasswordReset: {
    ja: 'お取引店舗でログインパスワードの再設定が行われたため、ログアウトしました。お取引店舗でお渡しした新しいログインパスワードでログインし、パスワードを変更してください。',
    en: 'You were logged out because your login password was reset at your branch. Log in with the new password the branch gave you, then choose a password of your own.',
  },
  endedNotYou: {
    ja: 'お心当たりのない場合は、下記までご連絡ください。',
    en: 'If you did not ask for this, please contact us.',
  },

  // The forced change of a login password the branch set (initial or reset).
  passwordChangeTitle: { ja: 'ログインパスワードの変更', en: 'Change your login password' },
  passwordChangeLead: {
    ja: 'お取引店舗で設定されたログインパスワードでログインしました。安全のため、お客様ご自身で新しいログインパスワードを設定してください。変更が完了するまで、他のお取引はご利用いただけません。',
    en: 'You logged in with a password set by your branch. For your security, choose a new login password of your own. Nothing else can be used until you have changed it.',
  },
  currentPassword: { ja: '現在のログインパスワード', en: 'Current login password' },
  currentPasswordHint: { ja: 'お取引店舗でお渡ししたログインパスワード', en: 'The password your branch gave you' },
  newPassword: { ja: '新しいログインパスワード', en: 'New login password' },
  newPasswordHint: {
    ja: '半角英数字8文字以上64文字以内で、英字と数字をそれぞれ1文字以上含めてください(記号も使えます)。現在のパスワードと同じもの、契約者IDを含むものは設定できません。',
    en: '8 to 64 characters with at least one letter and one digit (symbols may be used). It must not be your current password or contain your contract ID.',
  },
  newPasswordAgain: { ja: '新しいログインパスワード(確認用)', en: 'New login password (again)' },
  newPasswordAgainHint: { ja: '確認のため、もう一度入力してください。', en: 'Enter it once more to confirm.' },
  change: { ja: '変更', en: 'Change' },
  currentPasswordWrong: { ja: '現在のログインパスワードが正しくありません。', en: 'The current login password is not correct.' },
  newPasswordCharacters: {
    ja: '新しいログインパスワードに使用できない文字が含まれています。半角の英字・数字・記号で入力してください。',
    en: 'The new login password contains characters that cannot be used. Use letters, digits and symbols (no spaces).',
  },
  newPasswordLength: {
    ja: '新しいログインパスワードは8文字以上64文字以内で入力してください。',
    en: 'The new login password must be 8 to 64 characters long.',
  },
  newPasswordLettersAndDigits: {
    ja: '新しいログインパスワードには英字と数字をそれぞれ1文字以上含めてください。',
    en: 'The new login password must contain at least one letter and one digit.',
  },
  newPasswordSameAsCurrent: {
    ja: '現在のログインパスワードとは異なるパスワードを設定してください。',
    en: 'Choose a password different from the current one.',
  },
  newPasswordContainsContractId: {
    ja: '契約者IDを含むパスワードは設定できません。',
    en: 'The new login password must not contain your contract ID.',
  },
  newPasswordMismatch: {
    ja: '確認用に入力された新しいログインパスワードが一致しません。',
    en: 'The two new passwords you entered do not match.',
  },

  // メールアドレス (the notification address, issue 14 §1).
  emailTitle: { ja: 'メールアドレス', en: 'E-mail address' },
  emailLead: {
    ja: '当金庫からのお知らせメール（お取引やお手続きのご連絡）の送信先です。メールにURLを記載することはありません。',
    en: 'Where our notices (of your transactions and changes to your internet banking) are sent. Our mails never contain a link.',
  },
  emailCurrent: { ja: '登録中のメールアドレス', en: 'Registered address' },
  emailNone: { ja: '登録されていません', en: 'None registered' },
  emailNoneNotice: {
    ja: 'メールアドレスが登録されていないため、お取引やお手続きのお知らせメールをお送りできません。',
    en: 'No address is registered, so we cannot send you notices of your transactions and changes.',
  },
  emailChangeTitle: { ja: 'メールアドレスの登録・変更', en: 'Register or change the address' },
  emailStepAddress: { ja: '新しいメールアドレス', en: 'New address' },
  emailStepCode: { ja: '確認コードの入力', en: 'Confirmation code' },
  emailStepDone: { ja: '変更完了', en: 'Done' },
  emailNew: { ja: '新しいメールアドレス', en: 'New e-mail address' },
  emailNewHint: { ja: '半角英数字で入力してください(例: taro@example.jp)', en: 'For example taro@example.jp' },
  emailOtpLead: {
    ja: '新しいメールアドレスとワンタイムパスワードを入力し、「確認コードを送信」をクリックしてください。新しいメールアドレスあてに6桁の確認コードをお送りします。',
    en: 'Enter the new address and a one-time password, then press “Send the confirmation code”. We send a 6-digit code to the new address.',
  },
  emailSendCode: { ja: '確認コードを送信', en: 'Send the confirmation code' },
  emailCode: { ja: '確認コード', en: 'Confirmation code' },
  emailCodeHint: { ja: 'メールに記載の6桁の数字', en: 'The 6 digits in the mail' },
  emailCodeFormat: { ja: '確認コードは6桁の数字で入力してください。', en: 'The confirmation code is 6 digits.' },
  emailResend: { ja: '確認コードを再送信', en: 'Send a new code' },
  emailResent: { ja: '新しい確認コードをお送りしました。以前の確認コードは使えません。', en: 'We sent a new code. The previous code can no longer be used.' },
  emailChangeAddress: { ja: 'メールアドレスを入力しなおす', en: 'Enter another address' },
  emailChanged: { ja: 'メールアドレスを登録しました。今後のお知らせはこのメールアドレスへお送りします。', en: 'The address is registered. From now on, our notices go to it.' },
  emailChangedOldTold: { ja: '変更前のメールアドレスにも変更のお知らせをお送りしました。', en: 'We told the previous address of the change as well.' },
  emailSame: { ja: '登録中のメールアドレスと同じです。', en: 'This is the address already registered.' },
  emailCodeWrong: { ja: '確認コードが正しくありません。', en: 'The confirmation code is not correct.' },
  emailCodeExpired: {
    ja: '確認コードの有効期限が切れました。「確認コードを再送信」で新しい確認コードを受け取ってください。',
    en: 'The confirmation code has expired. Press “Send a new code” to receive a new one.',
  },
  emailCodeUsedUp: {
    ja: '確認コードを所定の回数誤って入力されたため、この確認コードは使えなくなりました。「確認コードを再送信」で新しい確認コードを受け取ってください。',
    en: 'The confirmation code was entered wrongly too many times and can no longer be used. Press “Send a new code” to receive a new one.',
  },
  emailNothingUnderWay: { ja: 'お手続き中のメールアドレス変更はありません。', en: 'No change of address is under way.' },

  errorTitle: { ja: '入力内容をご確認ください', en: 'Please check what you entered' },
  loginFailed: {
    ja: '契約者IDまたはログインパスワードが正しくないか、現在ご利用いただけない状態です。',
    en: 'The contract ID or the login password is not correct, or the service cannot be used at present.',
  },
  wrongCode: { ja: 'ワンタイムパスワードが正しくありません。', en: 'The one-time password is not correct.' },
  wrongCodeRetry: {
    ja: 'アプリに表示されている最新のワンタイムパスワードを入力してください。',
    en: 'Enter the latest one-time password shown in the app.',
  },
  lockedTitle: { ja: 'ワンタイムパスワードがロックされています', en: 'One-time passwords are locked' },
  lockedBody: {
    ja: 'ワンタイムパスワードを一定回数以上誤って入力されたため、インターネットバンキングをご利用いただけません。',
    en: 'A wrong one-time password was entered too many times, so internet banking cannot be used.',
  },
  lockedHowTo: {
    ja: 'お取引店舗へ当金庫所定の書面(ワンタイムパスワードのロック解除)にて届出ください。',
    en: 'Please submit our written request form (one-time password unlock) at your branch.',
  },
  passwordLockedTitle: { ja: 'ご利用いただけなくなりました', en: 'The service can no longer be used' },
  throttled: { ja: 'しばらく時間をおいてから再度お試しください。', en: 'Please wait a while and try again.' },
  tooManyAttemptsTitle: { ja: 'ログインを一時停止しています', en: 'Sign-in is paused for a while' },
  tooManyAttempts: {
    ja: 'お使いのネットワークからのログインの試行が多すぎるため、受け付けを一時停止しています。しばらく時間をおいてから再度お試しください。',
    en: 'Too many sign-in attempts have come from your network, so they are paused for a while. Please wait a while and try again.',
  },
  tokenUnusable: {
    ja: 'ご登録のトークンはご利用いただけません。お取引店舗へ当金庫所定の書面(トークン再発行)にて届出ください。',
    en: 'Your registered token cannot be used. Please submit our written request form (token reissue) at your branch.',
  },
  unknownSerial: {
    ja: 'シリアル番号またはワンタイムパスワードが正しくありません。アプリに表示された内容をご確認ください。',
    en: 'The serial number or the one-time password is not correct. Please check what the app shows.',
  },
  alreadyRegistered: {
    ja: 'ワンタイムパスワードはすでに利用登録されています。利用登録できるソフトウェアトークンは1契約につき1つです。トークンを交換する場合は「利用登録/交換」から操作してください。',
    en: 'A token is already registered. Only one token can be registered per contract; to change it, use “Register / exchange”.',
  },
  notRegistered: {
    ja: 'ワンタイムパスワードは利用登録されていません。ログイン画面の「利用開始」から登録してください。',
    en: 'No token is registered. Register one with “Start using” on the login page.',
  },
  changedMeanwhile: {
    ja: 'ご登録内容が変更されたため、処理を完了できませんでした。お手数ですが、最初からやり直してください。',
    en: 'Your registration changed meanwhile, so this could not be completed. Please start again.',
  },
  sameToken: {
    ja: '現在ご利用中のトークンです。新しいトークンのシリアル番号を入力してください。',
    en: 'This is the token you use now. Enter the serial number of the new token.',
  },
  unavailableTitle: { ja: 'ただいまご利用いただけません', en: 'Temporarily unavailable' },
  unavailable: {
    ja: 'ただいま処理を行うことができません。しばらくしてから再度お試しください。お手続きは完了していません。',
    en: 'We cannot process this right now. Please try again later. Nothing has been changed.',
  },
  csrfTitle: { ja: '操作を受け付けられませんでした', en: 'This request was not accepted' },
  csrf: {
    ja: '画面の有効期限が切れたか、正しくない操作が行われました。お手数ですが、最初からやり直してください。',
    en: 'The page has expired or the request was not valid. Please start again.',
  },
  notFoundTitle: { ja: 'ページが見つかりません', en: 'Page not found' },
  notFound: { ja: 'お探しのページは見つかりませんでした。', en: 'The page you asked for does not exist.' },
  tooLargeTitle: { ja: '入力内容が長すぎます', en: 'Too much was sent' },
  tooLarge: { ja: '入力内容が長すぎるため、受け付けられませんでした。', en: 'What was sent is too long to be accepted.' },
  internalErrorTitle: { ja: 'エラーが発生しました', en: 'Something went wrong' },
  internalError: {
    ja: '申し訳ございません。エラーが発生しました。お手続きは完了していない可能性があります。しばらくしてから再度お試しください。',
    en: 'Sorry, something went wrong on our side. Your request may not have been completed. Please try again later.',
  },
  errorReference: { ja: 'お問い合わせ番号', en: 'Reference' },
  contactUs: { ja: 'お問い合わせ先', en: 'Contact' },

  // 前回ログイン日時, ログイン履歴 and 「心当たりがない」 (issue 14 §3–4; DESIGN §3.5 names them).
  previousSignIn: { ja: '前回ログイン日時', en: 'Previous sign-in' },
  previousSignInNone: { ja: '今回が初めてのログインです', en: 'This is your first sign-in' },
  menuSignInHistory: { ja: 'ログイン履歴', en: 'Sign-in history' },
  signInHistoryTitle: { ja: 'ログイン履歴', en: 'Sign-in history' },
  signInHistoryLead: {
    ja: '最近30件のログインとログインの失敗を新しい順に表示しています。心当たりのないものがあれば、選んで「心当たりがない」を押してください。インターネットバンキングのご利用をすぐに停止します。',
    en: 'Your latest 30 sign-ins and failed attempts, newest first. If one was not you, choose it and press “It wasn’t me”: your internet banking is suspended at once.',
  },
  signInHistoryEmpty: { ja: 'ログインの記録はまだありません。', en: 'No sign-ins have been recorded yet.' },
  historyAt: { ja: '日時', en: 'Date and time' },
  historyResult: { ja: '結果', en: 'Result' },
  historyMethod: { ja: '方法', en: 'Method' },
  historyEnvironment: { ja: 'ご利用環境', en: 'Browser, system and address' },
  historyChoose: { ja: '選択', en: 'Choose' },
  resultSuccess: { ja: 'ログイン', en: 'Signed in' },
  resultWrongPassword: { ja: 'パスワード誤り', en: 'Wrong password' },
  resultWrongCode: { ja: 'ワンタイムパスワード誤り', en: 'Wrong one-time password' },
  resultLocked: { ja: 'ロック', en: 'Locked' },
  methodPasswordOtp: { ja: 'パスワード＋ワンタイムパスワード', en: 'Password and one-time password' },
  methodPassword: { ja: 'パスワードのみ', en: 'Password only' },
  environmentUnknown: { ja: '記録なし', en: 'Not recorded' },
  historyPages: { ja: 'ページ', en: 'Pages' },
  historyPageBad: { ja: 'ページの指定が正しくありません。', en: 'That page does not exist.' },
  notMe: { ja: '心当たりがない', en: 'It wasn’t me' },
  notMeTitle: { ja: 'ご利用の停止（心当たりがない）', en: 'Suspend internet banking (it wasn’t me)' },
  notMeLead: {
    ja: '次のログイン（またはログインの失敗）に心当たりがない場合は、「停止」を押してください。インターネットバンキングのご利用をすぐに停止し、ログイン中のすべての画面を終了します。',
    en: 'If the sign-in (or failed attempt) below was not you, press “Stop”: your internet banking is suspended at once, and every signed-in page ends.',
  },
  notMeResume: {
    ja: 'ご利用の再開には、お取引店舗へ当金庫所定の書面でのお届けが必要です。',
    en: 'To use it again, you will submit our written request form at your branch.',
  },
  notMeCancel: { ja: 'ログイン履歴に戻る', en: 'Back to the sign-in history' },
  notMeChooseOne: { ja: '心当たりのない履歴を1つ選んでください。', en: 'Choose the entry that was not you.' },
  notMeDoneTitle: { ja: 'ご利用を停止しました', en: 'Internet banking suspended' },
  notMeDone: {
    ja: 'インターネットバンキングのご利用を停止しました。ログイン中のすべての画面は終了しました。',
    en: 'Your internet banking is suspended. Every signed-in page has ended.',
  },
  notMeDoneNext: {
    ja: '至急、お取引店舗または下記のお問い合わせ先へお電話ください。パスワードの変更とご利用の再開は、お取引店舗でのお手続きとなります。',
    en: 'Please call your branch or the contact below at once. Changing your password and resuming internet banking are done at your branch.',
  },
  notMeNotActiveTitle: { ja: 'ご利用は停止されています', en: 'Internet banking is suspended' },
  notMeNotActive: {
    ja: 'インターネットバンキングのご利用はすでに停止されています。お取引店舗または下記のお問い合わせ先へお電話ください。',
    en: 'Your internet banking is already suspended. Please call your branch or the contact below.',
  },

  // パスワード変更: the customer changes their own login or confirmation password (issue 14 §6).
  menuPasswordSettings: { ja: 'パスワード変更', en: 'Change passwords' },
  passwordSettingsTitle: { ja: 'パスワード変更', en: 'Change passwords' },
  passwordSettingsLead: {
    ja: '変更するパスワードを選んでください。どちらも、現在のパスワードとワンタイムパスワード(ワンタイムパスワードをご利用でない場合は、もう一方のパスワード)で本人確認をします。',
    en: 'Choose the password to change. Either change is confirmed with the current password and a one-time password (without a token, with your other password).',
  },
  loginPasswordSettingsTitle: { ja: 'ログインパスワード変更', en: 'Change the login password' },
  loginPasswordSettingsLead: {
    ja: '現在のログインパスワードと新しいログインパスワードを入力してください。変更すると、ほかの端末でのログインはすべて終了します。',
    en: 'Enter your current login password and the new one. After the change, you are signed out everywhere else.',
  },
  settingsCurrentPasswordHint: { ja: 'いまお使いのログインパスワード', en: 'The login password you use now' },
  settingsOtpHint: { ja: 'トークンに表示されている6桁の数字', en: 'The 6 digits your token shows now' },
  settingsNoTokenLoginCheck: {
    ja: 'ワンタイムパスワードをご利用でないため、ログインパスワードで本人確認をします。',
    en: 'You do not use one-time passwords, so your login password confirms it is you.',
  },
  settingsLoginPassword: { ja: 'ログインパスワード', en: 'Login password' },
  loginPasswordChanged: {
    ja: 'ログインパスワードを変更しました。ほかの端末でのログインはすべて終了しました。次回から新しいログインパスワードでログインしてください。',
    en: 'Your login password has been changed, and you are signed out everywhere else. Sign in with the new password from now on.',
  },
  newConfirmationSameAsCurrent: { ja: '現在と同じ番号は設定できません。', en: 'Choose a number different from the current one.' },
  newConfirmationTooSimple: {
    ja: '同じ数字の繰り返しや、連続した数字(123456、987654など)は設定できません。',
    en: 'One digit repeated, or a run such as 123456 or 987654, cannot be used.',
  },
  backToPasswordSettings: { ja: 'パスワード変更メニューへ戻る', en: 'Back to changing passwords' },
  backToMain: { ja: 'メインへ戻る', en: 'Back to the main menu' },
  // The idle timeout on signed-in pages (layout.ts, /assets/session-timer.js): said without
  // JavaScript, warned a minute before with it.
  sessionEndsBefore: { ja: '操作がないまま ', en: 'If nothing is done, you will be logged out automatically at ' },
  sessionEndsAfter: { ja: ' を過ぎると、自動的にログアウトします。', en: '.' },
  sessionWarning: {
    ja: 'まもなく(1分後に)自動的にログアウトします。続けてご利用になる場合は「ログインを延長する」を押してください。入力中の内容はそのまま残ります。',
    en: 'You will be logged out automatically in one minute. To go on, press “Stay logged in”; what you have typed stays as it is.',
  },
  sessionExtend: { ja: 'ログインを延長する', en: 'Stay logged in' },
  sessionExtended: { ja: 'ログインを延長しました。', en: 'You are still logged in.' },
  sessionExtendFailed: {
    ja: '延長できませんでした。通信状態をご確認のうえ、もう一度「ログインを延長する」を押してください。',
    en: 'The bank could not be reached. Check your connection and press “Stay logged in” again.',
  },
  passwordChangedAtSignIn: {
    ja: 'ログインパスワードを変更しました。次回から新しいログインパスワードでログインしてください。',
    en: 'Your login password has been changed. Log in with the new password from now on.',
  },
} satisfies Record<string, Text>;

export type TextKey = keyof typeof T;

export function welcome(name: string): Text {
  return { ja: `${name} 様、ようこそパーソナルWebへ。`, en: `Welcome to Personal Web, ${name}.` };
}

export function withRemaining(remaining: number): Text {
  return {
    ja: `あと${remaining}回誤るとロックされます。`,
    en: remaining === 1 ? 'One more wrong code will lock internet banking.' : `${remaining} more wrong codes will lock internet banking.`,
  };
}

export function positionLabel(position: number): Text {
  const ordinal = position === 1 ? '1st' : position === 2 ? '2nd' : position === 3 ? '3rd' : `${position}th`;
  return { ja: `${position}桁目`, en: `${ordinal} digit` };
}

export function positionsLead(name: Text, positions: number[]): Text {
  return {
    ja: `${name.ja}の、指定された桁(${positions.map((p) => `${p}桁目`).join('・')})の数字を1桁ずつ入力してください。`,
    en: `Enter the digits of your ${name.en} in the positions asked (${positions.map((p) => positionLabel(p).en).join(', ')}), one per box.`,
  };
}

export function wholeConfirmationHint(name: Text): Text {
  return { ja: `お客様カードに記載の${name.ja}(数字6桁)`, en: `The 6-digit ${name.en} on your customer card` };
}

export function confirmationWrong(name: Text): Text {
  return { ja: `${name.ja}が正しくありません。`, en: `The ${name.en} is not correct.` };
}

export function passwordLockedBody(name: Text): Text {
  return {
    ja: `${name.ja}またはログインパスワードを一定回数以上誤って入力されたため、ご利用いただけなくなりました。お取引店舗へお問い合わせください。`,
    en: `The ${name.en} or the login password was entered wrongly too many times, so the service can no longer be used. Please contact your branch.`,
  };
}

/** Seed 000: 「パソコン用のソフトウェアトークン(VIP Access)は、平成30年3月(予定)以降、利用登録ができなくなります」. */
export function desktopClosed(closedFrom: string): Text {
  // The seed's own date (平成30年3月) keeps the seed's words; any other is written as every date is.
  const since = japanDayStart(closedFrom);
  const ja =
    closedFrom === '2018-04-01'
      ? 'パソコン用のソフトウェアトークンは平成30年3月以降、利用登録ができなくなりました。'
      : `パソコン用のソフトウェアトークンは${since}以降、利用登録ができなくなりました。`;
  return {
    ja: `${ja}スマートフォン用のソフトウェアトークンをご利用ください。`,
    en: `Software tokens for PCs can no longer be registered (since ${since}). Please use the smartphone software token.`,
  };
}

export function registrationBlocked(untilText: string): Text {
  return {
    ja: `トークン再発行のお手続き後、しばらくの間は利用登録ができません。${untilText}以降に再度お試しください。`,
    en: `After a token reissue, registration opens again after a short wait. Please try again after ${untilText}.`,
  };
}

export function fieldProblem(label: Text, problem: string, format?: Text): Text {
  switch (problem) {
    case 'missing':
      return { ja: `${label.ja}を入力してください。`, en: `Enter the ${lowerFirst(label.en)}.` };
    case 'repeated':
      return { ja: `${label.ja}が複数送信されました。もう一度入力してください。`, en: `The ${lowerFirst(label.en)} was sent more than once. Enter it again.` };
    case 'too_long':
      return { ja: `${label.ja}が長すぎます。`, en: `The ${lowerFirst(label.en)} is too long.` };
    case 'control_characters':
      return { ja: `${label.ja}に使用できない文字が含まれています。`, en: `The ${lowerFirst(label.en)} contains characters that cannot be used.` };
    case 'check_digit':
      return {
        ja: 'シリアル番号に誤りがあります。アプリに表示されたシリアル番号をご確認ください。',
        en: 'The serial number has a mistake in it (its check digit does not match). Please check it against the app.',
      };
    default:
      return format ?? { ja: `${label.ja}の形式が正しくありません。`, en: `The ${lowerFirst(label.en)} is not in the right form.` };
  }
}

export const FORMATS = {
  contractId: { ja: '契約者IDは10桁の数字で入力してください。', en: 'The contract ID is 10 digits.' },
  otp: { ja: 'ワンタイムパスワードは6桁の数字で入力してください。', en: 'The one-time password is 6 digits.' },
  serial: { ja: 'シリアル番号は英字4文字と数字8桁で入力してください。', en: 'The serial number is 4 letters and 8 digits.' },
  digit: { ja: '数字1桁で入力してください。', en: 'Enter one digit.' },
} satisfies Record<string, Text>;

export function wholeConfirmationFormat(name: Text): Text {
  return { ja: `${name.ja}は6桁の数字で入力してください。`, en: `The ${name.en} is 6 digits.` };
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

/** パスワード変更's words that carry the institution's name for the confirmation password. */
export function confirmationSettings(name: Text) {
  return {
    title: { ja: `${name.ja}変更`, en: `Change the ${name.en}` },
    lead: {
      ja: `現在の${name.ja}と新しい${name.ja}(数字6桁)を入力してください。`,
      en: `Enter your current ${name.en} and the new one (6 digits).`,
    },
    current: { ja: `現在の${name.ja}`, en: `Current ${name.en}` },
    currentHint: { ja: `いまお使いの${name.ja}(数字6桁、すべての桁)`, en: `The ${name.en} you use now (all 6 digits)` },
    next: { ja: `新しい${name.ja}`, en: `New ${name.en}` },
    nextHint: {
      ja: '数字6桁。現在と同じ番号、同じ数字の繰り返しや連続した数字は設定できません。',
      en: '6 digits: not the current number, one digit repeated or a run such as 123456.',
    },
    again: { ja: `新しい${name.ja}(確認用)`, en: `New ${name.en} (again)` },
    currentWrong: { ja: `現在の${name.ja}が正しくありません。`, en: `The current ${name.en} is not correct.` },
    mismatch: { ja: `確認用に入力された新しい${name.ja}が一致しません。`, en: `The two new ${name.en}s you entered do not match.` },
    noTokenCheck: {
      ja: `ワンタイムパスワードをご利用でないため、${name.ja}で本人確認をします。`,
      en: `You do not use one-time passwords, so your ${name.en} confirms it is you.`,
    },
    changed: { ja: `${name.ja}を変更しました。`, en: `Your ${name.en} has been changed.` },
  } satisfies Record<string, Text>;
}

/** Why an address was refused (checkEmailAddress of src/banking/email-address.ts), on the form. */
export function emailAddressProblem(problem: EmailAddressProblem): Text {
  switch (problem) {
    case 'missing':
      return { ja: 'メールアドレスを入力してください。', en: 'Enter the e-mail address.' };
    case 'too_long':
      return { ja: 'メールアドレスが長すぎます(254文字まで)。', en: 'The e-mail address is too long (254 characters at most).' };
    case 'control_characters':
      return { ja: 'メールアドレスに使用できない文字(制御文字)が含まれています。', en: 'The e-mail address contains characters that cannot be used (control characters).' };
    case 'whitespace':
      return { ja: 'メールアドレスに空白が含まれています。空白を除いて入力してください。', en: 'The e-mail address contains a space. Enter it without spaces.' };
    case 'full_width':
      return { ja: 'メールアドレスは半角文字で入力してください。', en: 'Enter the e-mail address in half-width (ASCII) characters.' };
    case 'no_at':
      return { ja: 'メールアドレスに「@」がありません。', en: 'The e-mail address has no “@”.' };
    case 'several_at':
      return { ja: 'メールアドレスに「@」が複数あります。', en: 'The e-mail address has more than one “@”.' };
    case 'empty_local_part':
      return { ja: 'メールアドレスの「@」の前が空です。', en: 'The e-mail address has nothing before the “@”.' };
    case 'local_part_too_long':
      return { ja: 'メールアドレスの「@」の前が長すぎます(64文字まで)。', en: 'The part before the “@” is too long (64 characters at most).' };
    case 'local_part_invalid':
      return { ja: 'メールアドレスの「@」の前に使用できない文字が含まれています。', en: 'The part before the “@” contains characters that cannot be used.' };
    case 'empty_domain':
      return { ja: 'メールアドレスの「@」の後(ドメイン)が空です。', en: 'The e-mail address has nothing after the “@” (the domain).' };
    case 'domain_not_punycode':
      return {
        ja: '日本語などを含むドメインは、punycode(xn--で始まる形式)で入力してください。',
        en: 'A domain with non-ASCII letters must be written in punycode (xn--…).',
      };
    case 'domain_invalid':
      return { ja: 'メールアドレスの「@」の後(ドメイン)の形式が正しくありません。', en: 'The part after the “@” (the domain) is not in the right form.' };
  }
}

export function emailCodeLead(address: string, untilText: string): Text {
  return {
    ja: `${address} あてに6桁の確認コードをお送りしました。メールに記載の確認コードを入力し、「確認」をクリックしてください。有効期限は${untilText}(日本時間)までです。`,
    en: `We sent a 6-digit confirmation code to ${address}. Enter the code from the mail and press “Confirm”. It is valid until ${untilText} (Japan time).`,
  };
}

export function emailCodeRemaining(remaining: number): Text {
  return {
    ja: `あと${remaining}回誤ると、この確認コードは使えなくなります。`,
    en: remaining === 1 ? 'One more wrong code and this code can no longer be used.' : `${remaining} more wrong codes and this code can no longer be used.`,
  };
}

export function emailRateLimited(retryAfterMs: number): Text {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  return {
    ja: `確認コードの送信回数が上限に達しました。${minutes}分ほどしてから再度お試しください。`,
    en: `Too many codes were sent. Please try again in about ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  };
}

export function emailConfirmationLead(name: Text): Text {
  return {
    ja: `新しいメールアドレスと${name.ja}を入力し、「確認コードを送信」をクリックしてください。新しいメールアドレスあてに6桁の確認コードをお送りします。`,
    en: `Enter the new address and your ${name.en}, then press “Send the confirmation code”. We send a 6-digit code to the new address.`,
  };
}

export function emailPending(address: string, untilText: string): Text {
  return {
    ja: `${address} あてに確認コードをお送りしています(有効期限: ${untilText})。「確認コードの入力」から入力してください。`,
    en: `A confirmation code was sent to ${address} (valid until ${untilText}). Enter it under “Confirmation code”.`,
  };
}

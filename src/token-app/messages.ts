// Every word the token app shows, in Japanese (the default, as in the seed pages) and English.
// The screens follow seed 000's first run: 利用規定 → 「利用開始」 → 操作説明 → 「利用開始」 →
// the notice that registration at the bank is needed → 「OK」 → シリアル番号 and ワンタイムパスワード.
//
// index.html carries only keys (`data-i18n="terms.title"`), so each text exists once, here, as
// one entry of the shared shape (src/shared/text.ts): both languages side by side, a missing one
// a compile error.
import { pick, type Lang, type Text } from '../shared/text.js';

/** A message is a line of text, or paragraphs (rendered as one <p> each). */
export type Message = string | readonly string[];

/** Both languages of an entry have the same shape: a line in both, or paragraphs in both. */
type Entry = Text | Text<readonly string[]>;

const TABLE = {
  'app.title': { ja: 'Mamori ワンタイムパスワード', en: 'Mamori one-time password' },
  'app.loading': { ja: '読み込み中…', en: 'Loading…' },
  'app.unsupported': {
    ja: 'このブラウザではワンタイムパスワードを安全に保存できません。最新のブラウザ(Chrome、Safari、Edge、Firefox)で、https のページとして開いてください。',
    en: 'This browser cannot keep a one-time-password key safely. Open this page over https in a current browser (Chrome, Safari, Edge, Firefox).',
  },
  'lang.switch': { ja: 'English', en: '日本語' },
  'lang.switchLabel': { ja: 'Switch to English', en: '日本語で表示' },

  'terms.title': { ja: '利用規定', en: 'Terms of use' },
  'terms.body': {
    ja: [
      '第1条(本アプリ) 本アプリは、Mamori に対応した金融機関のインターネットバンキング(以下「インターネットバンキング」)で使用するワンタイムパスワードを表示するソフトウェアトークンです。',
      '第2条(利用料) 本アプリの利用料は無料です。通信料はお客様のご負担となります。',
      '第3条(鍵の保管) ワンタイムパスワードを作る鍵は、この端末のブラウザの中で作られ、そこから取り出すことはできません。鍵が通信で送られることはありません。',
      '第4条(利用登録) 本アプリを使うには、インターネットバンキングで利用開始(登録)の操作が必要です。利用登録できるトークンはお一人さま1つです。',
      '第5条(削除と再インストール) 本アプリのトークンを削除すると元に戻せません。再インストールすると新しいシリアル番号になり、改めて利用開始(登録)の操作が必要です。',
      '第6条(端末の変更) 端末を変更(機種変更)する場合は、変更前にインターネットバンキングで「利用中止」の操作を行ってください。端末の紛失・盗難・故障の場合は、速やかにお取引の金融機関へ届け出てください。',
      '第7条(管理) ワンタイムパスワードやシリアル番号を第三者に教えないでください。金融機関の職員が電話やメールでワンタイムパスワードをお尋ねすることはありません。',
      '「利用開始」を押すと、本規定に同意したものとみなします。',
    ],
    en: [
      'Art. 1 (This app) This app is a software token that shows the one-time passwords used with the internet banking of institutions that use Mamori ("internet banking").',
      'Art. 2 (Fees) The app is free of charge. Data charges are yours.',
      'Art. 3 (The key) The key that makes your one-time passwords is created inside this browser on this device and cannot be taken out of it. The key is never sent over the network.',
      'Art. 4 (Registration) To use the app you must register it (利用開始) in internet banking. You can register one token.',
      'Art. 5 (Deleting and reinstalling) Deleting the token in this app cannot be undone. A reinstalled app has a new serial number and must be registered again.',
      'Art. 6 (Changing devices) Before changing devices, stop OTP use (利用中止) in internet banking. If the device is lost, stolen or broken, tell your institution at once.',
      'Art. 7 (Care) Never tell anyone your one-time passwords or serial number. Bank staff never ask for a one-time password by phone or e-mail.',
      'By pressing "Start" you agree to these terms.',
    ],
  },
  'terms.accept': { ja: '利用開始', en: 'Start' },

  'howto.title': { ja: '操作説明', en: 'How it works' },
  'howto.body': {
    ja: [
      'ワンタイムパスワードは、30秒ごとに新しくなる6桁の使い捨てパスワードです。',
      'インターネットバンキングのログイン画面の「利用開始」から、このアプリに表示される「シリアル番号」と「ワンタイムパスワード」を入力して登録します。',
      '登録後は、ログインや振込のときに、このアプリに表示されたワンタイムパスワードを入力します。',
      '振込の確認画面で取引認証を求められたときは、「取引認証」で振込先の口座番号(と金額)を入力するか、画面のQRコードを読み取ると、その取引専用の番号が表示されます。',
      '通信するのは最初の発行のときだけです。その後は、圏外やオフラインでも使えます。',
    ],
    en: [
      'A one-time password is a 6-digit password that changes every 30 seconds and is used once.',
      'On the internet-banking login page, choose 利用開始 (start) and enter the serial number and the one-time password this app shows.',
      'After that, enter the one-time password shown here whenever you log in or make a transfer.',
      'When a transfer confirmation page asks for transaction authentication, open "Transaction", enter the payee account number (and the amount), or scan the QR code on the page: you get a number for that transaction only.',
      'The app goes online only once, to issue the token. Afterwards it works offline too.',
    ],
  },
  'howto.accept': { ja: '利用開始', en: 'Start' },

  'notice.text': { ja: '本アプリを利用するには、インターネットバンキングで、利用開始(登録)の操作が必要となります。', en: 'To use this app, register it (利用開始) in internet banking.' },
  'notice.ok': { ja: 'OK', en: 'OK' },

  'provision.title': { ja: 'トークンの発行', en: 'Issuing the token' },
  'provision.working': { ja: 'トークンを発行しています…', en: 'Issuing your token…' },
  'provision.failed.network': { ja: '通信できませんでした。インターネットに接続して、もう一度お試しください。', en: 'Could not connect. Connect to the internet and try again.' },
  'provision.failed.rate_limited': { ja: 'ただいま混み合っています。しばらくしてから、もう一度お試しください。', en: 'The service is busy. Please try again in a while.' },
  'provision.failed.server': { ja: 'トークンを発行できませんでした。しばらくしてから、もう一度お試しください。', en: 'The token could not be issued. Please try again in a while.' },
  'provision.failed.storage': {
    ja: 'この端末にトークンを保存できませんでした。ブラウザの設定(プライベートブラウズなど)をご確認ください。',
    en: 'The token could not be saved on this device. Check the browser settings (private browsing, for example).',
  },
  'provision.retry': { ja: 'もう一度試す', en: 'Try again' },

  'nav.otp': { ja: 'ワンタイムパスワード', en: 'One-time password' },
  'nav.transaction': { ja: '取引認証', en: 'Transaction' },
  'nav.settings': { ja: '設定', en: 'Settings' },

  'otp.serial': { ja: 'シリアル番号', en: 'Serial number' },
  'otp.code': { ja: 'ワンタイムパスワード', en: 'One-time password' },
  'otp.secondsLeft': { ja: '残り{seconds}秒', en: '{seconds} s left' },
  'otp.copy': { ja: 'コピー', en: 'Copy' },
  'otp.copied': { ja: 'コピーしました', en: 'Copied' },
  'otp.copyFailed': { ja: 'コピーできませんでした。数字を入力してください。', en: 'Could not copy. Please type the digits.' },
  'otp.hint': {
    ja: 'インターネットバンキングの画面に、この番号を入力してください。30秒ごとに新しい番号になります。',
    en: 'Enter this number on the internet-banking page. A new number appears every 30 seconds.',
  },

  'tx.title': { ja: '取引認証', en: 'Transaction authentication' },
  'tx.intro': {
    ja: '振込の確認画面で取引認証を求められたら、振込先の口座番号(金額も求められたときは金額)を入力するか、画面のQRコードを読み取ってください。',
    en: 'When the transfer confirmation page asks for transaction authentication, enter the payee account number (and the amount, if it is asked for), or scan the QR code on the page.',
  },
  'tx.account': { ja: '振込先口座番号', en: 'Payee account number' },
  'tx.accountHint': { ja: '7桁の数字', en: '7 digits' },
  'tx.amount': { ja: '金額', en: 'Amount' },
  'tx.amountHint': { ja: '確認画面で求められたときだけ(円)', en: 'Only when the confirmation page asks (yen)' },
  'tx.submit': { ja: '取引認証番号を表示', en: 'Show transaction code' },
  'tx.clear': { ja: 'クリア', en: 'Clear' },
  'tx.result': { ja: '取引認証番号', en: 'Transaction code' },
  'tx.for': { ja: '口座番号 {account}', en: 'Account {account}' },
  'tx.forAmount': { ja: '口座番号 {account}・金額 {amount}円', en: 'Account {account}, amount ¥{amount}' },
  'tx.resultHint': { ja: 'この番号は、この取引のためだけに使えます。1分ごとに新しくなります。', en: 'This code works for this transaction only. A new code appears every minute.' },
  'tx.error.account': { ja: '振込先口座番号は7桁の数字で入力してください。', en: 'Enter the payee account number as 7 digits.' },
  'tx.error.amount': { ja: '金額は1円以上の整数で入力してください。', en: 'Enter the amount as a whole number of yen, 1 or more.' },
  'tx.scan': { ja: 'QRコードを読み取る', en: 'Scan QR code' },
  'tx.scanStop': { ja: '読み取りをやめる', en: 'Stop scanning' },
  'tx.scanning': { ja: 'カメラをQRコードに向けてください。', en: 'Point the camera at the QR code.' },
  'tx.scanUnavailable': { ja: 'カメラを使えませんでした。QRコードの内容を貼り付けてください。', en: 'The camera is not available. Paste the QR code text instead.' },
  'tx.paste': { ja: 'QRコードの内容を貼り付け', en: 'Paste the QR code text' },
  'tx.pasteHint': { ja: 'mamori-tx:v1?account=… の形の文字列', en: 'text starting with mamori-tx:v1?account=…' },
  'tx.pasteSubmit': { ja: '読み込む', en: 'Read' },
  'tx.error.qr': { ja: 'Mamori の取引認証用のQRコードではありません。', en: 'This is not a Mamori transaction QR code.' },

  'settings.title': { ja: '設定', en: 'Settings' },
  'settings.token': { ja: 'このトークン', en: 'This token' },
  'settings.serial': { ja: 'シリアル番号', en: 'Serial number' },
  'settings.created': { ja: '発行日時', en: 'Issued' },
  'settings.language': { ja: '表示言語', en: 'Language' },
  'settings.delete': { ja: 'トークンを削除', en: 'Delete token' },
  'settings.deleteIntro': { ja: 'トークンを削除すると、この端末ではワンタイムパスワードを表示できなくなります。', en: 'After deleting the token, this device can no longer show one-time passwords.' },
  'settings.confirmTitle': { ja: 'トークンを削除しますか?', en: 'Delete the token?' },
  'settings.confirmBody': {
    ja: [
      '削除すると元に戻せません。再インストールしても同じトークンには戻らず、新しいシリアル番号になります。',
      'インターネットバンキングに登録中のトークンを削除すると、ログインできなくなります。端末を変更する場合は、削除する前に、インターネットバンキングで「利用中止」の操作をしてください。',
    ],
    en: [
      'This cannot be undone. Reinstalling does not bring this token back: you get a new serial number.',
      'If this token is registered in internet banking, you will no longer be able to log in. Before changing devices, stop OTP use (利用中止) in internet banking first, then delete.',
    ],
  },
  'settings.help': { ja: '利用中止の方法(ヘルプ)', en: 'How to stop OTP use (help)' },
  'settings.confirmDelete': { ja: '削除する', en: 'Delete' },
  'settings.cancel': { ja: 'キャンセル', en: 'Cancel' },
  'settings.deleted': { ja: 'トークンを削除しました。', en: 'The token was deleted.' },
} as const satisfies Record<string, Entry>;

export type MessageKey = keyof typeof TABLE;

export const MESSAGES: Readonly<Record<MessageKey, Text<Message>>> = TABLE;

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(MESSAGES, key);
}

/** The message as one line, `{name}` placeholders filled from `values`. */
export function formatMessage(language: Lang, key: MessageKey, values: Readonly<Record<string, string>> = {}): string {
  const message = pick(language, MESSAGES[key]);
  const text = typeof message === 'string' ? message : message.join('\n');
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The language from `?lang=`, else the saved choice, else Japanese (the seeds' default). */
export function chooseLanguage(input: { queryLang: string | null; savedLang: string | null }): Lang {
  for (const candidate of [input.queryLang, input.savedLang]) {
    if (candidate === 'ja' || candidate === 'en') return candidate;
  }
  return 'ja';
}

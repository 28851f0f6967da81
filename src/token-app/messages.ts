// Every word the token app shows, in Japanese (the default, as in the seed pages) and English.
// The screens follow seed 000's first run: 利用規定 → 「利用開始」 → 操作説明 → 「利用開始」 →
// the notice that registration at the bank is needed → 「OK」 → シリアル番号 and ワンタイムパスワード.
//
// index.html carries only keys (`data-i18n="terms.title"`), so each text exists once, here.

export type Language = 'ja' | 'en';

export const LANGUAGES: readonly Language[] = ['ja', 'en'];

/** A message is a line of text, or paragraphs (rendered as one <p> each). */
export type Message = string | readonly string[];

const ja = {
  'app.title': 'Mamori ワンタイムパスワード',
  'app.loading': '読み込み中…',
  'app.unsupported':
    'このブラウザではワンタイムパスワードを安全に保存できません。最新のブラウザ(Chrome、Safari、Edge、Firefox)で、https のページとして開いてください。',
  'lang.switch': 'English',
  'lang.switchLabel': 'Switch to English',

  'terms.title': '利用規定',
  'terms.body': [
    '第1条(本アプリ) 本アプリは、Mamori に対応した金融機関のインターネットバンキング(以下「インターネットバンキング」)で使用するワンタイムパスワードを表示するソフトウェアトークンです。',
    '第2条(利用料) 本アプリの利用料は無料です。通信料はお客様のご負担となります。',
    '第3条(鍵の保管) ワンタイムパスワードを作る鍵は、この端末のブラウザの中で作られ、そこから取り出すことはできません。鍵が通信で送られることはありません。',
    '第4条(利用登録) 本アプリを使うには、インターネットバンキングで利用開始(登録)の操作が必要です。利用登録できるトークンはお一人さま1つです。',
    '第5条(削除と再インストール) 本アプリのトークンを削除すると元に戻せません。再インストールすると新しいシリアル番号になり、改めて利用開始(登録)の操作が必要です。',
    '第6条(端末の変更) 端末を変更(機種変更)する場合は、変更前にインターネットバンキングで「利用中止」の操作を行ってください。端末の紛失・盗難・故障の場合は、速やかにお取引の金融機関へ届け出てください。',
    '第7条(管理) ワンタイムパスワードやシリアル番号を第三者に教えないでください。金融機関の職員が電話やメールでワンタイムパスワードをお尋ねすることはありません。',
    '「利用開始」を押すと、本規定に同意したものとみなします。',
  ],
  'terms.accept': '利用開始',

  'howto.title': '操作説明',
  'howto.body': [
    'ワンタイムパスワードは、30秒ごとに新しくなる6桁の使い捨てパスワードです。',
    'インターネットバンキングのログイン画面の「利用開始」から、このアプリに表示される「シリアル番号」と「ワンタイムパスワード」を入力して登録します。',
    '登録後は、ログインや振込のときに、このアプリに表示されたワンタイムパスワードを入力します。',
    '振込の確認画面で取引認証を求められたときは、「取引認証」で振込先の口座番号(と金額)を入力するか、画面のQRコードを読み取ると、その取引専用の番号が表示されます。',
    '通信するのは最初の発行のときだけです。その後は、圏外やオフラインでも使えます。',
  ],
  'howto.accept': '利用開始',

  'notice.text': '本アプリを利用するには、インターネットバンキングで、利用開始(登録)の操作が必要となります。',
  'notice.ok': 'OK',

  'provision.title': 'トークンの発行',
  'provision.working': 'トークンを発行しています…',
  'provision.failed.network': '通信できませんでした。インターネットに接続して、もう一度お試しください。',
  'provision.failed.rate_limited': 'ただいま混み合っています。しばらくしてから、もう一度お試しください。',
  'provision.failed.server': 'トークンを発行できませんでした。しばらくしてから、もう一度お試しください。',
  'provision.failed.storage': 'この端末にトークンを保存できませんでした。ブラウザの設定(プライベートブラウズなど)をご確認ください。',
  'provision.retry': 'もう一度試す',

  'nav.otp': 'ワンタイムパスワード',
  'nav.transaction': '取引認証',
  'nav.settings': '設定',

  'otp.serial': 'シリアル番号',
  'otp.code': 'ワンタイムパスワード',
  'otp.secondsLeft': '残り{seconds}秒',
  'otp.copy': 'コピー',
  'otp.copied': 'コピーしました',
  'otp.copyFailed': 'コピーできませんでした。数字を入力してください。',
  'otp.hint': 'インターネットバンキングの画面に、この番号を入力してください。30秒ごとに新しい番号になります。',

  'tx.title': '取引認証',
  'tx.intro': '振込の確認画面で取引認証を求められたら、振込先の口座番号(金額も求められたときは金額)を入力するか、画面のQRコードを読み取ってください。',
  'tx.account': '振込先口座番号',
  'tx.accountHint': '7桁の数字',
  'tx.amount': '金額',
  'tx.amountHint': '確認画面で求められたときだけ(円)',
  'tx.submit': '取引認証番号を表示',
  'tx.clear': 'クリア',
  'tx.result': '取引認証番号',
  'tx.for': '口座番号 {account}',
  'tx.forAmount': '口座番号 {account}・金額 {amount}円',
  'tx.resultHint': 'この番号は、この取引のためだけに使えます。1分ごとに新しくなります。',
  'tx.error.account': '振込先口座番号は7桁の数字で入力してください。',
  'tx.error.amount': '金額は1円以上の整数で入力してください。',
  'tx.scan': 'QRコードを読み取る',
  'tx.scanStop': '読み取りをやめる',
  'tx.scanning': 'カメラをQRコードに向けてください。',
  'tx.scanUnavailable': 'カメラを使えませんでした。QRコードの内容を貼り付けてください。',
  'tx.paste': 'QRコードの内容を貼り付け',
  'tx.pasteHint': 'mamori-tx:v1?account=… の形の文字列',
  'tx.pasteSubmit': '読み込む',
  'tx.error.qr': 'Mamori の取引認証用のQRコードではありません。',

  'settings.title': '設定',
  'settings.token': 'このトークン',
  'settings.serial': 'シリアル番号',
  'settings.created': '発行日時',
  'settings.language': '表示言語',
  'settings.delete': 'トークンを削除',
  'settings.deleteIntro': 'トークンを削除すると、この端末ではワンタイムパスワードを表示できなくなります。',
  'settings.confirmTitle': 'トークンを削除しますか?',
  'settings.confirmBody': [
    '削除すると元に戻せません。再インストールしても同じトークンには戻らず、新しいシリアル番号になります。',
    'インターネットバンキングに登録中のトークンを削除すると、ログインできなくなります。端末を変更する場合は、削除する前に、インターネットバンキングで「利用中止」の操作をしてください。',
  ],
  'settings.help': '利用中止の方法(ヘルプ)',
  'settings.confirmDelete': '削除する',
  'settings.cancel': 'キャンセル',
  'settings.deleted': 'トークンを削除しました。',
} as const satisfies Record<string, Message>;

export type MessageKey = keyof typeof ja;

const en: Record<MessageKey, Message> = {
  'app.title': 'Mamori one-time password',
  'app.loading': 'Loading…',
  'app.unsupported':
    'This browser cannot keep a one-time-password key safely. Open this page over https in a current browser (Chrome, Safari, Edge, Firefox).',
  'lang.switch': '日本語',
  'lang.switchLabel': '日本語で表示',

  'terms.title': 'Terms of use',
  'terms.body': [
    'Art. 1 (This app) This app is a software token that shows the one-time passwords used with the internet banking of institutions that use Mamori ("internet banking").',
    'Art. 2 (Fees) The app is free of charge. Data charges are yours.',
    'Art. 3 (The key) The key that makes your one-time passwords is created inside this browser on this device and cannot be taken out of it. The key is never sent over the network.',
    'Art. 4 (Registration) To use the app you must register it (利用開始) in internet banking. You can register one token.',
    'Art. 5 (Deleting and reinstalling) Deleting the token in this app cannot be undone. A reinstalled app has a new serial number and must be registered again.',
    'Art. 6 (Changing devices) Before changing devices, stop OTP use (利用中止) in internet banking. If the device is lost, stolen or broken, tell your institution at once.',
    'Art. 7 (Care) Never tell anyone your one-time passwords or serial number. Bank staff never ask for a one-time password by phone or e-mail.',
    'By pressing "Start" you agree to these terms.',
  ],
  'terms.accept': 'Start',

  'howto.title': 'How it works',
  'howto.body': [
    'A one-time password is a 6-digit password that changes every 30 seconds and is used once.',
    'On the internet-banking login page, choose 利用開始 (start) and enter the serial number and the one-time password this app shows.',
    'After that, enter the one-time password shown here whenever you log in or make a transfer.',
    'When a transfer confirmation page asks for transaction authentication, open "Transaction", enter the payee account number (and the amount), or scan the QR code on the page: you get a number for that transaction only.',
    'The app goes online only once, to issue the token. Afterwards it works offline too.',
  ],
  'howto.accept': 'Start',

  'notice.text': 'To use this app, register it (利用開始) in internet banking.',
  'notice.ok': 'OK',

  'provision.title': 'Issuing the token',
  'provision.working': 'Issuing your token…',
  'provision.failed.network': 'Could not connect. Connect to the internet and try again.',
  'provision.failed.rate_limited': 'The service is busy. Please try again in a while.',
  'provision.failed.server': 'The token could not be issued. Please try again in a while.',
  'provision.failed.storage': 'The token could not be saved on this device. Check the browser settings (private browsing, for example).',
  'provision.retry': 'Try again',

  'nav.otp': 'One-time password',
  'nav.transaction': 'Transaction',
  'nav.settings': 'Settings',

  'otp.serial': 'Serial number',
  'otp.code': 'One-time password',
  'otp.secondsLeft': '{seconds} s left',
  'otp.copy': 'Copy',
  'otp.copied': 'Copied',
  'otp.copyFailed': 'Could not copy. Please type the digits.',
  'otp.hint': 'Enter this number on the internet-banking page. A new number appears every 30 seconds.',

  'tx.title': 'Transaction authentication',
  'tx.intro': 'When the transfer confirmation page asks for transaction authentication, enter the payee account number (and the amount, if it is asked for), or scan the QR code on the page.',
  'tx.account': 'Payee account number',
  'tx.accountHint': '7 digits',
  'tx.amount': 'Amount',
  'tx.amountHint': 'Only when the confirmation page asks (yen)',
  'tx.submit': 'Show transaction code',
  'tx.clear': 'Clear',
  'tx.result': 'Transaction code',
  'tx.for': 'Account {account}',
  'tx.forAmount': 'Account {account}, amount ¥{amount}',
  'tx.resultHint': 'This code works for this transaction only. A new code appears every minute.',
  'tx.error.account': 'Enter the payee account number as 7 digits.',
  'tx.error.amount': 'Enter the amount as a whole number of yen, 1 or more.',
  'tx.scan': 'Scan QR code',
  'tx.scanStop': 'Stop scanning',
  'tx.scanning': 'Point the camera at the QR code.',
  'tx.scanUnavailable': 'The camera is not available. Paste the QR code text instead.',
  'tx.paste': 'Paste the QR code text',
  'tx.pasteHint': 'text starting with mamori-tx:v1?account=…',
  'tx.pasteSubmit': 'Read',
  'tx.error.qr': 'This is not a Mamori transaction QR code.',

  'settings.title': 'Settings',
  'settings.token': 'This token',
  'settings.serial': 'Serial number',
  'settings.created': 'Issued',
  'settings.language': 'Language',
  'settings.delete': 'Delete token',
  'settings.deleteIntro': 'After deleting the token, this device can no longer show one-time passwords.',
  'settings.confirmTitle': 'Delete the token?',
  'settings.confirmBody': [
    'This cannot be undone. Reinstalling does not bring this token back: you get a new serial number.',
    'If this token is registered in internet banking, you will no longer be able to log in. Before changing devices, stop OTP use (利用中止) in internet banking first, then delete.',
  ],
  'settings.help': 'How to stop OTP use (help)',
  'settings.confirmDelete': 'Delete',
  'settings.cancel': 'Cancel',
  'settings.deleted': 'The token was deleted.',
};

export const MESSAGES: Readonly<Record<Language, Readonly<Record<MessageKey, Message>>>> = { ja, en };

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(ja, key);
}

/** The message as one line, `{name}` placeholders filled from `values`. */
export function formatMessage(language: Language, key: MessageKey, values: Readonly<Record<string, string>> = {}): string {
  const message = MESSAGES[language][key];
  const text = typeof message === 'string' ? message : message.join('\n');
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The language from `?lang=`, else the saved choice, else Japanese (the seeds' default). */
export function chooseLanguage(input: { queryLang: string | null; savedLang: string | null }): Language {
  for (const candidate of [input.queryLang, input.savedLang]) {
    if (candidate === 'ja' || candidate === 'en') return candidate;
  }
  return 'ja';
}

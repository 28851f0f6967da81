// ワンタイムパスワードにかかるQ&A — seed 002's questions, answered for our system.
import type { Institution } from '../../../banking/institutions.js';
import { html, type SafeHtml } from '../../html.js';
import { pick, type Lang } from '../../i18n.js';
import { T } from '../messages.js';
import { supportName } from '../layout.js';
import { supportBlock } from './message-views.js';
import { yenText } from '../../../shared/yen.js';

interface ViewContext {
  lang: Lang;
  base: string;
  institution: Institution;
}

export function helpView(ctx: ViewContext): SafeHtml {
  const { base, institution } = ctx;
  const support = `${supportName(institution, ctx.lang)} ${institution.support.phone}`;
  const { otpLockThreshold: lockAt, otpWarnAt: warnAt, reissueWaitMinutes: waitMinutes, signInNotice: notice } = institution.policy;
  const confirmation = ctx.lang === 'ja' ? institution.confirmation.name : institution.confirmation.nameEn;
  const limits = limitRules(institution, ctx.lang);
  const body =
    ctx.lang === 'ja'
      ? html`<h1 id="page-title">ワンタイムパスワードにかかるQ&amp;A</h1>
<dl class="qa">
  <dt>ワンタイムパスワードとは</dt>
  <dd>一定時間(30秒)ごとに更新される使い捨てのパスワードです。ログインの際、契約者IDとログインパスワードに加えて入力し本人認証を行います。ソフトウェアトークンアプリの「シリアル番号」を、ログイン画面の「<a href="${base}register">利用開始</a>」から登録してご利用ください(利用料は無料、書面による手続きは不要です)。</dd>
  <dt>ワンタイムパスワードがロックした場合</dt>
  <dd>ワンタイムパスワードを${lockAt}回続けて誤るとロックがかかり、インターネットバンキングがご利用できなくなります(${warnAt}回目の誤りで画面にお知らせします)。ロックの解除は、お取引店舗へ当金庫所定の書面(ワンタイムパスワードのロック解除)にて届出ください。</dd>
  <dt>ご利用中のトークンを誤って削除した場合</dt>
  <dd>トークンはダウンロードする毎に発行されるシリアル番号が異なるため、再ダウンロードしてもご利用いただけません。
    <ol><li>お取引店舗へ当金庫所定の書面(トークン再発行)にて届出ください。</li><li>その後(お手続きから${waitMinutes}分後以降)、再インストールしたトークンにて「<a href="${base}register">利用開始</a>」から利用登録を行ってください。</li></ol></dd>
  <dt>トークンをダウンロードした端末の変更、買替えをする場合</dt>
  <dd>現トークンが使用可能で、新しい端末がお手元にある場合は、「<a href="${base}exchange">利用登録/交換</a>」で現トークンのワンタイムパスワードを入力し、続けて新トークンのシリアル番号とワンタイムパスワードを登録してください。または、旧端末で先に「<a href="${base}deregister">利用中止</a>」を行い、新しい端末で「利用開始」を行ってください(この場合、当金庫への届出は不要です)。現トークンが使用できない場合は、お取引店舗へ書面(トークン再発行)にて届出ください。</dd>
  <dt>トークンをダウンロードした端末を紛失、盗難にあわれた場合</dt>
  <dd>速やかに${support}までご連絡ください。お客様のインターネットバンキングのご利用を一時停止させていただきます。再開には書面でのお手続きが必要です。</dd>
  <dt>ログインのお知らせ(メール)が届いた場合、心当たりのないログインがあった場合</dt>
  <dd>${notice === 'off' ? '' : `${notice === 'all' ? 'ログインのたびに' : 'これまでにログインしたことのないブラウザからログインがあると'}、登録のメールアドレスへ「ログインのお知らせ」をお送りします(日時、ブラウザとOSの種類、接続元IPアドレスの一部)。`}ログイン後のメイン画面には前回ログイン日時を、メニュー「ログイン履歴」には最近30件のログインと失敗を表示します。心当たりのないものがあれば、ログイン履歴で選んで「心当たりがない」を押してください(ワンタイムパスワードは不要です)。確認の画面で「停止」を押すと、インターネットバンキングのご利用をすぐに停止します。ログインできない場合は${support}までお電話ください。再開には書面でのお手続きが必要です。メールにリンクが記載されることはありません。</dd>
  <dt>お知らせメールの送信先(メールアドレス)を登録・変更したい</dt>
  <dd>ログイン後のメニュー「<a href="${base}email">メールアドレス</a>」から、いつでも登録・変更できます。新しいメールアドレスとワンタイムパスワード(ご利用でない場合は${confirmation})を入力すると、新しいメールアドレスあてに6桁の確認コードをお送りします。メールに記載の確認コードを10分以内に画面へ入力すると登録が完了し、変更前のメールアドレスにも変更をお知らせします。確認コードは5回まで入力でき、届かない場合や期限が切れた場合は「確認コードを再送信」を押してください。日本語を含むドメインはpunycode(xn--で始まる形式)で入力してください。お取引店舗でも書面(メールアドレス変更)で変更できます。当金庫のメールにリンクが記載されることはありません。</dd>
  <dt>振込限度額と、振込できる金額の上限について</dt>
  <dd>1日(0:00〜24:00)に振込できる合計額の上限です(当初は${yenText(institution.policy.dailyLimitDefaultYen)})。「振込」の「振込限度額の変更」から変更できます(引き上げにはワンタイムパスワードが必要です)。${limits}不正送金の被害を防ぐためのしくみです。お急ぎの場合はお取引店舗へご相談ください。</dd>
  <dt>ひとつの契約で、複数のトークンを利用できますか?</dt>
  <dd>利用登録できるトークンは1契約につき1つです。2つ目のトークンは登録できません。交換する場合は「利用登録/交換」をご利用ください。</dd>
  <dt>2台以上の端末でインターネットバンキングを利用する場合は?</dt>
  <dd>スマートフォン等の持ち運び可能な端末にトークンをダウンロードしてください。その端末がお手元にあれば、ログインしたい端末にワンタイムパスワードを入力してご利用いただけます。</dd>
  <dt>ひとつのトークンを、複数の契約者が共同で利用できますか?</dt>
  <dd>それぞれの契約者IDで同じトークンを利用登録すれば、利用可能です。</dd>
  <dt>他金融機関で利用しているトークンは利用できますか?</dt>
  <dd>当金庫と同じトークン(Mamoriのソフトウェアトークン)であれば、当金庫でも利用登録してご利用いただけます。</dd>
  <dt>${confirmation}とは</dt>
  <dd>お客様カードに記載の6桁の数字です。${institution.confirmation.mode === 'positions' ? '画面で指定された桁の数字のみを入力します。' : '6桁すべてを入力します。'}</dd>
  <dt>ログインパスワードや${confirmation}を変更したい</dt>
  <dd>ログイン後のメニュー「パスワード変更」から、いつでも変更できます。現在のパスワードと、ワンタイムパスワード(ご利用でない場合は、ログインパスワードの変更では${confirmation}、${confirmation}の変更ではログインパスワード)を入力してください。ログインパスワードを変更すると、ほかの端末でのログインはすべて終了します。変更すると登録のメールアドレスへお知らせします。現在のパスワードを一定回数誤るとご利用いただけなくなり、解除にはお取引店舗でのお手続きが必要です。</dd>
  <dt>入出金明細をファイルで保存したい</dt>
  <dd>「振込」の「入出金明細」で、期間(最長366日、本日まで)と文字コードを選んで「ダウンロード」を押すと、CSVファイルを保存できます。Excelで開く場合は「Shift_JIS」をお選びください(Shift_JISにない文字は「?」になります)。ファイル名に口座番号は含まれません。お取引店舗でも書面でのお申出により出力できます。</dd>
</dl>`
      : html`<h1 id="page-title">Questions about one-time passwords</h1>
<dl class="qa">
  <dt>What is a one-time password?</dt>
  <dd>A password for one use that changes every 30 seconds. At login you enter it after your contract ID and login password. Register the serial number of the software token app with “<a href="${base}register">Start using</a>” on the login page (free, no paperwork).</dd>
  <dt>My one-time passwords are locked</dt>
  <dd>${lockAt} wrong one-time passwords in a row lock internet banking (wrong one number ${warnAt} shows a warning). To unlock, submit our written request form (one-time password unlock) at your branch.</dd>
  <dt>I deleted my token by mistake</dt>
  <dd>Each download gets a new serial number, so a reinstalled app cannot be used as it is.
    <ol><li>Submit our written request form (token reissue) at your branch.</li><li>Then (from ${waitMinutes} minutes after the reissue) register the reinstalled token with “<a href="${base}register">Start using</a>”.</li></ol></dd>
  <dt>I am changing my device</dt>
  <dd>If the current token still works and the new device is at hand, use “<a href="${base}exchange">Register / exchange</a>”: enter the current token’s code, then the new token’s serial number and code. Or first “<a href="${base}deregister">Stop using</a>” on the old device and then “Start using” on the new one (no paperwork needed). If the current token cannot be used, submit the token reissue form at your branch.</dd>
  <dt>My device was lost or stolen</dt>
  <dd>Call ${support} at once: we will suspend your internet banking. Resuming needs a written request.</dd>
  <dt>I got a sign-in notice, or see a sign-in that was not me</dt>
  <dd>${notice === 'off' ? '' : `${notice === 'all' ? 'At every sign-in' : 'When you sign in from a browser not used before'}, we mail a sign-in notice to your registered address (time, browser and OS, part of the IP address). `}After signing in, the main page shows your previous sign-in, and “Sign-in history” your last 30 sign-ins and failed attempts. If one was not you, choose it there and press “It wasn’t me” (no one-time password needed); “Stop” on the next page suspends internet banking at once. If you cannot sign in, call ${support}. Resuming needs a written request. Our mails never carry a link.</dd>
  <dt>I want to register or change the address our notices go to</dt>
  <dd>Choose “<a href="${base}email">E-mail address</a>” after signing in. Enter the new address and a one-time password (without a token, your ${confirmation}); we mail a 6-digit confirmation code to the new address. Type it on the page within 10 minutes and the address is registered; the previous address is told of the change. You may try the code 5 times; if it does not arrive or has expired, press “Send a new code”. Write a domain with non-ASCII letters in punycode (xn--…). Your branch can also change it on a written request. Our mails never carry a link.</dd>
  <dt>My daily transfer limit, and the caps on what I can send</dt>
  <dd>The limit is what you may transfer in one day (0:00–24:00 Japan time) in all (at first ${yenText(institution.policy.dailyLimitDefaultYen)}). Change it with “Change the daily limit” under “Transfers” (a raise needs a one-time password). ${limits}These rules stop a thief who has your password from emptying your account at once. If you are in a hurry, ask your branch.</dd>
  <dt>Can one contract use several tokens?</dt>
  <dd>No: one token per contract. A second token is refused; use “Register / exchange” to change it.</dd>
  <dt>I use internet banking on two or more devices</dt>
  <dd>Install the token on a phone you carry with you, and type its one-time password on whichever device you log in from.</dd>
  <dt>Can several contracts share one token?</dt>
  <dd>Yes: register the same token with each contract ID.</dd>
  <dt>Can I use the token I use at another bank?</dt>
  <dd>Yes, if it is the same kind of token (a Mamori software token): register it here too.</dd>
  <dt>What is the ${confirmation}?</dt>
  <dd>The 6 digits on your customer card. ${institution.confirmation.mode === 'positions' ? 'You enter only the digits in the positions the page asks for.' : 'You enter all 6 digits.'}</dd>
  <dt>I want to change my login password or ${confirmation}</dt>
  <dd>At any time, from “Change passwords” on the menu after signing in. Enter the current password and a one-time password (without a token: the ${confirmation} to change the login password, the login password to change the ${confirmation}). Changing the login password signs you out everywhere else. We mail your registered address about each change. Too many wrong current passwords lock internet banking until your branch unlocks it.</dd>
  <dt>I want my statement as a file</dt>
  <dd>On “Statement” under “Transfers”, choose the period (at most 366 days, up to today) and the encoding and press “Download” to save a CSV file. For Excel choose “Shift_JIS” (characters it cannot hold become “?”). The file name carries no account number. Your branch can also export it at your written request.</dd>
</dl>`;
  return html`<section class="card">
${body}
${supportBlock(ctx.lang, institution)}
<p><a href="${base}">${pick(ctx.lang, T.toLogin)}</a></p>
</section>`;
}

/** The limits shaped in time as this institution's policy sets them (issue 14 §5), in words. */
function limitRules(institution: Institution, lang: Lang): string {
  const { limitRaiseNextDay, newContractOrTokenCapDays: capDays, newContractOrTokenCapYen: capYen, newPayeeCapYen } = institution.policy;
  const rules: string[] = [];
  if (lang === 'ja') {
    rules.push(limitRaiseNextDay ? '引き下げはすぐに、引き上げは翌日0:00から適用されます(それまでは同じ画面で取り消せます)。' : '変更はすぐに適用されます。');
    if (capDays > 0) rules.push(`ご契約の日、またはトークンの利用開始・交換の日から${capDays}日間(その日を含みます)は、1日の振込の合計が${yenText(capYen)}までとなります(お取引店舗へ書面でお申出いただくと解除できます)。`);
    if (newPayeeCapYen !== null) rules.push(`その日に登録・変更した振込先と、これまでに振込したことのない口座への振込は、その日はあわせて${yenText(newPayeeCapYen)}までです。翌日からは通常の限度額となります。`);
  } else {
    rules.push(limitRaiseNextDay ? 'A lowering takes effect at once, a raise from 0:00 the next day (until then you can cancel it on the same page). ' : 'A change takes effect at once. ');
    if (capDays > 0) rules.push(`For ${capDays} days from the day your contract was opened, or a token was registered or exchanged (that day counts), your transfers together are capped at ${yenText(capYen)} a day (your branch can lift this on a written request). `);
    if (newPayeeCapYen !== null) rules.push(`Payees registered or changed today, and accounts you have never paid before, may receive at most ${yenText(newPayeeCapYen)} together today; from the next day your usual limit holds. `);
  }
  return rules.join('');
}

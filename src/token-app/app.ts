// The browser token's entry point (bundled by build.ts into dist/app.js). It wires the static
// page (index.html, no inline script: the CSP allows only 'self') to the token:
//
//   first run (seed 000): 利用規定 →「利用開始」→ 操作説明 →「利用開始」→ notice →「OK」→ provision
//   afterwards:           シリアル番号 + ワンタイムパスワード, 取引認証, 設定 (delete the token)
//
// State lives in one object; every render reads it, so switching the language re-renders
// everything from the same state.
import { codeGroups, formatYen, serialGroups, spokenGroups } from './display-format.js';
import { chooseLanguage, formatMessage, isMessageKey, MESSAGES, type MessageKey } from './messages.js';
import { provisionToken, type ProvisionedToken } from './provisioning.js';
import { canScanQrCodes, startQrScan, type QrScan } from './qr-scanner.js';
import { computeLoginCode, computeTransactionCode, type ShownCode } from './token-codes.js';
import { deleteToken, loadToken, saveNewToken } from './token-store.js';
import { parseTypedTransaction } from './transaction-input.js';
import { parseTransactionQr, type TransactionDetails } from '../otp/pure.js';
import { japanDateTime } from '../shared/japan-time.js';
import { pick, type Lang } from '../shared/text.js';

const LANGUAGE_STORAGE_KEY = 'mamori-token-language';
const RING_CIRCUMFERENCE = 2 * Math.PI * 21; // r = 21 in index.html
const TRANSACTION_PERIOD_SECONDS = 60; // OCRA suite T1M
const HELP_PATH = '/ib/demo/help';

type ScreenName = 'loading' | 'unsupported' | 'terms' | 'howto' | 'provision' | 'token';
type TabName = 'otp' | 'transaction' | 'settings';

interface AppState {
  language: Lang;
  token: ProvisionedToken | undefined;
  loginCode: ShownCode | undefined;
  transaction: TransactionDetails | undefined;
  transactionCode: (ShownCode & { readonly transaction: TransactionDetails }) | undefined;
  provisionMessage: MessageKey | undefined;
  termsMessage: MessageKey | undefined;
  transactionError: MessageKey | undefined;
  pasteError: MessageKey | undefined;
  scanMessage: MessageKey | undefined;
  copyMessage: MessageKey | undefined;
}

const state: AppState = {
  language: 'ja',
  token: undefined,
  loginCode: undefined,
  transaction: undefined,
  transactionCode: undefined,
  provisionMessage: undefined,
  termsMessage: undefined,
  transactionError: undefined,
  pasteError: undefined,
  scanMessage: undefined,
  copyMessage: undefined,
};

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`index.html lacks #${id}`);
  return element as T;
}

function t(key: MessageKey, values?: Readonly<Record<string, string>>): string {
  return formatMessage(state.language, key, values);
}

// ---- language ---------------------------------------------------------------------------

function readSavedLanguage(): string | null {
  try {
    return localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    return null; // storage disabled: the default applies
  }
}

function setLanguage(language: Lang): void {
  state.language = language;
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // not saved; the choice still applies to this visit
  }
  renderLanguage();
}

function renderParagraphs(container: HTMLElement, key: MessageKey): void {
  const message = pick(state.language, MESSAGES[key]);
  const paragraphs = typeof message === 'string' ? [message] : message;
  if (container.dataset.list === 'ol') {
    const list = document.createElement('ol');
    for (const text of paragraphs) list.append(Object.assign(document.createElement('li'), { textContent: text }));
    container.replaceChildren(list);
  } else {
    container.replaceChildren(...paragraphs.map((text) => Object.assign(document.createElement('p'), { textContent: text })));
  }
}

function renderLanguage(): void {
  document.documentElement.lang = state.language;
  document.title = t('app.title');
  for (const element of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = element.dataset.i18n ?? '';
    if (isMessageKey(key)) element.textContent = t(key);
  }
  for (const element of document.querySelectorAll<HTMLElement>('[data-i18n-aria-label]')) {
    const key = element.dataset.i18nAriaLabel ?? '';
    if (isMessageKey(key)) element.setAttribute('aria-label', t(key));
  }
  for (const element of document.querySelectorAll<HTMLElement>('[data-i18n-paragraphs]')) {
    const key = element.dataset.i18nParagraphs ?? '';
    if (isMessageKey(key)) renderParagraphs(element, key);
  }
  byId('lang-toggle').lang = state.language === 'ja' ? 'en' : 'ja';
  byId('settings-lang-ja').setAttribute('aria-pressed', String(state.language === 'ja'));
  byId('settings-lang-en').setAttribute('aria-pressed', String(state.language === 'en'));
  byId<HTMLAnchorElement>('help-link').href = state.language === 'en' ? `${HELP_PATH}?lang=en` : HELP_PATH;
  renderMessages();
  renderToken();
  renderTransaction();
  renderTick(Date.now());
}

/** Lines whose text depends on state; hidden when there is nothing to say. */
function renderMessages(): void {
  const lines: [string, MessageKey | undefined][] = [
    ['provision-status', state.provisionMessage],
    ['terms-status', state.termsMessage],
    ['tx-error', state.transactionError],
    ['tx-paste-error', state.pasteError],
    ['tx-scan-status', state.scanMessage],
    ['copy-status', state.copyMessage],
  ];
  for (const [id, key] of lines) {
    const element = byId(id);
    element.textContent = key === undefined ? '' : t(key);
    // The copy status keeps its line (no jump when it appears); the others take none when empty.
    if (id !== 'copy-status') element.hidden = key === undefined;
  }
  byId('tx-account').setAttribute('aria-invalid', String(state.transactionError === 'tx.error.account'));
  byId('tx-amount').setAttribute('aria-invalid', String(state.transactionError === 'tx.error.amount'));
}

// ---- screens and tabs -------------------------------------------------------------------

function showScreen(name: ScreenName): void {
  for (const screen of document.querySelectorAll<HTMLElement>('main > .screen')) {
    screen.hidden = screen.id !== `screen-${name}`;
  }
  // Move focus to the new screen's heading so keyboard and screen-reader users start there.
  const heading = byId(`screen-${name}`).querySelector<HTMLElement>('h1');
  if (heading !== null) {
    heading.tabIndex = -1;
    heading.focus();
  }
  window.scrollTo(0, 0);
}

const TABS: readonly TabName[] = ['otp', 'transaction', 'settings'];

function selectTab(name: TabName, { focus }: { focus: boolean }): void {
  for (const tab of TABS) {
    const button = byId(`tab-${tab}`);
    const selected = tab === name;
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
    byId(`panel-${tab}`).hidden = !selected;
    if (selected && focus) button.focus();
  }
  if (name !== 'transaction') stopScanning();
}

function wireTabs(): void {
  TABS.forEach((name, index) => {
    const button = byId(`tab-${name}`);
    button.addEventListener('click', () => selectTab(name, { focus: false }));
    // WAI-ARIA tabs pattern: arrow keys move between tabs.
    button.addEventListener('keydown', (event) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (step === 0) return;
      event.preventDefault();
      selectTab(TABS[(index + step + TABS.length) % TABS.length] as TabName, { focus: true });
    });
  });
}

// ---- codes ------------------------------------------------------------------------------

function renderGroups(element: HTMLElement, groups: readonly string[]): void {
  element.replaceChildren(
    ...groups.map((group) => Object.assign(document.createElement('span'), { className: 'group', textContent: group })),
  );
  // Read out digit by digit, grouped: "1 2 3, 4 5 6".
  element.setAttribute('aria-label', spokenGroups(groups));
}

function renderRing(ring: HTMLElement, remainingMs: number, periodSeconds: number): void {
  const seconds = Math.min(periodSeconds, Math.max(0, Math.ceil(remainingMs / 1000)));
  const progress = ring.querySelector<SVGCircleElement>('.ring-progress');
  if (progress !== null) progress.style.strokeDashoffset = String(RING_CIRCUMFERENCE * (1 - seconds / periodSeconds));
  const label = ring.querySelector<HTMLElement>('.ring-seconds');
  if (label !== null) label.textContent = String(seconds);
  ring.classList.toggle('ending', seconds <= 5);
  ring.setAttribute('aria-label', t('otp.secondsLeft', { seconds: String(seconds) }));
}

function renderToken(): void {
  const token = state.token;
  if (token === undefined) return;
  renderGroups(byId('serial'), serialGroups(token.serial));
  byId('settings-serial').textContent = serialGroups(token.serial).join(' ');
  byId('settings-created').textContent = japanDateTime(token.createdAtMs);
}

function renderTransaction(): void {
  const transaction = state.transaction;
  byId('tx-result').hidden = transaction === undefined;
  if (transaction === undefined) return;
  byId('tx-for').textContent =
    transaction.amountYen === undefined
      ? t('tx.for', { account: transaction.payeeAccount })
      : t('tx.forAmount', { account: transaction.payeeAccount, amount: formatYen(transaction.amountYen) });
}

function renderTick(nowMs: number): void {
  const token = state.token;
  if (token === undefined) return;
  const login = state.loginCode;
  if (login !== undefined) renderRing(byId('otp-ring'), login.validUntilMs - nowMs, token.periodSeconds);
  const transactionCode = state.transactionCode;
  if (transactionCode !== undefined) renderRing(byId('tx-ring'), transactionCode.validUntilMs - nowMs, TRANSACTION_PERIOD_SECONDS);
}

let tickTimer: ReturnType<typeof setTimeout> | undefined;
let tickInFlight: Promise<void> | undefined;
let tickAgain = false;

/** Brings both codes up to date for the current time (an HMAC only when a step changed). */
async function refreshCodes(): Promise<void> {
  const token = state.token;
  if (token === undefined) return;
  const nowMs = Date.now();
  const login = state.loginCode;
  if (login === undefined || nowMs >= login.validUntilMs || nowMs < login.validUntilMs - token.periodSeconds * 1000) {
    const shown = await computeLoginCode(token.key, { nowMs, digits: token.digits, periodSeconds: token.periodSeconds });
    if (state.token !== token) return; // deleted meanwhile
    state.loginCode = shown;
    renderGroups(byId('otp-code'), codeGroups(shown.code));
  }
  const transaction = state.transaction;
  const current = state.transactionCode;
  if (
    transaction !== undefined &&
    (current === undefined || current.transaction !== transaction || nowMs >= current.validUntilMs || nowMs < current.validUntilMs - TRANSACTION_PERIOD_SECONDS * 1000)
  ) {
    const shown = await computeTransactionCode(token.key, { ...transaction, nowMs });
    if (state.transaction === transaction && state.token === token) {
      state.transactionCode = { ...shown, transaction };
      renderGroups(byId('tx-code'), codeGroups(shown.code));
    }
  }
  renderTick(Date.now());
}

/**
 * Refreshes the codes, then again just after the next whole second (codes change on whole
 * seconds: multiples of 30 s and 60 s since the epoch). One refresh runs at a time: a call
 * during one asks for another pass and shares its promise, so timers never multiply.
 */
function tick(): Promise<void> {
  if (tickInFlight !== undefined) {
    tickAgain = true;
    return tickInFlight;
  }
  if (tickTimer !== undefined) clearTimeout(tickTimer);
  tickTimer = undefined;
  tickInFlight = (async () => {
    try {
      do {
        tickAgain = false;
        try {
          await refreshCodes();
        } catch {
          // WebCrypto failed this once (e.g. the key store was cleared under us); the next
          // second tries again rather than leaving a stopped clock on screen.
        }
      } while (tickAgain);
    } finally {
      tickInFlight = undefined;
    }
    if (state.token !== undefined) tickTimer = setTimeout(() => void tick(), 1000 - (Date.now() % 1000) + 10);
  })();
  return tickInFlight;
}

function stopTicking(): void {
  if (tickTimer !== undefined) clearTimeout(tickTimer);
  tickTimer = undefined;
}

// ---- first run and provisioning ---------------------------------------------------------

async function provision(): Promise<void> {
  showScreen('provision');
  const retry = byId('provision-retry');
  retry.hidden = true;
  state.provisionMessage = 'provision.working';
  renderMessages();
  const result = await provisionToken({ fetch: (url, init) => fetch(url, init), nowMs: Date.now });
  if (!result.ok) {
    state.provisionMessage = `provision.failed.${result.reason}`;
    renderMessages();
    retry.hidden = false;
    retry.focus();
    return;
  }
  let token: ProvisionedToken | undefined;
  try {
    // Another tab may have stored a token first; then that one is this app's token.
    token = (await saveNewToken(result.token)) === 'saved' ? result.token : await loadToken();
  } catch {
    token = undefined;
  }
  if (token === undefined) {
    state.provisionMessage = 'provision.failed.storage';
    renderMessages();
    retry.hidden = false;
    return;
  }
  // Ask the browser not to evict the token's storage under pressure (best effort).
  void navigator.storage?.persist?.().catch(() => false);
  state.provisionMessage = undefined;
  showToken(token);
}

function showToken(token: ProvisionedToken): void {
  state.token = token;
  state.loginCode = undefined;
  state.transaction = undefined;
  state.transactionCode = undefined;
  state.termsMessage = undefined;
  renderToken();
  renderTransaction();
  renderMessages();
  selectTab('otp', { focus: false });
  showScreen('token');
  void tick();
}

function showFirstRun(): void {
  state.token = undefined;
  showScreen('terms');
  renderMessages();
}

function wireFirstRun(): void {
  byId('terms-accept').addEventListener('click', () => showScreen('howto'));
  const notice = byId<HTMLDialogElement>('notice-dialog');
  byId('howto-accept').addEventListener('click', () => {
    notice.returnValue = '';
    notice.showModal();
  });
  notice.addEventListener('close', () => {
    if (notice.returnValue === 'ok') void provision();
  });
  byId('provision-retry').addEventListener('click', () => void provision());
}

// ---- one-time password ------------------------------------------------------------------

let copyTimer: ReturnType<typeof setTimeout> | undefined;

function wireCopy(): void {
  byId('copy-code').addEventListener('click', async () => {
    const code = state.loginCode?.code;
    if (code === undefined) return;
    try {
      await navigator.clipboard.writeText(code);
      state.copyMessage = 'otp.copied';
    } catch {
      state.copyMessage = 'otp.copyFailed';
    }
    renderMessages();
    if (copyTimer !== undefined) clearTimeout(copyTimer);
    copyTimer = setTimeout(() => {
      state.copyMessage = undefined;
      renderMessages();
    }, 4000);
  });
}

// ---- transaction authentication ---------------------------------------------------------

function showTransaction(transaction: TransactionDetails): void {
  state.transaction = transaction;
  state.transactionCode = undefined;
  state.transactionError = undefined;
  state.pasteError = undefined;
  byId<HTMLInputElement>('tx-account').value = transaction.payeeAccount;
  byId<HTMLInputElement>('tx-amount').value = transaction.amountYen === undefined ? '' : String(transaction.amountYen);
  renderMessages();
  renderTransaction();
  void tick().then(() => {
    const code = byId('tx-code');
    code.tabIndex = -1;
    code.focus();
  });
}

let scan: QrScan | undefined;

function stopScanning(): void {
  scan?.stop();
  scan = undefined;
  const button = byId('tx-scan');
  button.dataset.i18n = 'tx.scan';
  button.textContent = t('tx.scan');
}

function forgetTransaction(): void {
  state.transaction = undefined;
  state.transactionCode = undefined;
  byId('tx-code').replaceChildren();
  renderTransaction();
}

/** A QR payload from the camera or the paste field; returns true when it was used. */
function acceptQrText(text: string): boolean {
  const parsed = parseTransactionQr(text);
  if (!parsed.ok) {
    forgetTransaction();
    state.pasteError = 'tx.error.qr';
    renderMessages();
    return false;
  }
  showTransaction(parsed.transaction);
  return true;
}

function wireTransaction(): void {
  byId<HTMLFormElement>('tx-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const parsed = parseTypedTransaction({
      account: byId<HTMLInputElement>('tx-account').value,
      amount: byId<HTMLInputElement>('tx-amount').value,
    });
    if (!parsed.ok) {
      forgetTransaction(); // never leave a code for other inputs on screen
      state.transactionError = parsed.reason === 'invalid_account' ? 'tx.error.account' : 'tx.error.amount';
      renderMessages();
      byId(parsed.reason === 'invalid_account' ? 'tx-account' : 'tx-amount').focus();
      return;
    }
    showTransaction(parsed.transaction);
  });

  // A code shown for one account (and amount) must not stay beside different inputs.
  for (const id of ['tx-account', 'tx-amount']) {
    byId(id).addEventListener('input', () => {
      if (state.transaction !== undefined) forgetTransaction();
    });
  }

  byId('tx-clear').addEventListener('click', () => {
    forgetTransaction();
    byId<HTMLInputElement>('tx-account').value = '';
    byId<HTMLInputElement>('tx-amount').value = '';
    byId('tx-account').focus();
  });

  byId<HTMLFormElement>('tx-paste-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>('tx-paste');
    if (acceptQrText(input.value)) input.value = '';
  });

  const scanButton = byId('tx-scan');
  void canScanQrCodes().then((available) => {
    scanButton.hidden = !available;
  });
  scanButton.addEventListener('click', async () => {
    if (scan !== undefined) {
      stopScanning();
      state.scanMessage = undefined;
      renderMessages();
      return;
    }
    try {
      scan = await startQrScan(byId<HTMLVideoElement>('tx-video'), (text) => {
        const used = parseTransactionQr(text).ok && acceptQrText(text);
        if (used) {
          scan = undefined;
          stopScanning();
          state.scanMessage = undefined;
          renderMessages();
        }
        return used;
      });
      scanButton.dataset.i18n = 'tx.scanStop';
      scanButton.textContent = t('tx.scanStop');
      state.scanMessage = 'tx.scanning';
    } catch {
      state.scanMessage = 'tx.scanUnavailable';
    }
    renderMessages();
  });
}

// ---- settings ---------------------------------------------------------------------------

function wireSettings(): void {
  byId('lang-toggle').addEventListener('click', () => setLanguage(state.language === 'ja' ? 'en' : 'ja'));
  byId('settings-lang-ja').addEventListener('click', () => setLanguage('ja'));
  byId('settings-lang-en').addEventListener('click', () => setLanguage('en'));

  const dialog = byId<HTMLDialogElement>('delete-dialog');
  byId('delete-token').addEventListener('click', () => {
    dialog.returnValue = '';
    dialog.showModal();
  });
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'delete') return;
    stopScanning();
    await deleteToken();
    // As if the app were reinstalled: the next token is a new one with a new serial.
    state.token = undefined;
    state.loginCode = undefined;
    state.transaction = undefined;
    state.transactionCode = undefined;
    stopTicking();
    showFirstRun();
    state.termsMessage = 'settings.deleted';
    renderMessages();
  });
}

// ---- start ------------------------------------------------------------------------------

function isSupported(): boolean {
  return window.isSecureContext && typeof globalThis.crypto?.subtle?.sign === 'function' && typeof indexedDB !== 'undefined';
}

function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  // Offline use after the first load; a failure only costs that, so it is not shown.
  navigator.serviceWorker.register('/token/sw.js', { scope: '/token/', updateViaCache: 'none' }).catch(() => undefined);
}

async function start(): Promise<void> {
  state.language = chooseLanguage({ queryLang: new URLSearchParams(location.search).get('lang'), savedLang: readSavedLanguage() });
  renderLanguage();
  wireFirstRun();
  wireTabs();
  wireCopy();
  wireTransaction();
  wireSettings();
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void tick(); // timers sleep in background tabs
  });
  if (!isSupported()) {
    showScreen('unsupported');
    return;
  }
  registerServiceWorker();
  let token: ProvisionedToken | undefined;
  try {
    token = await loadToken();
  } catch {
    token = undefined;
  }
  if (token === undefined) showFirstRun();
  else showToken(token);
}

void start();

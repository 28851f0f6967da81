// `mamori token …`: the CLI software token (DESIGN §2 "token apps"). It holds a secret agreed
// with the authority, shows its serial (シリアル番号) for registration at a bank (利用開始),
// prints the current one-time password, and computes transaction codes (取引認証).
import { createHmacKey, decodeBase32, encodeBase32, formatSerial, generateTotp, generateTransactionCode, MAX_TRANSACTION_AMOUNT_YEN } from '../../otp/index.js';
import { CliError, parseFlags, parseTimeFlag, takeSubcommand, UsageError, type CliIo, type Command } from '../command.js';
import { isUnprotectedRemote, normalizeAuthorityUrl, provisionToken } from '../token/provision.js';
import { readTokenFile, tokenFilePath, writeTokenFile, type StoredToken } from '../token/token-file.js';

const DEFAULT_AUTHORITY_URL = 'http://localhost:3000';

export const command: Command = {
  usage: [
    'usage: mamori token new [--authority URL] [--kind mobile|desktop] [--force]',
    '       mamori token show [--json]',
    '       mamori token code [--time UNIX_SECONDS]',
    '       mamori token sign --account NNNNNNN [--amount YEN] [--time UNIX_SECONDS]',
    '',
    'new   asks the token authority for a new token (default $MAMORI_AUTHORITY_URL, else',
    `      ${DEFAULT_AUTHORITY_URL}); the secret is agreed by ECDH and never sent over the network.`,
    'show  prints the serial number on the first line (for 利用開始 at your bank), then details.',
    'code  prints the current one-time password.',
    'sign  prints the transaction code for a transfer to the payee account (and amount).',
    '',
    'The token lives in $MAMORI_TOKEN_FILE, else ${XDG_CONFIG_HOME:-~/.config}/mamori/token.json.',
  ].join('\n'),

  async run(args, io) {
    const [subcommand, rest] = takeSubcommand(args, ['new', 'show', 'code', 'sign'] as const);
    switch (subcommand) {
      case 'new':
        return newToken(rest, io);
      case 'show':
        return showToken(rest, io);
      case 'code':
        return printCode(rest, io);
      case 'sign':
        return signTransaction(rest, io);
    }
  },
};

async function newToken(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, { authority: { type: 'string' }, kind: { type: 'string' }, force: { type: 'boolean' } });
  const kind = values.kind ?? 'mobile';
  if (kind !== 'mobile' && kind !== 'desktop') throw new UsageError(`--kind must be mobile or desktop, not "${kind}"`);
  const force = values.force === true;
  const path = tokenFilePath(io.env);

  // Checked before asking the authority, so that a refusal does not leave an orphan token there.
  const existing = readTokenFile(path);
  if (existing.found !== false && !force) throw new CliError(refuseToReplace(path, existing.found === true ? existing.token.serial : undefined));

  const authorityUrl = normalizeAuthorityUrl(values.authority ?? (io.env.MAMORI_AUTHORITY_URL || DEFAULT_AUTHORITY_URL));
  if (isUnprotectedRemote(authorityUrl)) {
    io.err(`warning: ${authorityUrl} is plain HTTP to another machine; someone in the network path could impersonate the authority. Prefer https://.`);
  }
  const provisioned = await provisionToken({ authorityUrl, kind });
  const token: StoredToken = {
    version: 1,
    serial: provisioned.serial,
    kind,
    secret: encodeBase32(provisioned.secret),
    algorithm: provisioned.algorithm,
    digits: provisioned.digits,
    periodSeconds: provisioned.periodSeconds,
    authority: authorityUrl,
    createdAt: new Date().toISOString(),
  };
  const written = writeTokenFile(path, token, { replace: force });
  if (!written.written) throw new CliError(refuseToReplace(path, undefined)); // another `token new` won the race

  io.out(token.serial);
  io.out(`serial number (シリアル番号): ${formatSerial(token.serial)}`);
  io.out(`saved to ${path}`);
  if (existing.found === true) {
    io.err(`The previous token ${formatSerial(existing.token.serial)} is gone for good. Where it was registered, stop it (利用中止) or ask the bank to reissue (トークン再発行), then register the new serial (利用登録/交換).`);
  }
  io.out('Next: at your bank choose 利用開始, enter this serial number and a code from `mamori token code`.');
  return 0;
}

function refuseToReplace(path: string, serial: string | undefined): string {
  return [
    `a token already exists at ${path}${serial ? ` (serial ${formatSerial(serial)})` : ''}; nothing was changed.`,
    'Replacing it is final: its secret cannot be recovered, and the new token gets a new serial number',
    'that must be registered again at every bank (利用登録/交換). To do that anyway, add --force.',
  ].join('\n');
}

function loadToken(io: CliIo): { token: StoredToken; path: string } {
  const path = tokenFilePath(io.env);
  const result = readTokenFile(path);
  if (result.found === false) throw new CliError(`no token at ${path}: make one with \`mamori token new\` (or set MAMORI_TOKEN_FILE)`);
  if (result.found === 'invalid') throw new CliError(`the token file ${path} cannot be used: ${result.problem}`);
  if (result.readableByOthers) io.err(`warning: ${path} can be read by other users; run: chmod 600 ${path}`);
  return { token: result.token, path };
}

async function showToken(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, { json: { type: 'boolean' } });
  const { token, path } = loadToken(io);
  const { secret: _secret, ...visible } = token; // `show` never prints the secret
  if (values.json === true) {
    io.out(JSON.stringify({ ...visible, formattedSerial: formatSerial(token.serial), file: path }, null, 2));
    return 0;
  }
  io.out(token.serial); // first line alone, so scripts can read it with `head -1`
  io.out(`serial number (シリアル番号): ${formatSerial(token.serial)}`);
  io.out(`kind:      ${token.kind}`);
  io.out(`codes:     ${token.digits} digits, ${token.algorithm}, every ${token.periodSeconds} s`);
  io.out(`authority: ${token.authority}`);
  io.out(`created:   ${token.createdAt}`);
  io.out(`file:      ${path}`);
  return 0;
}

async function printCode(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, { time: { type: 'string' } });
  const nowMs = parseTimeFlag(values.time, Date.now);
  const { token } = loadToken(io);
  const key = createHmacKey(token.algorithm, decodeBase32(token.secret));
  io.out(generateTotp({ key, nowMs, periodSeconds: token.periodSeconds, digits: token.digits }));
  return 0;
}

async function signTransaction(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, { account: { type: 'string' }, amount: { type: 'string' }, time: { type: 'string' } });
  if (values.account === undefined) throw new UsageError('--account is required: the payee account number (7 digits)');
  const payeeAccount = values.account;
  if (!/^\d{7}$/.test(payeeAccount)) throw new UsageError(`--account must be the 7-digit payee account number, not "${payeeAccount}"`);
  const amountYen = values.amount === undefined ? undefined : parseAmountYen(values.amount);
  const nowMs = parseTimeFlag(values.time, Date.now);
  const { token } = loadToken(io);
  // The transaction suite (OCRA-1:HOTP-SHA1-6:QN20-T1M) is defined over HMAC-SHA1 only.
  if (token.algorithm !== 'SHA1') throw new CliError(`this token uses ${token.algorithm}; transaction codes need an SHA1 token`);
  const key = createHmacKey(token.algorithm, decodeBase32(token.secret));
  io.out(generateTransactionCode({ key, payeeAccount, ...(amountYen === undefined ? {} : { amountYen }), nowMs }));
  return 0;
}

/** Whole yen, as people write it: `30000`, `30,000` or `¥30,000`. */
function parseAmountYen(text: string): number {
  const digits = text.replace(/^[¥￥]/, '').replace(/,/g, '');
  if (!/^\d+$/.test(digits)) throw new UsageError(`--amount must be a whole number of yen, not "${text}"`);
  const amountYen = Number(digits);
  if (!Number.isSafeInteger(amountYen) || amountYen < 1 || amountYen > MAX_TRANSACTION_AMOUNT_YEN) {
    throw new UsageError(`--amount must be from 1 to ${MAX_TRANSACTION_AMOUNT_YEN} yen, not "${text}"`);
  }
  return amountYen;
}

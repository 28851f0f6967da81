// What every CLI command shares: its shape, the two kinds of user error, and flag parsing.
//
// A user error is a sentence for a person, never a stack trace: `UsageError` (the command line
// itself is wrong, exit 2, usage shown) and `CliError` (the request was understood but cannot be
// done, exit 1). Anything else thrown is a bug or an infrastructure failure; main.ts reports it.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
}

/** What a module in commands/ exports as `command`; its name and summary are in main.ts. */
export interface Command {
  /** The usage lines shown by `mamori help <name>`, `--help`, and after a usage error. */
  readonly usage: string;
  /** Returns the exit code. `args` are the words after the command name. */
  run(args: string[], io: CliIo): Promise<number>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs in strict mode, with its errors (unknown flag, missing value…) turned into
 * a UsageError so they read as usage problems rather than crashes. (`--help` is handled by main.)
 */
export function parseFlags<O extends Options>(args: string[], options: O, { positionals = 0 }: { positionals?: number } = {}) {
  let parsed;
  try {
    // Positionals are counted below, so that an extra word gets the same message everywhere.
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`unexpected argument "${parsed.positionals[positionals]}"`);
  }
  return parsed;
}

/** A whole number in [min, max], or a UsageError naming the flag. */
export function parseWholeNumber(flag: string, value: string, { min, max }: { min: number; max: number }): number {
  // Number('') is 0 and Number('0x10') is 16: accept only plain decimal digits.
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, not "${value}"`);
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`${flag} must be from ${min} to ${max}, not ${value}`);
  }
  return number;
}

/** `--time UNIX_SECONDS` as milliseconds, or now. */
export function parseTimeFlag(value: string | undefined, nowMs: () => number): number {
  if (value === undefined) return nowMs();
  // Up to year 9999: far beyond any real use, small enough that milliseconds stay exact.
  return parseWholeNumber('--time', value, { min: 0, max: 253_402_300_799 }) * 1000;
}

/** `<subcommand>` alone, with no flags or words after it (`mamori ledger check`). */
export function takeBareSubcommand<S extends string>(args: string[], subcommand: S): S {
  const [taken, rest] = takeSubcommand(args, [subcommand]);
  parseFlags(rest, {});
  return taken;
}

/** Splits `<subcommand> rest…`, or throws a UsageError listing the choices. */
export function takeSubcommand<S extends string>(args: string[], choices: readonly S[]): [S, string[]] {
  const [first, ...rest] = args;
  if (first === undefined || first.startsWith('-')) throw new UsageError(`missing subcommand (one of: ${choices.join(', ')})`);
  if (!(choices as readonly string[]).includes(first)) {
    throw new UsageError(`unknown subcommand "${first}" (one of: ${choices.join(', ')})`);
  }
  return [first as S, rest];
}

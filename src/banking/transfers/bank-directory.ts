// Payee bank and branch lookup (金融機関・支店) from the `zengin-code` package: about 1,150
// banks and 29,000 branches, 5 MB of JavaScript. It is loaded on the first lookup, not at
// start (a server that never shows a transfer page never pays for it), then indexed once:
// each bank and branch gets normalised search keys so that a query matches by code, or by
// a prefix or substring of the name, its kana, hiragana or romaji, however it was typed.
//
// The platform's own institutions use codes no real bank has; callers pass them as
// `extraBanks` (see platform-banks.ts), and they are listed first.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { bankNamesOf, branchNamesOf, type DirectoryNames } from './bank-names.js';

export type { DirectoryNames };

export interface BankEntry {
  code: string; // 4 digits
  name: string; // みずほ, 北海道信金 (zengin names carry no 「銀行」)
  kana: string; // full-width katakana
  /** The English name, when there is one (the platform's institutions have theirs). */
  nameEn?: string;
  branches: BranchEntry[] | (() => BranchEntry[]);
}

export interface BranchEntry {
  code: string; // 3 digits
  name: string;
  kana: string;
}

export interface BankMatch {
  code: string;
  name: string;
  kana: string;
}

export type BranchMatch = BranchEntry;

interface ZenginBranch {
  code: string;
  name: string;
  kana: string;
  hira: string;
  roma: string;
}
interface ZenginBank extends ZenginBranch {
  branches: Record<string, ZenginBranch>;
}

interface IndexedBank {
  entry: BankMatch;
  keys: string[];
  source: ZenginBank | BankEntry;
}
interface IndexedBranch {
  entry: BranchMatch;
  keys: string[];
}

export interface DirectoryStats {
  loaded: boolean;
  loadMs: number; // require() of the package plus building the bank index
  heapDeltaBytes: number;
  banks: number;
}

let zenginIndex: { banks: IndexedBank[]; byCode: Map<string, IndexedBank> } | undefined;
const branchIndexes = new Map<string, IndexedBranch[]>();
const stats: DirectoryStats = { loaded: false, loadMs: 0, heapDeltaBytes: 0, banks: 0 };

function loadZengin() {
  if (zenginIndex) return zenginIndex;
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const data = createRequire(import.meta.url)('zengin-code') as Record<string, ZenginBank>;
  const banks = Object.values(data)
    .map((bank): IndexedBank => ({
      entry: { code: bank.code, name: bank.name, kana: bank.kana },
      keys: [bank.name, bank.kana, bank.hira, bank.roma].map(searchKey),
      source: bank,
    }))
    .sort((a, b) => a.entry.code.localeCompare(b.entry.code));
  zenginIndex = { banks, byCode: new Map(banks.map((b) => [b.entry.code, b])) };
  stats.loaded = true;
  stats.loadMs = Math.round(performance.now() - started);
  stats.heapDeltaBytes = process.memoryUsage().heapUsed - heapBefore;
  stats.banks = banks.length;
  return zenginIndex;
}

/** What loading cost, for the operations page and the test that keeps it honest. */
export function bankDirectoryStats(): DirectoryStats {
  return { ...stats };
}

/**
 * A search key: NFKC (full-width letters and half-width kana to their usual forms), katakana
 * as hiragana, small kana as large (zengin kana writes シヨウ for ショウ), lower case, no
 * spaces or long-vowel/hyphen marks.
 */
export function searchKey(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKC').toLowerCase()) {
    const code = ch.codePointAt(0)!;
    let c = code >= 0x30a1 && code <= 0x30f6 ? String.fromCodePoint(code - 0x60) : ch;
    c = SMALL_KANA[c] ?? c;
    if (/[\s\-ー・.]/.test(c)) continue;
    out += c;
  }
  return out;
}

const SMALL_KANA: Record<string, string> = {
  'ぁ': 'あ', 'ぃ': 'い', 'ぅ': 'う', 'ぇ': 'え', 'ぉ': 'お', 'っ': 'つ', 'ゃ': 'や', 'ゅ': 'ゆ', 'ょ': 'よ', 'ゎ': 'わ', 'ゕ': 'か', 'ゖ': 'け',
};

// People type the full name; zengin names are short: 「静岡銀行」→ 静岡, 「浜松いわた信用金庫」→ 浜松いわた信金.
const QUERY_REWRITES: [RegExp, string][] = [
  [/(銀行|ぎんこう|ギンコウ|bank)$/i, ''],
  [/(信用金庫|しんようきんこ|シンヨウキンコ)$/, '信金'],
  [/(信用組合|しんようくみあい|シンヨウクミアイ)$/, '信組'],
];

function queryKey(query: string): string {
  let q = query.normalize('NFKC').trim();
  for (const [pattern, replacement] of QUERY_REWRITES) q = q.replace(pattern, replacement);
  return searchKey(q);
}

function rank<T>(items: { entry: T; keys: string[]; code: string }[], query: string, limit: number): T[] {
  const digits = query.normalize('NFKC').trim();
  if (/^\d+$/.test(digits)) {
    return items.filter((i) => i.code.startsWith(digits)).slice(0, limit).map((i) => i.entry);
  }
  const key = queryKey(query);
  if (key === '') return [];
  const prefix: T[] = [];
  const inside: T[] = [];
  for (const item of items) {
    if (item.keys.some((k) => k.startsWith(key))) prefix.push(item.entry);
    else if (item.keys.some((k) => k.includes(key))) inside.push(item.entry);
  }
  return [...prefix, ...inside].slice(0, limit);
}

function indexExtra(extraBanks: readonly BankEntry[]): IndexedBank[] {
  return extraBanks.map((bank) => ({
    entry: { code: bank.code, name: bank.name, kana: bank.kana },
    // Both the full name and its short form, so 「デモ信用金庫」 and 「デモ信金」 both find it.
    keys: [searchKey(bank.name), queryKey(bank.name), searchKey(bank.kana)].filter((k) => k !== ''),
    source: bank,
  }));
}

export interface DirectoryOptions {
  extraBanks?: readonly BankEntry[];
  limit?: number;
}

/** Banks whose code starts with the digits typed, or whose name or reading contains the text. */
export function searchBanks(query: string, options: DirectoryOptions = {}): BankMatch[] {
  const extra = indexExtra(options.extraBanks ?? []);
  const all = [...extra, ...loadZengin().banks.filter((b) => !extra.some((e) => e.entry.code === b.entry.code))];
  return rank(all.map((b) => ({ ...b, code: b.entry.code })), query, options.limit ?? 20);
}

export function findBank(code: string, options: DirectoryOptions = {}): BankMatch | undefined {
  const extra = (options.extraBanks ?? []).find((b) => b.code === code);
  if (extra) return { code: extra.code, name: extra.name, kana: extra.kana };
  return loadZengin().byCode.get(code)?.entry;
}

function branchesOf(code: string, options: DirectoryOptions): IndexedBranch[] | undefined {
  const extra = (options.extraBanks ?? []).find((b) => b.code === code);
  if (extra) {
    const list = typeof extra.branches === 'function' ? extra.branches() : extra.branches;
    return list.map((branch) => ({ entry: branch, keys: [branch.name, branch.kana].map(searchKey) }));
  }
  const cached = branchIndexes.get(code);
  if (cached) return cached;
  const bank = loadZengin().byCode.get(code)?.source as ZenginBank | undefined;
  if (!bank) return undefined;
  const indexed = Object.values(bank.branches)
    .map((b) => ({ entry: { code: b.code, name: b.name, kana: b.kana }, keys: [b.name, b.kana, b.hira, b.roma].map(searchKey) }))
    .sort((a, b) => a.entry.code.localeCompare(b.entry.code));
  branchIndexes.set(code, indexed);
  return indexed;
}

/** Branches of one bank, by code prefix or name; [] for an unknown bank. */
export function searchBranches(bankCode: string, query: string, options: DirectoryOptions = {}): BranchMatch[] {
  const branches = branchesOf(bankCode, options);
  if (!branches) return [];
  return rank(branches.map((b) => ({ ...b, code: b.entry.code })), query, options.limit ?? 20);
}

export function findBranch(bankCode: string, branchCode: string, options: DirectoryOptions = {}): BranchMatch | undefined {
  return branchesOf(bankCode, options)?.find((b) => b.entry.code === branchCode)?.entry;
}

/**
 * The names a page shows for a bank: the full Japanese name (みずほ銀行, not the directory's
 * みずほ) and the English one where the data has it (bank-names.ts); the platform's own
 * institutions by their configured names. Undefined for a code nobody has.
 */
export function bankNames(code: string, options: DirectoryOptions = {}): DirectoryNames | undefined {
  const extra = (options.extraBanks ?? []).find((b) => b.code === code);
  if (extra) return { ja: extra.name, en: extra.nameEn };
  const bank = loadZengin().byCode.get(code)?.source as ZenginBank | undefined;
  return bank && bankNamesOf(bank);
}

/** The names a page shows for a branch (上野支店 / Ueno Branch); the platform's branches have no romanised name. */
export function branchNames(bankCode: string, branchCode: string, options: DirectoryOptions = {}): DirectoryNames | undefined {
  const extra = (options.extraBanks ?? []).find((b) => b.code === bankCode);
  if (extra) {
    const branch = (typeof extra.branches === 'function' ? extra.branches() : extra.branches).find((b) => b.code === branchCode);
    return branch && branchNamesOf({ name: branch.name });
  }
  const bank = loadZengin().byCode.get(bankCode)?.source as ZenginBank | undefined;
  const branch = bank?.branches[branchCode];
  return branch && branchNamesOf(branch);
}

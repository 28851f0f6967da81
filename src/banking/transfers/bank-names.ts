// How the pages name a bank or a branch of the zengin-code directory (bank-directory.ts).
// The directory keeps the short names of the 全銀 files: 「みずほ」, 「北海道信金」, 「上野」. A
// customer reads the full ones — みずほ銀行, 北海道信用金庫, 上野支店 — which follow from the
// short name and the kind of institution its code and ending say; in English the directory's
// romanised name (its `roma`, written as the data has it: 「北海道」 is hotsukaidou there) with
// the kind in English. Pure functions: the directory passes its entries in.

/** A name to show in each language; `en` undefined when the data has no romanised name. */
export interface DirectoryNames {
  ja: string;
  en: string | undefined;
}

/** The few whose full name does not follow from a rule (codes of the 全銀 directory). */
const WHOLE_NAMES: Record<string, DirectoryNames> = {
  '1000': { ja: '信金中央金庫', en: 'Shinkin Central Bank' },
  '2004': { ja: '商工組合中央金庫', en: 'Shoko Chukin Bank' },
  '2010': { ja: '全国信用協同組合連合会', en: 'National Federation of Credit Co-operatives' },
  '2213': { ja: '整理回収機構', en: 'Resolution and Collection Corporation' },
  '2950': { ja: '労働金庫連合会', en: 'Rokinren Bank' },
  '3000': { ja: '農林中央金庫', en: 'Norinchukin Bank' },
  '3771': { ja: '秋田たかのす農業協同組合', en: 'JA Akita Takanosu' }, // the directory's name lost its 農協 to the length limit
  '9900': { ja: 'ゆうちょ銀行', en: 'Japan Post Bank' },
  '0200': { ja: 'ワイズ・ペイメンツ・ジャパン', en: 'Wise Payments Japan' }, // a funds-transfer business, not a bank
};

/** The short endings of the directory, their full Japanese words, the romanised ending and its English. */
const KINDS: { short: string; full: string; roma: string; en: string }[] = [
  { short: '信漁連', full: '信用漁業協同組合連合会', roma: 'shingiyoren', en: 'Credit Federation of Fisheries Co-operatives' },
  { short: '信金', full: '信用金庫', roma: 'shinkin', en: 'Shinkin Bank' },
  { short: '信組', full: '信用組合', roma: 'shinkumi', en: 'Credit Co-operative' },
  { short: '労金', full: '労働金庫', roma: 'roukin', en: 'Labour Bank' },
  { short: '信連', full: '信用農業協同組合連合会', roma: 'shinren', en: 'Credit Federation of Agricultural Co-operatives' },
  { short: '農協', full: '農業協同組合', roma: 'noukiyou', en: 'Agricultural Co-operative' },
  { short: '漁協', full: '漁業協同組合', roma: 'giyokiyou', en: 'Fisheries Co-operative' },
];

/** hotsukaidou → Hotsukaidou; each word (the data separates some with full-width spaces). */
function capitalised(roma: string): string {
  return roma
    .split(/[\s\u3000]+/u)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/** A bank of the directory: its code, short name and romanised name. */
export function bankNamesOf(bank: { code: string; name: string; roma: string }): DirectoryNames {
  const whole = WHOLE_NAMES[bank.code];
  if (whole) return whole;
  const roma = bank.roma.trim();
  for (const kind of KINDS) {
    if (!bank.name.endsWith(kind.short)) continue;
    const stem = roma.endsWith(kind.roma) ? roma.slice(0, -kind.roma.length) : roma;
    return { ja: bank.name.slice(0, -kind.short.length) + kind.full, en: stem === '' ? undefined : `${capitalised(stem)} ${kind.en}` };
  }
  // Codes below 1000 are banks (銀行); a foreign bank whose name says バンク has its name already.
  const isBank = Number(bank.code) < 1000;
  const namesItself = /バンク|銀行/.test(bank.name);
  const en = roma === '' ? undefined : isBank && !/bank/i.test(roma) ? `${capitalised(roma)} Bank` : capitalised(roma);
  return { ja: isBank && !namesItself ? `${bank.name}銀行` : bank.name, en };
}

/** Endings a branch name of the directory has when it is not a 支店. */
const BRANCH_KINDS = /(本店|支店|出張所|営業部|本所|支所|センター)$/;

/** A branch: 上野 → 上野支店 / Ueno Branch; 本店 → 本店 / Head Office. `roma` absent: no English name. */
export function branchNamesOf(branch: { name: string; roma?: string | undefined }): DirectoryNames {
  const ja = BRANCH_KINDS.test(branch.name) ? branch.name : `${branch.name}支店`;
  if (branch.name === '本店') return { ja, en: 'Head Office' };
  const roma = branch.roma?.trim() ?? '';
  if (roma === '') return { ja, en: undefined };
  return { ja, en: BRANCH_KINDS.test(branch.name) ? capitalised(roma) : `${capitalised(roma)} Branch` };
}

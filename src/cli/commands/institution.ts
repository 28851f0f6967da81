// `mamori institution list|set-policy`: the institutions and their policies (DESIGN §4).
import { INSTITUTION_SETTING_KEYS, listInstitutions, setInstitutionPolicy, type Institution } from '../../banking/institutions.js';
import { parsePolicyValue, POLICY_KEYS, validateInstitutionPolicy, type InstitutionPolicy } from '../../banking/institution-policy.js';
import { CliError, parseFlags, takeSubcommand, UsageError, type CliIo, type Command } from '../command.js';
import { withConfiguredDatabase } from '../configured-database.js';

const SETTABLE_KEYS: readonly string[] = [...POLICY_KEYS, ...INSTITUTION_SETTING_KEYS];

export const command: Command = {
  usage: [
    'usage: mamori institution list [--json]',
    '       mamori institution set-policy <slug> key=value…',
    '',
    `keys: ${SETTABLE_KEYS.join(', ')}`,
    'Dates are YYYY-MM-DD (Japan calendar day) or "none"; amounts are whole yen.',
    'Every change is checked first; when one is not valid, nothing is changed.',
  ].join('\n'),

  async run(args, io) {
    const [subcommand, rest] = takeSubcommand(args, ['list', 'set-policy'] as const);
    return subcommand === 'list' ? list(rest, io) : setPolicy(rest, io);
  },
};

async function list(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, { json: { type: 'boolean' } });
  return withConfiguredDatabase(io, { mustExist: true }, async ({ database }) => {
    const institutions = await listInstitutions(database.db);
    if (values.json === true) {
      io.out(JSON.stringify(institutions, null, 2));
      return 0;
    }
    if (institutions.length === 0) io.out('no institutions (run `mamori demo`, or `mamori serve` in development)');
    for (const institution of institutions) {
      io.out(`${institution.slug}  ${institution.bankCode}  ${institution.name} (${institution.nameEn})`);
      io.out(`  confirmationMode=${institution.confirmation.mode} (${institution.confirmation.name})`);
      io.out(`  ${POLICY_KEYS.map((key) => `${key}=${String(institution.policy[key] ?? 'none')}`).join(' ')}`);
    }
    return 0;
  });
}

async function setPolicy(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseFlags(args, {}, { positionals: Number.MAX_SAFE_INTEGER });
  const [slug, ...pairs] = positionals;
  if (slug === undefined) throw new UsageError('missing <slug> (see `mamori institution list`)');
  if (pairs.length === 0) throw new UsageError('missing key=value (at least one)');
  const changes = pairs.map(parsePair);

  return withConfiguredDatabase(io, { mustExist: true }, async ({ database }) => {
    const institution = (await listInstitutions(database.db)).find((i) => i.slug === slug);
    if (institution === undefined) throw new CliError(`no institution "${slug}" (see \`mamori institution list\`)`);
    const order = orderOfValidChanges(institution, changes);
    for (const change of order) {
      const result = await setInstitutionPolicy(database.db, slug, change.key, change.value, { nowMs: Date.now(), actor: 'cli' });
      if (!result.ok) {
        // Only a concurrent change can get here: every step was checked above.
        const reason = result.reason === 'invalid' ? result.errors.join('; ') : 'the institution is gone';
        throw new CliError(`${change.key} was refused (${reason}); applied before it: ${order.slice(0, order.indexOf(change)).map((c) => c.key).join(', ') || 'nothing'}`);
      }
      io.out(`${slug}: ${change.key}=${change.value}`);
    }
    return 0;
  });
}

interface Change {
  key: string;
  value: string;
}

function parsePair(pair: string): Change {
  const equals = pair.indexOf('=');
  if (equals <= 0) throw new UsageError(`"${pair}" is not key=value`);
  const key = pair.slice(0, equals);
  if (!SETTABLE_KEYS.includes(key)) throw new UsageError(`unknown key "${key}" (known: ${SETTABLE_KEYS.join(', ')})`);
  return { key, value: pair.slice(equals + 1) };
}

/**
 * The changes in an order where every intermediate policy is valid, or a CliError naming what
 * is wrong. The banking store writes one key per transaction and validates the whole policy each
 * time, so `otpLockThreshold=3 otpWarnAt=2` (from 5 and 4) must set the warning first; and a
 * change that is wrong on its own must be refused before anything is written.
 */
function orderOfValidChanges(institution: Institution, changes: Change[]): Change[] {
  const withChanges = (policy: InstitutionPolicy, list: Change[]) => {
    const next: Record<string, unknown> = { ...policy };
    for (const { key, value } of list) if (key !== 'confirmationMode') next[key] = parsePolicyValue(key as keyof InstitutionPolicy, value);
    return validateInstitutionPolicy(next);
  };
  for (const { key, value } of changes) {
    if (key === 'confirmationMode' && value !== 'whole' && value !== 'positions') throw new CliError('confirmationMode must be whole or positions; nothing was changed');
  }
  const final = withChanges(institution.policy, changes);
  if (!final.ok) throw new CliError(`${final.errors.join('; ')}; nothing was changed`);

  const order: Change[] = [];
  const remaining = [...changes];
  while (remaining.length > 0) {
    const index = remaining.findIndex((change) => withChanges(institution.policy, [...order, change]).ok);
    if (index === -1) throw new CliError('these changes cannot be applied one at a time; set them in separate commands. Nothing was changed');
    order.push(...remaining.splice(index, 1));
  }
  return order;
}

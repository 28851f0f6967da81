// 入出金明細 as a file: the period of Japan calendar days (edges at 0:00 JST, a year at most,
// nothing after today), the rows of exactly that period oldest first, the formula guard on a
// 摘要 someone else typed, and both encodings read back — UTF-8 with its BOM, Shift_JIS with a
// character it cannot hold. Both dialects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { DIALECTS, skipReason, withTestDatabase } from '../../../test/support/db/testing.js';
import { countingRandomBytes, seedFundedAccount, seedInstitution } from '../../../test/support/banking/ledger/test-fixtures.js';
import { deposit } from './deposit.js';
import { encodeStatement, listPostingsInPeriod, readCalendarDay, statementCsv, statementFileName, statementPeriod, STATEMENT_MAX_DAYS } from './statement-file.js';

/** 2026-11-21 10:00 JST. */
const NOW = Date.UTC(2026, 10, 21, 1, 0, 0);
const jst = (day: string, time: string) => Date.parse(`${day}T${time}:00+09:00`);

describe('the period of a statement file', () => {
  it('reads calendar days as typed (hyphens, slashes, full-width digits) and refuses what is not one', () => {
    assert.equal(readCalendarDay('2026-11-01'), '2026-11-01');
    assert.equal(readCalendarDay('2026/11/01'), '2026-11-01');
    assert.equal(readCalendarDay('２０２６／１１／０１'), '2026-11-01');
    for (const bad of ['2026-02-30', '2026-13-01', '26-11-01', '2026-1-1', '', 'x', '2026-11-01T00:00', '２０２６年１１月１日']) assert.equal(readCalendarDay(bad), undefined, bad);
  });

  it('runs from 0:00 JST of the first day to 24:00 JST of the last', () => {
    const read = statementPeriod({ from: '2026-11-01', to: '2026-11-21', nowMs: NOW });
    assert.ok(read.ok);
    assert.equal(read.period.fromMs, jst('2026-11-01', '00:00'));
    assert.equal(read.period.toMs, jst('2026-11-22', '00:00'));
    assert.equal(statementFileName(read.period), 'nyushukkin-meisai_20261101-20261121.csv');
  });

  it('refuses each bad period with its reason', () => {
    const problems = (from: string, to: string) => {
      const read = statementPeriod({ from, to, nowMs: NOW });
      return read.ok ? [] : read.problems.map((p) => `${p.field}:${p.problem}`);
    };
    assert.deepEqual(problems('', ''), ['from:missing', 'to:missing']);
    assert.deepEqual(problems('2026-02-30', '2026-11-01'), ['from:malformed']);
    assert.deepEqual(problems('2026-11-01', '2026-11-22'), ['to:future'], 'tomorrow in Japan is after today');
    assert.deepEqual(problems('2026-11-10', '2026-11-01'), ['to:before_from']);
    assert.deepEqual(problems('2025-11-19', '2026-11-20'), ['to:too_long'], `${STATEMENT_MAX_DAYS + 1} days`);
    assert.deepEqual(problems('2025-11-20', '2026-11-20'), [], `${STATEMENT_MAX_DAYS} days`);
    assert.deepEqual(problems('2026-11-21', '2026-11-21'), [], 'one day');
  });
});

for (const dialect of DIALECTS) {
  describe(`statement file [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('holds exactly the postings of the period, oldest first, guarded and in both encodings', () =>
      withTestDatabase(dialect, async (database) => {
        const { db } = database;
        const bank = await seedInstitution(db, { slug: 'demo', bankCode: '9990' });
        bank.clock.set(jst('2026-10-31', '23:59'));
        const account = await seedFundedAccount(db, bank, { contractId: '1000000001', holderName: 'ﾔﾏﾀﾞ ﾀﾛｳ', balanceYen: 1000 });
        const post = async (at: number, amountYen: number, description: string) => {
          const done = await deposit(db, { nowMs: at, randomBytes: countingRandomBytes }, { accountId: account.id, amountYen, actor: 'system', description });
          assert.ok(done.ok);
        };
        await post(jst('2026-11-01', '00:00'), 2000, '振込 ﾔﾏﾀﾞ ﾀﾛｳ');
        await post(jst('2026-11-15', '12:34'), 3000, '=HYPERLINK("http://evil.example","x")');
        await post(jst('2026-11-21', '09:00'), 4000, '入金 𠮷野家🙂');
        await post(jst('2026-11-22', '00:00'), 5000, 'tomorrow');

        const read = statementPeriod({ from: '2026-11-01', to: '2026-11-21', nowMs: jst('2026-11-21', '10:00') });
        assert.ok(read.ok);
        const lines = await listPostingsInPeriod(db, { accountId: account.id, period: read.period });
        assert.deepEqual(lines.map((l) => l.amountYen), [2000, 3000, 4000], 'the opening deposit at 23:59 the day before and the posting at 0:00 after are outside');

        const csv = statementCsv(lines, 'ja');
        assert.deepEqual(csv.split('\r\n'), [
          '"取引日時","摘要","お支払金額","お預り金額","差引残高"',
          '"2026/11/01 00:00","振込 ﾔﾏﾀﾞ ﾀﾛｳ","","2000","3000"',
          `"2026/11/15 12:34","'=HYPERLINK(""http://evil.example"",""x"")","","3000","6000"`,
          '"2026/11/21 09:00","入金 𠮷野家🙂","","4000","10000"',
          '',
        ]);
        assert.match(statementCsv(lines, 'en'), /^"Date and time \(JST\)","Description","Paid out \(JPY\)","Paid in \(JPY\)","Balance \(JPY\)"\r\n/);

        const utf8 = encodeStatement(csv, 'utf8');
        assert.deepEqual([...utf8.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with its byte-order mark');
        assert.equal(utf8.subarray(3).toString('utf8'), csv);
        const sjis = encodeStatement(csv, 'sjis');
        assert.notEqual(sjis[0], 0xef, 'no BOM in Shift_JIS');
        const decoded = iconv.decode(sjis, 'Shift_JIS');
        assert.ok(decoded.includes('"振込 ﾔﾏﾀﾞ ﾀﾛｳ"'), 'kanji and half-width kana survive');
        assert.ok(decoded.includes('"入金 ?野家?"'), 'what Shift_JIS cannot hold becomes ?, and nothing fails');
        assert.ok(decoded.includes(`"'=HYPERLINK(`));
      }));
  });
}

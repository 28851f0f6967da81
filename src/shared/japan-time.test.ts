import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { japanDateTime, japanDayStart } from './japan-time.js';

describe('japanDateTime: YYYY/MM/DD HH:MM in JST (DESIGN §3.5)', () => {
  it('moves to the Japan day across the UTC date line', () => {
    assert.equal(japanDateTime(Date.parse('2026-12-06T15:30:00Z')), '2026/12/07 00:30');
    assert.equal(japanDateTime(Date.parse('2026-12-31T14:59:59.999Z')), '2026/12/31 23:59');
    assert.equal(japanDateTime(Date.parse('2026-12-31T15:00:00Z')), '2027/01/01 00:00');
  });

  it('pads every field and drops the seconds', () => {
    assert.equal(japanDateTime(Date.parse('2026-01-02T00:04:59Z')), '2026/01/02 09:04');
    assert.match(japanDateTime(Date.now()), /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}$/);
  });

  it('writes a policy day (YYYY-MM-DD of Japan) from its first minute', () => {
    assert.equal(japanDayStart('2018-04-01'), '2018/04/01 00:00');
  });
});

// The front door lists every institution's bank site and console, escapes their names, and
// carries the same security headers as every other page.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createInstitution } from '../banking/institutions.js';
import { systemClock, systemRandomBytes } from '../shared/clock.js';
import { createTestDatabase } from '../../test/support/db/testing.js';
import { buildApp } from './app.js';
import { landingPart } from './landing-part.js';

describe('landing page', () => {
  it('links each institution and the browser token, with security headers', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      await createInstitution(
        database.db,
        {
          slug: 'alpha',
          name: 'アルファ<信用金庫>',
          nameEn: 'Alpha Shinkin',
          bankCode: '9991',
          primaryColour: '#005a8c',
          support: { name: 'EB', nameEn: 'EB', phone: '0120-000-000', hours: '9-17', hoursEn: '9-17' },
          confirmation: { mode: 'whole', positions: 2, name: '確認用パスワード', nameEn: 'Confirmation password' },
        },
        0,
      );
      const app = await buildApp({ database, clock: systemClock, randomBytes: systemRandomBytes }, [landingPart({ database, tokenAppPath: '/token/' })]);
      const response = await app.inject('/');
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /href="\/ib\/alpha\/"/);
      assert.match(response.body, /href="\/branch\/alpha\/"/);
      assert.match(response.body, /href="\/token\/"/);
      assert.match(response.body, /アルファ&lt;信用金庫&gt;/);
      assert.match(String(response.headers['content-security-policy']), /default-src 'self'/);
      assert.equal(response.headers['cache-control'], 'no-store');
    } finally {
      await database.close();
    }
  });
});

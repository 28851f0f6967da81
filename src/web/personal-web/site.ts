// What every route of the bank site needs: its dependencies (explicit, per DESIGN: the
// authority only through the AuthorityClient of the institution), and the part factory.
import type { AuthorityClient } from '../../authority/authority-client.js';
import type { PasswordHasher } from '../../banking/password-hasher.js';
import type { Institution } from '../../banking/institutions.js';
import type { Database } from '../../db/database.js';
import type { Clock, RandomBytes } from '../../shared/clock.js';
import type { Lang } from '../i18n.js';

export interface PersonalWebDeps {
  database: Database;
  clock: Clock;
  randomBytes: RandomBytes;
  /** The authority as this institution's relying party (in-process, or HTTP with its API key). */
  authorityFor(institutionSlug: string): AuthorityClient;
  /** HMAC key for confirmation-password digit pairs (MAMORI_CONFIRMATION_PEPPER); never in the database. */
  confirmationPepper: Uint8Array;
  hasher: PasswordHasher;
  /** Cookies get `Secure` (served behind TLS). */
  secureCookies?: boolean;
  /**
   * Entries of the signed-in menu contributed by other parts, e.g. 「振込」 (issue 5: transfers
   * at `${base}transfers`). The help entry is always there.
   */
  mainMenuItems?: (input: { base: string; lang: Lang; institution: Institution }) => MenuItem[];
}

export interface MenuItem {
  href: string;
  label: string;
}

export interface Site {
  readonly deps: PersonalWebDeps;
  readonly nowMs: () => number;
  menuItems(input: { base: string; lang: Lang; institution: Institution }): MenuItem[];
}

export function createSite(deps: PersonalWebDeps): Site {
  return { deps, nowMs: () => deps.clock.nowMs(), menuItems: (input) => deps.mainMenuItems?.(input) ?? [] };
}

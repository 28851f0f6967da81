// The whole schema as Kysely sees it: each part declares its own tables beside its code.
import type { AuditTables } from '../audit/audit.tables.js';
import type { AuthorityTables } from '../authority/authority.tables.js';
import type { BankingTables } from '../banking/banking.tables.js';
import type { RateLimitTables } from './rate-limit.tables.js';

export interface Schema extends AuthorityTables, AuditTables, RateLimitTables, BankingTables {}

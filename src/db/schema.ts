// The whole schema as Kysely sees it: each part declares its own tables beside its code.
import type { AuditTables } from '../audit/audit.tables.js';
import type { AuthorityTables } from '../authority/authority.tables.js';
import type { BankingTables } from '../banking/banking.tables.js';
import type { BranchTables } from '../branch/branch.tables.js';
import type { NotificationAddressTables } from '../banking/notification-address.tables.js';
import type { IdentityTables } from '../identity/identity.tables.js';
import type { LedgerTables } from '../banking/ledger/ledger.tables.js';
import type { LimitTables } from '../banking/limits/limits.tables.js';
import type { TransferTables } from '../banking/transfers/transfers.tables.js';
import type { NotificationTables } from '../notifications/notifications.tables.js';
import type { RateLimitTables } from './rate-limit.tables.js';
import type { SignInDeviceTables } from '../banking/sign-in-devices.tables.js';
import type { SignInReportTables } from '../branch/sign-in-reports.tables.js';

export interface Schema extends AuthorityTables, AuditTables, RateLimitTables, BankingTables,
    LedgerTables, TransferTables, LimitTables, IdentityTables, BranchTables, NotificationTables,
    SignInDeviceTables, SignInReportTables,
    NotificationAddressTables {}

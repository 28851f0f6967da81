// What the transfer pages need besides the bank site's own dependencies.
import type { FeeSchedule } from '../../banking/transfers/transfer-fees.js';
import type { PersonalWebDeps } from '../personal-web/site.js';

export interface TransfersWebDeps extends PersonalWebDeps {
  /** 振込手数料; DEFAULT_FEE_SCHEDULE when omitted. */
  fees?: FeeSchedule;
}

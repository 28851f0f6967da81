// Table of a notification address being changed (migration 0012). Instants are UTC milliseconds.
import type { Generated } from 'kysely';

export interface NotificationAddressChangeTable {
  institution: string;
  contract_id: string;
  new_address: string; // checked by checkEmailAddress; becomes customers.email once proven
  code_mac: string; // HMAC-SHA256 (hex) of the 6-digit code under the server's key, never the code
  attempts: Generated<number>; // codes typed against this one, taken by compare-and-set before comparing
  started_at: number; // when this code was sent
  expires_at: number;
}

export interface NotificationAddressTables {
  notification_address_changes: NotificationAddressChangeTable;
}

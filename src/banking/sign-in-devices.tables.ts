// The browsers a contract has signed in from (ログイン通知, issue 14 §2): the SHA-256 of the
// random device cookie, never the cookie itself, per contract. A row is what makes a sign-in
// "from a known environment"; instants are UTC milliseconds.
export interface SignInDeviceTable {
  institution: string;
  contract_id: string;
  device_hash: string; // hex SHA-256 of the cookie's value
  first_signed_in_at: number;
  last_signed_in_at: number;
}

export interface SignInDeviceTables {
  sign_in_devices: SignInDeviceTable;
}

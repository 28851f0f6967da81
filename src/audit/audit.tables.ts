// The append-only, hash-chained audit log (DESIGN §5). One chain per institution (and one for
// the authority), so that institutions never wait on each other's audit writes.
export interface AuditHeadTable {
  chain: string;
  last_seq: number;
  last_hash: string;
}

export interface AuditLogTable {
  chain: string;
  seq: number;
  at: number;
  actor: string; // 'customer:<contractId>', 'operator:<login>', 'system', 'cli'
  action: string; // snake_case, e.g. 'token_registered'
  subject: string; // contract ID, serial, operator login… ('' when none)
  details: string; // canonical JSON, never a secret
  prev_hash: string;
  hash: string;
}

export interface AuditTables {
  audit_heads: AuditHeadTable;
  audit_log: AuditLogTable;
}

// Where the browser token keeps itself: one IndexedDB record holding the serial, the code
// parameters and the non-extractable HMAC CryptoKey. IndexedDB stores a CryptoKey by
// structured clone (WebCrypto §"Structured serialization"), keeping it non-extractable, so the
// secret is never in a form page script could read — not even the app's own.
import type { ProvisionedToken } from './provisioning.js';

const DATABASE_NAME = 'mamori-token';
const DATABASE_VERSION = 1;
const STORE = 'tokens';
/** One token per app (as in the seed's app): the record has a fixed id. */
const RECORD_ID = 'current';

interface TokenRecord extends ProvisionedToken {
  readonly id: typeof RECORD_ID;
  readonly version: 1;
}

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function openDatabase(): Promise<IDBDatabase> {
  const request = indexedDB.open(DATABASE_NAME, DATABASE_VERSION);
  request.onupgradeneeded = () => {
    request.result.createObjectStore(STORE, { keyPath: 'id' });
  };
  return requestResult(request);
}

async function withStore<T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const database = await openDatabase();
  try {
    const transaction = database.transaction(STORE, mode, { durability: 'strict' });
    const done = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
      transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
    });
    const result = await requestResult(action(transaction.objectStore(STORE)));
    await done; // a write counts only once it is committed
    return result;
  } finally {
    database.close();
  }
}

function isTokenRecord(value: unknown): value is TokenRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    record.version === 1 &&
    typeof record.serial === 'string' &&
    record.key instanceof CryptoKey &&
    typeof record.digits === 'number' &&
    typeof record.periodSeconds === 'number'
  );
}

export async function loadToken(): Promise<ProvisionedToken | undefined> {
  const value: unknown = await withStore('readonly', (store) => store.get(RECORD_ID));
  if (!isTokenRecord(value)) return undefined;
  const { id: _id, version: _version, ...token } = value;
  return token;
}

/**
 * Saves a new token. `add` (not `put`): a second tab that provisioned at the same moment
 * cannot silently replace the token the first one stored; the caller then loads the winner.
 */
export async function saveNewToken(token: ProvisionedToken): Promise<'saved' | 'exists'> {
  const record: TokenRecord = { id: RECORD_ID, version: 1, ...token };
  try {
    await withStore('readwrite', (store) => store.add(record));
    return 'saved';
  } catch (error) {
    if (error instanceof DOMException && error.name === 'ConstraintError') return 'exists';
    throw error;
  }
}

/** Deleting is final: the key exists nowhere else (a reinstall gets a new serial). */
export async function deleteToken(): Promise<void> {
  await withStore('readwrite', (store) => store.delete(RECORD_ID));
}

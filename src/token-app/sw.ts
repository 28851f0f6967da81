// The token app's service worker (bundled by build.ts into dist/sw.js): the app shell is
// served cache-first so the token works offline after the first load; everything else
// (the authority at /authority/…, the bank at /ib/…) always goes to the network.
//
// BUILD_ID is a hash of the shell's files, set by build.ts: a new build is a new sw.js, which
// the browser installs (sw.js itself is served no-cache), caching the new shell under a new
// name and deleting the old one.
declare const BUILD_ID: string;
declare const SHELL_PATHS: readonly string[];

// The few service-worker types used here, declared locally: the project compiles with the DOM
// library, and adding the WebWorker library beside it would clash.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface ServiceWorkerScope {
  readonly location: Location;
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}

const worker = globalThis as unknown as ServiceWorkerScope;
const CACHE_PREFIX = 'mamori-token-shell-';
const CACHE_NAME = CACHE_PREFIX + BUILD_ID;
const SCOPE_PATH = '/token/';

worker.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE_NAME);
      // cache: 'reload' bypasses the HTTP cache, so the shell cached is this build's.
      await cache.addAll(SHELL_PATHS.map((path) => new Request(path, { cache: 'reload' })));
      await worker.skipWaiting();
    })(),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME) await caches.delete(name);
      }
      await worker.clients.claim();
    })(),
  );
});

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin || !url.pathname.startsWith(SCOPE_PATH)) return;
  if (url.pathname === `${SCOPE_PATH}sw.js`) return;
  // Navigations to /token/ (with any query, e.g. ?lang=en) get the cached page.
  const cacheKey = request.mode === 'navigate' || url.pathname === SCOPE_PATH ? SCOPE_PATH : url.pathname;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE_NAME);
      const cached = await cache.match(cacheKey);
      return cached ?? fetch(request);
    })(),
  );
});

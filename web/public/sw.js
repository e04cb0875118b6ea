/**
 * The supervisor app's service worker: keeps the app shell so the app opens on a flaky network.
 * - The shell of this build (index.html, the initial JavaScript, styles, manifest) is cached at
 *   install; web/build.ts writes the list and a version into BUILD, so every build installs
 *   a fresh cache and the old one is dropped.
 * - Pages: the network first (fresh deployments show), the cached shell after 4 s or offline.
 * - Hashed files never change: from the cache, else fetched and kept (the barcode reader's
 *   WebAssembly too, so scanning works offline once it has been used).
 * - Other files of the app (icons, styles): the cache at once, refreshed in the background.
 * - Never cached: the API (/v1/, /local/), /config.json, other origins, anything but GET.
 */
const BUILD = { version: 'dev', shell: ['/', '/styles.css', '/manifest.webmanifest'] }; // set by web/build.ts
const CACHE = `mes-shell-${BUILD.version}`;
const HASHED = /^\/(?:(?:app|boot|chunk)-[A-Z0-9]{8}\.js|[a-z_]+-[A-Z0-9]{8}\.wasm)$/;
const NETWORK_ONLY = /^\/(?:v1|local)\/|^\/config\.json$|\.map$/;
const PAGE_TIMEOUT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(BUILD.shell.map((path) => new Request(path, { cache: 'no-cache' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith('mes-shell-') && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || NETWORK_ONLY.test(url.pathname)) return;
  if (request.mode === 'navigate') event.respondWith(page(request, url));
  else if (HASHED.test(url.pathname)) event.respondWith(cacheFirst(request));
  else event.respondWith(staleWhileRevalidate(event, request));
});

/** index.html from the network when it answers within PAGE_TIMEOUT_MS, else the cached shell. */
async function page(request, url) {
  const cache = await caches.open(CACHE);
  const network = fetch(request).then((response) => {
    if (response.ok && (url.pathname === '/' || url.pathname === '/index.html')) void cache.put('/', response.clone());
    return response;
  });
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('slow network')), PAGE_TIMEOUT_MS));
  try {
    return await Promise.race([network, timeout]);
  } catch {
    return (await cache.match('/')) ?? network;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) void cache.put(request, response.clone());
  return response;
}

async function staleWhileRevalidate(event, request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  const network = fetch(request).then((response) => {
    if (response.ok) void cache.put(request, response.clone());
    return response;
  });
  if (!cached) return network;
  event.waitUntil(network.catch(() => undefined));
  return cached;
}

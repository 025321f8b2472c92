/* The service worker of the pages that work offline (the checkpoint console at
 * /access/console/, the canvassing walk at /fieldwork/), served by
 * fangxian.core.service_worker, which puts
 *   self.FX_SW = {name, pages, version, assets}
 * above this text: the name of its caches, the pattern of the kept pages' paths after the
 * scope, the shell's static files (their hashed names in production) and a version that
 * changes with them.
 *
 * - The kept pages: network first (a short wait), the cached copy when offline; a page
 *   may ask it to keep others ({type: "keep", urls: [...]}, or {url} for one).
 * - The shell's static files: cached at install, served from the cache.
 * - Everything else, the API above all, is not touched: each page keeps its data and its
 *   unsent events in IndexedDB itself.
 */
/* global self, caches, fetch, URL */
"use strict";

const CONFIG = self.FX_SW || { name: "offline", pages: "$^", version: "dev", assets: [] };
const PREFIX = "fx-" + CONFIG.name + "-";
const CACHE = PREFIX + CONFIG.version;
const PAGES = PREFIX + "pages"; // kept across versions: a reload offline must find the page
const SCOPE_PATH = new URL(self.registration.scope).pathname;
const KEPT_PAGE = new RegExp("^" + SCOPE_PATH.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + CONFIG.pages);
const NETWORK_WAIT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(CONFIG.assets)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE && name !== PAGES) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "keep") return;
  const urls = Array.isArray(data.urls) ? data.urls : [data.url];
  const paths = urls.filter((u) => typeof u === "string").map((u) => new URL(u, self.location.origin))
    .filter((url) => url.origin === self.location.origin && KEPT_PAGE.test(url.pathname)).map((url) => url.pathname);
  event.waitUntil(Promise.all(paths.slice(0, 50).map(keepPage)));
});

async function keepPage(path) {
  try {
    const response = await fetch(path, { credentials: "same-origin", cache: "no-store", redirect: "manual" });
    if (response.ok && response.type === "basic") await (await caches.open(PAGES)).put(path, response);
  } catch (e) { /* offline: the next visit keeps it */ }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && KEPT_PAGE.test(url.pathname)) {
    event.respondWith(page(request, url.pathname));
  } else if (CONFIG.assets.includes(url.pathname)) {
    event.respondWith(asset(request, url.pathname));
  }
});

async function page(request, path) {
  const cache = await caches.open(PAGES);
  try {
    const response = await withTimeout(fetch(request), NETWORK_WAIT_MS);
    // Keep only the page itself: not a redirect to the login page, not an error page.
    if (response.ok && response.type === "basic" && !response.redirected) cache.put(path, response.clone());
    return response;
  } catch (e) {
    const cached = await cache.match(path);
    if (cached) return cached;
    throw e;
  }
}

async function asset(request, path) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(path);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(path, response.clone());
  return response;
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

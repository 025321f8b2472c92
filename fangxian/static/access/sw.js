/* The checkpoint console's service worker, served at /access/console/sw.js (scope
 * /access/console/) by fangxian.access.console_views.console_sw, which puts
 *   self.FX_SW = {version, assets}
 * above this text: the shell's static files (their hashed names in production) and a
 * version that changes with them.
 *
 * - The console pages: network first (a short wait), the cached copy when offline.
 * - The shell's static files: cached at install, served from the cache.
 * - Everything else, the API above all (bundle, sync, lookup), is not touched: the
 *   console keeps its bundle and its unsent events in IndexedDB, where it verifies them.
 */
/* global self, caches, clients, fetch, Response, URL */
"use strict";

const CONFIG = self.FX_SW || { version: "dev", assets: [] };
const CACHE = "fx-console-" + CONFIG.version;
const PAGES = "fx-console-pages"; // kept across versions: a reload offline must find the page
const SCOPE_PATH = new URL(self.registration.scope).pathname;
const CONSOLE_PAGE = new RegExp("^" + SCOPE_PATH.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "\\d+/$");
const NETWORK_WAIT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(CONFIG.assets)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("fx-console-") && name !== CACHE && name !== PAGES) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep" && typeof data.url === "string") {
    const url = new URL(data.url, self.location.origin);
    if (url.origin === self.location.origin && CONSOLE_PAGE.test(url.pathname)) {
      event.waitUntil(keepPage(url.pathname));
    }
  }
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
  if (request.mode === "navigate" && CONSOLE_PAGE.test(url.pathname)) {
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

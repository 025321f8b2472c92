/* What the pages that work offline share (the checkpoint console, the canvassing walk):
 * their IndexedDB, event ids and times, the status line (online, login needed, notices),
 * the service worker, and the sending of the outbox.
 *
 * Each page keeps its events in an "outbox" store (keyed by event_id, with an index in the
 * order to send) and the ones the server refused in a "rejected" store, and sends the
 * outbox in batches: an event leaves the outbox only when the server acknowledged it
 * (stored, duplicate, or rejected with its reason), so nothing is lost when a request
 * fails halfway and nothing is stored twice when it is sent again.
 */
(function () {
  "use strict";

  const req = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });

  /* The database `name` (version 1), whose stores `upgrade(db)` makes. transaction(names,
   * mode, fn) runs fn(stores, tx) in one transaction and resolves with fn's result once it
   * is committed (a readwrite one durably). */
  function database(name, upgrade) {
    let opened = null;
    function db() {
      if (!opened) {
        opened = new Promise((resolve, reject) => {
          const open = indexedDB.open(name, 1);
          open.onupgradeneeded = () => upgrade(open.result);
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
      }
      return opened;
    }
    async function transaction(names, mode, fn) {
      const d = await db();
      return new Promise((resolve, reject) => {
        const tx = d.transaction(names, mode, mode === "readwrite" ? { durability: "strict" } : undefined);
        const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
        let result;
        Promise.resolve(fn(stores, tx)).then((r) => { result = r; }, (e) => { try { tx.abort(); } catch (x) { /* done */ } reject(e); });
        tx.oncomplete = () => resolve(result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error || new Error("aborted"));
      });
    }
    return { transaction };
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /* The phone's time with its offset: the server refuses a time without one. */
  function isoNow() {
    const d = new Date();
    const offset = -d.getTimezoneOffset();
    const sign = offset >= 0 ? "+" : "-";
    const pad = (n, w = 2) => String(Math.abs(n)).padStart(w, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}` +
      `:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  }

  /* The cookie's token (it changes at login), else the one the page was served with. */
  function csrfToken(fallback) {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : fallback;
  }

  async function registerServiceWorker(url, scope, keep) {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
    try {
      await navigator.serviceWorker.register(url, { scope });
      const reg = await navigator.serviceWorker.ready;
      // These pages were loaded before the worker ran: have them kept for offline starts.
      if (reg.active) reg.active.postMessage({ type: "keep", urls: keep });
    } catch (e) { /* the page still works online */ }
  }

  /* The status line's parts, in the elements #net and #notice: online or not, a link to
   * log in again when the session has ended, and notices (gone after 6 s unless sticky). */
  function statusLine({ T, loginUrl, pageUrl }) {
    const $ = (id) => document.getElementById(id);
    let loginNeeded = false;
    let noticeTimer = null;
    const line = {
      online: navigator.onLine,
      setOnline(on) {
        line.online = on;
        const net = $("net");
        net.dataset.state = on ? "online" : "offline";
        net.textContent = on ? T.online : T.offline;
      },
      setLoginNeeded(on) {
        if (on && !loginNeeded) {
          line.notice(T.login_needed, true);
          const link = document.createElement("a");
          link.href = loginUrl + "?next=" + encodeURIComponent(pageUrl);
          link.textContent = " → " + T.log_in;
          $("notice").append(link);
        } else if (!on && loginNeeded) {
          $("notice").hidden = true;
        }
        loginNeeded = on;
      },
      notice(text, sticky) {
        const n = $("notice");
        n.textContent = text;
        n.hidden = false;
        clearTimeout(noticeTimer);
        if (!sticky) noticeTimer = setTimeout(() => { n.hidden = true; }, 6000);
      },
    };
    return line;
  }

  /* Send the outbox in batches of `batch`, in the order of its index `order`; after each
   * acknowledged batch `onRound(settled)`. `settle(stores, storedEvents)`, if given, runs in
   * the transaction that clears the acknowledged events (with `extraStores` open too).
   * Resolves with how many events left the outbox. */
  async function sendOutbox({ transaction, order, batch, url, device, wire, csrf, status, T, extraStores = [], settle,
    onRound }) {
    let total = 0;
    try {
      for (let round = 0; round < 100; round++) {
        const events = await transaction(["outbox"], "readonly", (s) => req(s.outbox.index(order).getAll(null, batch)));
        if (!events.length) break;
        let res;
        try {
          res = await fetch(url, {
            method: "POST", credentials: "same-origin", redirect: "manual", cache: "no-store",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(csrf) },
            body: JSON.stringify({ device_id: device, events: events.map(wire) }),
          });
        } catch (e) {
          status.setOnline(false);
          break;
        }
        status.setOnline(true);
        if (res.type === "opaqueredirect" || res.status === 401 || res.status === 403) { status.setLoginNeeded(true); break; }
        if (!res.ok) { status.notice(T.send_failed); break; }
        status.setLoginNeeded(false);
        let acks;
        try { ({ acks } = await res.json()); } catch (e) { status.notice(T.send_failed); break; }
        const byId = new Map(events.map((e) => [e.event_id, e]));
        let settled = 0;
        await transaction(["outbox", "rejected", ...extraStores], "readwrite", async (s) => {
          const stored = [];
          for (const ack of acks || []) {
            const event = byId.get(ack.event_id);
            if (!event) continue;
            if (ack.status === "rejected") s.rejected.put(Object.assign({}, event, { detail: String(ack.detail || "") }));
            else if (ack.status === "stored") stored.push(event);
            else if (ack.status !== "duplicate") continue;
            s.outbox.delete(ack.event_id);
            settled++;
          }
          if (settle) await settle(s, stored);
        });
        total += settled;
        await onRound(settled);
        if (!settled) break; // nothing moved: try again later rather than loop
      }
    } catch (e) {
      status.notice(T.send_failed);
    }
    return total;
  }

  window.FxOffline = { database, req, uuid, isoNow, csrfToken, registerServiceWorker, statusLine, sendOutbox };
})();

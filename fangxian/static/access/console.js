/* The checkpoint console: scan, judge with the cached bundle, record, show, send later.
 *
 * Order of every event, whatever the network does:
 *   1. judge (locally, with the verified bundle held in IndexedDB);
 *   2. write the event to IndexedDB (one transaction with the device's sequence number);
 *   3. only then show the verdict;
 *   4. send the unsent events in batches when online; delete only what the server
 *      acknowledged as stored or duplicate; keep the rejected ones aside, shown.
 * Every sentence the volunteer reads comes from the page (#fx-strings), translated there.
 */
(function () {
  "use strict";

  const cfg = JSON.parse(document.getElementById("fx-config").textContent);
  const T = JSON.parse(document.getElementById("fx-strings").textContent);
  const $ = (id) => document.getElementById(id);
  const fmt = (s, values) => s.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));

  const PASS_PREFIX = "FX1:";
  const SLIP_PREFIX = "FXS1:"; // a move-in slip (入住条): signed like a pass, same codec
  const BUNDLE_PREFIX = "FXB1:";
  const PASS_CLAIMS = -70001;
  const BUNDLE_CLAIMS = -70002;
  const BATCH = 200; // the server takes at most 500
  const SYNC_EVERY_MS = 30 * 1000;
  const BUNDLE_EVERY_MS = 5 * 60 * 1000;
  const MAX_BUNDLE_INFLATED = 8 * 1024 * 1024;

  // -- IndexedDB ----------------------------------------------------------------------------
  const { req, isoNow } = FxOffline;
  const { transaction } = FxOffline.database("fangxian-console", (d) => {
    d.createObjectStore("meta");
    d.createObjectStore("outbox", { keyPath: "event_id" }).createIndex("seq", "device_seq");
    d.createObjectStore("rejected", { keyPath: "event_id" });
    d.createObjectStore("bundles", { keyPath: "checkpoint" });
  });
  const status = FxOffline.statusLine({ T, loginUrl: cfg.loginUrl, pageUrl: cfg.pageUrl });
  const { setOnline, setLoginNeeded, notice } = status;

  async function deviceId() {
    let id = localStorage.getItem("fx-device-id");
    const stored = await transaction(["meta"], "readonly", (s) => req(s.meta.get("device_id")));
    if (stored) {
      id = stored;
    } else {
      id = id || crypto.randomUUID();
      await transaction(["meta"], "readwrite", (s) => { s.meta.put(id, "device_id"); });
    }
    localStorage.setItem("fx-device-id", id);
    return id;
  }

  /* Give the event the next sequence number and store it; resolves once committed. */
  function storeEvent(event) {
    return transaction(["meta", "outbox"], "readwrite", (s) => new Promise((resolve, reject) => {
      const get = s.meta.get("device_seq");
      get.onsuccess = () => {
        event.device_seq = (get.result || 0) + 1;
        s.meta.put(event.device_seq, "device_seq");
        s.outbox.add(event);
        resolve(event);
      };
      get.onerror = () => reject(get.error);
    }));
  }

  // -- the bundle ---------------------------------------------------------------------------
  // {version, iat, exp, maxAge, confirmedAt, estates:Set, revoked:Set, suspended:Map (revocation id → planned
  //  end "YYYY-MM-DD"), estateNames:Map (id → name), threshold, keys:Map}
  let bundle = null;
  let bundleNotice = "";

  async function importKeys(list) {
    const keys = new Map();
    for (const entry of list || []) {
      try {
        const imported = await FxCodec.importKey(entry);
        keys.set(imported.kidHex, imported);
      } catch (e) { /* a key type this browser cannot use: skip it */ }
    }
    return keys;
  }

  function keyList(claims) {
    const body = claims.get(BUNDLE_CLAIMS);
    const list = body instanceof Map ? body.get("keys") : null;
    return Array.isArray(list) ? list.map((k) => (k instanceof Map ? Object.fromEntries(k) : k)) : [];
  }

  function storableKeys(list) {
    return list.map((k) => ({
      kid: FxCodec.toHex(k.kid instanceof Uint8Array ? k.kid : new Uint8Array()),
      alg: k.alg,
      jwk: k.jwk instanceof Map ? Object.fromEntries(k.jwk) : k.jwk,
    }));
  }

  function readBundle(claims, text, confirmedAt, trusted) {
    const body = claims.get(BUNDLE_CLAIMS);
    if (!(body instanceof Map)) throw new Error("no bundle body");
    const revoked = new Set();
    for (const r of body.get("revoked") || []) if (r instanceof Uint8Array) revoked.add(FxCodec.toHex(r));
    // Held back by a home quarantine: [revocation id, planned end]. (An older server sends none.)
    const suspended = new Map();
    for (const entry of body.get("suspended") || []) {
      if (Array.isArray(entry) && entry[0] instanceof Uint8Array) suspended.set(FxCodec.toHex(entry[0]), String(entry[1] || ""));
    }
    const estateNames = new Map();
    const names = body.get("estate_names");
    if (names instanceof Map) for (const [id, name] of names) estateNames.set(String(id), String(name));
    return {
      text,
      version: Number(body.get("version")),
      checkpoint: Number(body.get("checkpoint")),
      iat: claims.get(6) || 0,
      exp: claims.get(4),
      maxAge: Number(body.get("max_age")) || 0,
      confirmedAt,
      estates: new Set((body.get("estates") || []).map(Number)),
      revoked,
      suspended,
      estateNames,
      threshold: String(body.get("fever_threshold") || "37.3"),
      trusted,
    };
  }

  /* The bundle this phone holds: re-verified with the keys it trusts. */
  async function loadStoredBundle() {
    const row = await transaction(["bundles"], "readonly", (s) => req(s.bundles.get(cfg.checkpoint)));
    if (!row) return null;
    const trustedKeys = await importKeys(row.trusted);
    try {
      const { claims } = await FxCodec.decode(row.text, {
        prefix: BUNDLE_PREFIX, keys: trustedKeys, checkTime: false, maxInflated: MAX_BUNDLE_INFLATED,
      });
      const b = readBundle(claims, row.text, row.confirmedAt, row.trusted);
      b.keys = await importKeys(storableKeys(keyList(claims)));
      return b;
    } catch (e) {
      return null;
    }
  }

  /* Accept a bundle from the server: the first one pins its own keys (the console was
   * installed by someone who logged in); every later one must verify with a key already
   * trusted, must be for this checkpoint, and must not be older. An admin may re-pin
   * (opts.repin) when the community's keys were replaced without overlap. */
  let refusedText = null;
  async function acceptBundle(text, opts) {
    const repin = !!(opts && opts.repin);
    const now = Date.now() / 1000;
    let trustedList = bundle && !repin ? bundle.trusted : null;
    let fresh;
    try {
      if (!trustedList) {
        const peeked = await FxCodec.peek(text, { prefix: BUNDLE_PREFIX, maxInflated: MAX_BUNDLE_INFLATED });
        trustedList = storableKeys(keyList(peeked.claims));
      }
      const trustedKeys = await importKeys(trustedList);
      const { claims } = await FxCodec.decode(text, {
        prefix: BUNDLE_PREFIX, keys: trustedKeys, checkTime: false, maxInflated: MAX_BUNDLE_INFLATED,
      });
      fresh = readBundle(claims, text, now, storableKeys(keyList(claims)));
    } catch (e) {
      return refuseBundle(T.bundle_refused, text, e instanceof FxCodec.CodecError && (e.kind === "kid" || e.kind === "signature"));
    }
    if (fresh.checkpoint !== cfg.checkpoint) return refuseBundle(T.bundle_refused, text, false);
    if (bundle && !repin && fresh.version < bundle.version) return refuseBundle(T.bundle_older, text, false);
    fresh.keys = await importKeys(fresh.trusted);
    await transaction(["bundles"], "readwrite", (s) => {
      s.bundles.put({ checkpoint: cfg.checkpoint, text, version: fresh.version, trusted: fresh.trusted, confirmedAt: now });
    });
    bundle = fresh;
    bundleNotice = "";
    refusedText = null;
    $("retrust").hidden = true;
    return true;
  }

  function refuseBundle(message, text, untrustedKey) {
    bundleNotice = message;
    refusedText = text;
    $("retrust").hidden = !(untrustedKey && cfg.isAdmin);
    return false;
  }

  async function retrust() {
    if (!refusedText || !window.confirm(T.retrust_confirm)) return;
    await acceptBundle(refusedText, { repin: true });
    renderBundle();
  }

  async function refreshBundle() {
    try {
      const res = await fetch(cfg.bundleUrl, { credentials: "same-origin", cache: "no-store", redirect: "manual" });
      if (res.type === "opaqueredirect" || res.status === 401 || res.status === 403) { setLoginNeeded(true); return; }
      if (!res.ok) return;
      const body = await res.json();
      await acceptBundle(body.bundle);
      setOnline(true);
    } catch (e) {
      /* offline: keep the bundle we have */
    } finally {
      renderBundle();
    }
  }

  function bundleAge(b, now) {
    return now - Math.max(b.iat || 0, b.confirmedAt || 0);
  }
  function bundleStale(b, now) {
    // Never green on old data: too long since the server last confirmed it, or past its exp.
    if (!b) return true;
    return bundleAge(b, now) > b.maxAge || (typeof b.exp === "number" && now >= b.exp);
  }

  function ageText(seconds) {
    if (seconds < 60) return T.age_now;
    if (seconds < 3600) return fmt(T.age_minutes, { n: Math.floor(seconds / 60) });
    if (seconds < 86400) return fmt(T.age_hours, { n: Math.floor(seconds / 3600) });
    return fmt(T.age_days, { n: Math.floor(seconds / 86400) });
  }

  function renderBundle() {
    const el = $("bundle");
    const now = Date.now() / 1000;
    if (!bundle) {
      el.dataset.state = "none";
      el.textContent = T.bundle_none;
    } else if (bundleStale(bundle, now)) {
      el.dataset.state = "stale";
      el.textContent = fmt(T.bundle_stale, { age: ageText(bundleAge(bundle, now)) });
    } else {
      el.dataset.state = "fresh";
      el.textContent = fmt(T.bundle_version, { version: bundle.version, age: ageText(bundleAge(bundle, now)) });
    }
    el.dataset.version = bundle ? bundle.version : "";
    document.body.dataset.bundle = bundle ? String(bundle.version) : "";
    $("threshold").textContent = bundle ? bundle.threshold : "37.3";
    if (bundleNotice) notice(bundleNotice);
  }

  // -- judging a pass -------------------------------------------------------------------------
  const UNREADABLE = new Set(["prefix", "base45", "zlib", "cbor", "cose"]);

  async function judge(text) {
    const now = Date.now() / 1000;
    const stale = bundleStale(bundle, now);
    const slip = text.startsWith(SLIP_PREFIX);
    let decoded;
    try {
      decoded = await FxCodec.decode(text, { prefix: slip ? SLIP_PREFIX : PASS_PREFIX, keys: bundle ? bundle.keys : new Map(), now });
    } catch (e) {
      const kind = e instanceof FxCodec.CodecError ? e.kind : "cose";
      if (UNREADABLE.has(kind)) return { verdict: "red", reason: "unreadable" };
      if (kind === "kid") {
        if (!bundle) return { verdict: "amber", reason: "no_bundle" };
        return stale ? { verdict: "amber", reason: "unknown_key" } : { verdict: "red", reason: "signature" };
      }
      if (kind === "signature") return { verdict: "red", reason: "signature" };
      if (kind === "expired") return { verdict: "red", reason: "expired" };
      if (kind === "not_yet_valid") return { verdict: "red", reason: "not_yet_valid" };
      return { verdict: "red", reason: "unreadable" };
    }
    const body = decoded.claims.get(PASS_CLAIMS);
    const estate = body instanceof Map ? Number(body.get("estate")) : NaN;
    const kind = body instanceof Map ? String(body.get("kind") || "") : "";
    const cti = decoded.claims.get(7);
    const info = { estate, kind };
    if (!(cti instanceof Uint8Array) || !Number.isFinite(estate)) return { verdict: "red", reason: "unreadable" };
    if (slip) return judgeSlip(body, decoded.claims, info, stale);
    const revocationId = await FxCodec.revocationId(cti);
    if (bundle.revoked.has(revocationId)) return { verdict: "red", reason: "revoked", info };
    // Held back by a home quarantine: red, with the planned end; never "revoked" (moved out).
    if (bundle.suspended.has(revocationId)) {
      const until = bundle.suspended.get(revocationId);
      return { verdict: "red", reason: "quarantine", info,
               text: until ? fmt(T.reason_quarantine, { date: until }) : T.reason_quarantine_open };
    }
    if (!bundle.estates.has(estate)) return { verdict: "red", reason: "estate", info };
    if (stale) return { verdict: "amber", reason: "stale", info };
    return { verdict: "green", reason: "ok", info };
  }

  /* A move-in slip: its holder may move into the dwelling it names (building and room, as
   * text: no name), of this checkpoint's estate, until the slip's end. */
  function judgeSlip(body, claims, info, stale) {
    if (info.kind !== "move_in") return { verdict: "red", reason: "unreadable" };
    info.place = String(body.get("place") || "");
    info.until = typeof claims.get(4) === "number" ? localDate(claims.get(4)) : "";
    if (!bundle.estates.has(info.estate)) return { verdict: "red", reason: "estate", info };
    if (stale) return { verdict: "amber", reason: "stale", info };
    return { verdict: "green", reason: "move_in", info,
             word: T.verdict_move_in, text: [T.reason_move_in, info.place].filter(Boolean).join(" · ") };
  }

  /* "YYYY-MM-DD" of a moment (seconds) in the community's time zone, whatever the phone's. */
  function localDate(seconds) {
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: cfg.timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
        .format(new Date(seconds * 1000));
    } catch (e) {
      return new Date(seconds * 1000).toISOString().slice(0, 10);
    }
  }

  // -- temperature ----------------------------------------------------------------------------
  let tempRaw = "";

  function tempValue() {
    // "365" means 36.5: a thermometer never shows hundreds of degrees.
    if (!tempRaw) return null;
    let text = tempRaw;
    if (!text.includes(".") && text.length === 3) text = text.slice(0, 2) + "." + text.slice(2);
    const n = Number(text);
    if (!Number.isFinite(n) || n < 34 || n > 43) return NaN;
    return Math.round(n * 10) / 10;
  }
  function isFever(t) {
    if (t === null || Number.isNaN(t)) return false;
    const threshold = Number(bundle ? bundle.threshold : "37.3");
    return Math.round(t * 10) >= Math.round(threshold * 10);
  }
  function renderTemp() {
    const out = $("temp-value");
    const t = tempValue();
    out.dataset.empty = tempRaw ? "" : "1";
    out.textContent = tempRaw ? (t === null || Number.isNaN(t) ? tempRaw : t.toFixed(1)) : "--.-";
    out.dataset.fever = isFever(t) ? "1" : "";
  }
  function padKey(key) {
    if (key === "back") tempRaw = tempRaw.slice(0, -1);
    else if (key === "." && tempRaw.includes(".")) return;
    else if (tempRaw.length < 4) tempRaw += key;
    renderTemp();
  }

  // -- direction ------------------------------------------------------------------------------
  let direction = localStorage.getItem("fx-direction") === "out" ? "out" : "in";
  function renderDirection() {
    for (const b of document.querySelectorAll("[data-direction]")) {
      b.setAttribute("aria-checked", String(b.dataset.direction === direction));
    }
  }

  // -- recording events -----------------------------------------------------------------------
  let device = null;

  /* Write the event, then show its verdict. A write that fails shows amber, never green. */
  async function record(fields, shown) {
    const event = Object.assign({
      event_id: crypto.randomUUID(),
      device_seq: 0,
      kind: "scan",
      occurred_at: isoNow(),
      checkpoint: cfg.checkpoint,
      direction,
      pass_text: null,
      person: null,
      verdict: "red",
      reason: "",
      temperature: null,
      visitor: null,
    }, fields);
    try {
      await storeEvent(event);
    } catch (e) {
      showVerdict({ verdict: "amber", reason: "store_failed" });
      return null;
    }
    showVerdict(shown || { verdict: event.verdict, reason: event.reason }, event);
    remember(event, shown);
    recorded += 1;
    document.body.dataset.recorded = String(recorded); // for tests: events recorded by this page
    tempRaw = "";
    renderTemp();
    updateCounts();
    scheduleSync(800);
    return event;
  }

  let recorded = 0;
  let busy = Promise.resolve();
  function onScan(raw) {
    // One at a time, in the order scanned: a fast USB scanner can type faster than we verify.
    busy = busy.then(() => handleScan(raw)).catch(() => {});
    return busy;
  }

  async function handleScan(raw) {
    const text = (raw || "").trim();
    if (!text) return;
    const t = tempValue();
    if (Number.isNaN(t)) {
      $("scan-input").value = text; // kept: correct the temperature and press Enter again
      notice(T.temperature_bad);
      return;
    }
    const result = await judge(text);
    const fever = isFever(t);
    const shown = fever ? { verdict: "red", reason: "fever", info: result.info } : result;
    await record({
      kind: "scan",
      pass_text: text,
      verdict: shown.verdict,
      reason: shown.reason,
      temperature: t,
    }, shown);
  }

  // -- the verdict screen ---------------------------------------------------------------------
  let verdictTimer = null;

  function estateName(id) {
    const key = String(id);
    return (bundle && bundle.estateNames.get(key)) || cfg.estates[key] || T.estate_other;
  }

  function describe(info) {
    if (!info) return "";
    const estate = estateName(info.estate);
    if (info.kind === "move_in") {
      return [estate, info.until ? fmt(T.slip_until, { date: info.until }) : ""].filter(Boolean).join("\n");
    }
    const kind = T["pass_kind_" + info.kind] || "";
    return [estate, kind].filter(Boolean).join(" · ");
  }

  function showVerdict(result, event) {
    const el = $("verdict");
    el.dataset.verdict = result.verdict;
    el.dataset.reason = result.reason;
    $("verdict-word").textContent = result.word || T["verdict_" + result.verdict];
    // A date is never broken at its hyphens: "2026-" above "12-16" misreads at a glance.
    const reasonText = result.text || T["reason_" + result.reason] || result.reason;
    $("verdict-reason").replaceChildren(...String(reasonText).split(/(\d{4}-\d{2}-\d{2})/).map((part, i) =>
      i % 2 ? Object.assign(document.createElement("span"), { className: "nowrap", textContent: part })
            : document.createTextNode(part)));
    const parts = [];
    if (result.info) parts.push(describe(result.info));
    if (result.who) parts.push(result.who);
    if (event) {
      parts.push((event.direction === "in" ? T.direction_in : T.direction_out) + " · " +
        (event.temperature === null ? T.temperature_none : event.temperature.toFixed(1) + " °C"));
    }
    $("verdict-detail").textContent = parts.filter(Boolean).join("\n");
    el.hidden = false;
    if (navigator.vibrate) navigator.vibrate(result.verdict === "green" ? 80 : [200, 100, 200]);
    clearTimeout(verdictTimer);
    // Green goes by itself (a move-in slip stays longer: its room is read out); red and amber
    // wait for the volunteer.
    if (result.verdict === "green") verdictTimer = setTimeout(hideVerdict, result.reason === "move_in" ? 8000 : 2500);
    focusScanner();
  }
  function hideVerdict() {
    clearTimeout(verdictTimer);
    $("verdict").hidden = true;
    focusScanner();
  }

  // The last few verdicts, kept across reloads (times, verdicts and reasons: no personal data).
  const RECENT_KEY = "fx-recent-" + cfg.checkpoint;
  let recent = [];
  try { recent = JSON.parse(localStorage.getItem(RECENT_KEY) || "[]"); } catch (e) { recent = []; }

  function remember(event, shown) {
    recent.unshift({
      time: event.occurred_at.slice(11, 19),
      verdict: event.verdict,
      // A slip's room is not kept on the phone: the list says only "move-in slip".
      reason: (event.reason !== "move_in" && shown && shown.text) || T["reason_" + event.reason] || event.reason,
      temperature: event.temperature,
    });
    recent = recent.slice(0, 8);
    try { localStorage.setItem(RECENT_KEY, JSON.stringify(recent)); } catch (e) { /* full: the list is a convenience */ }
    renderRecent();
  }

  function renderRecent() {
    $("recent").replaceChildren(...recent.map((r) => {
      const li = document.createElement("li");
      li.dataset.verdict = r.verdict;
      li.textContent = `${r.time} ${T["verdict_" + r.verdict]} · ${r.reason}` +
        (r.temperature === null ? "" : ` · ${Number(r.temperature).toFixed(1)}°C`);
      return li;
    }));
  }

  // -- sending ----------------------------------------------------------------------------------
  let syncing = false;
  let syncTimer = null;
  function scheduleSync(delay) {
    clearTimeout(syncTimer);
    syncTimer = setTimeout(sync, delay || 0);
  }

  function wireEvent(e) {
    return {
      event_id: e.event_id, device_seq: e.device_seq, kind: e.kind, occurred_at: e.occurred_at,
      checkpoint: e.checkpoint, direction: e.direction, pass_text: e.pass_text, person: e.person,
      verdict: e.verdict, reason: e.reason, temperature: e.temperature, visitor: e.visitor,
    };
  }

  async function sync() {
    if (syncing) return;
    syncing = true;
    renderOutbox(true);
    try {
      await FxOffline.sendOutbox({
        transaction, order: "seq", batch: BATCH, url: cfg.syncUrl, device, wire: wireEvent, csrf: cfg.csrfToken,
        status, T, onRound: updateCounts,
      });
    } finally {
      syncing = false;
      await updateCounts();
    }
  }

  let counts = { outbox: 0, rejected: 0 };
  let rejectedRows = [];
  async function updateCounts() {
    try {
      [counts, rejectedRows] = await transaction(["outbox", "rejected"], "readonly", (s) =>
        Promise.all([req(s.outbox.count()), req(s.rejected.count()), req(s.rejected.getAll(null, 20))])
          .then(([outbox, rejected, rows]) => [{ outbox, rejected }, rows]));
    } catch (e) { /* keep the last counts */ }
    renderOutbox(syncing);
  }

  function renderOutbox(sending) {
    const el = $("outbox");
    el.dataset.count = counts.outbox;
    el.textContent = counts.outbox ? (sending ? T.sending + " " : "") + fmt(T.unsent, { n: counts.outbox }) : T.all_sent;
    // The events the server refused stay on the phone, listed, for the shift leader to see.
    const rej = $("rejected");
    rej.hidden = !counts.rejected;
    rej.dataset.count = counts.rejected;
    $("rejected-summary").textContent = fmt(T.rejected, { n: counts.rejected });
    $("rejected-list").replaceChildren(...rejectedRows.map((r) => {
      const li = document.createElement("li");
      li.textContent = `${r.occurred_at.slice(5, 16).replace("T", " ")} ${T["kind_" + r.kind] || r.kind}: ${r.detail}`;
      return li;
    }));
  }

  // -- refusal and visitor ------------------------------------------------------------------
  function openSheet(id) {
    const d = $(id);
    if (d.showModal) d.showModal(); else d.setAttribute("open", "");
  }
  function closeSheet(d) {
    if (d.close) d.close(); else d.removeAttribute("open");
    focusScanner();
  }

  async function submitRefusal(ev) {
    ev.preventDefault();
    const form = ev.target;
    const data = new FormData(form);
    const error = $("refusal-error");
    const reason = (data.get("reason") || data.get("reason_other") || "").trim();
    if (!reason) { error.textContent = T.reason_needed; error.hidden = false; return; }
    const t = tempValue();
    if (Number.isNaN(t)) { error.textContent = T.temperature_bad; error.hidden = false; return; }
    let visitor = null;
    const name = (data.get("visitor_name") || "").trim();
    const phone = (data.get("visitor_phone") || "").trim();
    const visiting = (data.get("visitor_visiting") || "").trim();
    const why = (data.get("visitor_why") || "").trim();
    if (phone && !/^1[3-9]\d{9}$/.test(phone)) { error.textContent = T.phone_bad; error.hidden = false; return; }
    if (name || phone || visiting || why) visitor = { name, phone, visiting, why };
    error.hidden = true;
    closeSheet($("refusal"));
    form.reset();
    await record({ kind: "refusal", verdict: "red", reason, temperature: t, visitor },
      { verdict: "red", reason: "refused", text: reason });
  }

  // -- manual lookup and admission ------------------------------------------------------------
  let chosen = null;

  async function submitLookup(ev) {
    ev.preventDefault();
    const data = new FormData(ev.target);
    const building = (data.get("building") || "").trim();
    const room = (data.get("room") || "").trim();
    const name = (data.get("name") || "").trim();
    const error = $("lookup-error");
    const list = $("lookup-results");
    list.replaceChildren();
    $("manual-form").hidden = true;
    if (!((building && room) || name.length >= 2)) { error.textContent = T.lookup_short; error.hidden = false; return; }
    if (!navigator.onLine) { error.textContent = T.lookup_offline; error.hidden = false; return; }
    const url = cfg.lookupUrl + "?" + new URLSearchParams({ checkpoint: cfg.checkpoint, building, room, name });
    let body;
    try {
      const res = await fetch(url, { credentials: "same-origin", redirect: "manual", cache: "no-store" });
      if (res.type === "opaqueredirect" || res.status === 401 || res.status === 403) { setLoginNeeded(true); throw new Error("login"); }
      body = await res.json();
      if (!res.ok) { error.textContent = body.detail || T.lookup_failed; error.hidden = false; return; }
    } catch (e) {
      error.textContent = navigator.onLine ? T.lookup_failed : T.lookup_offline;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    if (!body.results.length) { error.textContent = body.detail || T.lookup_empty; error.hidden = false; return; }
    list.replaceChildren(...body.results.map((p) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "result";
      b.dataset.person = p.person;
      b.dataset.pass = p.has_valid_pass ? "1" : "";
      const who = `${p.name} · ${p.building} ${p.room}`;
      b.textContent = `${who} · ${p.has_valid_pass ? T.has_pass : T.no_pass}`;
      b.addEventListener("click", () => {
        chosen = { person: p.person, who };
        $("manual-who").textContent = b.textContent;
        $("manual-form").hidden = false;
        $("manual-form").elements.reason.focus();
      });
      li.append(b);
      return li;
    }));
  }

  async function submitManual(ev) {
    ev.preventDefault();
    const form = ev.target;
    const reason = (form.elements.reason.value || "").trim();
    const error = $("manual-error");
    if (!chosen) return;
    if (!reason) { error.textContent = T.reason_needed; error.hidden = false; return; }
    const t = tempValue();
    if (Number.isNaN(t)) { error.textContent = T.temperature_bad; error.hidden = false; return; }
    error.hidden = true;
    const fever = isFever(t);
    const who = chosen.who;
    const person = chosen.person;
    chosen = null;
    closeSheet($("lookup"));
    form.reset();
    form.hidden = true;
    $("lookup-results").replaceChildren();
    await record(
      { kind: "manual", person, verdict: fever ? "red" : "green", reason, temperature: t },
      fever ? { verdict: "red", reason: "fever", who } : { verdict: "green", reason: "manual", text: reason, who },
    );
  }

  // -- camera -----------------------------------------------------------------------------------
  let stream = null;
  let detector = null;
  let scanning = false;
  let lastCode = { text: "", at: 0 };

  function loadJsQR() {
    if (window.jsQR) return Promise.resolve(window.jsQR);
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = cfg.jsqrUrl;
      s.onload = () => resolve(window.jsQR);
      s.onerror = reject;
      document.head.append(s);
    });
  }

  async function openCamera() {
    const hint = $("camera-hint");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { notice(T.camera_unavailable); return; }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (e) {
      notice(e && e.name === "NotAllowedError" ? T.camera_denied : T.camera_unavailable);
      return;
    }
    const video = $("video");
    video.srcObject = stream;
    $("camera").hidden = false;
    hint.textContent = T.camera_starting;
    await video.play().catch(() => {});
    detector = null;
    if ("BarcodeDetector" in window) {
      try {
        const formats = await BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) detector = new BarcodeDetector({ formats: ["qr_code"] });
      } catch (e) { detector = null; }
    }
    if (!detector) {
      try { await loadJsQR(); } catch (e) { notice(T.camera_unavailable); closeCamera(); return; }
    }
    scanning = true;
    requestAnimationFrame(frame);
  }

  const canvas = document.createElement("canvas");
  async function frame() {
    if (!scanning) return;
    const video = $("video");
    let text = null;
    try {
      if (video.readyState >= 2 && $("verdict").hidden) {
        if (detector) {
          const codes = await detector.detect(video);
          if (codes.length) text = codes[0].rawValue;
        } else if (window.jsQR) {
          const w = Math.min(video.videoWidth, 640);
          const h = Math.round(video.videoHeight * (w / video.videoWidth));
          if (w && h) {
            canvas.width = w; canvas.height = h;
            const ctx = canvas.getContext("2d", { willReadFrequently: true });
            ctx.drawImage(video, 0, 0, w, h);
            const img = ctx.getImageData(0, 0, w, h);
            const code = window.jsQR(img.data, w, h, { inversionAttempts: "dontInvert" });
            if (code) text = code.data;
          }
        }
      }
    } catch (e) { /* a frame that cannot be read: try the next */ }
    const now = Date.now();
    if (text && !(text === lastCode.text && now - lastCode.at < 4000)) {
      lastCode = { text, at: now };
      await onScan(text);
    }
    if (scanning) setTimeout(() => requestAnimationFrame(frame), detector ? 120 : 200);
  }

  function closeCamera() {
    scanning = false;
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    $("camera").hidden = true;
    focusScanner();
  }

  // -- focus and theme ------------------------------------------------------------------------
  function focusScanner() {
    const input = $("scan-input");
    if (document.activeElement === input) return;
    if (document.querySelector("dialog[open]")) return;
    input.focus({ preventScroll: true });
  }

  function toggleTheme() {
    const root = document.documentElement;
    const dark = root.dataset.theme ? root.dataset.theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
    root.dataset.theme = dark ? "light" : "dark";
    localStorage.setItem("fx-theme", root.dataset.theme);
  }

  // -- start ----------------------------------------------------------------------------------
  async function start() {
    renderDirection();
    renderTemp();
    renderRecent();
    setOnline(navigator.onLine);

    $("scan-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const input = $("scan-input");
      const text = input.value;
      input.value = "";
      onScan(text);
    });
    $("keyboard").addEventListener("click", () => {
      const input = $("scan-input");
      const on = input.getAttribute("inputmode") === "none";
      input.setAttribute("inputmode", on ? "text" : "none");
      $("keyboard").setAttribute("aria-pressed", String(on));
      input.blur();
      input.focus();
    });
    for (const b of document.querySelectorAll("#pad button")) {
      b.addEventListener("pointerdown", (ev) => ev.preventDefault()); // keep the scanner's focus
      b.addEventListener("click", () => padKey(b.dataset.key));
    }
    for (const b of document.querySelectorAll("[data-direction]")) {
      b.addEventListener("click", () => {
        direction = b.dataset.direction;
        localStorage.setItem("fx-direction", direction);
        renderDirection();
        focusScanner();
      });
    }
    $("verdict-close").addEventListener("click", hideVerdict);
    $("verdict").addEventListener("click", (ev) => { if (ev.target === $("verdict")) hideVerdict(); });
    $("theme").addEventListener("click", toggleTheme);
    $("retrust").addEventListener("click", retrust);
    $("camera-toggle").addEventListener("click", openCamera);
    $("camera-close").addEventListener("click", closeCamera);
    $("outbox").addEventListener("click", () => { if (navigator.onLine) sync(); });
    $("open-refusal").addEventListener("click", () => openSheet("refusal"));
    $("open-lookup").addEventListener("click", () => openSheet("lookup"));
    for (const b of document.querySelectorAll("[data-close]")) {
      b.addEventListener("click", () => closeSheet(b.closest("dialog")));
    }
    for (const d of document.querySelectorAll("dialog")) d.addEventListener("close", focusScanner);
    $("refusal-form").addEventListener("submit", submitRefusal);
    // Typing another reason chooses "other".
    $("refusal-form").elements.reason_other.addEventListener("input", () => {
      const other = $("refusal-form").querySelector("input[name=reason][value='']");
      if (other) other.checked = true;
    });
    $("lookup-form").addEventListener("submit", submitLookup);
    $("manual-form").addEventListener("submit", submitManual);
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) $("camera-toggle").hidden = true;
    // A hardware scanner types into whatever has focus: keep it on the scanner's input.
    document.addEventListener("keydown", (ev) => {
      if (ev.target === document.body && /^[\w:$%*+\-./ ]$/.test(ev.key)) focusScanner();
    });

    window.addEventListener("online", () => { setOnline(true); refreshBundle(); scheduleSync(0); });
    window.addEventListener("offline", () => setOnline(false));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") { renderBundle(); scheduleSync(0); }
    });

    // Ask the browser not to evict the unsent events and the bundle under storage pressure.
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    device = await deviceId();
    bundle = await loadStoredBundle();
    renderBundle();
    await updateCounts();
    document.body.dataset.ready = "1";
    focusScanner();
    FxOffline.registerServiceWorker(cfg.swUrl, cfg.swScope, [cfg.pageUrl]);
    await refreshBundle();
    scheduleSync(0);
    setInterval(() => { if (navigator.onLine) sync(); renderBundle(); }, SYNC_EVERY_MS);
    setInterval(() => { if (navigator.onLine) refreshBundle(); }, BUNDLE_EVERY_MS);
  }

  // For the browser tests and for support: what the console holds, without personal data.
  window.fxConsole = {
    state: () => ({ device, bundleVersion: bundle ? bundle.version : null, counts, direction }),
    sync,
    refreshBundle,
  };

  start();
})();

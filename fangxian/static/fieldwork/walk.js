/* The walk on a phone (敲门行动): a building's doors, one tap per door, offline first.
 *
 * Order of every tap, whatever the network does:
 *   1. write the knock to IndexedDB (event_id made here, occurred_at with the offset);
 *   2. only then show the door done;
 *   3. send the queue in batches of at most 200 when online; delete only what the server
 *      acknowledged (stored or duplicate); keep the rejected ones aside, shown with its reason.
 * The doors come from the API and are kept in IndexedDB per building, so a reload without
 * network still shows them (the service worker, fangxian/offline-sw.js, keeps the page itself). Every sentence
 * comes from the page (#fx-walk-strings), translated there. On the buildings page this script
 * only registers the service worker and keeps the listed buildings for offline use.
 */
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const fill = (s, values) => s.replace(/%\((\w+)\)s/g, (m, k) => (k in values ? String(values[k]) : m));
  const BATCH = 200; // the server refuses a larger batch whole
  const SYNC_EVERY_MS = 30 * 1000;
  const REMIND_AFTER_MS = 10 * 60 * 1000;
  const COVERING = new Set(["visited", "vacant", "sealed"]);

  // -- IndexedDB (see fangxian/offline.js) ------------------------------------------------------
  const { req, uuid, isoNow } = FxOffline;
  const { transaction } = FxOffline.database("fangxian-walk", (d) => {
    d.createObjectStore("meta");
    d.createObjectStore("outbox", { keyPath: "event_id" }).createIndex("queued", "queued_at");
    d.createObjectStore("rejected", { keyPath: "event_id" });
    d.createObjectStore("payloads", { keyPath: "key" });
  });
  const payloadKey = (campaign, building) => `${campaign}:${building}`;

  async function deviceId() {
    let id = await transaction(["meta"], "readonly", (s) => req(s.meta.get("device_id")));
    if (!id) {
      id = uuid();
      await transaction(["meta"], "readwrite", (s) => { s.meta.put(id, "device_id"); });
    }
    return id;
  }

  const hhmm = (ms) => { const d = new Date(ms); return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`; };

  /* The server's state_of, applied on the phone: a door's state after one more knock. */
  function applyKnock(door, outcome) {
    door.attempts += 1;
    if (COVERING.has(outcome)) door.state = "covered";
    else if (door.state !== "covered" && outcome === "refused") door.state = "refused";
    else if (door.state === "not_yet") door.state = "revisit";
  }

  async function fetchPayload(url, key) {
    const res = await fetch(url, { credentials: "same-origin", cache: "no-store", redirect: "manual" });
    if (!res.ok) { const e = new Error("status " + res.status); e.status = res.status || 401; throw e; }
    const payload = await res.json();
    const row = { key, payload, fetched_at: Date.now() };
    await transaction(["payloads"], "readwrite", (s) => { s.payloads.put(row); });
    return row;
  }

  // -- the buildings page ---------------------------------------------------------------------
  const buildingList = document.querySelector(".walk-buildings");
  if (buildingList && !$("fx-walk-config")) {
    const links = [...buildingList.querySelectorAll("a[data-api]")];
    FxOffline.registerServiceWorker(buildingList.dataset.swUrl, buildingList.dataset.swScope,
      [location.pathname, ...links.map((a) => new URL(a.href).pathname)]);
    // Keep each listed building's doors too, so that a walk can start without network.
    (async () => {
      for (const a of links) {
        try { await fetchPayload(a.dataset.api, a.dataset.key); } catch (e) { return; }
      }
    })();
    return;
  }

  // -- the doors page ---------------------------------------------------------------------------
  const cfg = JSON.parse($("fx-walk-config").textContent);
  const T = JSON.parse($("fx-walk-strings").textContent);
  const KEY = payloadKey(cfg.campaign, cfg.building);
  let device = null;
  let copy = null; // {key, payload, fetched_at}: the server's doors as last read
  let queued = []; // this building's unsent knocks
  let counts = { outbox: 0, rejected: 0, oldest: null };
  let rejectedRows = [];
  const status = FxOffline.statusLine({ T, loginUrl: cfg.loginUrl, pageUrl: cfg.pageUrl });
  const { setOnline, setLoginNeeded, notice } = status;
  let current = null; // the door whose visit sheet is open

  async function loadDoors() {
    try {
      copy = await fetchPayload(cfg.apiUrl, KEY);
      setOnline(true);
    } catch (e) {
      if (e.status === 401 || e.status === 403 || e.status === 302) setLoginNeeded(true);
      else if (!e.status) setOnline(false);
      copy = await transaction(["payloads"], "readonly", (s) => req(s.payloads.get(KEY)));
      if (copy) notice(fill(T.old_copy, { time: hhmm(copy.fetched_at) }), true);
    }
    await render();
  }

  async function render() {
    queued = await transaction(["outbox"], "readonly", (s) => req(s.outbox.index("queued").getAll()))
      .then((all) => all.filter((e) => e.campaign === cfg.campaign && e.building === cfg.building))
      .catch(() => queued);
    const box = $("doors");
    box.setAttribute("aria-busy", "false");
    if (!copy) { box.replaceChildren(paragraph(T.no_copy, "card empty")); return; }
    const doors = copy.payload.doors.map((d) => Object.assign({}, d));
    const byId = new Map(doors.map((d) => [d.id, d]));
    const unsent = new Set();
    for (const event of queued) {
      const door = byId.get(event.dwelling);
      if (door) { applyKnock(door, event.outcome); unsent.add(door.id); }
    }
    if (!doors.length) { box.replaceChildren(paragraph(T.no_doors, "card empty")); return; }
    const nodes = [];
    let floor;
    for (const door of doors) {
      if (door.floor !== floor) {
        floor = door.floor;
        const h = document.createElement("h2");
        h.className = "walk-floor";
        h.textContent = floor === null ? T.floor_unknown : fill(T.floor, { n: floor });
        nodes.push(h);
      }
      nodes.push(doorCard(door, unsent.has(door.id)));
    }
    box.replaceChildren(...nodes);
    document.body.dataset.ready = "1";
  }

  function paragraph(text, className) {
    const p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  function doorCard(door, unsent) {
    const card = $("door-template").content.firstElementChild.cloneNode(true);
    card.id = "door-" + door.id;
    card.dataset.state = door.state;
    card.dataset.unsent = unsent ? "1" : "0";
    card.querySelector(".walk-room").textContent = door.room;
    const state = card.querySelector(".walk-state");
    state.dataset.state = door.state;
    state.textContent = T["state_" + door.state] || door.state;
    card.querySelector(".walk-unsent").hidden = !unsent;
    card.querySelector(".walk-attempts").textContent = door.attempts ? fill(T.attempts, { n: door.attempts }) : "";
    card.querySelector(".walk-residents").textContent = door.residents.length
      ? door.residents.map((r) => r.masked_name).join("、") : T.nobody_registered;
    for (const b of card.querySelectorAll("[data-outcome]")) {
      b.addEventListener("click", () => (b.dataset.outcome === "visited" ? openVisit(door) : record(door, b.dataset.outcome, {}, b.textContent)));
    }
    return card;
  }

  /* Write the knock, then show it. A write that fails says so: nothing is shown done. */
  async function record(door, outcome, answers, label) {
    const event = {
      event_id: uuid(), campaign: cfg.campaign, dwelling: door.id, outcome, occurred_at: isoNow(), answers,
      building: cfg.building, queued_at: Date.now(),
    };
    try {
      await transaction(["outbox"], "readwrite", (s) => { s.outbox.add(event); });
    } catch (e) {
      notice(T.store_failed, true);
      return null;
    }
    notice(fill(T.saved, { room: door.room, outcome: label }));
    await render();
    await updateCounts();
    scheduleSync(800);
    return event;
  }

  // -- the visit sheet ----------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === true) node.setAttribute(k, "");
      else if (v !== false && v !== null && v !== undefined) node.setAttribute(k, v);
    }
    node.append(...children);
    return node;
  }
  const mark = (q) => (q.required ? el("span", { class: "walk-required", "aria-hidden": "true" }, " *") : "");

  function questionField(q) {
    const id = "q-" + q.key;
    if (q.kind === "yesno") {
      return el("fieldset", { class: "walk-question walk-yesno", "data-key": q.key },
        el("legend", {}, q.label, mark(q)),
        el("label", {}, el("input", { type: "radio", name: id, value: "yes", required: q.required }), " ", T.yes),
        el("label", {}, el("input", { type: "radio", name: id, value: "no" }), " ", T.no));
    }
    const attrs = { id, name: id, required: q.required, autocomplete: "off" };
    if (q.kind === "count") Object.assign(attrs, { type: "number", inputmode: "numeric", min: q.limits.min, max: q.limits.max, step: 1 });
    else if (q.kind === "temperature") Object.assign(attrs, { type: "text", inputmode: "decimal", placeholder: "36.5" });
    else Object.assign(attrs, { type: "text", maxlength: q.limits.max_length });
    return el("label", { class: "walk-question", for: id, "data-key": q.key }, q.label, mark(q), el("input", attrs));
  }

  function openVisit(door) {
    current = door;
    $("visit-title").textContent = door.room;
    $("questions").replaceChildren(...copy.payload.campaign.questions.map(questionField));
    $("newcomers").replaceChildren();
    $("visit-error").hidden = true;
    const back = $("back-people");
    $("back-people-list").replaceChildren(...door.residents.map((r) =>
      el("label", {}, el("input", { type: "checkbox", name: "back_people", value: r.id }), " ", r.masked_name)));
    back.hidden = true;
    const dialog = $("visit");
    if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
  }

  function onAnswerChange(ev) {
    if (ev.target.name === "q-back_from_outside") {
      $("back-people").hidden = !(ev.target.value === "yes" && current && current.residents.length);
    }
  }

  function addNewcomer() {
    if ($("newcomers").children.length >= copy.payload.limits.max_newcomers) return;
    const row = $("newcomer-template").content.firstElementChild.cloneNode(true);
    row.querySelector(".walk-remove").addEventListener("click", () => row.remove());
    $("newcomers").append(row);
    row.querySelector("input").focus();
  }

  /* The answers as the sync checks them, or the first problem in the server's words. */
  function collectAnswers() {
    const form = $("visit-form");
    const answers = {};
    for (const q of copy.payload.campaign.questions) {
      const name = "q-" + q.key;
      let value;
      if (q.kind === "yesno") {
        const checked = form.querySelector(`input[name="${name}"]:checked`);
        value = checked ? checked.value === "yes" : null;
      } else {
        value = form.elements[name].value.trim() || null;
      }
      if (value === null) {
        if (q.required) return { error: fill(T.required, { question: q.label }) };
        continue;
      }
      if (q.kind === "count") {
        if (!/^\d+$/.test(value) || Number(value) > q.limits.max) return { error: fill(T.count_bad, { question: q.label }) };
        value = Number(value);
      } else if (q.kind === "temperature") {
        const t = Number(value.replace(",", "."));
        if (!Number.isFinite(t) || t < q.limits.min || t > q.limits.max) return { error: fill(T.temperature_bad, { question: q.label }) };
        value = t.toFixed(1);
      }
      answers[q.key] = value;
    }
    const newcomers = [];
    for (const row of $("newcomers").children) {
      const name = row.querySelector("[name=nc_name]").value.trim();
      const phone = row.querySelector("[name=nc_phone]").value.replace(/\D/g, "");
      const note = row.querySelector("[name=nc_note]").value.trim();
      if (!name && !phone && !note) continue;
      if (name.length < 2) return { error: T.newcomer_name };
      if (phone && !/^1\d{10}$/.test(phone)) return { error: fill(T.newcomer_phone, { name }) };
      newcomers.push({ name, phone, note });
    }
    if (newcomers.length) answers.newcomers = newcomers;
    if (answers.back_from_outside === true) {
      const ids = [...form.querySelectorAll("input[name=back_people]:checked")].map((c) => Number(c.value));
      if (ids.length) answers.back_people = ids;
    }
    return { answers };
  }

  async function saveVisit(ev) {
    ev.preventDefault();
    const { answers, error } = collectAnswers();
    if (error) {
      $("visit-error").textContent = error;
      $("visit-error").hidden = false;
      return;
    }
    const door = current;
    $("visit").close();
    const label = document.querySelector("#door-template").content.querySelector("[data-outcome=visited]").textContent;
    await record(door, "visited", answers, label);
  }

  // -- sending ----------------------------------------------------------------------------------
  let syncing = false;
  let syncTimer = null;
  function scheduleSync(delay) {
    clearTimeout(syncTimer);
    syncTimer = setTimeout(sync, delay || 0);
  }
  const wire = (e) => ({ event_id: e.event_id, campaign: e.campaign, dwelling: e.dwelling, outcome: e.outcome,
    occurred_at: e.occurred_at, answers: e.answers });

  async function sync() {
    if (syncing) return;
    syncing = true;
    renderStatus();
    let sent = 0;
    try {
      sent = await FxOffline.sendOutbox({
        transaction, order: "queued", batch: BATCH, url: cfg.syncUrl, device, wire, csrf: cfg.csrfToken, status, T,
        extraStores: ["payloads"], settle: learnStored,
        onRound: async (settled) => {
          if (settled) localStorage.setItem("fx-walk-last-sent", String(Date.now()));
          await updateCounts();
        },
      });
    } finally {
      syncing = false;
      await updateCounts();
    }
    if (sent) {
      try { copy = await fetchPayload(cfg.apiUrl, KEY); } catch (e) { /* the kept copy, updated below */ }
    }
    await render();
    document.body.dataset.syncs = String(Number(document.body.dataset.syncs || 0) + 1); // for tests
  }

  /* The kept copy of the doors learns what the server now holds, should the refresh fail. */
  async function learnStored(s, stored) {
    for (const event of stored) {
      const key = payloadKey(event.campaign, event.building);
      const row = await req(s.payloads.get(key));
      const door = row && row.payload.doors.find((d) => d.id === event.dwelling);
      if (door) { applyKnock(door, event.outcome); s.payloads.put(row); if (key === KEY) copy = row; }
    }
  }

  async function updateCounts() {
    try {
      [counts, rejectedRows] = await transaction(["outbox", "rejected"], "readonly", (s) =>
        Promise.all([req(s.outbox.count()), req(s.rejected.count()), req(s.rejected.getAll(null, 20)),
          req(s.outbox.index("queued").openCursor())])
          .then(([outbox, rejected, rows, first]) => [{ outbox, rejected, oldest: first ? first.value.queued_at : null }, rows]));
    } catch (e) { /* keep the last counts */ }
    renderStatus();
  }

  function renderStatus() {
    const el = $("queue");
    const last = Number(localStorage.getItem("fx-walk-last-sent")) || null;
    el.dataset.count = counts.outbox;
    el.dataset.lastSent = last ? hhmm(last) : "";
    const line = last ? fill(T.queued_sent, { n: counts.outbox, time: hhmm(last) }) : fill(T.queued_never, { n: counts.outbox });
    el.textContent = (syncing && counts.outbox ? T.sending + " " : "") + line;
    const waiting = counts.outbox && counts.oldest && Date.now() - counts.oldest > REMIND_AFTER_MS;
    $("reminder").hidden = !waiting;
    if (waiting) $("reminder").textContent = fill(T.waiting, { n: counts.outbox, time: hhmm(counts.oldest) });
    const rej = $("rejected");
    rej.hidden = !counts.rejected;
    rej.dataset.count = counts.rejected;
    $("rejected-summary").textContent = fill(T.rejected, { n: counts.rejected });
    $("rejected-list").replaceChildren(...rejectedRows.map((r) => {
      const li = document.createElement("li");
      li.textContent = `${r.occurred_at.slice(5, 16).replace("T", " ")} · ${r.detail}`;
      return li;
    }));
  }

  // -- start ------------------------------------------------------------------------------------
  async function start() {
    setOnline(navigator.onLine);
    $("send").addEventListener("click", () => sync());
    $("visit-form").addEventListener("submit", saveVisit);
    $("visit-form").addEventListener("change", onAnswerChange);
    $("visit-cancel").addEventListener("click", () => $("visit").close());
    $("add-newcomer").addEventListener("click", addNewcomer);
    window.addEventListener("online", () => { setOnline(true); scheduleSync(0); });
    window.addEventListener("offline", () => setOnline(false));
    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") scheduleSync(0); });
    // Ask the browser not to evict the unsent knocks under storage pressure.
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    device = await deviceId();
    await loadDoors();
    await updateCounts();
    FxOffline.registerServiceWorker(cfg.swUrl, cfg.swScope, [cfg.pageUrl]);
    scheduleSync(0);
    setInterval(() => { if (navigator.onLine) sync(); else renderStatus(); }, SYNC_EVERY_MS);
  }

  // For the browser tests and for support: what the phone holds, without personal data.
  window.fxWalk = {
    state: () => ({ device, counts, online: status.online, queued: queued.map((e) => e.event_id) }),
    outbox: () => transaction(["outbox"], "readonly", (s) => req(s.outbox.getAll())).then((all) => all.map(wire)),
    sync,
  };

  start();
})();

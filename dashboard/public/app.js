// DO NOT EDIT: built from dashboard/client/*.ts by `npm run gen:dashboard`.
"use strict";
(() => {
  // dashboard/trace-types.ts
  var isOpen = (o) => o === "in-flight" || o === "challenge";

  // dashboard/client/api.ts
  async function get(path) {
    const res = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (res.status === 401) {
      location.href = "/login";
      throw new Error("signed out");
    }
    if (!res.ok) throw new Error(`${path}: ${res.status} ${(await res.json().catch(() => ({}))).error ?? ""}`);
    return await res.json();
  }
  var api = {
    servers: () => get("/api/servers"),
    diagram: (server) => get(`/api/diagram/${encodeURIComponent(server)}`),
    logins: (filters2) => get(`/api/logins?${new URLSearchParams({ ...filters2, limit: "200" }).toString()}`),
    trace: (loginId) => get(`/api/logins/${encodeURIComponent(loginId)}`)
  };

  // dashboard/client/diagram.ts
  var SVG_NS = "http://www.w3.org/2000/svg";
  var DiagramView = class {
    constructor(host) {
      this.host = host;
    }
    host;
    info;
    svg;
    badges = /* @__PURE__ */ new Map();
    show(info) {
      this.info = info;
      this.badges.clear();
      const doc = new DOMParser().parseFromString(info.svg, "image/svg+xml");
      const svg = document.importNode(doc.documentElement, true);
      svg.removeAttribute("width");
      svg.removeAttribute("height");
      svg.setAttribute("aria-hidden", "true");
      for (const t of svg.querySelectorAll("title")) t.remove();
      this.host.replaceChildren(svg);
      this.svg = svg;
    }
    /** counts: this section's window counts; here: states where its in-flight logins are now. */
    light(counts2, here) {
      const { info, svg } = this;
      if (!info || !svg) return;
      for (const [state, domId] of Object.entries(info.states)) {
        const g = svg.getElementById(domId);
        if (!g) continue;
        const n = counts2?.states[state] ?? 0;
        g.classList.toggle("lit", n > 0);
        g.classList.toggle("active", here.has(state));
        this.badge(`s:${state}`, g, n, "state");
      }
      const perEdge = /* @__PURE__ */ new Map();
      for (const [edge, domId] of Object.entries(info.edges)) perEdge.set(domId, (perEdge.get(domId) ?? 0) + (counts2?.edges[edge] ?? 0));
      for (const [domId, n] of perEdge) {
        const g = svg.getElementById(domId);
        if (!g || !g.classList.contains("transition")) continue;
        g.classList.toggle("lit", n > 0);
        g.classList.toggle("hot", n >= 10);
        this.badge(`e:${domId}`, g, n, "edge");
      }
    }
    /** A count next to a node (top right) or under an edge's label. */
    badge(key, g, n, kind) {
      let t = this.badges.get(key);
      if (n === 0) {
        t?.remove();
        this.badges.delete(key);
        return;
      }
      if (!t) {
        t = document.createElementNS(SVG_NS, "text");
        t.setAttribute("class", "count");
        const anchor = kind === "state" ? g.querySelector("path, polygon, ellipse") : g.querySelector("text:last-of-type");
        const box = anchor?.getBBox();
        if (!box) return;
        t.setAttribute("x", String(kind === "state" ? box.x + box.width - 2 : box.x + box.width / 2));
        t.setAttribute("y", String(kind === "state" ? box.y - 3 : box.y + box.height + 10));
        t.setAttribute("text-anchor", kind === "state" ? "end" : "middle");
        g.append(t);
        this.badges.set(key, t);
      }
      t.textContent = kind === "state" ? String(n) : `×${n}`;
    }
  };

  // dashboard/client/dom.ts
  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") e.className = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== void 0 && c !== null && c !== false) e.append(c);
    return e;
  }
  function byId(id) {
    const e = document.getElementById(id);
    if (!e) throw new Error(`page has no #${id}`);
    return e;
  }
  function replaceRows(tbody, rows, empty, columns) {
    tbody.replaceChildren(...rows.length ? rows : [el("tr", {}, el("td", { class: "empty", colspan: String(columns) }, empty))]);
  }
  function duration(ms) {
    if (ms < 1e3) return `${Math.round(ms)} ms`;
    if (ms < 6e4) return `${(ms / 1e3).toFixed(1)} s`;
    const s = Math.round(ms / 1e3);
    return `${Math.floor(s / 60)} min ${s % 60} s`;
  }
  function clock(iso) {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour12: false });
  }

  // dashboard/client/lists.ts
  function matches(l, f) {
    return (!f.user || (l.user ?? "").toLowerCase() === f.user.toLowerCase()) && (!f.clientIp || l.clientIp === f.clientIp) && (!f.server || l.server === f.server) && (!f.outcome || l.outcome === f.outcome);
  }
  var traceLink = (l) => el("a", { href: `#/login/${encodeURIComponent(l.loginId)}`, "aria-label": `trace of ${l.user ?? "unknown user"}'s login at ${clock(l.startedAt)}` }, l.user ?? "(no user)");
  var outcomeBadge = (o) => el("span", { class: `outcome ${o}` }, o);
  function renderInFlight(tbody, logins2, now) {
    const rows = logins2.map(
      (l) => el("tr", { "data-login": l.loginId }, el("td", {}, traceLink(l)), el("td", {}, l.clientIp), el("td", {}, l.server), el("td", {}, l.state), el("td", {}, duration(Math.max(0, now - Date.parse(l.stateSince)))))
    );
    replaceRows(tbody, rows, "No login in flight.", 5);
  }
  function renderRecent(tbody, logins2) {
    const rows = logins2.map(
      (l) => el(
        "tr",
        { "data-login": l.loginId, "data-outcome": l.outcome },
        el("td", {}, clock(l.startedAt)),
        el("td", {}, traceLink(l)),
        el("td", {}, l.clientIp),
        el("td", {}, l.server),
        el("td", {}, outcomeBadge(l.outcome)),
        el("td", {}, l.reason ?? ""),
        el("td", {}, isOpen(l.outcome) ? "" : duration(l.ms))
      )
    );
    replaceRows(tbody, rows, "No login matches.", 7);
  }

  // dashboard/client/trace.ts
  function renderTrace(t) {
    byId("trace-title").textContent = `Login of ${t.user ?? "(no user)"} from ${t.clientIp} on ${t.server}, ${clock(t.startedAt)}`;
    const reason = byId("trace-reason");
    reason.className = `reason ${t.outcome}`;
    reason.textContent = t.reasonText ?? (t.outcome === "in-flight" ? `In flight: now in ${t.state}` : t.outcome === "challenge" ? "Challenged: waiting for the answer" : `${t.outcome}${t.reason ? ` (${t.reason})` : ""}`);
    const facts = [
      ["Outcome", t.outcome],
      ["Reason", t.reason ?? "—"],
      ["Section", `${t.server}${t.mode ? ` (${t.mode})` : ""}`],
      ["Client IP", t.clientIp],
      ["Started", new Date(t.startedAt).toLocaleString()],
      ["Took", duration(t.ms)],
      ["Login id", t.loginId]
    ];
    byId("trace-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    const t0 = Date.parse(t.startedAt);
    replaceRows(
      byId("trace-timeline"),
      t.transitions.map(
        (s) => el(
          "tr",
          {},
          el("td", {}, clock(s.at)),
          el("td", {}, String(Date.parse(s.at) - t0)),
          el("td", {}, s.state, s.via?.length ? el("span", { class: "muted" }, ` via ${s.via.join(" → ")}`) : ""),
          el("td", {}, s.event),
          el("td", {}, s.ms === void 0 ? "" : duration(s.ms))
        )
      ),
      "No transition recorded.",
      5
    );
    const p = t.primary;
    byId("trace-primary").textContent = p ? `${p.dropped ? "No answer asked" : p.ok ? "Accepted" : p.error ? "Could not be done" : "Rejected"}${p.client ? ` [${p.client}]` : ""}${p.host ? ` by ${p.host}` : ""}${p.ms !== void 0 ? ` in ${duration(p.ms)}` : ""}${p.message ? `: ${p.message}` : ""}` : "None in this login (duo_only, or it ended before).";
    replaceRows(
      byId("trace-duo"),
      t.duo.map(
        (d) => el("tr", {}, el("td", {}, `${d.endpoint}${d.factor ? ` (${d.factor})` : ""}`), el("td", {}, d.httpStatus === void 0 ? "" : String(d.httpStatus)), el("td", {}, d.ms === void 0 ? "" : duration(d.ms)), el("td", {}, `${d.result ?? ""}${d.aborted ? " (stopped: the login ended first)" : ""}`), el("td", {}, d.status ?? ""), el("td", {}, d.txid ?? ""))
      ),
      "No Duo call.",
      6
    );
    const rounds = byId("trace-rounds");
    rounds.replaceChildren(
      ...t.rounds.length ? t.rounds.map((r) => el("li", {}, `${clock(r.at)}${r.kind ? ` (${r.kind} challenge)` : ""}: prompt shown`, el("pre", { class: "prompt" }, r.prompt), r.answerKind ? `answered with a ${r.answerKind}` : "no answer yet")) : []
    );
    byId("trace-no-rounds").hidden = t.rounds.length > 0;
    byId("trace-reply").textContent = t.reply ? `${t.reply.code}${t.reply.message ? `: “${t.reply.message}”` : ""}` : "Not answered yet.";
    if (t.truncated) byId("trace-reply").append(el("span", { class: "muted" }, " (the trace was too long: its oldest entries are not kept)"));
  }

  // dashboard/client/main.ts
  var logins = /* @__PURE__ */ new Map();
  var counts = {};
  var servers = [];
  var selected = "";
  var filters = { user: "", clientIp: "", server: "", outcome: "" };
  var diagram = new DiagramView(byId("diagram"));
  var drawPending = false;
  function status(text, cls) {
    const s = byId("status");
    s.textContent = text;
    s.className = cls;
  }
  function draw() {
    drawPending = false;
    const all = [...logins.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    const inFlight = all.filter((l) => isOpen(l.outcome));
    renderInFlight(byId("inflight-rows"), inFlight, Date.now());
    byId("inflight-count").textContent = `(${inFlight.length})`;
    renderRecent(byId("recent-rows"), all.filter((l) => matches(l, filters)).slice(0, 100));
    diagram.light(counts[selected], new Set(inFlight.filter((l) => l.server === selected).map((l) => l.state)));
  }
  function redraw() {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(draw);
  }
  async function reloadLogins() {
    const rows = await api.logins({ ...filters });
    for (const [id, l] of logins) if (!isOpen(l.outcome)) logins.delete(id);
    for (const l of rows) logins.set(l.loginId, l);
    for (const outcome of ["in-flight", "challenge"]) for (const l of await api.logins({ outcome })) logins.set(l.loginId, l);
    redraw();
  }
  async function selectServer(name) {
    selected = name;
    for (const b of byId("tabs").querySelectorAll("button")) {
      b.setAttribute("aria-selected", String(b.dataset.server === name));
      b.tabIndex = b.dataset.server === name ? 0 : -1;
    }
    diagram.show(await api.diagram(name));
    redraw();
  }
  function buildTabs() {
    const tabs = byId("tabs");
    tabs.replaceChildren(
      ...servers.map((s) => {
        const b = el("button", { type: "button", role: "tab", "data-server": s.name, "aria-selected": "false", "aria-controls": "diagram-panel" }, `${s.name} (${s.mode}, UDP ${s.port})`);
        b.addEventListener("click", () => void selectServer(s.name));
        b.addEventListener("keydown", (e) => {
          const i = servers.indexOf(s);
          const next = e.key === "ArrowRight" ? servers[(i + 1) % servers.length] : e.key === "ArrowLeft" ? servers[(i - 1 + servers.length) % servers.length] : void 0;
          if (!next) return;
          e.preventDefault();
          void selectServer(next.name);
          tabs.querySelector(`button[data-server="${CSS.escape(next.name)}"]`)?.focus();
        });
        return b;
      })
    );
    const select = byId("filters").querySelector("select[name=server]");
    for (const s of servers) select.append(el("option", {}, s.name));
  }
  function follow() {
    const events = new EventSource("/api/events");
    events.addEventListener("open", () => {
      status("live", "live");
      void reloadLogins();
    });
    events.addEventListener("error", () => status("reconnecting…", "down"));
    events.addEventListener("hello", (e) => {
      const hello = JSON.parse(e.data);
      byId("window").textContent = `(counts over the last ${hello.windowS >= 120 ? `${Math.round(hello.windowS / 60)} min` : `${hello.windowS} s`})`;
    });
    events.addEventListener("update", (e) => {
      const u = JSON.parse(e.data);
      counts = u.counts;
      for (const l of u.logins) logins.set(l.loginId, l);
      if (logins.size > 600) {
        const old = [...logins.values()].filter((l) => !isOpen(l.outcome)).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
        for (const l of old.slice(0, logins.size - 500)) logins.delete(l.loginId);
      }
      redraw();
    });
    events.addEventListener("resync", () => void reloadLogins());
  }
  async function route() {
    const m = /^#\/login\/(.+)$/.exec(location.hash);
    const wasTrace = !byId("trace").hidden;
    byId("lists").hidden = Boolean(m);
    byId("trace").hidden = !m;
    if (!m) {
      if (wasTrace) byId("recent").focus();
      return;
    }
    try {
      renderTrace(await api.trace(decodeURIComponent(m[1])));
    } catch (err) {
      byId("trace-title").textContent = "This login is not known (any more).";
      byId("trace-reason").textContent = err.message;
    }
    byId("trace-title").focus();
  }
  function wireFilters() {
    const form = byId("filters");
    const read = () => {
      const f = new FormData(form);
      filters = { user: String(f.get("user") ?? "").trim(), clientIp: String(f.get("clientIp") ?? "").trim(), server: String(f.get("server") ?? ""), outcome: String(f.get("outcome") ?? "") };
      void reloadLogins();
    };
    let timer;
    form.addEventListener("input", () => {
      clearTimeout(timer);
      timer = window.setTimeout(read, 250);
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      read();
    });
    form.addEventListener("reset", () => setTimeout(read, 0));
  }
  async function start() {
    wireFilters();
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !byId("trace").hidden) location.hash = "";
    });
    window.addEventListener("hashchange", () => void route());
    setInterval(redraw, 1e3);
    servers = await api.servers();
    buildTabs();
    if (servers[0]) await selectServer(servers[0].name);
    await reloadLogins();
    follow();
    await route();
  }
  start().catch((err) => status(`error: ${err.message}`, "down"));
})();

// restracker dashboard: starts from the daemon's recent samples (/api/history), polls the
// read-only JSON API, keeps ten minutes per tracked entity in the page, draws them as SVG against
// the quotas, and shows the event stream. No framework, no
// library; every text from the kernel (command names) goes in through textContent.
"use strict";

const POLL_MS = 2000;
const WINDOW_MS = 10 * 60 * 1000; // the charts show the last ten minutes
const history = new Map(); // pid -> [{t, heap, files}], oldest first
const SVG = "http://www.w3.org/2000/svg";

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function bytes(n) {
  if (n < 0) return "unlimited";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)) + " " + units[i];
}

function count(n) { return n < 0 ? "unlimited" : String(n); }

// Usage over the last WINDOW_MS as a line (time on x), the quota as a dashed line.
function chart(points, key, quota, now) {
  const w = 240, h = 44, pad = 2;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "chart");
  svg.setAttribute("width", w);
  svg.setAttribute("height", h);
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  const max = Math.max(1, quota >= 0 ? quota : 0, ...points.map(p => p[key])) * 1.1;
  const x = t => pad + (w - 2 * pad) * Math.max(0, (t - (now - WINDOW_MS)) / WINDOW_MS);
  const y = v => h - pad - (h - 2 * pad) * (v / max);
  const coords = points.map(p => `${x(p.t).toFixed(1)},${y(p[key]).toFixed(1)}`);
  if (coords.length === 1) coords.unshift(`${(x(points[0].t) - 3).toFixed(1)},${y(points[0][key]).toFixed(1)}`);
  if (coords.length > 0) {
    const area = document.createElementNS(SVG, "polygon");
    area.setAttribute("class", "area");
    const first = coords[0].split(",")[0], last = coords[coords.length - 1].split(",")[0];
    area.setAttribute("points", `${first},${h - pad} ${coords.join(" ")} ${last},${h - pad}`);
    svg.appendChild(area);
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("class", "usage");
    line.setAttribute("points", coords.join(" "));
    svg.appendChild(line);
  }
  if (quota >= 0) {
    const q = document.createElementNS(SVG, "line");
    q.setAttribute("class", "quota");
    q.setAttribute("x1", pad); q.setAttribute("x2", w - pad);
    q.setAttribute("y1", y(quota)); q.setAttribute("y2", y(quota));
    svg.appendChild(q);
  }
  return svg;
}

// The daemon keeps the last minutes of each entity: the charts start from there, not empty.
async function seedHistory() {
  try {
    const data = await fetch("/api/history").then(r => r.json());
    for (const [pid, samples] of Object.entries(data.processes)) {
      history.set(Number(pid), samples.map(([t, heap, files]) => ({ t, heap, files })));
    }
  } catch (e) {
    // an older daemon, or none: the charts start when the page opens
  }
}

function renderProcesses(data) {
  const now = Date.now();
  const seen = new Set();
  for (const p of data.processes) {
    seen.add(p.pid);
    const h = (history.get(p.pid) || []).filter(s => s.t > now - WINDOW_MS);
    h.push({ t: now, heap: p.heapsize_bytes, files: p.openfile_count });
    history.set(p.pid, h);
  }
  for (const pid of [...history.keys()]) if (!seen.has(pid)) history.delete(pid);

  const body = document.querySelector("#processes tbody");
  body.replaceChildren();
  for (const p of data.processes) {
    const tr = el("tr", { "data-pid": p.pid });
    const over = (p.heapsize_quota_bytes >= 0 && p.heapsize_bytes > 0.9 * p.heapsize_quota_bytes)
      || (p.openfile_quota >= 0 && p.openfile_count > 0.9 * p.openfile_quota);
    if (over) tr.className = "over";
    tr.append(el("td", { class: "num pid" }, String(p.pid)), el("td", {}, p.comm), el("td", {}, p.scope),
      el("td", {}, p.policy === null || p.policy === undefined ? "-" : p.policy),
      el("td", { class: "num" }, `${bytes(p.heapsize_bytes)} / ${bytes(p.heapsize_quota_bytes)}`));
    const hc = el("td"); hc.appendChild(chart(history.get(p.pid), "heap", p.heapsize_quota_bytes, now)); tr.appendChild(hc);
    tr.appendChild(el("td", { class: "num" }, `${p.openfile_count} / ${count(p.openfile_quota)}`));
    const fc = el("td"); fc.appendChild(chart(history.get(p.pid), "files", p.openfile_quota, now)); tr.appendChild(fc);
    body.appendChild(tr);
  }
  document.getElementById("no-processes").hidden = data.processes.length > 0;
  document.getElementById("tracked-count").textContent = `(${data.processes.length})`;
}

function renderKills(data) {
  const body = document.querySelector("#kills tbody");
  body.replaceChildren();
  const recent = data.events.slice(-20).reverse();
  for (const e of recent) {
    const usage = e.quota === "heap" ? bytes(e.usage) : String(e.usage);
    const limit = e.quota === "heap" ? bytes(e.limit) : String(e.limit);
    const tr = el("tr", { "data-seq": e.seq, class: e.kind });
    tr.append(el("td", {}, new Date(e.time).toLocaleTimeString()), el("td", {}, e.kind),
      el("td", { class: "num" }, String(e.pid)), el("td", {}, e.comm), el("td", {}, e.quota),
      el("td", { class: "num" }, usage), el("td", { class: "num" }, limit),
      el("td", {}, e.syscall === "cap" ? "cap" : e.syscall + "()"), el("td", {}, e.policy === null ? "-" : e.policy));
    body.appendChild(tr);
  }
  document.getElementById("no-kills").hidden = data.events.length > 0;
  document.getElementById("kill-count").textContent = `(${data.total} in all` +
    (data.overwritten > 0 ? `, ${data.overwritten} overwritten` : "") + ")";
}

function renderPolicies(data) {
  const body = document.querySelector("#policies tbody");
  body.replaceChildren();
  for (const p of data.policies) {
    const tr = el("tr", { "data-policy": p.name });
    tr.append(el("td", {}, p.name), el("td", {}, p.mode),
      el("td", { class: "num" }, bytes(p.heap_quota_bytes)), el("td", { class: "num" }, count(p.file_quota)),
      el("td", { class: "num" }, p.warn_percent === null ? "-" : `${p.warn_percent}%`),
      el("td", { class: "num held" }, String(p.held)), el("td", { class: "num" }, String(p.killed)),
      el("td", { class: "num" }, String(p.audited)), el("td", { class: "num" }, String(p.warned)));
    body.appendChild(tr);
  }
  document.getElementById("no-policies").hidden = data.policies.length > 0;
  document.getElementById("policy-count").textContent = `(${data.policies.length})`;
  const r = data.reloads, note = document.getElementById("reloads");
  note.hidden = r === null;
  if (r !== null) {
    note.className = r.last_failed ? "note bad" : "note";
    note.textContent = `Policy directory: ${r.applied} reloads applied, ${r.failed} failed` +
      (r.last_applied ? `; last applied ${new Date(r.last_applied).toLocaleTimeString()}` : "") +
      (r.last_failed ? `; the last failed (the kernel keeps the set before): ${r.last_error}` : "") +
      (r.absent.length > 0 ? `; left out, a path absent here: ${r.absent.join(", ")}` : "");
  }
}

const TRACER_COLUMNS = ["kmalloc", "kfree", "kmalloc_mem", "kfree_mem", "sched", "up", "down", "lock", "unlock"];

function renderTracer(data) {
  const body = document.querySelector("#tracer tbody");
  body.replaceChildren();
  for (const p of data.processes) {
    const tr = el("tr", { "data-pid": p.pid });
    tr.append(el("td", { class: "num" }, String(p.pid)), el("td", {}, p.comm));
    for (const c of TRACER_COLUMNS) {
      const why = data.counters[c] && !data.counters[c].measured ? data.counters[c].reason : null;
      tr.appendChild(el("td", why ? { class: "num", title: "not measured: " + why } : { class: "num" },
        p[c] === null ? "-" : String(p[c])));
    }
    body.appendChild(tr);
  }
  const none = document.getElementById("no-tracer");
  none.hidden = data.processes.length > 0;
  none.textContent = data.loaded ? "No process is traced. restracker tracer add PID traces one."
    : "The tracer is not loaded: restracker tracer add PID loads it.";
  document.getElementById("traced-count").textContent = `(${data.processes.length})`;
}

function status(text, bad) {
  const s = document.getElementById("status");
  s.textContent = text;
  s.className = bad ? "status bad" : "status";
}

async function refresh() {
  try {
    const [procs, events, policies, tracer] = await Promise.all([
      fetch("/api/processes").then(r => r.json()),
      fetch("/api/events").then(r => r.json()),
      fetch("/api/policies").then(r => r.json()),
      fetch("/api/tracer").then(r => r.json()),
    ]);
    renderProcesses(procs);
    renderKills(events);
    renderPolicies(policies);
    renderTracer(tracer);
    status(procs.loaded ? `live · updated ${new Date().toLocaleTimeString()}` : "the tracker is not loaded in the kernel", !procs.loaded);
  } catch (e) {
    status("daemon unreachable: " + e, true);
  }
}

function live() {
  // ?stream=off: no event stream (a page that never finishes loading cannot be snapshotted).
  if (!window.EventSource || new URLSearchParams(location.search).get("stream") === "off") return;
  const list = document.getElementById("live");
  const add = (kind, text) => {
    const li = el("li", { class: kind }, `${new Date().toLocaleTimeString()}  ${text}`);
    list.prepend(li);
    while (list.children.length > 100) list.lastChild.remove();
  };
  const src = new EventSource("/api/stream");
  src.addEventListener("register", m => { const p = JSON.parse(m.data); add("register", `tracking ${p.scope} ${p.pid} (${p.comm})`); refresh(); });
  src.addEventListener("deregister", m => { const p = JSON.parse(m.data); add("deregister", `no longer tracked: ${p.pid} (${p.comm})`); refresh(); });
  src.addEventListener("kill", m => { const e = JSON.parse(m.data); add("kill", `killed ${e.pid} (${e.comm}): ${e.quota} ${e.usage} > ${e.limit}`); refresh(); });
}

seedHistory().then(() => {
  refresh();
  setInterval(refresh, POLL_MS);
  live();
});

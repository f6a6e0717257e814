// The status page: renders what /api/stream sends every second (server-sent events), and the sync
// log on request. Everything from the server goes into the page as text (textContent), never as
// markup: paths and messages are whatever users and file systems made them.
'use strict';

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

function time(ms) {
  if (ms == null) return '-';
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

function route(c) {
  const from = (c.sourceNode ? c.sourceNode + ':' : '') + c.source;
  const toNode = c.destinationNode || c.sourceNode;
  return from + ' → ' + (toNode ? toNode + ':' : '') + c.destination;
}

function schedule(c) {
  if (c.start && c.stop) return `${c.start}–${c.stop} daily`;
  if (c.start) return `daily at ${c.start}`;
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(c.interval || '');
  if (!m) return c.interval;
  return 'every ' + [m[1] && m[1] + ' h', m[2] && m[2] + ' min', m[3] && m[3] + ' s'].filter(Boolean).join(' ');
}

// The rate of a running sync, from its bytes now and at the last update.
const lastSeen = new Map();

function rate(key, p, now) {
  const before = lastSeen.get(key);
  lastSeen.set(key, { bytes: p.bytes, at: now });
  if (!before || now <= before.at) return '';
  return bytes(Math.max(0, (p.bytes - before.bytes) * 1000 / (now - before.at))) + '/s';
}

function renderNodes(nodes) {
  const body = $('nodes').tBodies[0];
  body.replaceChildren(...nodes.map((n) => el('tr', {},
    el('td', {}, n.address), el('td', {}, n.status), el('td', {}, n.reachable ? 'yes' : 'NO'),
    el('td', {}, n.roles.join(', ')))));
}

function renderRunning(fileSets, oneTime, now) {
  const runs = [];
  for (const f of fileSets) {
    if (!f.running) continue;
    runs.push(runBox('run-' + f.id, `SYNCFILESET ${f.id}: ${route(f.config)}`, f.running, now));
  }
  oneTime.forEach((r, i) => runs.push(runBox('once-' + i, `SYNCHRONIZE ${r.source} TO ${r.destination} (${r.user || 'node'})`,
    r.progress, now)));
  $('running').replaceChildren(...(runs.length ? runs : [el('p', { class: 'none' }, 'no syncs running')]));
}

function runBox(id, title, p, now) {
  // Set through the CSSOM: the page's CSP allows no inline style attributes.
  const done = el('div', {});
  done.style.width = (p.entries ? Math.min(100, 100 * p.files / p.entries) : 0) + '%';
  return el('div', { class: 'run', id },
    el('div', {}, title),
    el('div', {}, 'since ' + time(p.startedMillis) + ': ',
      el('span', { class: 'listed' }, p.entries), ' listed, ',
      el('span', { class: 'files' }, p.files), ' files, ',
      el('span', { class: 'bytes' }, bytes(p.bytes)), ' sent ',
      el('span', { class: 'rate' }, rate(id, p, now))),
    el('div', { class: 'bar' }, done));
}

function lastResult(last) {
  if (!last) return 'never';
  const c = last.counts;
  return `${time(last.endedMillis)}: code ${last.code}, copied ${c.copied} (${bytes(c.bytes)}), purged ${c.purged}`
    + (c.skipped ? `, skipped ${c.skipped}` : '') + (last.failure ? ` — ${last.failure}` : '');
}

// Two rows of bars: duration (blue, red when it failed) and bytes (green), each scaled to its largest.
function chart(runs) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('width', '180');
  svg.setAttribute('height', '40');
  if (!runs || !runs.length) return svg;
  const maxS = Math.max(...runs.map((r) => r.seconds), 0.001);
  const maxB = Math.max(...runs.map((r) => r.bytes), 1);
  const w = 180 / 30;
  runs.forEach((r, i) => {
    const d = document.createElementNS(svg.namespaceURI, 'rect');
    const h = Math.max(1, 18 * r.seconds / maxS);
    d.setAttribute('x', i * w); d.setAttribute('y', 18 - h); d.setAttribute('width', w - 1); d.setAttribute('height', h);
    d.setAttribute('class', r.code >= 2 ? 'f' : 'd');
    const t = document.createElementNS(svg.namespaceURI, 'title');
    t.textContent = `${time(r.endedMillis)}: ${r.seconds.toFixed(1)} s, ${bytes(r.bytes)}, code ${r.code}`;
    d.append(t);
    const b = document.createElementNS(svg.namespaceURI, 'rect');
    const hb = Math.max(1, 18 * r.bytes / maxB);
    b.setAttribute('x', i * w); b.setAttribute('y', 40 - hb); b.setAttribute('width', w - 1); b.setAttribute('height', hb);
    b.setAttribute('class', 'b');
    svg.append(d, b);
  });
  return svg;
}

function renderFileSets(result, recent) {
  const m = result.monitor;
  $('monitor').textContent = m ? `monitor on ${m.node}, ${m.running ? 'running' : 'stopped'}: ${m.fileSets} file sets `
    + `(${m.activeFileSets} active), ${m.schedulers} schedulers (${m.waitingSchedulers} waiting), ${m.runningSyncs} syncs running` : '';
  // Overdue first, then failing, then the rest (the server already puts overdue ones first).
  const rank = (f) => (f.overdue ? 0 : f.last && f.last.code >= 2 ? 1 : 2);
  const sets = [...result.fileSets].sort((a, b) => rank(a) - rank(b) || a.id - b.id);
  $('filesets').tBodies[0].replaceChildren(...sets.map((f) => {
    const cls = f.overdue ? 'overdue' : f.last && f.last.code >= 2 ? 'failing' : '';
    return el('tr', { id: 'fs-' + f.id, class: cls },
      el('td', {}, f.id), el('td', {}, route(f.config)), el('td', {}, f.config.user), el('td', {}, schedule(f.config)),
      el('td', {}, f.state, f.overdue ? el('div', { class: 'reason' }, f.overdue) : ''),
      el('td', { class: 'last' }, lastResult(f.last)), el('td', {}, time(f.nextRunMillis)),
      el('td', {}, chart(recent[String(f.id)])));
  }));
  const select = $('logset');
  const chosen = select.value;
  select.replaceChildren(...sets.map((f) => el('option', { value: f.id }, `${f.id}: ${route(f.config)}`)));
  if (chosen) select.value = chosen;
}

function render(page) {
  const now = page.time;
  $('who').textContent = 'as ' + page.caller;
  renderNodes(page.nodes);
  if (page.status.code !== 0 || !page.status.result.fileSets) {
    $('monitor').textContent = page.status.result.message || 'the monitor did not answer';
    return;
  }
  const r = page.status.result;
  renderRunning(r.fileSets, r.oneTimeRuns || [], now);
  renderFileSets(r, page.recent || {});
  $('live').textContent = 'live, updated ' + time(now);
}

async function showLog(event) {
  if (event) event.preventDefault();
  const id = $('logset').value;
  if (!id) return;
  const response = await fetch(`/api/log?fileSet=${encodeURIComponent(id)}&last=${encodeURIComponent($('loglast').value)}`);
  const log = await response.json();
  const body = $('log').tBodies[0];
  if (log.code !== 0) { body.replaceChildren(el('tr', {}, el('td', { colspan: 4 }, log.result.message))); return; }
  const severity = $('logseverity').value;
  const text = $('logtext').value.toLowerCase();
  const rows = log.result.records
    .filter((r) => (!severity || r.severity === severity) && (!text || r.text.toLowerCase().includes(text)))
    .reverse()
    .map((r) => el('tr', {}, el('td', {}, time(r.timeMillis)), el('td', {}, r.origin),
      el('td', { class: 'sev-' + r.severity }, r.severity), el('td', {}, r.text)));
  body.replaceChildren(...rows);
}

// The node's events, newest first; shown to administrators only (others get 403 and no section).
async function loadEvents() {
  const response = await fetch('/api/events');
  if (response.status !== 200) { $('events-section').hidden = true; return false; }
  const events = await response.json();
  $('events-section').hidden = false;
  const detail = (e) => Object.entries(e).filter(([k]) => !['time', 'type', 'node'].includes(k))
    .map(([k, v]) => `${k}: ${v}`).join(', ');
  $('events').tBodies[0].replaceChildren(...events.reverse().map((e) => el('tr', { class: 'event-' + e.type },
    el('td', {}, e.time), el('td', {}, e.type), el('td', {}, e.node), el('td', {}, detail(e)))));
  return true;
}

function connect() {
  const events = new EventSource('/api/stream');
  events.onmessage = (e) => render(JSON.parse(e.data));
  events.onerror = () => { $('live').textContent = 'reconnecting…'; };
}

document.addEventListener('DOMContentLoaded', () => {
  $('logform').addEventListener('submit', showLog);
  connect();
  loadEvents().then((shown) => { if (shown) setInterval(loadEvents, 5000); });
});

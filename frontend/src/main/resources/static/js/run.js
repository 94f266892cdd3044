// The run view: follows GET /api/runs/{id}/events (SSE: `trace`, `sampled`, `end`), moves a dot
// per packet to the device of its latest step, keeps queue gauges and a per-CPU timeline, and
// lists packets (GET /packets with filters) with an inspector of each path (GET /packets/{skb}).
// Incoming events are only queued by the SSE handler; all drawing happens once per animation
// frame, so a fast stream costs one redraw per frame, not one per event.
import { api, items, describe, el, status } from './api.js';
import { fmtNs, dropWords } from './run/format.js';
import { Inspector } from './run/inspector.js';

const SVG = 'http://www.w3.org/2000/svg';
const page = document.getElementById('run-page');
const id = page.dataset.runId;
const scene = document.getElementById('scene');
const canvas = document.getElementById('timeline');
const MAX_DOTS = 80;
const TIMELINE_EVENTS = 6000;

const state = {
  run: null,
  pending: [],
  received: 0,
  sampled: 0,
  lastNs: 0,
  devices: new Map(), // "netns/device" -> {netns, device, x, y}
  netns: [],
  layoutDirty: false,
  dots: new Map(), // skb -> {key, el, seen, drop}
  queues: new Map(), // name -> {depth, max, el}
  cpus: [],
  ring: new Array(TIMELINE_EVENTS),
  ringLen: 0,
  ringPos: 0,
  selectedSkb: null,
  frameTimes: [],
  ended: false,
};

const inspector = new Inspector(id, {
  onSelect(skb) {
    state.selectedSkb = skb;
    for (const tr of document.querySelectorAll('#packets tbody tr')) tr.setAttribute('aria-selected', String(Number(tr.dataset.skb) === skb));
  },
});

// ---------- live events ----------
function connect() {
  const es = new EventSource(`/api/runs/${id}/events`);
  es.addEventListener('trace', (e) => { state.pending.push(JSON.parse(e.data)); });
  es.addEventListener('sampled', (e) => {
    const s = JSON.parse(e.data);
    state.sampled += s.count ?? 0;
  });
  es.addEventListener('end', (e) => {
    es.close();
    try { state.run = { ...state.run, ...JSON.parse(e.data) }; } catch { /* keep */ }
    finish();
  });
  es.onerror = () => { if (state.ended) es.close(); };
}

function s(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function ingest(ev) {
  state.received++;
  state.lastNs = Math.max(state.lastNs, ev.timeNs ?? 0);
  if (ev.device) {
    const key = `${ev.netns ?? '?'}/${ev.device}`;
    if (!state.devices.has(key)) {
      state.devices.set(key, { netns: ev.netns ?? '?', device: ev.device });
      if (!state.netns.includes(ev.netns ?? '?')) state.netns.push(ev.netns ?? '?');
      state.layoutDirty = true;
    }
    if (ev.skb !== null && ev.skb !== undefined) {
      let dot = state.dots.get(ev.skb);
      if (!dot) { dot = { skb: ev.skb }; state.dots.set(ev.skb, dot); }
      dot.key = key;
      dot.fn = ev.function;
      dot.seen = state.received;
      if (ev.drop) dot.drop = ev.drop;
    }
  }
  if (ev.queue && ev.queueDepth !== null && ev.queueDepth !== undefined) {
    let q = state.queues.get(ev.queue);
    if (!q) { q = { depth: 0, max: 0 }; state.queues.set(ev.queue, q); }
    q.depth = ev.queueDepth;
    q.max = Math.max(q.max, ev.queueDepth);
    q.dirty = true;
  }
  if (ev.cpu && !state.cpus.includes(ev.cpu)) state.cpus.push(ev.cpu);
  state.ring[state.ringPos] = ev;
  state.ringPos = (state.ringPos + 1) % TIMELINE_EVENTS;
  state.ringLen = Math.min(state.ringLen + 1, TIMELINE_EVENTS);
}

// ---------- drawing ----------
function layout() {
  scene.replaceChildren();
  const colW = 170;
  const perRow = Math.max(1, Math.floor((scene.clientWidth || 900) / colW));
  state.netns.forEach((ns, i) => {
    const x = 10 + (i % perRow) * colW;
    const y = 10 + Math.floor(i / perRow) * 150;
    const devs = [...state.devices.values()].filter((d) => d.netns === ns);
    const g = s('g', { class: 'netns', 'data-netns': ns },
      s('rect', { x, y, width: colW - 20, height: 30 + devs.length * 30, rx: 5 }),
      s('text', { x: x + 8, y: y + 16 }, `▦ ${ns}`));
    devs.forEach((d, k) => {
      d.x = x + 22;
      d.y = y + 36 + k * 30;
      g.append(s('g', { class: 'dev', 'data-device': `${ns}/${d.device}` },
        s('circle', { cx: d.x, cy: d.y, r: 7 }), s('text', { x: d.x + 12, y: d.y + 4 }, d.device)));
    });
    scene.append(g);
  });
  const rows = Math.ceil(state.netns.length / perRow) || 1;
  scene.setAttribute('viewBox', `0 0 ${Math.max(scene.clientWidth || 900, 300)} ${rows * 150 + 20}`);
  scene.style.height = `${rows * 150 + 20}px`;
  for (const dot of state.dots.values()) dot.el = null;
  state.layoutDirty = false;
}

function drawDots() {
  // evict the packets not seen for longest beyond MAX_DOTS
  if (state.dots.size > MAX_DOTS) {
    const old = [...state.dots.values()].sort((a, b) => a.seen - b.seen).slice(0, state.dots.size - MAX_DOTS);
    for (const d of old) { d.el?.remove(); state.dots.delete(d.skb); }
  }
  for (const dot of state.dots.values()) {
    const dev = state.devices.get(dot.key);
    if (!dev || dev.x === undefined) continue;
    if (!dot.el) {
      dot.el = s('g', { class: 'pkt', 'data-skb': dot.skb }, s('circle', { r: 5 }), s('text', { x: 7, y: -6 }, ''));
      scene.append(dot.el);
    }
    const off = (dot.skb % 5) * 9 + 60;
    dot.el.setAttribute('transform', `translate(${dev.x + off},${dev.y})`);
    dot.el.dataset.device = dot.key;
    if (dot.drop && !dot.el.classList.contains('dropped')) {
      dot.el.classList.add('dropped');
      dot.el.querySelector('text').textContent = `✕ ${dot.drop}`;
    }
  }
}

function drawQueues() {
  const box = document.getElementById('queues');
  for (const [name, q] of state.queues) {
    if (!q.dirty) continue;
    q.dirty = false;
    if (!q.el) {
      q.fill = el('div', { class: 'fill' });
      q.num = el('span', { class: 'mono' });
      q.el = el('div', { class: 'gauge', 'data-queue': name }, el('span', { class: 'mono' }, name), el('div', { class: 'bar' }, q.fill), q.num);
      box.append(q.el);
    }
    q.fill.style.width = `${q.max ? (100 * q.depth) / q.max : 0}%`;
    q.num.textContent = `${q.depth}/${q.max}`;
    q.el.title = `${name}: depth ${q.depth}, max ${q.max}`;
  }
}

let hatch = null;
function drawTimeline() {
  const ctx = canvas.getContext('2d');
  const w = canvas.width = canvas.clientWidth || 1200;
  const lanes = Math.max(1, state.cpus.length);
  const laneH = 26;
  const h = canvas.height = lanes * laneH + 16;
  canvas.style.height = `${h}px`;
  ctx.clearRect(0, 0, w, h);
  if (!hatch) {
    const p = document.createElement('canvas');
    p.width = p.height = 6;
    const c = p.getContext('2d');
    c.strokeStyle = '#6a1b9a';
    c.lineWidth = 2;
    c.beginPath(); c.moveTo(0, 6); c.lineTo(6, 0); c.stroke();
    hatch = ctx.createPattern(p, 'repeat');
  }
  const n = state.ringLen;
  if (!n) return;
  const first = state.ring[(state.ringPos - n + TIMELINE_EVENTS) % TIMELINE_EVENTS];
  const t0 = first.timeNs;
  const span = Math.max(1, state.lastNs - t0);
  const x0 = 70;
  ctx.font = '11px monospace';
  state.cpus.forEach((cpu, i) => { ctx.fillStyle = '#1b1f24'; ctx.fillText(cpu, 4, i * laneH + 18); });
  for (let k = 0; k < n; k++) {
    const ev = state.ring[(state.ringPos - n + k + TIMELINE_EVENTS) % TIMELINE_EVENTS];
    const lane = state.cpus.indexOf(ev.cpu);
    const x = x0 + ((ev.timeNs - t0) / span) * (w - x0 - 6);
    const y = lane * laneH + 5;
    const c = ev.context || '';
    if (c.includes('ksoftirqd')) { ctx.strokeStyle = '#00695c'; ctx.setLineDash([2, 2]); ctx.strokeRect(x, y, 3, laneH - 8); ctx.setLineDash([]); }
    else if (c.includes('softirq')) { ctx.fillStyle = hatch; ctx.fillRect(x, y, 3, laneH - 8); }
    else if (c.includes('process') || c.includes('task')) { ctx.fillStyle = '#37474f'; ctx.fillRect(x, y, 2, laneH - 8); }
    else { ctx.fillStyle = '#c7ccd4'; ctx.fillRect(x, y, 2, laneH - 8); }
  }
  ctx.fillStyle = '#5b6470';
  ctx.fillText(`${fmtNs(t0)} … ${fmtNs(state.lastNs)}`, x0, h - 2);
}


let lastFrame = 0;
function frame(now) {
  if (lastFrame) {
    state.frameTimes.push(now - lastFrame);
    if (state.frameTimes.length > 2000) state.frameTimes.shift();
  }
  lastFrame = now;
  if (state.pending.length) {
    const batch = state.pending;
    state.pending = [];
    for (const ev of batch) ingest(ev);
    if (state.layoutDirty) layout();
    drawDots();
    drawQueues();
    drawTimeline();
    document.getElementById('sim-time').textContent = `t = ${fmtNs(state.lastNs)} · ${state.received} events${state.sampled ? ` · ${state.sampled} sampled away` : ''}`;
    page.dataset.events = String(state.received);
  }
  requestAnimationFrame(frame);
}

// ---------- status and controls ----------
function showStatus() {
  const r = state.run;
  if (!r) return;
  const icon = { running: '⏵', paused: '⏸', queued: '…', finished: '✓', stopped: '■', failed: '✕', interrupted: '✕' }[r.status] || '';
  document.getElementById('run-title').textContent = `Run of ${r.topologyName ?? r.topologyId ?? ''}${r.topologyVersion ? ' v' + r.topologyVersion : ''}`;
  document.getElementById('run-status').textContent = `${icon} ${r.status}${r.reason ? ' (' + r.reason + ')' : ''} · seed ${r.seed ?? '?'} · ${fmtNs(r.simulatedNs ?? 0)} of ${fmtNs(r.durationNs ?? 0)}`;
  page.dataset.status = r.status;
  const play = document.getElementById('btn-play');
  play.textContent = r.status === 'running' ? '⏸ Pause' : '⏵ Play';
  play.setAttribute('aria-pressed', String(r.status === 'running'));
  const ended = ['finished', 'stopped', 'failed', 'interrupted'].includes(r.status);
  for (const b of ['btn-play', 'btn-step', 'btn-hop', 'btn-stop']) document.getElementById(b).disabled = ended;
}

async function refresh() {
  const r = await api('GET', `/api/runs/${id}`);
  if (!r.ok) { status('Cannot read the run: ' + describe(r), 'error'); return; }
  state.run = r.data;
  showStatus();
  if (['finished', 'stopped', 'failed', 'interrupted'].includes(r.data.status)) finish();
  else setTimeout(refresh, 1000);
}

async function control(action, body) {
  const r = await api('POST', `/api/runs/${id}/${action}`, body ?? {});
  if (r.ok) { state.run = r.data; showStatus(); } else status(`${action}: ${describe(r)}`, 'error');
  return r;
}

function pace() {
  const v = document.getElementById('speed').value;
  return v === 'batch' ? { batch: true } : { simNsPerWallMs: Number(v) };
}

function playPause() {
  if (!state.run) return;
  if (state.run.status === 'running') control('pause'); else control('resume', pace());
}

document.getElementById('btn-play').addEventListener('click', playPause);
document.getElementById('btn-step').addEventListener('click', () => control('step', { unit: 'event' }));
document.getElementById('btn-hop').addEventListener('click', () => control('step', state.selectedSkb !== null ? { unit: 'hop', skb: state.selectedSkb } : { unit: 'hop' }));
document.getElementById('btn-stop').addEventListener('click', () => control('stop'));
document.getElementById('speed').addEventListener('change', () => { if (state.run?.status === 'running') control('resume', pace()); });
document.addEventListener('keydown', (ev) => {
  if (ev.target.closest('input, textarea, select')) return;
  if (ev.key === ' ') { ev.preventDefault(); playPause(); }
  else if (ev.key === 'ArrowRight' && ev.shiftKey) { ev.preventDefault(); document.getElementById('btn-hop').click(); }
  else if (ev.key === 'ArrowRight') { ev.preventDefault(); control('step', { unit: 'event' }); }
  else if (ev.key === '+' || ev.key === '-') {
    const sel = document.getElementById('speed');
    sel.selectedIndex = Math.max(0, Math.min(sel.options.length - 1, sel.selectedIndex + (ev.key === '+' ? 1 : -1)));
    sel.dispatchEvent(new Event('change'));
  }
});

// ---------- packets and inspector ----------
async function loadPackets() {
  const form = new FormData(document.getElementById('filters'));
  const q = new URLSearchParams();
  for (const [k, v] of form) if (String(v).trim()) q.set(k, String(v).trim());
  q.set('size', '50');
  const r = await api('GET', `/api/runs/${id}/packets?${q}`);
  const body = document.querySelector('#packets tbody');
  if (!r.ok) { status('Packets: ' + describe(r), 'error'); return; }
  const list = items(r.data);
  body.replaceChildren(...list.map((p) => {
    const tr = el('tr', { tabindex: 0, 'data-skb': p.skb, 'aria-selected': String(p.skb === state.selectedSkb) },
      el('td', {}, p.skb), el('td', {}, (p.devices || []).join(' → ')), el('td', {}, fmtNs((p.lastNs ?? 0) - (p.firstNs ?? 0))),
      el('td', { class: p.drop ? 'fate-drop' : 'fate-ok' }, p.drop ? `✕ dropped: ${dropWords(p.drop)}` : `✓ ${p.last ?? ''}`));
    tr.addEventListener('click', () => inspect(p.skb));
    tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') inspect(p.skb); });
    return tr;
  }));
  document.getElementById('packets-more').textContent = r.data?.total !== undefined ? `${list.length} of ${r.data.total} packets` : '';
}

async function inspect(skb) {
  await inspector.show(skb);
}

document.getElementById('filters').addEventListener('submit', (ev) => { ev.preventDefault(); loadPackets(); });

async function finish() {
  if (state.ended) return;
  state.ended = true;
  showStatus();
  loadPackets();
  const m = await api('GET', `/api/runs/${id}/maps`);
  document.getElementById('maps').textContent = m.ok ? JSON.stringify(m.data, null, 2) : describe(m);
}

/** For tests and the console: frame-time statistics in ms. */
window.bpfnetRun = {
  state,
  frames() {
    const f = [...state.frameTimes].sort((a, b) => a - b);
    const pct = (p) => (f.length ? f[Math.min(f.length - 1, Math.floor(p * f.length))] : 0);
    return { count: f.length, p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), max: f.length ? f[f.length - 1] : 0, events: state.received };
  },
};

if (id) {
  connect();
  refresh();
  requestAnimationFrame(frame);
  setInterval(() => { if (!state.ended && state.received) loadPackets(); }, 3000);
} else {
  status('No such run.', 'error');
}

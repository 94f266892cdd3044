// The run view: follows GET /api/runs/{id}/events (SSE: `trace`, `sampled`, `end`), moves a dot
// per packet to the device of its latest step, keeps queue gauges and depth plots
// (run/queues.js) and a per-CPU timeline (run/timeline.js), and lists packets (GET /packets
// with filters) with an inspector of each path and its decoded hops (run/inspector.js).
// Incoming events are only queued by the SSE handler; all drawing happens once per animation
// frame, so a fast stream costs one redraw per frame, not one per event.
import { api, items, describe, el, status } from './api.js';
import { fmtNs, dropWords } from './run/format.js';
import { Inspector } from './run/inspector.js';
import { Queues } from './run/queues.js';
import { Timeline } from './run/timeline.js';
import { runOptions } from './runs.js';
import { EventStream } from './run/stream.js';

const SVG = 'http://www.w3.org/2000/svg';
const page = document.getElementById('run-page');
const id = page.dataset.runId;
const scene = document.getElementById('scene');
const MAX_DOTS = 80;

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
const queues = new Queues(document.getElementById('queues'), document.getElementById('queue-plots'));
const timeline = new Timeline(document.getElementById('timeline'), document.getElementById('timeline-tip'), {
  onPick(span) { if (span.skb !== null && state.ended) inspect(span.skb); },
});

// ---------- live events ----------
function connect() {
  const stream = new EventStream(`/api/runs/${id}/events`, (events) => {
    const traces = [];
    for (const e of events) {
      if (e.type === 'trace') traces.push(e.data);
      else if (e.type === 'sampled') state.sampled += JSON.parse(e.data).count ?? 0;
      else if (e.type === 'end') {
        stream.close();
        try { state.run = { ...state.run, ...JSON.parse(e.data) }; } catch { /* keep */ }
        finish();
      } else if (e.type === 'error') {
        stream.close();
      }
    }
    // one parse per chunk, not per event
    if (traces.length) for (const ev of JSON.parse(`[${traces.join(',')}]`)) state.pending.push(ev);
  }, { lastId: '-1' }); // from the run's first event, also when the page opens after the run started
  state.stream = stream;
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
      if (!dot) dot = { skb: ev.skb };
      else state.dots.delete(ev.skb);
      state.dots.set(ev.skb, dot); // re-inserted: the map's order is least recently seen first
      if (dot.key !== key) { dot.key = key; dot.moved = true; }
      dot.fn = ev.function;
      dot.seen = state.received;
      if (ev.drop) dot.drop = ev.drop;
    }
  }
  if (ev.queue && ev.queueDepth !== null && ev.queueDepth !== undefined) queues.sample(ev.queue, ev.timeNs ?? 0, ev.queueDepth);
  timeline.add(ev);
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
        s('title', {}, d.device), s('circle', { cx: d.x, cy: d.y, r: 7 }),
        // the namespace box names the node and namespace: the label is the device's own name
        s('text', { x: d.x + 12, y: d.y + 4 }, String(d.device).split('/').pop())));
    });
    scene.append(g);
  });
  const rows = Math.ceil(state.netns.length / perRow) || 1;
  scene.setAttribute('viewBox', `0 0 ${Math.max(scene.clientWidth || 900, 300)} ${rows * 150 + 20}`);
  scene.style.height = `${rows * 150 + 20}px`;
  for (const dot of state.dots.values()) { dot.el = null; dot.moved = true; }
  state.layoutDirty = false;
}

const dotPool = [];
function drawDots() {
  // evict the packets not seen for longest beyond MAX_DOTS (the map is in that order);
  // their SVG elements are reused for new packets
  if (state.dots.size > MAX_DOTS) {
    let excess = state.dots.size - MAX_DOTS;
    for (const d of state.dots.values()) {
      if (excess-- <= 0) break;
      if (d.el) dotPool.push(d.el);
      state.dots.delete(d.skb);
    }
  }
  for (const dot of state.dots.values()) {
    if (!dot.moved && dot.el) continue;
    const dev = state.devices.get(dot.key);
    if (!dev || dev.x === undefined) continue;
    if (!dot.el) {
      dot.el = dotPool.pop() || scene.appendChild(s('g', { class: 'pkt' }, s('circle', { r: 5 }), s('text', { x: 7, y: -6 }, '')));
      dot.el.dataset.skb = dot.skb;
      if (dot.el.classList.contains('dropped')) { dot.el.classList.remove('dropped'); dot.el.lastChild.textContent = ''; }
    }
    dot.moved = false;
    const off = (dot.skb % 5) * 9 + 60;
    dot.el.setAttribute('transform', `translate(${dev.x + off},${dev.y})`);
    dot.el.dataset.device = dot.key;
    if (dot.drop && !dot.el.classList.contains('dropped')) {
      dot.el.classList.add('dropped');
      dot.el.lastChild.textContent = `✕ ${dot.drop}`;
    }
  }
  for (const el of dotPool.splice(0)) el.remove();
}

let lastFrame = 0;
/** Time spent per drawing phase (ms, summed), for tests and docs/benchmarks.md. */
const phases = {};
function phase(name, ms) {
  const p = phases[name] || (phases[name] = { ms: 0, max: 0, n: 0 });
  p.ms += ms; p.n++; if (ms > p.max) p.max = ms;
}
function frame(now) {
  if (lastFrame) {
    state.frameTimes.push(now - lastFrame);
    if (state.frameTimes.length > 2000) state.frameTimes.shift();
  }
  lastFrame = now;
  const t0 = performance.now();
  if (state.pending.length) {
    const batch = state.pending;
    state.pending = [];
    for (const ev of batch) ingest(ev);
    const t1 = performance.now();
    phase('ingest', t1 - t0);
    if (state.layoutDirty) layout();
    drawDots();
    phase('dots', performance.now() - t1);
    document.getElementById('sim-time').textContent = `t = ${fmtNs(state.lastNs)} · ${state.received} events${state.sampled ? ` · ${state.sampled} sampled away` : ''}`;
    page.dataset.events = String(state.received);
  }
  const t2 = performance.now();
  timeline.draw(now);
  const t3 = performance.now();
  phase('timeline', t3 - t2);
  queues.draw(now);
  phase('queues', performance.now() - t3);
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

// While the run plays the packet list is refreshed every 3 s, or less often when the server
// takes long to answer (it summarises every packet between two events of the run): the
// next refresh waits at least ten times the last answer's time.
async function livePackets() {
  let wait = 3000;
  if (!state.ended && state.received) {
    const t0 = performance.now();
    await loadPackets();
    wait = Math.max(3000, 10 * (performance.now() - t0));
  }
  if (!state.ended) setTimeout(livePackets, wait);
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
  const hash = /^#skb-(\d+)$/.exec(location.hash);
  if (hash) inspect(Number(hash[1]));
  const qs = await api('GET', `/api/runs/${id}/queues`);
  if (qs.ok && Array.isArray(qs.data)) queues.setSeries(qs.data);
  fillCompare();
  showTotals();
  const m = await api('GET', `/api/runs/${id}/maps`);
  document.getElementById('maps').textContent = m.ok ? JSON.stringify(m.data, null, 2) : describe(m);
}

// every packet's fate once the run has ended: sent = delivered + dropped + left + in flight
async function showTotals() {
  const r = await api('GET', `/api/runs/${id}/summary`);
  const p = r.ok && r.data ? r.data.packets : null;
  if (!p) return;
  const reasons = Object.entries(p.dropped || {});
  const dropped = reasons.reduce((sum, [, n]) => sum + n, 0);
  const why = reasons.length ? ` (${reasons.map(([k, n]) => `${k} ${n}`).join(', ')})` : '';
  const line = document.getElementById('run-totals');
  // runs stored before the totals had left/inFlight have null there: no equation then
  line.textContent = (p.left == null || p.inFlight == null)
    ? `Packets: ${p.sent} sent, ${p.delivered} delivered, ${dropped} dropped${why}`
    : `Packets: ${p.sent} sent = ${p.delivered} delivered + ${dropped} dropped${why}`
      + ` + ${p.left} left the topology + ${p.inFlight} still in flight at the end`;
  line.dataset.sent = p.sent;
  line.hidden = false;
}

async function fillCompare() {
  const r = await api('GET', '/api/runs');
  if (r.ok) runOptions(document.getElementById('compare-b'), items(r.data), { except: id, placeholder: '— another ended run —' });
}

/** For tests and the console: frame-time statistics in ms. */
window.bpfnetRun = {
  state,
  phases,
  timeline,
  queues,
  /** Page coordinates of the middle of the longest span on the timeline (for tests). */
  spanPoint() {
    const v = timeline.view;
    if (!v) return null;
    let best = null; let lane = -1;
    timeline.cpus.forEach((cpu, i) => {
      for (const sp of timeline.lanes.get(cpu)) if (!best || sp.t1 - sp.t0 > best.t1 - best.t0) { best = sp; lane = i; }
    });
    if (!best) return null;
    const r = timeline.canvas.getBoundingClientRect();
    const x = 96 + ((best.t0 + best.t1) / 2 - v.t0) * v.scale;
    return { x: r.left + x * (r.width / timeline.canvas.width), y: r.top + (4 + lane * 28 + 14) * (r.height / timeline.canvas.height), fn: best.fns[0] };
  },
  frames() {
    const f = [...state.frameTimes].sort((a, b) => a - b);
    const pct = (p) => (f.length ? f[Math.min(f.length - 1, Math.floor(p * f.length))] : 0);
    return { count: f.length, p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), max: f.length ? f[f.length - 1] : 0, events: state.received };
  },
};

if (id) {
  fillCompare();
  connect();
  refresh();
  requestAnimationFrame(frame);
  livePackets();
} else {
  status('No such run.', 'error');
}

// Queue depth: a gauge (depth now / largest so far) and a depth plot over simulated time per
// queue (per-CPU backlog, qdisc, TX/RX rings, veth xdp_ring). Live, the plots follow the
// queueDepth of trace events (points thinned to MAX_LIVE per queue); once the run has ended
// they are replaced by the recorded series of GET /api/runs/{id}/queues. Plots use uPlot (a
// WebJar, loaded on first use; without it the gauges still work and the page says why).
import { el } from '../api.js';
import { fmtNs } from './format.js';

const MAX_LIVE = 4000;
const PLOT_EVERY_MS = 250;

let uPlotPromise = null;
function loadUPlot() {
  if (!uPlotPromise) {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = '/webjars/uplot/dist/uPlot.min.css';
    document.head.append(css);
    uPlotPromise = import('/webjars/uplot/dist/uPlot.esm.js').then((m) => m.default);
  }
  return uPlotPromise;
}

/** What kind of queue a name is, in words (the engine names them .../backlog, .../qdisc, ...). */
export function queueKind(name) {
  if (name.endsWith('/backlog')) return 'per-CPU backlog (softnet_data.input_pkt_queue)';
  if (name.endsWith('/qdisc')) return 'qdisc';
  if (name.endsWith('/tx_ring')) return 'TX ring';
  if (name.endsWith('/rx_ring')) return 'RX ring';
  if (name.endsWith('/xdp_ring')) return 'veth ring (ptr_ring)';
  return 'queue';
}

export class Queues {
  constructor(gaugeBox, plotBox) {
    this.gaugeBox = gaugeBox;
    this.plotBox = plotBox;
    this.queues = new Map(); // name -> {depth, max, t[], d[], el, fill, num, plot, dirty, plotDirty}
    this.lastPlot = 0;
    this.final = false;
    this.uPlot = null;
    loadUPlot().then((u) => { this.uPlot = u; this.plotBox.dataset.plots = 'ready'; })
      .catch((e) => {
        this.plotBox.dataset.plots = 'unavailable';
        this.plotBox.prepend(el('p', { class: 'hint' }, `⚠ Depth plots unavailable (uPlot did not load: ${e}); the gauges still show depths.`));
      });
  }

  get(name) {
    let q = this.queues.get(name);
    if (!q) {
      q = { name, depth: 0, max: 0, t: [], d: [], dirty: true, plotDirty: true };
      this.queues.set(name, q);
    }
    return q;
  }

  /** A trace event's queue depth (live). */
  sample(name, timeNs, depth) {
    const q = this.get(name);
    q.depth = depth;
    q.max = Math.max(q.max, depth);
    q.dirty = true;
    if (this.final) return;
    q.t.push(timeNs / 1000);
    q.d.push(depth);
    if (q.t.length > MAX_LIVE) {
      // keep every other point of the older half: the plot stays bounded, recent detail kept
      const half = q.t.length >> 1;
      const t = []; const d = [];
      for (let i = 0; i < half; i += 2) { t.push(q.t[i]); d.push(Math.max(q.d[i], q.d[i + 1] ?? 0)); }
      q.t = t.concat(q.t.slice(half));
      q.d = d.concat(q.d.slice(half));
    }
    q.plotDirty = true;
  }

  /** The recorded series after the run (replaces the live points). */
  setSeries(list) {
    this.final = true;
    for (const s of list) {
      const q = this.get(s.queue);
      q.t = Array.from(s.timesNs || [], (v) => v / 1000);
      q.d = Array.from(s.depths || []);
      q.max = s.maxDepth ?? Math.max(0, ...q.d);
      q.depth = s.lastDepth ?? q.depth;
      q.series = s;
      q.dirty = true;
      q.plotDirty = true;
    }
    this.draw(performance.now(), true);
    this.plotBox.dataset.source = 'recorded';
  }

  draw(now, force = false) {
    for (const q of this.queues.values()) {
      if (!q.dirty) continue;
      q.dirty = false;
      if (!q.el) {
        q.fill = el('div', { class: 'fill' });
        q.num = el('span', { class: 'mono' });
        q.el = el('div', { class: 'gauge', 'data-queue': q.name }, el('span', { class: 'mono qname', title: queueKind(q.name) }, q.name), el('div', { class: 'bar' }, q.fill), q.num);
        this.gaugeBox.append(q.el);
      }
      q.fill.style.width = `${q.max ? (100 * q.depth) / q.max : 0}%`;
      q.num.textContent = `${q.depth}/${q.max}`;
      q.el.title = `${q.name} (${queueKind(q.name)}): depth ${q.depth}, largest ${q.max}`;
    }
    if (!this.uPlot || (!force && now - this.lastPlot < PLOT_EVERY_MS)) return;
    this.lastPlot = now;
    for (const q of this.queues.values()) {
      if (!q.plotDirty) continue;
      q.plotDirty = false;
      this.plot(q);
    }
  }

  plot(q) {
    const data = [q.t.slice(), q.d.slice()];
    if (q.plot) { q.plot.setData(data); this.caption(q); return; }
    const cell = el('figure', { class: 'qplot', 'data-queue': q.name });
    const cap = el('figcaption', {});
    cell.append(cap);
    this.plotBox.append(cell);
    q.cap = cap;
    const width = Math.max(240, Math.floor(cell.clientWidth || 380) - 4);
    const uPlot = this.uPlot;
    q.plot = new uPlot({
      width,
      height: 120,
      legend: { show: false },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
      axes: [
        { values: (u, vals) => vals.map((v) => fmtNs(v * 1000)), size: 28, font: '10px sans-serif' },
        { size: 36, font: '10px sans-serif', label: 'depth', labelSize: 14, labelFont: '10px sans-serif' },
      ],
      series: [{}, { label: 'depth', stroke: '#1f5fbf', width: 1.5, fill: 'rgba(31,95,191,0.15)', paths: uPlot.paths.stepped({ align: 1 }) }],
    }, data, cell);
    this.caption(q);
  }

  caption(q) {
    const s = q.series;
    q.cap.textContent = `${q.name} · ${queueKind(q.name)} · largest ${q.max}${s ? ` · ${s.changes} changes${s.downsampled ? `, buckets of ${fmtNs(s.bucketWidthNs)} keep their lowest and highest depth` : ''}` : ' · live'}`;
  }
}

// Per-CPU timeline (canvas): consecutive trace events on a CPU in the same execution context
// form a span; spans are drawn per CPU lane in a style per context (process context solid,
// softirq hatched, ksoftirqd white with a dashed outline, hard IRQ cross-hatched, other grey),
// with a time axis. Hover shows the span's functions, device, task and time; a click pins it
// (and selects its packet). Spans are kept per CPU up to MAX_SPANS; a redraw costs the spans
// in view, not the events, so a fast stream does not slow it down.
import { fmtNs, contextKind } from './format.js';

const MAX_SPANS = 3000;
const GAP_NS = 2000; // a pause longer than this on a CPU starts a new span
const LANE_H = 28;
const TOP = 4;
const AXIS_H = 22;
const X0 = 96;
const MIN_REDRAW_MS = 50;

export class Timeline {
  constructor(canvas, tip, { onPick } = {}) {
    this.canvas = canvas;
    this.tip = tip;
    this.onPick = onPick;
    this.cpus = [];
    this.lanes = new Map(); // cpu -> spans[]
    this.lastNs = 0;
    this.dirty = false;
    this.pinned = null;
    this.patterns = null;
    this.lastDraw = 0;
    canvas.addEventListener('mousemove', (e) => this.hover(e, false));
    canvas.addEventListener('mouseleave', () => { if (!this.pinned) this.tip.hidden = true; });
    canvas.addEventListener('click', (e) => this.hover(e, true));
    canvas.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { this.pinned = null; this.tip.hidden = true; }
    });
  }

  add(ev) {
    if (!ev.cpu) return;
    let spans = this.lanes.get(ev.cpu);
    if (!spans) {
      spans = [];
      this.lanes.set(ev.cpu, spans);
      this.cpus.push(ev.cpu);
      this.cpus.sort();
    }
    const t = ev.timeNs ?? 0;
    this.lastNs = Math.max(this.lastNs, t);
    const kind = contextKind(ev.context);
    const last = spans[spans.length - 1];
    if (last && last.kind === kind && last.task === ev.task && t - last.t1 <= GAP_NS && t >= last.t0) {
      last.t1 = t;
      last.n++;
      if (last.fns.length < 6 && !last.fns.includes(ev.function)) last.fns.push(ev.function);
      last.lastFn = ev.function;
      if (ev.device) last.device = ev.device;
      if (ev.skb !== null && ev.skb !== undefined) last.skb = ev.skb;
    } else {
      spans.push({ t0: t, t1: t, kind, context: ev.context, task: ev.task, n: 1, fns: [ev.function], lastFn: ev.function,
        device: ev.device, skb: ev.skb ?? null, cpu: ev.cpu });
      if (spans.length > 2 * MAX_SPANS) spans.splice(0, spans.length - MAX_SPANS);
    }
    this.dirty = true;
  }

  /** The time window drawn: from the oldest span kept on any CPU to the latest event. */
  window() {
    let t0 = Infinity;
    for (const s of this.lanes.values()) if (s.length) t0 = Math.min(t0, s[0].t0);
    if (!Number.isFinite(t0)) t0 = 0;
    return { t0, t1: Math.max(t0 + 1, this.lastNs) };
  }

  makePatterns(ctx) {
    const pat = (draw) => {
      const p = document.createElement('canvas');
      p.width = p.height = 6;
      draw(p.getContext('2d'));
      return ctx.createPattern(p, 'repeat');
    };
    this.patterns = {
      softirq: pat((c) => { c.fillStyle = '#f3e5f5'; c.fillRect(0, 0, 6, 6); c.strokeStyle = '#6a1b9a'; c.lineWidth = 2; c.beginPath(); c.moveTo(0, 6); c.lineTo(6, 0); c.stroke(); }),
      hardirq: pat((c) => { c.fillStyle = '#fff3e0'; c.fillRect(0, 0, 6, 6); c.strokeStyle = '#e65100'; c.lineWidth = 1; c.beginPath(); c.moveTo(0, 0); c.lineTo(6, 6); c.moveTo(0, 6); c.lineTo(6, 0); c.stroke(); }),
    };
  }

  /** Redraws when something changed, at most every MIN_REDRAW_MS (a pinned span or hover redraws at once). */
  draw(now = performance.now(), force = false) {
    if (!this.dirty || (!force && now - this.lastDraw < MIN_REDRAW_MS)) return;
    this.lastDraw = now;
    this.dirty = false;
    const c = this.canvas;
    const w = c.clientWidth || 1200;
    const h = TOP + Math.max(1, this.cpus.length) * LANE_H + AXIS_H;
    if (c.width !== w) c.width = w;
    if (c.height !== h) { c.height = h; c.style.height = `${h}px`; }
    const ctx = c.getContext('2d');
    if (!this.patterns) this.makePatterns(ctx);
    ctx.clearRect(0, 0, w, h);
    const { t0, t1 } = this.window();
    const scale = (w - X0 - 8) / (t1 - t0);
    this.view = { t0, t1, scale, w };
    ctx.font = '11px monospace';
    this.cpus.forEach((cpu, i) => {
      const y = TOP + i * LANE_H;
      ctx.fillStyle = i % 2 ? '#f7f8fa' : '#ffffff';
      ctx.fillRect(0, y, w, LANE_H);
      ctx.fillStyle = '#1b1f24';
      ctx.fillText(cpu, 4, y + 17);
      const spans = this.lanes.get(cpu);
      // spans closer than a pixel with the same style are drawn as one rectangle: the
      // cost is bounded by the canvas width, not by the number of spans
      let run = null;
      for (let k = first(spans, t0); k < spans.length; k++) {
        const s = spans[k];
        const x = X0 + (s.t0 - t0) * scale;
        const x1 = X0 + (s.t1 - t0) * scale;
        if (run && run.kind === s.kind && x <= run.x1 + 1) { run.x1 = Math.max(run.x1, x1); continue; }
        if (run) this.drawSpan(ctx, run, run.x, y + 4, Math.max(2, run.x1 - run.x), LANE_H - 8);
        run = { kind: s.kind, x, x1 };
      }
      if (run) this.drawSpan(ctx, run, run.x, y + 4, Math.max(2, run.x1 - run.x), LANE_H - 8);
    });
    // axis
    const ay = TOP + Math.max(1, this.cpus.length) * LANE_H;
    ctx.strokeStyle = '#5b6470';
    ctx.fillStyle = '#5b6470';
    ctx.beginPath(); ctx.moveTo(X0, ay + 2); ctx.lineTo(w - 8, ay + 2); ctx.stroke();
    const step = niceStep((t1 - t0) / 8);
    for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
      const x = X0 + (t - t0) * scale;
      ctx.beginPath(); ctx.moveTo(x, ay + 2); ctx.lineTo(x, ay + 6); ctx.stroke();
      ctx.fillText(fmtNs(t), Math.min(x - 14, w - 70), ay + 17);
    }
    ctx.fillText('simulated time →', 4, ay + 17);
    if (this.pinned) this.outline(ctx, this.pinned);
  }

  drawSpan(ctx, s, x, y, w, h) {
    switch (s.kind) {
      case 'process': ctx.fillStyle = '#37474f'; ctx.fillRect(x, y, w, h); break;
      case 'softirq': ctx.fillStyle = this.patterns.softirq; ctx.fillRect(x, y, w, h); ctx.strokeStyle = '#6a1b9a'; ctx.lineWidth = 1; ctx.strokeRect(x, y, w, h); break;
      case 'ksoftirqd': ctx.fillStyle = '#ffffff'; ctx.fillRect(x, y, w, h); ctx.strokeStyle = '#00695c'; ctx.lineWidth = 2; ctx.setLineDash([3, 2]); ctx.strokeRect(x + 1, y + 1, Math.max(1, w - 2), h - 2); ctx.setLineDash([]); break;
      case 'hardirq': ctx.fillStyle = this.patterns.hardirq; ctx.fillRect(x, y, w, h); break;
      default: ctx.fillStyle = '#c7ccd4'; ctx.fillRect(x, y, w, h);
    }
  }

  outline(ctx, s) {
    const v = this.view;
    const i = this.cpus.indexOf(s.cpu);
    if (i < 0 || s.t1 < v.t0) return;
    ctx.strokeStyle = '#d32f2f'; ctx.lineWidth = 2;
    ctx.strokeRect(X0 + (s.t0 - v.t0) * v.scale - 2, TOP + i * LANE_H + 1, Math.max(2, (s.t1 - s.t0) * v.scale) + 4, LANE_H - 2);
  }

  /** The span under a mouse event, or null. */
  spanAt(e) {
    const v = this.view;
    if (!v) return null;
    const r = this.canvas.getBoundingClientRect();
    const x = (e.clientX - r.left) * (this.canvas.width / r.width);
    const y = (e.clientY - r.top) * (this.canvas.height / r.height);
    const lane = Math.floor((y - TOP) / LANE_H);
    if (lane < 0 || lane >= this.cpus.length || x < X0) return null;
    const spans = this.lanes.get(this.cpus[lane]);
    const t = v.t0 + (x - X0) / v.scale;
    const slack = 3 / v.scale; // 3 px
    let best = null; let bestD = Infinity;
    for (let k = Math.max(0, first(spans, t - slack) - 1); k < spans.length && spans[k].t0 <= t + slack; k++) {
      const s = spans[k];
      const d = t < s.t0 ? s.t0 - t : t > s.t1 ? t - s.t1 : 0;
      if (d < bestD) { bestD = d; best = s; }
    }
    return bestD <= slack ? best : null;
  }

  hover(e, click) {
    const s = this.spanAt(e);
    if (click) { this.pinned = s; this.dirty = true; this.draw(performance.now(), true); if (s) this.onPick?.(s); }
    const show = s || (this.pinned && !click ? this.pinned : null);
    if (!show) { this.tip.hidden = true; return; }
    this.tip.hidden = false;
    this.tip.textContent = describeSpan(show);
    const r = this.canvas.getBoundingClientRect();
    this.tip.style.left = `${Math.min(e.clientX - r.left + 12, r.width - 320)}px`;
    this.tip.style.top = `${e.clientY - r.top + 14}px`;
    this.canvas.dataset.hover = show.lastFn;
  }
}

export function describeSpan(s) {
  const words = { process: 'process context', softirq: 'softirq (inline, after an IRQ or local_bh_enable)', ksoftirqd: 'ksoftirqd (softirq work deferred to the kernel thread)', hardirq: 'hard IRQ', other: s.context || 'other' };
  return `${s.cpu} · ${words[s.kind]}${s.task ? ' · task ' + s.task : ''}\n`
    + `${fmtNs(s.t0)} – ${fmtNs(s.t1)} (${fmtNs(s.t1 - s.t0)}, ${s.n} event${s.n === 1 ? '' : 's'})\n`
    + `function${s.fns.length > 1 ? 's' : ''}: ${s.fns.join(', ')}${s.fns.length >= 6 ? ', …' : ''}${s.fns.length > 1 ? ' (last ' + s.lastFn + ')' : ''}\n`
    + `device: ${s.device ?? '–'}${s.skb !== null ? ' · skb ' + s.skb : ''}`;
}

/** Index of the first span ending at or after t (spans are in time order). */
function first(spans, t) {
  let lo = 0; let hi = spans.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (spans[m].t1 < t) lo = m + 1; else hi = m;
  }
  return lo;
}

function niceStep(raw) {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

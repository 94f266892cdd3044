// A read-only drawing of a topology document (the JSON tree of docs/topology.md) for the lab
// pages, with the editor's visual language (docs/ui.md): a machine is a dashed box around its
// namespaces, a namespace a box with a header, a NIC a rectangle labelled NIC, a veth end a
// circle, a bpfnet end a hexagon, a peer end dashed; a veth pair a solid curve, a bpfnet pair a
// thick dash-dot curve, a wire a thick line with its latency. Attached programs show as
// "⚓ program@hook" under the device. `LiveLayer` puts a dot per packet on the device of its
// latest trace event (the run's SSE stream), drawing once per animation frame.
import { nodes, namespaces, ends, wires } from './editor/model.js';

const SVG = 'http://www.w3.org/2000/svg';
const NS_W = 240;
const ROW_H = 40;
const HEAD_H = 24;
const GAP = 18;
const NODE_PAD = 14;
const NODE_GAP = 70;

function s(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function hexagon(x, y, r) {
  const pts = [];
  for (let i = 0; i < 6; i++) {
    const a = Math.PI / 6 + (i * Math.PI) / 3;
    pts.push(`${(x + r * Math.cos(a)).toFixed(1)},${(y + r * Math.sin(a)).toFixed(1)}`);
  }
  return pts.join(' ');
}

function shape(end, x, y) {
  const cls = `lt-shape ${end.kind}${end.role === 'peer' ? ' peer' : ''}`;
  if (end.kind === 'nic') return s('rect', { class: cls, x: x - 13, y: y - 9, width: 26, height: 18, rx: 2 });
  if (end.kind === 'bpfnet') return s('polygon', { class: cls, points: hexagon(x, y, 12) });
  return s('circle', { class: cls, cx: x, cy: y, r: 10 });
}

/** A label written upwards beside a vertical curve. */
function labelAlong(x, y, text) {
  return s('text', { x, y, class: 'lt-edge-label', 'text-anchor': 'middle', transform: `rotate(-90 ${x.toFixed(1)} ${y.toFixed(1)})` }, text);
}

const KIND_LABEL = { nic: 'NIC', veth: 'veth', bpfnet: 'bpf' };

/**
 * Draws `doc` into `svg` (replacing its content). Returns the device positions by reference
 * ("node/namespace/device") for the live layer.
 */
export function drawTopology(svg, doc) {
  svg.replaceChildren();
  const allEnds = ends(doc);
  const attach = Array.isArray(doc.attach) ? doc.attach : [];
  const positions = new Map();
  const boxes = s('g', { class: 'lt-boxes' });
  const edges = s('g', { class: 'lt-edges' });
  const devs = s('g', { class: 'lt-devices' });
  let x0 = 34; // room on the left for the pair curves and their labels
  let height = 0;
  nodes(doc).forEach((node) => {
    const nss = namespaces(node);
    const cols = nss.length <= 3 ? 1 : Math.min(4, Math.ceil(Math.sqrt(nss.length)));
    const rowsH = [];
    const items = nss.map((ns, i) => {
      const here = allEnds.filter((e) => e.node === node.name && e.ns === ns.name);
      const h = HEAD_H + Math.max(1, here.length) * ROW_H + 6;
      const row = Math.floor(i / cols);
      rowsH[row] = Math.max(rowsH[row] || 0, h);
      return { ns, here, h, row, col: i % cols };
    });
    // namespaces that only appear as a peer's namespace (declared without devices) still count
    const top = 10 + NODE_PAD + 20;
    const rowY = [];
    rowsH.reduce((y, h, r) => { rowY[r] = y; return y + h + GAP; }, top);
    const nodeW = cols * NS_W + (cols - 1) * GAP + 2 * NODE_PAD;
    const nodeH = 20 + NODE_PAD * 2 + rowsH.reduce((a, b) => a + b, 0) + GAP * Math.max(0, rowsH.length - 1);
    boxes.append(s('g', { class: 'lt-node', 'data-node': node.name },
      s('rect', { x: x0, y: 10, width: nodeW, height: nodeH, rx: 8 }),
      s('text', { x: x0 + 10, y: 10 + 18, class: 'lt-node-name' }, node.name, s('tspan', { class: 'lt-muted' }, node.cpus ? `  ${node.cpus} CPUs` : ''))));
    for (const it of items) {
      const x = x0 + NODE_PAD + it.col * (NS_W + GAP);
      const y = rowY[it.row];
      boxes.append(s('g', { class: 'lt-ns', 'data-netns': `${node.name}/${it.ns.name}` },
        s('rect', { x, y, width: NS_W, height: it.h, rx: 5 }),
        s('text', { x: x + 8, y: y + 16 }, `▦ ${it.ns.name}`, s('tspan', { class: 'lt-muted' }, it.ns.forwarding ? '  forwarding' : ''))));
      it.here.forEach((end, k) => {
        const cx = x + 24;
        const cy = y + HEAD_H + 16 + k * ROW_H;
        positions.set(end.ref, { x: cx, y: cy, right: x + NS_W, end });
        const att = attach.filter((a) => a.device === end.ref).map((a) => `⚓ ${a.program}@${a.hook}`);
        const label = `${end.kind}${end.role === 'peer' ? ' (peer end)' : ''}`;
        devs.append(s('g', { class: `lt-dev ${end.kind}`, 'data-device': end.ref, 'data-kind': end.kind, 'data-role': end.role },
          s('title', {}, `${end.ref}: ${end.kind} ${end.role}${att.length ? ', ' + att.join(', ') : ''}`),
          shape(end, cx, cy),
          s('text', { x: cx, y: cy + 3, class: 'lt-kind', 'text-anchor': 'middle' }, KIND_LABEL[end.kind] || ''),
          s('text', { x: cx + 20, y: cy - 2, class: 'lt-name' }, end.name, s('tspan', { class: 'lt-muted' }, `  ${label}`)),
          s('text', { x: cx + 20, y: cy + 13, class: 'lt-attach' }, att.join('  '))));
      });
    }
    x0 += nodeW + NODE_GAP;
    height = Math.max(height, nodeH + 20);
  });
  // pairs: primary -> peer end
  for (const end of allEnds.filter((e) => e.role === 'peer')) {
    const primary = allEnds.find((e) => e.key === end.key.replace(/:peer$/, ':primary'));
    const a = primary && positions.get(primary.ref);
    const b = positions.get(end.ref);
    if (!a || !b) continue;
    const dx = Math.max(40, Math.abs(b.y - a.y) / 2);
    edges.append(s('g', { class: `lt-pair ${end.kind}`, 'data-pair': `${primary.ref}~${end.ref}` },
      s('path', { d: `M${a.x - 12},${a.y} C${a.x - 12 - dx},${a.y} ${b.x - 12 - dx},${b.y} ${b.x - 12},${b.y}` }),
      labelAlong(Math.min(a.x, b.x) - 12 - dx * 0.75 - 5, (a.y + b.y) / 2, end.kind === 'bpfnet' ? 'bpfnet pair' : 'veth pair')));
  }
  for (const w of wires(doc)) {
    const a = positions.get(w.a);
    const b = positions.get(w.b);
    if (!a || !b) continue;
    const [l, r] = a.x <= b.x ? [a, b] : [b, a];
    const x1 = l.x + 13;
    const x2 = r.x - 13;
    edges.append(s('g', { class: 'lt-wire', 'data-wire': `${w.a}~${w.b}` },
      s('path', { d: `M${x1},${l.y} C${x1 + 150},${l.y} ${x2 - 60},${r.y} ${x2},${r.y}` }),
      s('text', { x: (x1 + x2) / 2 + 40, y: (l.y + r.y) / 2 - 8, class: 'lt-edge-label', 'text-anchor': 'middle' },
        `wire${w.latency ? ' ' + w.latency : ''}${w.rate ? ' ' + w.rate : ''}`)));
  }
  const width = Math.max(x0 - NODE_GAP + 10, 300);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'xMinYMin meet');
  svg.dataset.width = String(width);
  svg.dataset.height = String(height);
  const live = s('g', { class: 'lt-live' });
  svg.append(boxes, edges, devs, live);
  return { positions, live };
}

/**
 * Packets of a running run on a drawn topology: each trace event ({device: "node/ns/dev",
 * skb, function, drop}) moves its packet's dot to that device. Events are queued and drawn once per
 * animation frame; at most `maxDots` packets are shown (the least recently seen go first).
 * The container gets data-events (events received) and data-packets (dots shown).
 */
export class LiveLayer {
  constructor(container, maxDots = 60) {
    this.container = container;
    this.maxDots = maxDots;
    this.pending = [];
    this.dots = new Map();
    this.hits = new Map();
    this.received = 0;
    this.drawing = null;
    this.scheduled = false;
    this.onframe = null; // called after each drawn frame
  }

  /** Attaches to a drawing made by drawTopology (after a redraw, the dots are re-created). */
  attach(drawing) {
    this.drawing = drawing;
    for (const d of this.dots.values()) d.el = null;
    this.schedule();
  }

  detach() { this.drawing = null; }

  push(ev) {
    this.pending.push(ev);
    this.schedule();
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => { this.scheduled = false; this.frame(); });
  }

  frame() {
    let seen = this.received;
    for (const ev of this.pending) {
      seen++;
      if (!ev.device || ev.skb === null || ev.skb === undefined) continue;
      // devices are named by their full path (node/namespace/device) in the trace
      const key = ev.device.includes('/') ? ev.device : `${ev.netns ?? ''}/${ev.device}`;
      let dot = this.dots.get(ev.skb);
      if (!dot) { dot = { skb: ev.skb }; this.dots.set(ev.skb, dot); }
      dot.key = key;
      dot.fn = ev.function;
      dot.seen = seen;
      if (ev.drop) dot.drop = ev.drop;
      this.hits.set(key, (this.hits.get(key) || 0) + 1);
    }
    this.pending = [];
    this.received = seen;
    this.container.dataset.events = String(this.received);
    if (this.dots.size > this.maxDots) {
      const old = [...this.dots.values()].sort((a, b) => a.seen - b.seen).slice(0, this.dots.size - this.maxDots);
      for (const d of old) { d.el?.remove(); this.dots.delete(d.skb); }
    }
    if (!this.drawing) return;
    const { positions, live } = this.drawing;
    let shown = 0;
    for (const dot of this.dots.values()) {
      const pos = positions.get(dot.key);
      if (!pos) { dot.el?.remove(); dot.el = null; continue; }
      if (!dot.el || !dot.el.isConnected) {
        dot.el = s('g', { class: 'lt-pkt', 'data-skb': dot.skb }, s('circle', { r: 5 }), s('text', { x: 8, y: 4 }, ''));
        live.append(dot.el);
      }
      // on the device's second line, at the right of its namespace box
      const off = (Number(dot.skb) % 5) * 12;
      dot.el.setAttribute('transform', `translate(${pos.right - 58 + off},${pos.y + 10})`);
      dot.el.dataset.device = dot.key;
      dot.el.dataset.function = dot.fn || '';
      if (dot.drop && !dot.el.classList.contains('dropped')) {
        dot.el.classList.add('dropped');
        dot.el.querySelector('text').textContent = `✕ ${dot.drop}`;
      }
      shown++;
    }
    for (const [key, n] of this.hits) {
      const dev = live.ownerSVGElement?.querySelector(`.lt-dev[data-device="${CSS.escape(key)}"]`);
      if (dev) dev.dataset.hits = String(n);
    }
    this.container.dataset.packets = String(shown);
    this.onframe?.();
  }
}

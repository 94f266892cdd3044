// The topology editor page: an SVG canvas (nodes and namespaces as boxes, device ends as
// shapes, pairs and wires as edges), a property panel for the selection, validation
// messages from POST /api/topologies/validate next to the field they name, save/versions/
// export/share. The document is the model (model.js); positions of namespace boxes are kept
// in the browser (localStorage), never in the document.
import { api, items, describe, el, status } from '../api.js';
import * as M from './model.js';
import { startRun } from '../runs.js';

const SVG = 'http://www.w3.org/2000/svg';
const NS_W = 230;
const ROW = 46;
const root = document.getElementById('editor');
const svg = document.getElementById('canvas');
const panel = document.getElementById('panel');
const problemsBox = document.getElementById('problems');
const yamlBox = document.getElementById('yaml-preview');

const state = {
  id: root.dataset.topologyId || '',
  share: root.dataset.shareToken || '',
  readOnly: !!root.dataset.shareToken,
  version: null,
  doc: M.newDocument(),
  layout: {},
  selection: { type: 'document' },
  mode: null, // {kind: 'veth'|'bpfnet'|'wire'|'nic', first: ...}
  errors: [],
  programs: [],
  dirty: false,
};

// ---------- helpers ----------
function s(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, String(v));
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function layoutKey() { return 'bpfnet.layout.' + (state.id || state.share || 'new'); }
function saveLayout() { try { localStorage.setItem(layoutKey(), JSON.stringify(state.layout)); } catch { /* private mode */ } }
function loadLayout() { try { state.layout = JSON.parse(localStorage.getItem(layoutKey()) || '{}'); } catch { state.layout = {}; } }

function nsBoxes() {
  const boxes = [];
  const allEnds = M.ends(state.doc);
  M.nodes(state.doc).forEach((node, ni) => {
    M.namespaces(node).forEach((ns, si) => {
      const key = `${node.name}/${ns.name}`;
      const nsEnds = allEnds.filter((e) => e.ni === ni && e.ns === ns.name);
      const pos = state.layout[key] || { x: 40 + si * (NS_W + 60), y: 70 + ni * 300 };
      boxes.push({ key, ni, si, node, ns, ends: nsEnds, x: pos.x, y: pos.y, w: NS_W, h: Math.max(110, 56 + nsEnds.length * ROW) });
    });
  });
  return boxes;
}

function endPositions(boxes) {
  const pos = new Map();
  for (const b of boxes) b.ends.forEach((e, k) => pos.set(e.ref, { x: b.x + 34, y: b.y + 52 + k * ROW, end: e }));
  return pos;
}

function selected(type, pred) { return state.selection.type === type && pred(state.selection); }

function errorPaths() { return state.errors.map((e) => e.path).filter((p) => typeof p === 'string'); }

function hasErrorUnder(prefixParts) {
  const prefix = M.pathText(prefixParts);
  return errorPaths().some((p) => p === prefix || p.startsWith(prefix + '.') || p.startsWith(prefix + '['));
}

// ---------- drawing ----------
function deviceShape(kind, x, y, cls) {
  if (kind === 'nic') {
    return s('g', { class: cls },
      s('rect', { x: x - 17, y: y - 12, width: 34, height: 24, rx: 2 }),
      s('path', { d: `M${x - 10} ${y + 12} v5 M${x - 3} ${y + 12} v5 M${x + 4} ${y + 12} v5 M${x + 11} ${y + 12} v5`, class: 'pins' }),
      s('text', { x, y: y + 4, class: 'shape-label' }, 'NIC'));
  }
  if (kind === 'bpfnet') {
    const r = 16;
    const pts = [0, 1, 2, 3, 4, 5].map((i) => `${x + r * Math.cos(Math.PI / 3 * i)},${y + r * Math.sin(Math.PI / 3 * i)}`).join(' ');
    return s('g', { class: cls }, s('polygon', { points: pts }), s('text', { x, y: y + 4, class: 'shape-label' }, 'bpf'));
  }
  return s('g', { class: cls }, s('circle', { cx: x, cy: y, r: 14 }), s('text', { x, y: y + 4, class: 'shape-label' }, 'veth'));
}

function render() {
  svg.replaceChildren();
  const boxes = nsBoxes();
  const pos = endPositions(boxes);
  const defs = s('defs', {},
    s('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      s('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch-line' })));
  svg.append(defs);
  // node boxes
  M.nodes(state.doc).forEach((node, ni) => {
    const bs = boxes.filter((b) => b.ni === ni);
    const x0 = bs.length ? Math.min(...bs.map((b) => b.x)) - 16 : 20;
    const y0 = bs.length ? Math.min(...bs.map((b) => b.y)) - 44 : 20 + ni * 300;
    const x1 = bs.length ? Math.max(...bs.map((b) => b.x + b.w)) + 16 : x0 + 260;
    const y1 = bs.length ? Math.max(...bs.map((b) => b.y + b.h)) + 16 : y0 + 120;
    const sel = selected('node', (q) => q.ni === ni);
    const g = s('g', { class: 'node' + (sel ? ' selected' : '') + (hasErrorUnder(['nodes', ni]) ? ' has-error' : ''), 'data-node': node.name,
      role: 'button', tabindex: 0, 'aria-label': `machine ${node.name}, ${node.cpus ?? '?'} CPUs` },
      s('rect', { x: x0, y: y0, width: x1 - x0, height: y1 - y0, rx: 10 }),
      s('text', { x: x0 + 12, y: y0 + 22, class: 'node-label' }, `▣ ${node.name} · ${node.cpus ?? '?'} CPUs`));
    g.addEventListener('click', (ev) => { if (ev.target.closest('.ns')) return; select({ type: 'node', ni }); });
    g.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' && ev.target === g) select({ type: 'node', ni }); });
    svg.append(g);
  });
  // namespace boxes
  for (const b of boxes) {
    const sel = selected('namespace', (q) => q.ni === b.ni && q.si === b.si);
    const err = hasErrorUnder(['nodes', b.ni, 'namespaces', b.si]);
    const g = s('g', { class: 'ns' + (sel ? ' selected' : '') + (err ? ' has-error' : '') + (state.mode ? ' targetable' : ''),
      'data-ns': b.key, role: 'button', tabindex: 0, 'aria-label': `namespace ${b.ns.name} on ${b.node.name}` },
      s('rect', { x: b.x, y: b.y, width: b.w, height: b.h, rx: 6 }),
      s('rect', { x: b.x, y: b.y, width: b.w, height: 26, rx: 6, class: 'ns-head' }),
      s('text', { x: b.x + 10, y: b.y + 18, class: 'ns-label' }, `▦ ${b.ns.name}` + (b.ns.forwarding ? '  ⇆ fwd' : '')));
    if (err) g.append(s('text', { x: b.x + b.w - 20, y: b.y + 18, class: 'err-badge' }, '⚠'));
    g.addEventListener('pointerdown', (ev) => startDrag(ev, b));
    g.addEventListener('click', (ev) => { if (ev.target.closest('.end')) return; clickNamespace(b.ni, b.si); });
    g.addEventListener('keydown', (ev) => nsKey(ev, b));
    svg.append(g);
  }
  // edges: pairs and wires
  const edges = s('g', { class: 'edges' });
  for (const e of M.ends(state.doc)) {
    if (e.role !== 'peer') continue;
    const a = pos.get(`${e.node}/${M.getAt(state.doc, [...e.devicePath.slice(0, 4), 'name'])}/${M.getAt(state.doc, [...e.devicePath, 'name'])}`);
    const b = pos.get(e.ref);
    if (!a || !b) continue;
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    edges.append(s('g', { class: 'edge pair ' + e.kind },
      s('path', { d: `M${a.x + 20} ${a.y} C ${mid.x} ${a.y - 30}, ${mid.x} ${b.y - 30}, ${b.x - 20} ${b.y}` }),
      s('text', { x: mid.x, y: Math.min(a.y, b.y) - 24, class: 'edge-label' }, e.kind === 'veth' ? '═ veth pair' : '⬡ bpfnet pair')));
  }
  M.wires(state.doc).forEach((w, wi) => {
    const a = pos.get(w.a);
    const b = pos.get(w.b);
    if (!a || !b) return;
    const sel = selected('wire', (q) => q.wi === wi);
    const err = hasErrorUnder(['wires', wi]);
    const g = s('g', { class: 'edge wire' + (sel ? ' selected' : '') + (err ? ' has-error' : ''), 'data-wire': wi, role: 'button', tabindex: 0,
      'aria-label': `wire ${w.a} to ${w.b}` },
      s('path', { d: wirePath(a, b), class: 'hit' }),
      s('path', { d: wirePath(a, b) }),
      s('text', { x: Math.min(a.x, b.x) - 52, y: (a.y + b.y) / 2 - 6, class: 'edge-label' }, `━ wire${w.latency ? ' ' + w.latency : ''}${w.rate ? ' ' + w.rate : ''}`));
    g.addEventListener('click', () => select({ type: 'wire', wi }));
    g.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') select({ type: 'wire', wi }); });
    edges.append(g);
  });
  svg.append(edges);
  // device ends on top
  const attachments = Array.isArray(state.doc.attach) ? state.doc.attach : [];
  for (const [ref, p] of pos) {
    const e = p.end;
    const sel = selected('device', (q) => q.ni === e.ni && q.si === e.si && q.di === e.di && (q.role || 'primary') === (e.role === 'peer' ? 'peer' : 'primary'));
    const err = hasErrorUnder(e.devicePath);
    const att = attachments.filter((a) => a.device === ref).map((a) => `${a.program}@${a.hook}`);
    const g = s('g', { class: `end ${e.kind} ${e.role}` + (sel ? ' selected' : '') + (err ? ' has-error' : '') + (state.mode ? ' targetable' : ''),
      'data-device': ref, 'data-kind': e.kind, role: 'button', tabindex: 0,
      'aria-label': `${e.kind} ${e.role === 'peer' ? 'peer end' : 'device'} ${e.name} in ${e.ns}` },
      s('rect', { x: p.x - 24, y: p.y - 20, width: NS_W - 22, height: 40, rx: 4, class: 'end-hit' }),
      deviceShape(e.kind, p.x, p.y, 'shape'),
      s('text', { x: p.x + 26, y: p.y - 2, class: 'end-name' }, e.name),
      s('text', { x: p.x + 26, y: p.y + 12, class: 'end-kind' }, `${e.kind}${e.role === 'peer' ? ' (peer end)' : ''}` + (att.length ? `  ⚓ ${att.join(', ')}` : '')));
    if (err) g.append(s('text', { x: p.x - 30, y: p.y - 8, class: 'err-badge' }, '⚠'));
    g.addEventListener('click', (ev) => { ev.stopPropagation(); clickEnd(e); });
    g.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.stopPropagation(); clickEnd(e); } });
    svg.append(g);
  }
  const all = boxes.length ? boxes : [{ x: 0, y: 0, w: 600, h: 300 }];
  const w = Math.max(900, ...all.map((b) => b.x + b.w + 60));
  const h = Math.max(520, ...all.map((b) => b.y + b.h + 60));
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('width', w);
  svg.setAttribute('height', h);
  document.getElementById('mode-hint').textContent = modeHint();
}

/** A wire leaves each NIC to the left and bows outside the namespace boxes. */
function wirePath(a, b) {
  const bow = Math.min(a.x, b.x) - 60;
  return `M${a.x - 17} ${a.y} C ${bow} ${a.y}, ${bow} ${b.y}, ${b.x - 17} ${b.y}`;
}

function modeHint() {
  const m = state.mode;
  if (!m) return '';
  if (m.kind === 'nic') return 'Click the namespace that gets the NIC (Esc cancels).';
  if (m.kind === 'wire') return m.first ? `Wire from ${m.first}: click the other NIC (Esc cancels).` : 'Click the first NIC of the wire (Esc cancels).';
  return m.first ? `${m.kind} pair from ${m.first.name}: click the namespace of the peer end (Esc cancels).`
    : `Click the namespace of the ${m.kind} primary end (Esc cancels).`;
}

// ---------- interaction ----------
let drag = null;
function startDrag(ev, b) {
  if (ev.target.closest('.end') || state.mode) return;
  drag = { key: b.key, dx: ev.clientX, dy: ev.clientY, x: b.x, y: b.y, moved: false };
  ev.currentTarget.setPointerCapture?.(ev.pointerId);
}
svg.addEventListener('pointermove', (ev) => {
  if (!drag) return;
  const scale = svg.viewBox.baseVal.width / svg.getBoundingClientRect().width || 1;
  const x = Math.max(20, Math.round(drag.x + (ev.clientX - drag.dx) * scale));
  const y = Math.max(50, Math.round(drag.y + (ev.clientY - drag.dy) * scale));
  if (Math.abs(ev.clientX - drag.dx) + Math.abs(ev.clientY - drag.dy) > 3) drag.moved = true;
  if (drag.moved) { state.layout[drag.key] = { x, y }; render(); }
});
svg.addEventListener('pointerup', () => { if (drag?.moved) saveLayout(); setTimeout(() => { drag = null; }, 0); });

function nsKey(ev, b) {
  const step = ev.shiftKey ? 50 : 10;
  const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[ev.key];
  if (d && ev.target.closest('.ns') === ev.currentTarget && !ev.target.closest('.end')) {
    ev.preventDefault();
    state.layout[b.key] = { x: Math.max(20, b.x + d[0]), y: Math.max(50, b.y + d[1]) };
    saveLayout();
    render();
    svg.querySelector(`[data-ns="${CSS.escape(b.key)}"]`)?.focus();
  } else if (ev.key === 'Enter' && ev.target === ev.currentTarget) {
    clickNamespace(b.ni, b.si);
  }
}

function clickNamespace(ni, si) {
  if (drag?.moved) return;
  const m = state.mode;
  if (m && m.kind === 'nic') {
    change(() => { const di = M.addNic(state.doc, ni, si); state.selection = { type: 'device', ni, si, di, role: 'primary' }; });
    state.mode = null;
  } else if (m && (m.kind === 'veth' || m.kind === 'bpfnet')) {
    if (!m.first) { m.first = { ni, si, name: state.doc.nodes[ni].namespaces[si].name }; render(); return; }
    if (m.first.ni !== ni) { status('Both ends of a pair must be on the same machine.', 'error'); return; }
    const { si: a } = m.first;
    state.mode = null;
    change(() => { const di = M.addPair(state.doc, m.kind, ni, a, si); state.selection = { type: 'device', ni, si: a, di, role: 'primary' }; });
  } else if (m && m.kind === 'wire') {
    status('A wire joins two NICs: click a NIC.', 'error');
  } else {
    select({ type: 'namespace', ni, si });
  }
  updateButtons();
}

function clickEnd(e) {
  const m = state.mode;
  if (m && m.kind === 'wire') {
    if (e.kind !== 'nic') { status('A wire joins two NICs.', 'error'); return; }
    if (!m.first) { m.first = e.ref; render(); return; }
    if (m.first === e.ref) return;
    const a = m.first;
    state.mode = null;
    change(() => { state.selection = { type: 'wire', wi: M.addWire(state.doc, a, e.ref) }; });
    updateButtons();
    return;
  }
  if (m) { clickNamespace(e.ni, M.namespaces(state.doc.nodes[e.ni]).findIndex((x) => x.name === e.ns)); return; }
  select({ type: 'device', ni: e.ni, si: e.si, di: e.di, role: e.role === 'peer' ? 'peer' : 'primary' });
}

function select(sel) {
  state.selection = sel;
  render();
  renderPanel();
  updateButtons();
}

function change(fn) {
  fn();
  state.dirty = true;
  render();
  renderPanel();
  refreshYaml();
}

function startMode(kind) {
  if (state.readOnly) return;
  state.mode = { kind };
  render();
  updateButtons();
}

function deleteSelection() {
  if (state.readOnly) return;
  const q = state.selection;
  change(() => {
    if (q.type === 'device') M.deleteDevice(state.doc, q.ni, q.si, q.di);
    else if (q.type === 'namespace') M.deleteNamespace(state.doc, q.ni, q.si);
    else if (q.type === 'node') M.deleteNode(state.doc, q.ni);
    else if (q.type === 'wire') M.deleteWire(state.doc, q.wi);
    state.selection = { type: 'document' };
  });
  updateButtons();
}

function updateButtons() {
  const q = state.selection;
  for (const b of root.querySelectorAll('[data-mode]')) b.setAttribute('aria-pressed', String(state.mode?.kind === b.dataset.mode));
  document.getElementById('btn-delete').disabled = state.readOnly || q.type === 'document';
  document.getElementById('btn-add-ns').disabled = state.readOnly || M.nodes(state.doc).length === 0;
  document.getElementById('btn-share').disabled = !state.id;
  document.getElementById('btn-run').disabled = !state.id;
  document.getElementById('btn-save').disabled = state.readOnly;
}

document.addEventListener('keydown', (ev) => {
  if (ev.target.closest('input, textarea, select')) return;
  if (ev.key === 'Escape' && state.mode) { state.mode = null; render(); updateButtons(); }
  if ((ev.key === 'Delete' || ev.key === 'Backspace') && state.selection.type !== 'document') { ev.preventDefault(); deleteSelection(); }
});

// ---------- property panel ----------
function fieldId(path) { return 'f-' + path.replace(/[^A-Za-z0-9]/g, '_'); }

/**
 * A labelled input bound to a document path. opts.type: text | int | enum | bool | list | number.
 * Empty input removes the field (so the engine's default applies: shown as placeholder).
 */
function field(label, parts, opts = {}) {
  const path = M.pathText(parts);
  const id = fieldId(path);
  const value = M.getAt(state.doc, parts);
  let input;
  if (opts.type === 'enum' || opts.type === 'bool') {
    const choices = opts.type === 'bool' ? ['true', 'false'] : opts.options;
    input = el('select', { id },
      el('option', { value: '' }, opts.required ? '(choose)' : `(default${opts.def !== undefined ? ': ' + opts.def : ''})`),
      ...choices.map((c) => el('option', { value: c, selected: String(value) === c }, c)));
  } else {
    const text = value === undefined || value === null ? '' : Array.isArray(value) ? value.join(', ') : String(value);
    input = el('input', { id, type: 'text', value: text, placeholder: opts.def !== undefined ? String(opts.def) : '', spellcheck: 'false',
      autocomplete: 'off', inputmode: opts.type === 'int' ? 'numeric' : undefined });
  }
  input.dataset.path = path;
  input.disabled = state.readOnly;
  input.addEventListener('change', () => {
    const raw = input.value.trim();
    let v;
    if (raw === '') v = undefined;
    else if (opts.type === 'int') v = /^-?\d+$/.test(raw) ? Number(raw) : raw;
    else if (opts.type === 'number') v = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    else if (opts.type === 'bool') v = raw === 'true';
    else if (opts.type === 'list') v = raw.split(/[\s,]+/).filter(Boolean);
    else v = raw;
    if (opts.onSet) change(() => opts.onSet(v));
    else if (v === undefined && opts.required) change(() => M.setAt(state.doc, parts, ''));
    else change(() => M.setAt(state.doc, parts, v));
    document.getElementById(id)?.focus();
  });
  const hint = opts.hint ? el('span', { class: 'hint' }, opts.hint) : null;
  const wrap = el('div', { class: 'field', 'data-field': path }, el('label', { for: id }, label), input, hint);
  return wrap;
}

function section(title, ...children) { return el('section', { class: 'panel-section' }, el('h3', {}, title), ...children); }

function nameField(label, parts, onRename) {
  return field(label, parts, { required: true, onSet: (v) => { if (v !== undefined) onRename(v); } });
}

function renderPanel() {
  const q = state.selection;
  const doc = state.doc;
  const body = [];
  if (q.type === 'node' && doc.nodes?.[q.ni]) {
    const base = ['nodes', q.ni];
    body.push(el('h2', {}, '▣ Machine'),
      section('Machine',
        nameField('Name', [...base, 'name'], (v) => M.renameNode(doc, q.ni, v)),
        field('CPUs', [...base, 'cpus'], { type: 'int', required: true, hint: '1..256' })),
      section('sysctl',
        field('netdev_max_backlog', [...base, 'sysctl', 'netdev_max_backlog'], { type: 'int', def: 1000 }),
        field('netdev_budget', [...base, 'sysctl', 'netdev_budget'], { type: 'int', def: 300 }),
        field('netdev_budget_usecs', [...base, 'sysctl', 'netdev_budget_usecs'], { type: 'int', def: 2000 }),
        field('dev_weight', [...base, 'sysctl', 'dev_weight'], { type: 'int', def: 64 }),
        field('softirq_restart_limit', [...base, 'sysctl', 'softirq_restart_limit'], { type: 'int', def: 10 }),
        field('softirq_time_limit', [...base, 'sysctl', 'softirq_time_limit'], { def: '2ms' }),
        field('softirq_policy', [...base, 'sysctl', 'softirq_policy'], { type: 'enum', options: ['pre-6.5', '6.5+'], def: '6.5+' })));
  } else if (q.type === 'namespace' && doc.nodes?.[q.ni]?.namespaces?.[q.si]) {
    const base = ['nodes', q.ni, 'namespaces', q.si];
    body.push(el('h2', {}, '▦ Namespace'),
      section('Namespace',
        nameField('Name', [...base, 'name'], (v) => M.renameNamespace(doc, q.ni, q.si, v)),
        field('forwarding', [...base, 'forwarding'], { type: 'bool', def: 'false' })),
      listSection('Routes', [...base, 'routes'], { to: '', dev: '' },
        (p) => [field('to', [...p, 'to'], { required: true, hint: 'prefix, e.g. 0.0.0.0/0' }), field('via', [...p, 'via']), field('dev', [...p, 'dev'], { required: true })]),
      listSection('Neighbours', [...base, 'neighbours'], { ip: '', mac: '', dev: '' },
        (p) => [field('ip', [...p, 'ip'], { required: true }), field('mac', [...p, 'mac'], { required: true }), field('dev', [...p, 'dev'], { required: true })]));
  } else if (q.type === 'device' && doc.nodes?.[q.ni]?.namespaces?.[q.si]?.devices?.[q.di]) {
    body.push(...devicePanel(q));
  } else if (q.type === 'wire' && doc.wires?.[q.wi]) {
    const base = ['wires', q.wi];
    body.push(el('h2', {}, '━ Wire'),
      section('Wire',
        field('a', [...base, 'a'], { required: true, hint: 'node/namespace/device' }),
        field('b', [...base, 'b'], { required: true }),
        field('latency', [...base, 'latency'], { def: '0', hint: 'duration, e.g. 2us' }),
        field('rate', [...base, 'rate'], { def: 'min of the NICs', hint: 'e.g. 10Gbit' })));
  } else {
    state.selection = { type: 'document' };
    body.push(...documentPanel());
  }
  panel.replaceChildren(...body);
  showErrors();
}

function listSection(title, parts, blank, rows, opts = {}) {
  const list = M.getAt(state.doc, parts);
  const arr = Array.isArray(list) ? list : [];
  const out = section(title);
  arr.forEach((_, i) => {
    const p = [...parts, i];
    const del = el('button', { type: 'button', class: 'small danger', disabled: state.readOnly, 'aria-label': `Remove ${title.toLowerCase()} ${i + 1}`,
      onclick: () => change(() => { M.setAt(state.doc, p, undefined); if (M.getAt(state.doc, parts)?.length === 0) M.setAt(state.doc, parts, undefined); }) }, '✕ Remove');
    out.append(el('div', { class: 'list-row', 'data-field': M.pathText(p) }, el('div', { class: 'row-title' }, `${opts.itemName || title.replace(/s$/, '')} ${i + 1}`, del), ...rows(p, arr[i])));
  });
  out.append(el('button', { type: 'button', class: 'small', disabled: state.readOnly, 'data-add': M.pathText(parts),
    onclick: () => change(() => { const cur = M.getAt(state.doc, parts); M.setAt(state.doc, [...parts, Array.isArray(cur) ? cur.length : 0], structuredClone(typeof blank === 'function' ? blank() : blank)); }) },
  `+ Add ${(opts.itemName || title.replace(/s$/, '')).toLowerCase()}`));
  return out;
}

function devicePanel(q) {
  const doc = state.doc;
  const base = ['nodes', q.ni, 'namespaces', q.si, 'devices', q.di];
  const dev = M.getAt(doc, base);
  const node = doc.nodes[q.ni];
  const ns = node.namespaces[q.si];
  const end = M.ends(doc).find((e) => e.ni === q.ni && e.si === q.si && e.di === q.di && (e.role === 'peer') === (q.role === 'peer'));
  const icon = { nic: '▭', veth: '◯', bpfnet: '⬡' }[dev.kind] || '?';
  const out = [el('h2', {}, `${icon} ${dev.kind} ${q.role === 'peer' ? 'peer end' : 'device'}`)];
  const primary = section(dev.kind === 'nic' ? 'NIC' : `Primary end (in ${ns.name})`,
    nameField('Name', [...base, 'name'], (v) => M.renameEnd(doc, { ...end, role: 'primary', ns: ns.name }, v)),
    field('addresses', [...base, 'addresses'], { type: 'list', hint: 'comma-separated, e.g. 192.0.2.1/24' }),
    field('mac', [...base, 'mac'], { def: dev.kind === 'bpfnet' ? 'zero (l3)' : 'random' }),
    field('mtu', [...base, 'mtu'], { type: 'int', def: 1500 }),
    field('rps_cpus', [...base, 'rps_cpus'], { def: 'off', hint: 'RPS: hex mask as in queues/rx-0/rps_cpus, e.g. e = CPUs 1-3' }));
  if (dev.kind === 'nic') {
    primary.append(
      field('qdisc', [...base, 'qdisc'], { type: 'enum', options: ['noqueue', 'pfifo_fast', 'fq_codel'], def: 'pfifo_fast' }),
      field('rate', [...base, 'rate'], { def: '10Gbit' }),
      field('txqueuelen', [...base, 'txqueuelen'], { type: 'int', def: 1000 }),
      field('tx_ring', [...base, 'tx_ring'], { type: 'int', def: 256 }),
      field('rx_ring', [...base, 'rx_ring'], { type: 'int', def: 1024 }),
      field('bql', [...base, 'bql'], { def: 'off', hint: 'size, e.g. 64k' }),
      field('irq_cpu', [...base, 'irq_cpu'], { type: 'int', def: 0 }));
  } else if (dev.kind === 'veth') {
    primary.append(
      field('rx_delivery', [...base, 'rx_delivery'], { type: 'enum', options: ['backlog', 'direct'], def: 'backlog' }),
      field('gro', [...base, 'gro'], { type: 'bool', def: 'false' }));
  } else if (dev.kind === 'bpfnet') {
    primary.append(
      field('mode', [...base, 'mode'], { type: 'enum', options: ['l3', 'l2'], def: 'l3' }),
      field('policy', [...base, 'policy'], { type: 'enum', options: ['pass', 'drop'], def: 'pass' }),
      field('peer_policy', [...base, 'peer_policy'], { type: 'enum', options: ['pass', 'drop'], def: 'pass' }),
      field('scrub', [...base, 'scrub'], { type: 'enum', options: ['default', 'none'], def: 'default' }),
      field('peer_scrub', [...base, 'peer_scrub'], { type: 'enum', options: ['default', 'none'], def: 'default' }),
      field('headroom', [...base, 'headroom'], { type: 'int', def: 0 }),
      field('tailroom', [...base, 'tailroom'], { type: 'int', def: 0 }));
  }
  if (q.role === 'peer') out.push(peerSection(base, dev, q), primary); else out.push(primary);
  if (dev.kind !== 'nic' && q.role !== 'peer') out.push(peerSection(base, dev, q));
  out.push(attachSection(`${node.name}/${ns.name}/${dev.name}`, M.hooksFor({ kind: dev.kind, role: dev.kind === 'nic' ? 'nic' : 'primary' }), 'primary end'));
  if (dev.peer) out.push(attachSection(`${node.name}/${dev.peer.namespace}/${dev.peer.name}`, ['tcx-ingress', 'tcx-egress'], 'peer end'));
  return out;
}

function peerSection(base, dev, q) {
  const doc = state.doc;
  const node = doc.nodes[q.ni];
  const p = [...base, 'peer'];
  const end = M.ends(doc).find((e) => e.ni === q.ni && e.si === q.si && e.di === q.di && e.role === 'peer');
  const sec = section(`Peer end (in ${dev.peer?.namespace ?? '?'})`,
    field('namespace', [...p, 'namespace'], { type: 'enum', required: true, options: M.namespaces(node).map((n) => n.name) }),
    nameField('name', [...p, 'name'], (v) => (end ? M.renameEnd(doc, end, v) : M.setAt(doc, [...p, 'name'], v))),
    field('addresses', [...p, 'addresses'], { type: 'list', hint: 'comma-separated' }),
    field('mac', [...p, 'mac'], { def: dev.kind === 'bpfnet' ? 'zero (l3)' : 'random' }),
    field('rps_cpus', [...p, 'rps_cpus'], { def: 'off', hint: 'RPS: hex mask, e.g. e = CPUs 1-3' }));
  if (dev.kind === 'veth') {
    sec.append(field('rx_delivery', [...p, 'rx_delivery'], { type: 'enum', options: ['backlog', 'direct'], def: 'backlog' }),
      field('gro', [...p, 'gro'], { type: 'bool', def: 'false' }));
  }
  return sec;
}

function attachSection(ref, hooks, what) {
  const doc = state.doc;
  const attach = Array.isArray(doc.attach) ? doc.attach : [];
  const programs = (Array.isArray(doc.programs) ? doc.programs : []).map((p) => p.name).filter(Boolean);
  const sec = section(`Programs on the ${what} (${ref.split('/').pop()})`);
  attach.forEach((a, i) => {
    if (a.device !== ref) return;
    sec.append(el('div', { class: 'list-row', 'data-field': `attach[${i}]` },
      el('div', { class: 'row-title' }, `⚓ ${a.program} at ${a.hook}`,
        el('button', { type: 'button', class: 'small danger', disabled: state.readOnly, onclick: () => change(() => { doc.attach.splice(i, 1); if (!doc.attach.length) delete doc.attach; }) }, '✕ Detach')),
      field('program', ['attach', i, 'program'], { type: 'enum', required: true, options: programs.includes(a.program) || !a.program ? programs : [...programs, a.program] }),
      field('hook', ['attach', i, 'hook'], { type: 'enum', required: true, options: hooks.includes(a.hook) || !a.hook ? hooks : [...hooks, a.hook] }),
      field('order', ['attach', i, 'order'], { type: 'int', def: 'document order' })));
  });
  if (!programs.length) {
    sec.append(el('p', { class: 'hint' }, 'Add a program to the topology first (select the background: Programs).'));
  } else {
    const progSel = el('select', { 'aria-label': `Program to attach to ${ref}`, 'data-attach-program': ref, disabled: state.readOnly }, ...programs.map((n) => el('option', { value: n }, n)));
    const hookSel = el('select', { 'aria-label': `Hook on ${ref}`, 'data-attach-hook': ref, disabled: state.readOnly }, ...hooks.map((h) => el('option', { value: h }, h)));
    sec.append(el('div', { class: 'attach-add' }, progSel, hookSel,
      el('button', { type: 'button', class: 'small', disabled: state.readOnly, onclick: () => change(() => {
        doc.attach = Array.isArray(doc.attach) ? doc.attach : [];
        doc.attach.push({ program: progSel.value, device: ref, hook: hookSel.value });
      }) }, '⚓ Attach')));
  }
  return sec;
}

function documentPanel() {
  const doc = state.doc;
  const programOptions = state.programs.map((p) => `program:${p.id}`);
  const out = [el('h2', {}, '☰ Topology'),
    section('Document',
      field('name', ['name'], { required: true }),
      field('seed', ['seed'], { type: 'int', def: 1 })),
    listSection('Programs', ['programs'], () => ({ name: M.uniqueName('prog', (doc.programs || []).map((p) => p.name), 1), object: programOptions[0] || '' }),
      (p) => [
        field('name', [...p, 'name'], { required: true }),
        field('object', [...p, 'object'], { hint: state.programs.length ? 'program:<id> of a stored program: ' + state.programs.map((x) => `program:${x.id} (${x.name})`).join(', ') : 'program:<id> of a stored program (Programs page)' }),
        field('section', [...p, 'section'], { def: 'the only program', hint: 'e.g. netkit/peer, tcx/ingress' }),
        rodataField(p)]),
    listSection('Traffic', ['traffic'], () => trafficBlank(), (p, t) => trafficRows(p, t), { itemName: 'Traffic source' }),
    el('p', { class: 'hint' }, 'Select a machine, namespace, device or wire on the canvas to edit it.')];
  return out;
}

function rodataField(p) {
  const parts = [...p, 'rodata'];
  const value = M.getAt(state.doc, parts) || {};
  const path = M.pathText(parts);
  const id = fieldId(path);
  const ta = el('textarea', { id, rows: 2, spellcheck: 'false', placeholder: 'nic_ifindex = ifindex:node1/host/eth0' });
  ta.value = Object.entries(value).map(([k, v]) => `${k} = ${v}`).join('\n');
  ta.dataset.path = path;
  ta.disabled = state.readOnly;
  ta.addEventListener('change', () => change(() => {
    const obj = {};
    for (const line of ta.value.split('\n')) {
      const m = line.match(/^\s*([^=\s]+)\s*=\s*(.+?)\s*$/);
      if (m) obj[m[1]] = /^-?\d+$/.test(m[2]) ? Number(m[2]) : m[2];
    }
    M.setAt(state.doc, parts, Object.keys(obj).length ? obj : undefined);
  }));
  return el('div', { class: 'field', 'data-field': path }, el('label', { for: id }, 'rodata'), ta, el('span', { class: 'hint' }, 'one "name = value" per line'));
}

function trafficBlank() {
  const from = M.nodes(state.doc)[0] ? `${state.doc.nodes[0].name}/${state.doc.nodes[0].namespaces?.[0]?.name ?? 'host'}` : '';
  return { name: M.uniqueName('flow', (state.doc.traffic || []).map((t) => t.name), 1), kind: 'constant-rate', from, to: '', rate: '10kpps', count: 100 };
}

function trafficRows(p, t) {
  const froms = [];
  for (const n of M.nodes(state.doc)) for (const s of M.namespaces(n)) froms.push(`${n.name}/${s.name}`);
  const rows = [
    field('name', [...p, 'name'], { required: true }),
    field('kind', [...p, 'kind'], { type: 'enum', required: true, options: ['constant-rate', 'poisson', 'burst', 'request-response'] }),
    field('from', [...p, 'from'], { type: 'enum', required: true, options: froms.includes(t?.from) || !t?.from ? froms : [...froms, t.from] }),
    field('to', [...p, 'to'], { required: true, hint: 'ADDR:PORT' }),
    field('size', [...p, 'size'], { type: 'int', def: 64 }),
    field('cpu', [...p, 'cpu'], { type: 'int', def: 0 }),
    field('start', [...p, 'start'], { def: '0' })];
  const kind = t?.kind;
  if (kind === 'constant-rate' || kind === 'poisson') rows.push(field('rate', [...p, 'rate'], { required: true, hint: 'e.g. 100kpps or 1Gbit' }), field('count', [...p, 'count'], { type: 'int', def: 'until the run ends' }));
  if (kind === 'burst') rows.push(field('burst', [...p, 'burst'], { type: 'int', required: true }), field('interval', [...p, 'interval'], { required: true }), field('count', [...p, 'count'], { type: 'int' }));
  if (kind === 'request-response') rows.push(field('transactions', [...p, 'transactions'], { type: 'int', required: true }), field('response_size', [...p, 'response_size'], { type: 'int' }), field('server_cpu', [...p, 'server_cpu'], { type: 'int', def: 0 }));
  return rows;
}

// ---------- validation messages ----------
function showErrors() {
  for (const old of panel.querySelectorAll('.field-error')) old.remove();
  for (const inp of panel.querySelectorAll('[aria-invalid]')) { inp.removeAttribute('aria-invalid'); inp.removeAttribute('aria-describedby'); }
  problemsBox.replaceChildren();
  if (!state.errors.length) { problemsBox.hidden = true; return; }
  problemsBox.hidden = false;
  problemsBox.append(el('h3', {}, `⚠ ${state.errors.length} problem${state.errors.length > 1 ? 's' : ''}`));
  const list = el('ul', {});
  state.errors.forEach((e, i) => {
    const where = e.path !== undefined && e.path !== '' ? e.path : e.line ? `line ${e.line}${e.column ? ', column ' + e.column : ''}` : 'document';
    const shown = placeError(e, i);
    list.append(el('li', { 'data-error-path': e.path ?? '' },
      el('button', { type: 'button', class: 'link', onclick: () => { select(selectionFor(e.path || '')); focusPath(e.path); } }, where),
      ': ', e.message || '', shown ? '' : ''));
  });
  problemsBox.append(list);
}

/** Writes an error next to the input of its path, or of its nearest enclosing path shown. */
function placeError(e, i) {
  if (typeof e.path !== 'string') return false;
  let parts = M.parsePath(e.path);
  while (parts.length) {
    const p = M.pathText(parts);
    const holder = panel.querySelector(`[data-field="${CSS.escape(p)}"]`);
    if (holder) {
      const id = `err-${i}`;
      const msg = el('p', { class: 'field-error', id, role: 'alert', 'data-error-for': e.path }, `⚠ ${parts.length < M.parsePath(e.path).length ? e.path + ': ' : ''}${e.message}`);
      holder.append(msg);
      const inp = holder.querySelector(':scope > input, :scope > select, :scope > textarea');
      if (inp) { inp.setAttribute('aria-invalid', 'true'); inp.setAttribute('aria-describedby', id); }
      return true;
    }
    parts = parts.slice(0, -1);
  }
  return false;
}

function selectionFor(path) {
  const o = M.ownerOf(path);
  if (o.type === 'device') return { type: 'device', ni: o.ni, si: o.si, di: o.di, role: o.role };
  if (o.type === 'namespace' || o.type === 'node' || o.type === 'wire') return o;
  return { type: 'document' };
}

function focusPath(path) {
  const inp = panel.querySelector(`[data-path="${CSS.escape(path || '')}"]`);
  inp?.focus();
}

function setErrors(errors, message) {
  state.errors = errors;
  const first = errors.find((e) => typeof e.path === 'string');
  if (first) state.selection = selectionFor(first.path);
  render();
  renderPanel();
  if (message) status(message, errors.length ? 'error' : 'ok');
}

// ---------- server calls ----------
async function toYaml() {
  const r = await api('POST', '/ui/topology-yaml', JSON.stringify(state.doc), { contentType: 'application/json', accept: 'application/yaml' });
  if (!r.ok) throw new Error(describe(r));
  return r.data;
}

async function fromYaml(text) {
  const r = await api('POST', '/ui/topology-json', text, { contentType: 'application/yaml' });
  if (!r.ok) { setErrors(r.problem.errors, describe(r)); return null; }
  return r.data;
}

let yamlTimer = null;
function refreshYaml() {
  clearTimeout(yamlTimer);
  yamlTimer = setTimeout(async () => { try { yamlBox.textContent = await toYaml(); } catch (e) { yamlBox.textContent = String(e.message); } }, 150);
}

async function validate() {
  const yaml = await toYaml();
  let r = await api('POST', '/api/topologies/validate', { name: state.doc.name ?? '', yaml });
  if (r.status === 415 || r.status === 400) r = await api('POST', '/api/topologies/validate', yaml, { contentType: 'application/yaml' });
  if (r.ok) { setErrors([], '✓ Valid topology.'); return true; }
  if (r.status === 422 || r.status === 413) { setErrors(r.problem.errors?.length ? r.problem.errors : [{ path: '', message: r.problem.detail }], `The server found ${r.problem.errors?.length || 1} problem(s).`); return false; }
  status('Validation unavailable: ' + describe(r), 'error');
  return null;
}

async function save() {
  if (state.readOnly) return;
  let yaml;
  try { yaml = await toYaml(); } catch (e) { status(e.message, 'error'); return; }
  const body = { name: state.doc.name ?? '', yaml };
  const r = state.id ? await api('PUT', `/api/topologies/${state.id}`, body) : await api('POST', '/api/topologies', body);
  if (!r.ok) {
    if (r.status === 422) { setErrors(r.problem.errors?.length ? r.problem.errors : [{ path: '', message: r.problem.detail }], 'Not saved: ' + describe(r)); return; }
    status('Not saved: ' + describe(r), 'error');
    return;
  }
  const firstSave = !state.id;
  state.id = r.data?.id || state.id;
  state.version = r.data?.version ?? state.version;
  state.dirty = false;
  if (firstSave) {
    const old = state.layout;
    history.replaceState(null, '', `/topologies/${state.id}`);
    root.dataset.topologyId = state.id;
    state.layout = old;
    saveLayout();
  }
  setErrors([], `Saved${state.version != null ? ' as version ' + state.version : ''}.`);
  document.getElementById('saved-version').textContent = state.version != null ? `version ${state.version}` : 'saved';
  updateButtons();
  loadVersions();
}

function topologyText(data) {
  if (typeof data === 'string') return data;
  return data?.yaml ?? data?.content ?? data?.document ?? data?.topology?.yaml ?? '';
}

async function load(version) {
  const url = state.share ? `/api/shares/${encodeURIComponent(state.share)}` : `/api/topologies/${state.id}` + (version ? `?version=${version}` : '');
  const r = await api('GET', url);
  if (!r.ok) { status('Cannot load the topology: ' + describe(r), 'error'); return; }
  const doc = await fromYaml(topologyText(r.data));
  if (!doc) return;
  state.doc = doc;
  state.version = r.data?.version ?? null;
  state.dirty = false;
  state.errors = [];
  state.selection = { type: 'document' };
  document.getElementById('saved-version').textContent = state.version != null ? `version ${state.version}` : '';
  render();
  renderPanel();
  refreshYaml();
  status(state.readOnly ? 'Shared topology (read-only).' : `Loaded ${state.doc.name ?? ''}${state.version != null ? ', version ' + state.version : ''}.`, 'ok');
}

async function loadVersions() {
  const sel = document.getElementById('versions');
  if (!state.id) { sel.hidden = true; return; }
  const r = await api('GET', `/api/topologies/${state.id}/versions`);
  const list = r.ok ? items(r.data) : [];
  sel.hidden = list.length === 0;
  sel.replaceChildren(el('option', { value: '' }, 'Versions…'),
    ...list.map((v) => { const n = typeof v === 'number' ? v : v.version; return el('option', { value: n }, `version ${n}${v.createdAt || v.created_at ? ' · ' + new Date(v.createdAt || v.created_at).toLocaleString() : ''}`); }));
}

async function loadPrograms() {
  if (state.readOnly) return;
  const r = await api('GET', '/api/programs');
  if (r.ok) state.programs = items(r.data).filter((p) => p && p.id);
}

async function exportYaml() {
  let yaml;
  try { yaml = await toYaml(); } catch (e) { status(e.message, 'error'); return; }
  const a = el('a', { href: URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' })), download: `${state.doc.name || 'topology'}.yaml` });
  document.body.append(a);
  a.click();
  a.remove();
  status('Exported YAML.', 'ok');
}

async function importYaml(file) {
  const doc = await fromYaml(await file.text());
  if (!doc) return;
  change(() => { state.doc = doc; state.errors = []; state.selection = { type: 'document' }; });
  status(`Imported ${file.name}; save to store it.`, 'ok');
}

async function share() {
  if (!state.id) return;
  const r = await api('POST', `/api/topologies/${state.id}/shares`, {});
  const out = document.getElementById('share-link');
  if (!r.ok) { status('Cannot share: ' + describe(r), 'error'); return; }
  const token = r.data?.token;
  const link = `${location.origin}/shared/${encodeURIComponent(token)}`;
  out.replaceChildren('Read-only link: ', el('a', { href: link, id: 'share-url' }, link));
  out.hidden = false;
  status('Share link created; anyone with it can read this topology.', 'ok');
}

async function fork() {
  const r = await api('POST', `/api/shares/${encodeURIComponent(state.share)}/fork`, {});
  if (!r.ok) { status('Cannot fork: ' + describe(r), 'error'); return; }
  location.href = `/topologies/${r.data.id}`;
}

// ---------- wiring ----------
function on(id, fn) { document.getElementById(id)?.addEventListener('click', fn); }
on('btn-add-node', () => change(() => { const ni = M.addNode(state.doc); state.selection = { type: 'node', ni }; }));
on('btn-add-ns', () => {
  const q = state.selection;
  const ni = q.ni ?? 0;
  if (!state.doc.nodes?.[ni]) return;
  change(() => { const si = M.addNamespace(state.doc, ni); state.selection = { type: 'namespace', ni, si }; });
});
for (const b of root.querySelectorAll('[data-mode]')) b.addEventListener('click', () => (state.mode?.kind === b.dataset.mode ? (state.mode = null, render(), updateButtons()) : startMode(b.dataset.mode)));
on('btn-delete', deleteSelection);
on('btn-validate', validate);
on('btn-save', save);
on('btn-export', exportYaml);
on('btn-share', share);
on('btn-fork', fork);
on('btn-run', async () => {
  if (state.dirty) await save();
  if (!state.id) return;
  // 1 ms of simulated time shown over 10 s: slow enough to watch packets move
  const r = await startRun(state.id, '1ms', 100);
  if (r) status('Cannot start a run: ' + describe(r), 'error');
});
on('btn-document', () => select({ type: 'document' }));
document.getElementById('import-file')?.addEventListener('change', (ev) => { const f = ev.target.files?.[0]; if (f) importYaml(f); ev.target.value = ''; });
document.getElementById('versions')?.addEventListener('change', (ev) => { if (ev.target.value) load(ev.target.value); });
svg.addEventListener('click', (ev) => { if (ev.target === svg && !state.mode) select({ type: 'document' }); });
window.addEventListener('beforeunload', (ev) => { if (state.dirty && !state.readOnly) ev.preventDefault(); });

/** For tests and the console: the document being edited, as JSON text. */
window.bpfnetEditor = { documentJson: () => JSON.stringify(state.doc), state };

(async function init() {
  if (state.readOnly) {
    root.classList.add('read-only');
    for (const b of root.querySelectorAll('.edit-only')) b.hidden = true;
    document.getElementById('btn-fork').hidden = false;
  }
  loadLayout();
  render();
  renderPanel();
  updateButtons();
  await loadPrograms();
  if (state.id || state.share) await load(); else { refreshYaml(); renderPanel(); status('New topology: add namespaces and devices, then save.', 'info'); }
  loadVersions();
  root.dataset.ready = 'true';
}());

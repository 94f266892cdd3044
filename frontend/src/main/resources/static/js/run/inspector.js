// The packet inspector: the path of one skb step by step (GET /packets/{skb}) and, for the
// step the user picks, the packet decoded at that hop layer by layer with byte ranges and the
// fields changed since the previous hop (GET /packets/{skb}/hops, which re-runs the run).
import { api, describe, el } from '../api.js';
import { fmtNs, dropWords } from './format.js';

export class Inspector {
  constructor(runId, { onSelect } = {}) {
    this.runId = runId;
    this.onSelect = onSelect;
    this.skb = null;
    this.steps = [];
    this.hops = null; // {skb, steps, hops} or {error}
    this.body = document.querySelector('#inspector tbody');
    this.hint = document.getElementById('inspector-hint');
    this.detail = document.getElementById('hop-detail');
  }

  async show(skb) {
    this.skb = skb;
    this.hops = null;
    this.onSelect?.(skb);
    const r = await api('GET', `/api/runs/${this.runId}/packets/${skb}`);
    if (this.skb !== skb) return;
    if (!r.ok) { this.hint.textContent = `skb ${skb}: ${describe(r)}`; return; }
    this.steps = Array.isArray(r.data) ? r.data : [];
    const drop = this.steps.find((st) => st.drop);
    this.hint.textContent = `skb ${skb}: ${this.steps.length} steps${drop ? ` · ✕ dropped at ${drop.function}: ${dropWords(drop.drop)}` : ''}. Click a step to see the packet decoded there.`;
    this.body.replaceChildren(...this.steps.map((st, i) => this.row(st, i)));
    this.detail.replaceChildren(el('p', { class: 'hint' }, 'Pick a step of the path to decode the packet at that hop.'));
    this.detail.dataset.state = 'idle';
  }

  row(st, i) {
    const next = this.steps[i + 1];
    const wait = st.queue && next ? fmtNs(next.timeNs - st.timeNs) : '';
    const note = [st.drop ? `✕ drop: ${dropWords(st.drop)}` : null,
      st.verdict !== null && st.verdict !== undefined ? `verdict ${st.verdict}` : null,
      st.queue ? `${st.queue}${st.queueDepth !== null && st.queueDepth !== undefined ? ' depth ' + st.queueDepth : ''}` : null]
      .filter(Boolean).join(' · ');
    const tr = el('tr', { class: st.drop ? 'fate-drop' : '', tabindex: 0, 'data-step': i, 'aria-selected': 'false',
      title: 'Show the packet decoded at this hop' },
    el('td', {}, i), el('td', {}, fmtNs(st.timeNs)), el('td', {}, st.function),
    el('td', {}, st.device ?? ''), el('td', {}, st.netns ?? ''), el('td', {}, st.cpu ?? ''), el('td', {}, st.context ?? ''),
    el('td', {}, wait), el('td', {}, note));
    tr.addEventListener('click', () => this.pick(i));
    tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); this.pick(i); } });
    return tr;
  }

  async loadHops() {
    if (this.hops) return this.hops;
    const skb = this.skb;
    this.detail.replaceChildren(el('p', { class: 'hint' }, 'Decoding the packet at each hop (the run is replayed)…'));
    this.detail.dataset.state = 'loading';
    const r = await api('GET', `/api/runs/${this.runId}/packets/${skb}/hops`);
    if (this.skb !== skb) return null;
    this.hops = r.ok ? r.data : { error: r.status === 409 ? 'Decoded headers are available once the run has finished.' : describe(r) };
    return this.hops;
  }

  /** The hop (tap point) a path step is at: the last frame seen at or before it, on its device if one is. */
  static hopFor(step, hops) {
    let best = -1;
    for (let k = 0; k < hops.length; k++) {
      if (hops[k].timeNs <= step.timeNs) best = k; else break;
    }
    if (best < 0) return { index: hops.length ? 0 : -1, before: true };
    // several taps at the same instant: prefer the one on the step's device
    for (let k = best; k >= 0 && hops[k].timeNs === hops[best].timeNs; k--) {
      if (step.device && hops[k].device === step.device) return { index: k, before: false };
    }
    return { index: best, before: false };
  }

  async pick(i) {
    for (const tr of this.body.querySelectorAll('tr')) tr.setAttribute('aria-selected', String(Number(tr.dataset.step) === i));
    const st = this.steps[i];
    const data = await this.loadHops();
    if (!data || this.steps[i] !== st) return;
    if (data.error) {
      this.detail.replaceChildren(el('p', { class: 'hint' }, `⚠ ${data.error}`));
      this.detail.dataset.state = 'error';
      return;
    }
    const hops = data.hops || [];
    const { index, before } = Inspector.hopFor(st, hops);
    const parts = [el('h3', {}, `Step ${i}: ${st.function}${st.device ? ' on ' + st.device : ''} at ${fmtNs(st.timeNs)}`)];
    if (st.drop) parts.push(el('p', { class: 'drop-words fate-drop' }, `✕ The kernel dropped the packet here: ${dropWords(st.drop)}.`));
    if (index < 0) {
      parts.push(el('p', { class: 'hint' }, 'The packet never crossed a tap point (no frame bytes were seen).'));
    } else {
      const hop = hops[index];
      if (before) parts.push(el('p', { class: 'hint' }, 'Before the first tap point: showing the frame as first seen.'));
      parts.push(this.hopView(hop, index, hops, data.steps || this.steps));
    }
    this.detail.replaceChildren(...parts);
    this.detail.dataset.state = 'shown';
    this.detail.dataset.hop = String(index);
  }

  hopView(hop, index, hops, steps) {
    const prev = hops[index - 1];
    const changes = hop.changes || [];
    const changed = new Map(changes.map((c) => [`${c.layerIndex}/${c.field}`, c]));
    const wrap = el('div', { class: 'hop', 'data-hop': index });
    wrap.append(el('p', { class: 'hop-head' },
      `Hop ${index + 1} of ${hops.length}: ${hop.device} (${hop.direction}) at ${fmtNs(hop.timeNs)} · ${hop.packet?.length ?? '?'} bytes`));
    if (index === 0) {
      wrap.append(el('p', { class: 'hint' }, 'First hop: nothing to compare with.'));
    } else if (!changes.length) {
      wrap.append(el('p', { class: 'hint' }, `Unchanged since hop ${index} (${prev.device} ${prev.direction}).`));
    } else {
      // the programs that ran between the two tap points made (or allowed) the change
      const progs = steps.filter((s) => s.timeNs >= prev.timeNs && s.timeNs <= hop.timeNs && s.verdict !== null && s.verdict !== undefined)
        .map((s) => `${s.function}${s.device ? ' on ' + s.device : ''} (verdict ${s.verdict})`);
      wrap.append(el('div', { class: 'changes', role: 'note' },
        el('strong', {}, `✎ ${changes.length} field${changes.length === 1 ? '' : 's'} changed since hop ${index} (${prev.device} ${prev.direction})`),
        progs.length ? el('span', { class: 'muted' }, ` · programs run in between: ${[...new Set(progs)].join(', ')}`) : null,
        el('ul', {}, ...changes.map((c) => el('li', { class: 'mono' }, `✎ ${c.layer}.${c.field} changed: ${c.before ?? '∅'} → ${c.after ?? '∅'}`)))));
    }
    for (const p of hop.packet?.problems || []) wrap.append(el('p', { class: 'fate-drop' }, `⚠ ${p}`));
    (hop.packet?.layers || []).forEach((layer, li) => {
      const layerChange = changed.get(`${li}/(layer)`);
      const rows = (layer.fields || []).map((f) => {
        const c = changed.get(`${li}/${f.name}`);
        return el('tr', { class: c ? 'changed' : '' },
          el('td', {}, c ? '✎ ' : '', f.name), el('td', {}, '= ', f.value),
          el('td', { class: 'muted' }, byteRange(f.offset, f.length)),
          el('td', {}, c ? `changed: ${c.before ?? '∅'} → ${c.after ?? '∅'}` : ''));
      });
      wrap.append(el('details', { open: true, class: `layer${layerChange ? ' changed' : ''}`, 'data-layer': layer.name },
        el('summary', {}, `${layerChange ? '✎ ' : ''}${layer.name} `, el('span', { class: 'muted' }, byteRange(layer.offset, layer.length)),
          layerChange ? ` changed: ${layerChange.before ?? '∅'} → ${layerChange.after ?? '∅'}` : ''),
        el('table', { class: 'list fields' },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'field'), el('th', { scope: 'col' }, 'value'),
            el('th', { scope: 'col' }, 'bytes'), el('th', { scope: 'col' }, 'at this hop'))),
          el('tbody', {}, ...rows))));
    });
    return wrap;
  }
}

function byteRange(offset, length) {
  if (offset === undefined || offset === null) return '';
  return length > 1 ? `bytes ${offset}–${offset + length - 1}` : `byte ${offset}`;
}

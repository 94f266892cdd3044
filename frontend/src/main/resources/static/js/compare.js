// The compare view (/compare?a=RUN&b=RUN): two ended runs side by side. Latency per flow
// (GET /api/runs/{id}/latency), CPU time by context per CPU (/cpus) and the per-packet path
// differences (GET /api/runs/{a}/compare/{b}: packets matched by first function and order).
import { api, items, describe, el, status } from './api.js';
import { fmtNs, dropWords } from './run/format.js';

const page = document.getElementById('compare-page');
const A = page.dataset.a;
const B = page.dataset.b;
const ENDED = ['finished', 'stopped', 'failed', 'interrupted'];

function runLabel(r) {
  const when = r.createdAt ? new Date(r.createdAt).toLocaleString() : '';
  return `${r.topologyName ?? r.topologyId ?? r.id}${r.topologyVersion ? ' v' + r.topologyVersion : ''} · ${r.status} · ${when}`;
}

async function pickers(runs) {
  const ended = runs.filter((r) => ENDED.includes(r.status));
  for (const [sel, cur] of [[document.getElementById('pick-a'), A], [document.getElementById('pick-b'), B]]) {
    sel.replaceChildren(el('option', { value: '' }, '— choose a run —'), ...ended.map((r) => el('option', { value: r.id, selected: r.id === cur }, runLabel(r))));
  }
}

function head(side, run) {
  const box = document.getElementById(`head-${side}`);
  box.querySelector('.name').replaceChildren(el('a', { href: `/runs/${run.id}` }, run.topologyName ?? run.topologyId ?? run.id));
  box.querySelector('.meta').textContent = `${run.status} · seed ${run.seed} · ${fmtNs(run.simulatedNs)} simulated · ${run.traceEvents} trace events`;
}

function bar(side, value, max, label) {
  const pct = max > 0 ? (100 * value) / max : 0;
  return el('div', { class: `cbar side-${side}`, title: label },
    el('span', { class: 'cfill', style: `width:${pct.toFixed(1)}%` }), el('span', { class: 'cval' }, label));
}

function latency(la, lb) {
  const body = document.querySelector('#latency tbody');
  const names = [...new Set([...la.map((f) => f.name), ...lb.map((f) => f.name)])];
  let max = 1;
  for (const f of [...la, ...lb]) max = Math.max(max, f.latencyNs?.max ?? 0);
  const rows = [];
  for (const name of names) {
    for (const [side, list] of [['a', la], ['b', lb]]) {
      const f = list.find((x) => x.name === name);
      const l = f?.latencyNs;
      rows.push(el('tr', { 'data-flow': name, 'data-side': side },
        el('th', { scope: 'row' }, side === 'a' ? `${name}${f?.kind ? ' (' + f.kind + ')' : ''}` : ''),
        el('td', {}, el('span', { class: `side-tag ${side}` }, side.toUpperCase())),
        el('td', {}, l ? l.count : '–'), el('td', {}, l ? fmtNs(l.p50) : '–'),
        el('td', {}, l?.p90 !== undefined && l?.p90 !== null ? fmtNs(l.p90) : 'n/a'),
        el('td', {}, l ? fmtNs(l.p99) : '–'), el('td', {}, l ? fmtNs(l.max) : '–'),
        el('td', { class: 'barcol' }, l ? el('div', { class: 'cbars' },
          bar(side, l.p50, max, `p50 ${fmtNs(l.p50)}`), l.p90 !== undefined && l.p90 !== null ? bar(side, l.p90, max, `p90 ${fmtNs(l.p90)}`) : null, bar(side, l.p99, max, `p99 ${fmtNs(l.p99)}`), bar(side, l.max, max, `max ${fmtNs(l.max)}`))
          : `no such flow in run ${side.toUpperCase()}`)));
    }
  }
  body.replaceChildren(...rows);
  if (!rows.length) body.append(el('tr', {}, el('td', { colspan: 8, class: 'muted' }, 'Neither run has a traffic flow with latency samples.')));
}

const CTX = [['process', 'processNs'], ['softirq', 'softirqNs'], ['ksoftirqd', 'ksoftirqdNs'], ['hardirq', 'hardirqNs']];

function cpus(ca, cb) {
  const body = document.querySelector('#cpus tbody');
  const names = [...new Set([...ca.map((c) => c.cpu), ...cb.map((c) => c.cpu)])];
  const rows = [];
  const total = { a: {}, b: {} };
  for (const name of names) {
    for (const [side, list] of [['a', ca], ['b', cb]]) {
      const c = list.find((x) => x.cpu === name);
      if (!c) { rows.push(el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, el('span', { class: `side-tag ${side}` }, side.toUpperCase())), el('td', { colspan: 6, class: 'muted' }, 'no such CPU'))); continue; }
      const busy = CTX.reduce((s, [, k]) => s + (c[k] ?? 0), 0);
      const all = busy + (c.idleNs ?? 0);
      for (const [n, k] of CTX) total[side][n] = (total[side][n] ?? 0) + (c[k] ?? 0);
      rows.push(el('tr', { 'data-cpu': name, 'data-side': side },
        el('th', { scope: 'row' }, side === 'a' ? name : ''), el('td', {}, el('span', { class: `side-tag ${side}` }, side.toUpperCase())),
        ...CTX.map(([, k]) => el('td', {}, fmtNs(c[k] ?? 0))), el('td', {}, fmtNs(busy)),
        el('td', { class: 'barcol' }, el('div', { class: 'stack', role: 'img', 'aria-label': CTX.map(([n, k]) => `${n} ${fmtNs(c[k] ?? 0)}`).join(', ') },
          ...CTX.filter(([, k]) => (c[k] ?? 0) > 0).map(([n, k]) => el('span', { class: `seg sw ${n}`, style: `width:${(100 * c[k] / Math.max(1, all)).toFixed(2)}%`, title: `${n}: ${fmtNs(c[k])}` }))))));
    }
  }
  for (const side of ['a', 'b']) {
    const busy = CTX.reduce((s, [n]) => s + (total[side][n] ?? 0), 0);
    rows.push(el('tr', { class: 'total', 'data-side': side }, el('th', { scope: 'row' }, side === 'a' ? 'all CPUs' : ''),
      el('td', {}, el('span', { class: `side-tag ${side}` }, side.toUpperCase())),
      ...CTX.map(([n]) => el('td', {}, fmtNs(total[side][n] ?? 0))), el('td', {}, fmtNs(busy)), el('td', {}, '')));
  }
  body.replaceChildren(...rows);
}

function paths(c) {
  document.getElementById('path-hint').textContent = `${c.matched} packets matched (A has ${c.packetsA}, B has ${c.packetsB}), by the function they entered at and then in order: the k-th datagram sent in A against the k-th in B. `
    + 'For runs of the same traffic and seed these are the same datagrams. Functions on both paths of every pair are not listed.';
  const fb = document.querySelector('#fn-diff tbody');
  fb.replaceChildren(...c.functions.map((f) => el('tr', { 'data-function': f.function },
    el('td', { class: 'mono' }, f.function),
    el('td', {}, f.onlyA ? `◀ ${f.onlyA} of ${c.matched}` : '0'), el('td', {}, f.onlyB ? `${f.onlyB} of ${c.matched} ▶` : '0'))));
  if (!c.functions.length) fb.append(el('tr', {}, el('td', { colspan: 3, class: 'muted' }, c.matched ? 'No differences: every matched packet passed the same functions in both runs.' : 'No packets could be matched.')));
  const pb = document.querySelector('#pairs tbody');
  pb.replaceChildren(...c.pairs.map((p, i) => el('tr', {},
    el('td', {}, i), el('td', { class: 'mono' }, p.entry),
    el('td', {}, el('a', { href: `/runs/${c.a}#skb-${p.skbA}` }, p.skbA)), el('td', {}, el('a', { href: `/runs/${c.b}#skb-${p.skbB}` }, p.skbB)),
    el('td', { class: p.dropA ? 'fate-drop' : '' }, p.dropA ? `✕ ${dropWords(p.dropA)}` : fmtNs(p.latencyA)),
    el('td', { class: p.dropB ? 'fate-drop' : '' }, p.dropB ? `✕ ${dropWords(p.dropB)}` : fmtNs(p.latencyB)),
    el('td', { class: 'mono' }, p.onlyA.length ? p.onlyA.join(', ') : '—'),
    el('td', { class: 'mono' }, p.onlyB.length ? p.onlyB.join(', ') : '—'))));
}

async function init() {
  const list = await api('GET', '/api/runs');
  if (!list.ok) { status('Cannot list runs: ' + describe(list), 'error'); return; }
  await pickers(items(list.data));
  if (!A || !B) { status('Choose two ended runs to compare (the same traffic on veth and on bpfnet, for instance).', 'info'); page.dataset.ready = 'true'; return; }
  const [ra, rb] = await Promise.all([api('GET', `/api/runs/${A}`), api('GET', `/api/runs/${B}`)]);
  if (!ra.ok || !rb.ok) { status('Cannot read the runs: ' + describe(ra.ok ? rb : ra), 'error'); page.dataset.ready = 'true'; return; }
  head('a', ra.data);
  head('b', rb.data);
  const [la, lb, ca, cb, cmp] = await Promise.all([
    api('GET', `/api/runs/${A}/latency`), api('GET', `/api/runs/${B}/latency`),
    api('GET', `/api/runs/${A}/cpus`), api('GET', `/api/runs/${B}/cpus`),
    api('GET', `/api/runs/${A}/compare/${B}?limit=100`)]);
  const problems = [];
  if (la.ok && lb.ok) latency(la.data, lb.data); else problems.push('latency: ' + describe(la.ok ? lb : la));
  if (ca.ok && cb.ok) cpus(ca.data, cb.data); else problems.push('CPU time: ' + describe(ca.ok ? cb : ca));
  if (cmp.ok) paths(cmp.data); else problems.push('paths: ' + describe(cmp));
  if (problems.length) status(problems.join(' · '), 'error'); else status(`Run A against run B: ${cmp.data.matched} packets matched.`, 'ok');
  page.dataset.ready = 'true';
}

init();

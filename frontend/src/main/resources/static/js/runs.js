// Runs list and "start a run" form (POST /api/runs).
import { api, items, describe, el, status } from './api.js';

/** Starts a run of a stored topology and opens its view. pace: number (sim ns per wall ms), 'batch' or 'paused'. */
export async function startRun(topologyId, duration, pace) {
  const body = { topologyId, duration };
  if (pace === 'paused') body.pace = { simNsPerWallMs: 1000, paused: true };
  else if (pace !== 'batch') body.pace = { simNsPerWallMs: Number(pace) };
  const r = await api('POST', '/api/runs', body);
  if (r.ok && r.data?.id) { location.href = `/runs/${r.data.id}`; return null; }
  return r;
}

const ENDED = ['finished', 'stopped', 'failed', 'interrupted'];

/** Fills a run picker with the ended runs (a compare needs their results), leaving out `except`. */
export function runOptions(select, runs, { except = null, selected = null, placeholder = '— choose a run —' } = {}) {
  const ended = runs.filter((r) => ENDED.includes(r.status) && r.id !== except);
  const keep = selected ?? select.value; // a refill keeps what the user picked
  select.replaceChildren(el('option', { value: '' }, placeholder), ...ended.map((r) => el('option', { value: r.id, selected: r.id === keep },
    `${r.topologyName ?? r.topologyId ?? r.id}${r.topologyVersion ? ' v' + r.topologyVersion : ''} · ${r.status}${r.createdAt ? ' · ' + new Date(r.createdAt).toLocaleTimeString() : ''}`)));
  return ended.length;
}

function fillComparePickers(list) {
  const a = document.getElementById('compare-a');
  const b = document.getElementById('compare-b');
  if (!a || !b) return;
  const ended = list.filter((r) => ENDED.includes(r.status));
  runOptions(a, list, { selected: ended[1]?.id });
  runOptions(b, list, { selected: ended[0]?.id });
}

async function init() {
  const form = document.getElementById('new-run');
  if (!form) return;
  const [runs, topologies] = await Promise.all([api('GET', '/api/runs'), api('GET', '/api/topologies?size=100')]);
  const sel = document.getElementById('run-topology');
  sel.replaceChildren(...items(topologies.data).map((t) => el('option', { value: t.id }, t.name || t.id)));
  const body = document.querySelector('#runs-list tbody');
  if (!runs.ok) { status(runs.status === 404 ? 'Runs are not available on this server yet.' : 'Cannot list runs: ' + describe(runs), 'error'); return; }
  const list = items(runs.data);
  body.replaceChildren(...list.map((r) => el('tr', {},
    el('td', {}, el('a', { href: `/runs/${r.id}` }, `${r.topologyName ?? r.topologyId ?? r.id}${r.topologyVersion ? ' v' + r.topologyVersion : ''}`)),
    el('td', {}, r.status ?? ''), el('td', {}, r.simulatedNs !== undefined ? `${(r.simulatedNs / 1e6).toFixed(3)} ms` : ''),
    el('td', {}, r.startedAt ? new Date(r.startedAt).toLocaleString() : ''))));
  if (!list.length) body.append(el('tr', {}, el('td', { colspan: 4, class: 'muted' }, 'No runs yet.')));
  fillComparePickers(list);
  status(list.length === 1 ? '1 run.' : list.length + ' runs.', 'info');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const r = await startRun(String(f.get('topologyId')), String(f.get('duration') || '1ms'), String(f.get('pace')));
    if (r) status('Cannot start: ' + describe(r), 'error');
  });
}

init();

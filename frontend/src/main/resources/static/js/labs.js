// The lab catalog (/labs): a card per lab from GET /api/labs (public) with its number, title,
// the question it answers, its summary (markdown, rendered as text) and what its runs compare
// (run names with the device kinds of their topologies); each card links to /labs/{id}.
import { api, items, describe, el, status } from './api.js';
import { renderMarkdown } from './lab-markdown.js';

const KIND = { bpfnet: '⬡ bpfnet', veth: '◯ veth', nic: '▭ NIC' };

/** "01-pod-egress" -> 1 (the number of the lab in the catalog), or null. */
export function labNumber(id) {
  const m = /^(\d+)-/.exec(id || '');
  return m ? Number(m[1]) : null;
}

/** One run as "name (⬡ bpfnet, ▭ NIC)". */
export function runLabel(name, kinds) {
  const k = (kinds || []).map((x) => KIND[x] || x);
  return k.length ? `${name} (${k.join(', ')})` : name;
}

function card(lab, index) {
  const n = labNumber(lab.id) ?? index + 1;
  const runs = Array.isArray(lab.runs) ? lab.runs : [];
  const compare = el('p', { class: 'lab-compares' }, el('span', { class: 'lab-label' }, 'Compares: '));
  runs.forEach((r, i) => {
    if (i > 0) compare.append(el('span', { class: 'vs' }, ' vs '));
    compare.append(el('span', { class: 'lab-run', 'data-run': r }, runLabel(r, lab.devices?.[r])));
  });
  const summary = el('div', { class: 'lab-summary' });
  summary.append(renderMarkdown(lab.summary || ''));
  const title = el('a', { href: `/labs/${encodeURIComponent(lab.id)}`, class: 'lab-card-link' }, lab.title || lab.id);
  return el('li', { class: 'lab-card', 'data-lab': lab.id },
    el('p', { class: 'lab-number' }, `Lab ${n}`),
    el('h2', {}, title),
    lab.question ? el('p', { class: 'lab-question' }, el('span', { class: 'lab-label' }, 'Question: '), lab.question) : null,
    summary,
    compare,
    el('p', { class: 'lab-meta muted' }, `${lab.steps ?? '?'} steps · ${runs.length} runs · ${lab.checks ?? '?'} checks`),
    el('p', {}, el('a', { href: `/labs/${encodeURIComponent(lab.id)}`, class: 'button primary', 'aria-label': `Open lab ${n}: ${lab.title || lab.id}` }, 'Open the lab ›')));
}

async function main() {
  const page = document.getElementById('labs-page');
  const r = await api('GET', '/api/labs');
  if (!r.ok) {
    status(r.status === 404 ? 'Labs are not available on this server yet.' : 'Cannot list labs: ' + describe(r), 'error');
  } else {
    const list = items(r.data);
    document.getElementById('labs-list').replaceChildren(...list.map(card));
    status(list.length + ' labs.', 'info');
    page.dataset.count = String(list.length);
  }
  page.dataset.ready = 'true';
}

if (document.getElementById('labs-page')) main();

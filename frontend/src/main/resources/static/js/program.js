// One program: verifier verdict, the verifier log beside the disassembly with the failing
// instruction highlighted, sections and maps. Reads GET /api/programs/{id}.
import { api, describe, el, status } from './api.js';

const page = document.getElementById('program-page');
const id = page.dataset.programId;

function pick(o, ...keys) { for (const k of keys) if (o && o[k] !== undefined && o[k] !== null) return o[k]; return undefined; }

/** The verifier result of a section (or of the program), whatever its exact field names. */
function verifierOf(x) {
  const v = pick(x, 'verifier', 'verification', 'verifierResult') ?? {};
  const ok = pick(v, 'accepted', 'ok', 'verified') ?? pick(x, 'verified', 'accepted');
  const insn = pick(v, 'errorInsn', 'error_insn', 'instruction', 'insn') ?? pick(x, 'errorInsn', 'instruction');
  return {
    ok,
    message: pick(v, 'error', 'message') ?? pick(x, 'verifierMessage', 'verifierError') ?? '',
    insn: Number.isInteger(insn) && insn >= 0 ? insn : null,
    log: pick(v, 'log') ?? pick(x, 'verifierLog', 'log') ?? '',
  };
}

function linesOf(text) {
  if (Array.isArray(text)) return text.map(String);
  return String(text ?? '').replace(/\n$/, '').split('\n').filter((l, i, a) => l !== '' || a.length > 1);
}

/** Renders lines; marks the one for instruction `insn` (by its "N:" prefix, else by position). */
function renderCode(list, lines, insn, { prefixed } = {}) {
  const hasPc = lines.some((l) => /^\s*\d+:/.test(l));
  let marked = null;
  list.replaceChildren(...lines.map((text, i) => {
    const m = text.match(/^\s*(\d+):/);
    const pc = m ? Number(m[1]) : (hasPc ? null : i);
    const fail = insn !== null && pc === insn && (prefixed || marked === null);
    const li = el('li', { class: fail ? 'failing' : '', 'data-insn': pc ?? undefined },
      hasPc ? '' : el('span', { class: 'ln' }, `${i}:`), text);
    if (fail) { marked = li; li.setAttribute('aria-current', 'true'); }
    return li;
  }));
  return marked;
}

let data = null;

function sections() {
  const secs = Array.isArray(data.sections) ? data.sections : [];
  return secs.length ? secs : [{ name: data.section ?? '(program)', ...data }];
}

function show(idx) {
  const sec = sections()[idx] ?? {};
  const v = verifierOf(sec.verifier || sec.verification ? sec : data);
  const verdict = document.getElementById('verdict');
  verdict.className = 'verdict ' + (v.ok === false ? 'bad' : v.ok === true ? 'ok' : '');
  verdict.textContent = v.ok === false
    ? `✕ Rejected by the verifier${v.insn !== null ? ' at instruction ' + v.insn : ''}: ${v.message}`
    : v.ok === true ? '✓ Accepted by the verifier' : 'Verifier result unknown';
  const dis = pick(sec, 'disassembly', 'listing') ?? pick(data, 'disassembly', 'listing') ?? '';
  const disText = typeof dis === 'object' && !Array.isArray(dis) ? (dis[sec.name] ?? Object.values(dis)[0] ?? '') : dis;
  const marked = renderCode(document.getElementById('disassembly'), linesOf(disText), v.ok === false ? v.insn : null, { prefixed: true });
  marked?.scrollIntoView({ block: 'center' });
  const log = renderCode(document.getElementById('verifier-log'), linesOf(v.log), null);
  // in the log, mark the lines that name the failing instruction ("17: (bf) ...") and the error line
  for (const li of document.querySelectorAll('#verifier-log li')) {
    const m = li.textContent.match(/^\s*(\d+):/);
    if (v.insn !== null && m && Number(m[1]) === v.insn) li.classList.add('mentioned');
    if (v.message && li.textContent.includes(v.message)) li.classList.add('failing');
  }
  void log;
}

async function load() {
  if (!id) { status('No such program.', 'error'); return; }
  const r = await api('GET', `/api/programs/${id}`);
  if (!r.ok) { status('Cannot load the program: ' + describe(r), 'error'); return; }
  data = r.data;
  document.getElementById('program-name').textContent = `⚙ ${data.name ?? id}`;
  document.getElementById('program-meta').textContent = [data.kind && `kind ${data.kind}`, data.createdAt && new Date(data.createdAt).toLocaleString()].filter(Boolean).join(' · ');
  document.getElementById('download').href = `/api/programs/${id}/object`;
  document.getElementById('source').textContent = data.source ?? '(uploaded object: no source stored)';
  const secs = sections();
  const sel = document.getElementById('section-select');
  sel.replaceChildren(...secs.map((s, i) => el('option', { value: i }, s.name ?? `section ${i}`)));
  sel.onchange = () => show(Number(sel.value));
  const firstBad = secs.findIndex((s) => verifierOf(s.verifier || s.verification ? s : data).ok === false);
  sel.value = String(Math.max(0, firstBad));
  document.querySelector('#sections tbody').replaceChildren(...secs.map((s) => {
    const v = verifierOf(s.verifier || s.verification ? s : data);
    return el('tr', {}, el('td', { class: 'mono' }, s.name ?? ''), el('td', {}, pick(s, 'attachType', 'attach_type', 'type', 'programType') ?? ''),
      el('td', {}, pick(s, 'insns', 'insnCount', 'instructions', 'insn_count') ?? ''),
      el('td', {}, v.ok === true ? '✓ accepted' : v.ok === false ? `✕ rejected at ${v.insn ?? '?'}` : ''));
  }));
  const maps = Array.isArray(data.maps) ? data.maps : [];
  document.querySelector('#maps tbody').replaceChildren(...(maps.length ? maps.map((m) => el('tr', {},
    el('td', { class: 'mono' }, m.name ?? ''), el('td', {}, pick(m, 'type', 'mapType') ?? ''), el('td', {}, pick(m, 'keySize', 'key_size') ?? ''),
    el('td', {}, pick(m, 'valueSize', 'value_size') ?? ''), el('td', {}, pick(m, 'maxEntries', 'max_entries') ?? '')))
    : [el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No maps.'))]));
  show(Math.max(0, firstBad));
  page.dataset.ready = 'true';
}

document.getElementById('btn-delete').addEventListener('click', async () => {
  if (!confirm('Delete this program?')) return;
  const r = await api('DELETE', `/api/programs/${id}`);
  if (r.ok) location.href = '/programs'; else status('Cannot delete: ' + describe(r), 'error');
});

load();

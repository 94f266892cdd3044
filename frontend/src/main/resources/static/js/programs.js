// Programs list and the "new program" form: assembly or C pasted, or an ELF object uploaded,
// sent to POST /api/programs. Errors (assembler line/column, clang diagnostics, ELF
// section/offset) are listed and the failing source line is marked.
import { api, items, describe, el, status } from './api.js';

const tabs = ['asm', 'c', 'obj'];
let current = 'asm';
for (const t of tabs) {
  document.getElementById('tab-' + t).addEventListener('click', () => {
    current = t;
    for (const u of tabs) {
      document.getElementById('tab-' + u).setAttribute('aria-selected', String(u === t));
      document.getElementById('pane-' + u).hidden = u !== t;
    }
  });
}

function verdictText(p) {
  const v = p.verifier ?? p.verification;
  const ok = p.verified ?? v?.accepted ?? v?.ok;
  if (ok === true) return '✓ accepted';
  if (ok === false) return '✕ rejected';
  return p.status ?? '';
}

async function list() {
  const r = await api('GET', '/api/programs');
  const body = document.querySelector('#program-list tbody');
  if (!r.ok) { status('Cannot list programs: ' + describe(r), 'error'); return; }
  const progs = items(r.data);
  body.replaceChildren(...progs.map((p) => el('tr', {},
    el('td', {}, el('a', { href: `/programs/${p.id}` }, p.name || p.id)), el('td', {}, p.kind ?? ''), el('td', {}, verdictText(p)))));
  if (!progs.length) body.append(el('tr', {}, el('td', { colspan: 3, class: 'muted' }, 'No programs yet.')));
}

function showErrors(r, source) {
  const box = document.getElementById('create-errors');
  const lines = document.getElementById('source-lines');
  const errors = r.problem.errors?.length ? r.problem.errors : [{ message: r.problem.detail }];
  box.replaceChildren(el('h3', {}, '⚠ ' + (r.problem.title || 'Error')),
    el('ul', {}, ...errors.map((e) => el('li', { class: 'mono' },
      [e.line ? `line ${e.line}${e.column ? ':' + e.column : ''}` : null, e.section ? `section ${e.section}` : null,
        e.offset !== undefined ? `offset ${e.offset}` : null, e.instruction !== undefined ? `insn ${e.instruction}` : null, e.path]
        .filter(Boolean).join(', ') + (e.message ? ': ' + e.message : '')))));
  box.hidden = false;
  const bad = new Set(errors.map((e) => e.line).filter((n) => Number.isInteger(n)));
  if (source && bad.size) {
    lines.replaceChildren(...source.split('\n').map((text, i) => el('li', { class: bad.has(i + 1) ? 'failing' : '', 'data-line': i + 1 },
      el('span', { class: 'ln' }, i + 1), text)));
    lines.hidden = false;
  } else {
    lines.hidden = true;
  }
}

document.getElementById('btn-create').addEventListener('click', async () => {
  const name = document.getElementById('prog-name').value.trim();
  let r;
  let source = null;
  if (current === 'asm') {
    source = document.getElementById('asm-source').value;
    const section = document.getElementById('asm-section').value.trim();
    r = await api('POST', '/api/programs', { name, kind: 'asm', source, ...(section ? { section } : {}) });
  } else if (current === 'c') {
    source = document.getElementById('c-source').value;
    r = await api('POST', '/api/programs', { name, kind: 'c', source });
  } else {
    const file = document.getElementById('obj-file').files?.[0];
    if (!file) { status('Choose an object file first.', 'error'); return; }
    const form = new FormData();
    form.append('file', file);
    if (name) form.append('name', name);
    r = await api('POST', '/api/programs', form);
  }
  if (r.ok && r.data?.id) {
    location.href = `/programs/${r.data.id}`;
    return;
  }
  if (r.ok) { status('Stored.', 'ok'); list(); return; }
  showErrors(r, source);
  status('Not stored: ' + describe(r), 'error');
});

list();

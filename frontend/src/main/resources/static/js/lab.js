// One lab (/labs/{id}): the instructions (GET /api/labs/{id}, markdown rendered as text) as steps
// the user walks through, beside a drawing of the lab's topologies (one tab per run; YAML turned
// into the document tree by POST /ui/topology-json). "Run <name>" starts that run of the lab
// (POST /api/runs {lab, labRun, pace}) and shows its packets moving on the
// drawing from the run's SSE stream, with a link to the full run view. Signed out, the page
// becomes a lab visitor (POST /api/visitors) on the first 401 and retries; only if that fails
// too does it say "Log in to run it live". "Check the lab" calls
// POST /api/labs/{id}/check (public) and lists every check with ✓/✕ and the word pass/fail.
import { api, describe, el, status } from './api.js';
import { renderMarkdown, inline } from './lab-markdown.js';
import { drawTopology, LiveLayer } from './lab-topology.js';
import { labNumber, runLabel } from './labs.js';

const page = document.getElementById('lab-page');
const labId = page.dataset.labId;
const scene = document.getElementById('lab-scene');
const topo = document.getElementById('lab-topology');

const state = {
  lab: null,
  step: 0,
  signedIn: page.dataset.signedIn === 'true',
  canRun: true, // false once the server refused a run without an account (no lab visitors)
  visitorTtl: null, // how long a visitor's runs are kept, once known
  run: null, // the run whose topology is drawn
  docs: new Map(), // run name -> document tree (or {error})
  drawing: null,
  live: null, // {runName, runId, es, layer, status, timer}
  checking: false,
};

// ---------- loading ----------
async function load() {
  if (!labId) {
    status('No such lab.', 'error');
    return;
  }
  const r = await api('GET', `/api/labs/${encodeURIComponent(labId)}`);
  if (!r.ok) {
    document.getElementById('lab-title').textContent = r.status === 404 ? 'No such lab' : 'Lab';
    status(r.status === 404 ? `There is no lab "${labId}". See the list of labs.` : 'Cannot read the lab: ' + describe(r), 'error');
    page.dataset.ready = 'true';
    return;
  }
  const lab = r.data;
  state.lab = lab;
  const n = labNumber(lab.id);
  document.title = `${n ? 'Lab ' + n + ': ' : ''}${lab.title} · bpfnet-lab`;
  document.getElementById('lab-number').textContent = n ? `Lab ${n}` : lab.id;
  document.getElementById('lab-title').replaceChildren(n ? `Lab ${n}: ` : '', inline(lab.title || lab.id));
  const q = document.getElementById('lab-question');
  if (lab.question) {
    q.replaceChildren(el('span', { class: 'lab-label' }, 'Question: '), inline(lab.question));
    q.hidden = false;
  }
  document.getElementById('lab-summary').replaceChildren(renderMarkdown(lab.summary || ''));
  renderStepList();
  renderTabs();
  renderDeclaredChecks();
  const fromHash = /^#step-(\d+)$/.exec(location.hash);
  const first = fromHash ? Math.min(Math.max(1, Number(fromHash[1])), lab.steps.length) - 1 : 0;
  showStep(first, { focus: false });
  const asked = new URLSearchParams(location.search).get('run');
  const initial = lab.runs.some((r) => r.name === asked) ? asked : (runsNamedIn(lab.steps[first])[0] || lab.runs[0]?.name);
  await selectRun(initial);
  page.dataset.ready = 'true';
}

// ---------- steps ----------
function renderStepList() {
  const list = document.getElementById('lab-steps');
  list.replaceChildren(...state.lab.steps.map((s, i) => el('li', {},
    el('button', { type: 'button', class: 'step-link', 'data-step': i + 1, onclick: () => showStep(i) }, inline(s.title || `Step ${i + 1}`)))));
}

/** Runs of the lab named in a step as `name` (code spans), in lab order. */
function runsNamedIn(step) {
  if (!step || !state.lab) return [];
  const text = `${step.title || ''}\n${step.text || ''}`;
  return state.lab.runs.map((r) => r.name).filter((name) => text.includes('`' + name + '`'));
}

function showStep(i, { focus = true } = {}) {
  const steps = state.lab.steps;
  if (!steps.length) return;
  state.step = Math.max(0, Math.min(i, steps.length - 1));
  const step = steps[state.step];
  document.getElementById('step-count').textContent = `Step ${state.step + 1} of ${steps.length}`;
  document.getElementById('step-title').replaceChildren(inline(step.title || `Step ${state.step + 1}`));
  document.getElementById('step-body').replaceChildren(renderMarkdown(step.text || ''));
  document.querySelectorAll('#lab-steps .step-link').forEach((b, k) => {
    if (k === state.step) b.setAttribute('aria-current', 'step');
    else b.removeAttribute('aria-current');
    b.classList.toggle('done', k < state.step);
  });
  document.getElementById('btn-prev').disabled = state.step === 0;
  document.getElementById('btn-next').disabled = state.step === steps.length - 1;
  page.dataset.step = String(state.step + 1);
  renderActions();
  history.replaceState(null, '', `#step-${state.step + 1}`);
  const named = runsNamedIn(step);
  if (named.length && !state.live && state.run && !named.includes(state.run)) selectRun(named[0]);
  if (focus) document.getElementById('step-title').focus?.();
}

function renderActions() {
  const box = document.getElementById('step-actions');
  const named = runsNamedIn(state.lab.steps[state.step]);
  const out = [];
  if (state.canRun) {
    for (const r of state.lab.runs) {
      out.push(el('button', {
        type: 'button',
        class: `run-btn${named.includes(r.name) ? ' primary' : ''}`,
        'data-run': r.name,
        title: r.description || `Run the ${r.name} topology live`,
        onclick: () => startRun(r.name),
      }, `▶ Run ${r.name}`));
    }
  } else {
    out.push(el('a', { href: '/login', class: 'button login-to-run', 'data-testid': 'login-to-run' }, 'Log in to run it live'));
  }
  out.push(el('button', { type: 'button', class: 'check-btn', onclick: () => check(), disabled: state.checking }, '✓ Check the lab'));
  box.replaceChildren(...out);
  if (!state.signedIn) {
    box.append(el('p', { class: 'muted small visitor-note', 'data-testid': 'visitor-note' }, state.canRun
      ? ['Not signed in: a run you start belongs to this browser as a lab visitor and is deleted ',
        state.visitorTtl ? `after ${state.visitorTtl}` : 'after a while', '. ', el('a', { href: '/login' }, 'Log in'), ' to keep your runs.']
      : 'Reading the lab and checking it need no account; this server needs one for a live run.'));
  }
}

// ---------- topology tabs ----------
function renderTabs() {
  const tabs = document.getElementById('run-tabs');
  tabs.replaceChildren(...state.lab.runs.map((r) => el('button', {
    type: 'button', 'data-run': r.name, 'aria-pressed': 'false', title: r.description || r.name, onclick: () => selectRun(r.name),
  }, runLabel(r.name, state.lab.devices?.[r.name]))));
}

async function docOf(name) {
  if (state.docs.has(name)) return state.docs.get(name);
  const spec = state.lab.runs.find((r) => r.name === name);
  const r = await api('POST', '/ui/topology-json', spec?.yaml || '', { contentType: 'application/yaml' });
  const doc = r.ok ? r.data : { error: describe(r) };
  state.docs.set(name, doc);
  return doc;
}

async function selectRun(name) {
  if (!name) return;
  state.run = name;
  document.querySelectorAll('#run-tabs button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.run === name)));
  const spec = state.lab.runs.find((r) => r.name === name);
  document.getElementById('topo-run').textContent = `· run ${name} (${spec?.topology || ''})`;
  document.getElementById('run-desc').textContent = spec?.description || '';
  const doc = await docOf(name);
  if (state.run !== name) return; // another tab was chosen meanwhile
  if (doc.error) {
    scene.replaceChildren();
    status(`Cannot draw ${name}: ${doc.error}`, 'error');
    state.drawing = null;
    return;
  }
  state.drawing = drawTopology(scene, doc);
  scene.style.aspectRatio = `${scene.dataset.width} / ${scene.dataset.height}`;
  scene.style.maxWidth = `${Math.round(Number(scene.dataset.width) * 1.25)}px`; // small topologies stay small
  topo.dataset.run = name;
  if (state.live) {
    if (state.live.runName === name) state.live.layer.attach(state.drawing);
    else state.live.layer.detach();
  }
}

// ---------- live runs ----------
async function startRun(name) {
  const pace = Number(document.getElementById('pace').value) || 1000;
  const body = { lab: state.lab.id, labRun: name, pace: { simNsPerWallMs: pace } };
  status(`Starting ${name}…`);
  let r = await api('POST', '/api/runs', body);
  if (r.status === 401 && !state.signedIn) {
    // not signed in: become a lab visitor (a cookie, security.Visitors) and try once more
    const v = await api('POST', '/api/visitors');
    if (v.ok) {
      if (v.data?.expiresAt) {
        const mins = Math.round((Date.parse(v.data.expiresAt) - Date.now()) / 60000);
        if (mins > 0) state.visitorTtl = mins >= 60 ? `${Math.round(mins / 60)} h` : `${mins} min`;
      }
      renderActions();
      r = await api('POST', '/api/runs', body);
    }
  }
  if (r.status === 401) {
    state.canRun = false;
    renderActions();
    liveState([el('a', { href: '/login', class: 'login-to-run' }, 'Log in to run it live'), ' (this server keeps runs for accounts only).']);
    status('Starting a run needs an account.', 'error');
    return;
  }
  if (!r.ok || !r.data?.id) {
    status(`Cannot start ${name}: ${describe(r)}`, 'error');
    return;
  }
  stopLive();
  const run = r.data;
  const layer = new LiveLayer(topo);
  let trailing = null;
  layer.onframe = () => { // the status line follows the dots, at most five times a second
    if (trailing === null) trailing = setTimeout(() => { trailing = null; showLive(); }, 200);
  };
  state.live = { runName: name, runId: run.id, es: null, layer, status: run.status || 'queued', sampled: 0 };
  topo.dataset.events = '0';
  topo.dataset.runId = run.id;
  await selectRun(name);
  const es = new EventSource(`/api/runs/${encodeURIComponent(run.id)}/events`);
  state.live.es = es;
  const live = state.live;
  es.addEventListener('status', (e) => { try { live.status = JSON.parse(e.data).status || live.status; } catch { /* keep */ } });
  es.addEventListener('trace', (e) => { live.status = 'running'; layer.push(JSON.parse(e.data)); });
  es.addEventListener('sampled', (e) => { try { live.sampled += JSON.parse(e.data).count || 0; } catch { /* keep */ } });
  es.addEventListener('end', (e) => {
    es.close();
    try { live.status = JSON.parse(e.data).status || 'finished'; } catch { live.status = 'finished'; }
    showLive();
    clearInterval(live.timer);
  });
  es.onerror = () => { if (live.status === 'finished' || live.status === 'stopped') es.close(); };
  live.timer = setInterval(showLive, 1000);
  showLive();
  status(`Run ${name} started.`, 'ok');
}

function stopLive() {
  if (!state.live) return;
  state.live.es?.close();
  clearInterval(state.live.timer);
  state.live.layer.detach();
  scene.querySelector('.lt-live')?.replaceChildren();
  state.live = null;
}

function liveState(children) {
  document.getElementById('live-state').replaceChildren(...children);
}

function showLive() {
  const live = state.live;
  if (!live) return;
  const link = el('a', { href: `/runs/${encodeURIComponent(live.runId)}`, id: 'run-link', class: 'button' }, 'Open the run view ›');
  topo.dataset.status = live.status;
  liveState([
    el('strong', {}, `Run ${live.runName}: ${live.status}`),
    ` · ${live.layer.received} trace events`,
    live.sampled ? ` (+${live.sampled} sampled)` : '',
    ` · ${topo.dataset.packets || 0} packets shown `,
    link,
  ]);
}

// ---------- checks ----------
function renderDeclaredChecks() {
  document.getElementById('checks').replaceChildren(...state.lab.checks.map((c) => el('li', {
    class: 'check pending', 'data-index': c.index, 'data-passed': '',
  },
  el('span', { class: 'check-mark' }, '… not checked'),
  el('span', { class: 'check-title' }, c.title),
  el('span', { class: 'check-kind muted' }, `${c.kind} · ${(c.runs || []).join(', ')}`))));
}

async function check() {
  if (state.checking) return;
  state.checking = true;
  const btn = document.getElementById('btn-check');
  btn.disabled = true;
  renderActions();
  const box = document.getElementById('checks-box');
  box.dataset.state = 'checking';
  const summary = document.getElementById('checks-summary');
  summary.textContent = `Checking: running ${state.lab.runs.length} topologies (${state.lab.runs.map((r) => r.name).join(', ')})…`;
  const r = await api('POST', `/api/labs/${encodeURIComponent(state.lab.id)}/check`);
  state.checking = false;
  btn.disabled = false;
  renderActions();
  if (!r.ok) {
    box.dataset.state = 'error';
    summary.textContent = r.status === 429
      ? `⚠ The server is busy checking other labs; try again in a moment. (${describe(r)})`
      : `⚠ The check did not run: ${describe(r)}`;
    return;
  }
  const report = r.data;
  const declared = new Map(state.lab.checks.map((c) => [c.index, c]));
  document.getElementById('checks').replaceChildren(...report.results.map((res) => {
    const decl = declared.get(res.index) || {};
    return el('li', { class: `check ${res.passed ? 'pass' : 'fail'}`, 'data-index': res.index, 'data-passed': String(res.passed) },
      el('span', { class: 'check-mark' }, res.passed ? '✓ pass' : '✕ fail'),
      el('span', { class: 'check-title' }, el('span', { class: 'lab-label' }, 'Expected: '), res.title),
      el('span', { class: 'check-measured' }, el('span', { class: 'lab-label' }, 'Measured: '), res.message),
      el('span', { class: 'check-kind muted' }, `${res.kind}${decl.runs ? ' · ' + decl.runs.join(', ') : ''}`));
  }));
  const total = report.results.length;
  const passed = report.results.filter((x) => x.passed).length;
  box.dataset.state = 'done';
  box.dataset.passed = String(report.passed);
  summary.textContent = `${report.passed ? '✓' : '✕'} ${passed} of ${total} checks pass${report.passed ? '' : ` (${total - passed} fail)`}.`;
  status(`Checked: ${passed} of ${total} pass.`, report.passed ? 'ok' : 'error');
}

// ---------- keyboard and buttons ----------
document.getElementById('btn-prev').addEventListener('click', () => showStep(state.step - 1));
document.getElementById('btn-next').addEventListener('click', () => showStep(state.step + 1));
document.getElementById('btn-check').addEventListener('click', () => check());
document.addEventListener('keydown', (e) => {
  if (!state.lab || e.altKey || e.ctrlKey || e.metaKey) return;
  const t = e.target;
  if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName))) return;
  const moves = { ArrowLeft: state.step - 1, ArrowRight: state.step + 1, Home: 0, End: state.lab.steps.length - 1 };
  if (e.key in moves) {
    e.preventDefault();
    showStep(moves[e.key], { focus: false });
  }
});
document.getElementById('step-title').tabIndex = -1;

load();

window.bpfnetLab = { state };

// Small fetch wrapper for the JSON API: sends the CSRF token of the page (meta tags written by
// the server, or the XSRF-TOKEN cookie), decodes RFC 9457 problem details and never throws for
// HTTP errors: callers get {ok, status, data, problem}.

// Two CSRF checks guard unsafe requests (security.SecurityConfig): /api/** compares the
// X-XSRF-TOKEN header with the XSRF-TOKEN cookie as is; the page chain (/ui/**) takes the
// masked token the page was rendered with (<meta name="csrf-token">).
function cookieToken() {
  const cookie = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));
  return cookie ? decodeURIComponent(cookie.slice('XSRF-TOKEN='.length)) : null;
}

function csrfHeaders(url) {
  const header = document.querySelector('meta[name="csrf-header"]')?.content || 'X-XSRF-TOKEN';
  const meta = document.querySelector('meta[name="csrf-token"]')?.content;
  const cookie = cookieToken();
  const isApi = new URL(url, location.href).pathname.startsWith('/api/');
  const token = isApi ? (cookie || meta) : (meta || cookie);
  return token ? { [isApi ? 'X-XSRF-TOKEN' : header]: token } : {};
}

/**
 * Calls the API. body: a plain object (sent as JSON), a string (sent as `contentType`, default
 * text/plain), FormData, or undefined.
 */
export async function api(method, url, body, { contentType, accept = 'application/json' } = {}) {
  const headers = { Accept: accept + ', application/problem+json', ...(method === 'GET' ? {} : csrfHeaders(url)) };
  let payload;
  if (body instanceof FormData) {
    payload = body;
  } else if (typeof body === 'string') {
    payload = body;
    headers['Content-Type'] = contentType || 'text/plain';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body: payload, credentials: 'same-origin' });
  } catch (e) {
    return { ok: false, status: 0, data: null, problem: { title: 'Network error', detail: String(e), errors: [] } };
  }
  const type = response.headers.get('Content-Type') || '';
  let data = null;
  if (response.status !== 204) {
    const text = await response.text();
    if (type.includes('json') && text) {
      try { data = JSON.parse(text); } catch { data = text; }
    } else {
      data = text;
    }
  }
  if (response.ok) return { ok: true, status: response.status, data, problem: null };
  const problem = (data && typeof data === 'object') ? data
    : { title: response.statusText || ('HTTP ' + response.status), detail: typeof data === 'string' ? data.slice(0, 500) : '' };
  if (!Array.isArray(problem.errors)) problem.errors = [];
  return { ok: false, status: response.status, data: null, problem };
}

/** A list from a paged or plain list answer. */
export function items(data) {
  if (Array.isArray(data)) return data;
  if (!data || typeof data !== 'object') return [];
  for (const key of ['items', 'content', 'topologies', 'programs', 'runs', 'labs', 'versions', 'data']) {
    if (Array.isArray(data[key])) return data[key];
  }
  return [];
}

/** One line describing a failed call, for status bars. */
export function describe(result) {
  if (result.status === 401) return 'Please log in first (401).';
  if (result.status === 404 && !result.problem?.type) return 'This part of the API is not available (404).';
  const p = result.problem || {};
  return [p.title, p.detail].filter(Boolean).join(': ') || ('HTTP ' + result.status);
}

/** Creates an element: el('div', {class: 'x', onclick: f}, child, 'text', ...). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** Shows a status message in the page's status bar (role=status, so screen readers hear it). */
export function status(message, kind = 'info') {
  const bar = document.getElementById('status-bar');
  if (!bar) return;
  bar.textContent = (kind === 'error' ? '⚠ ' : kind === 'ok' ? '✓ ' : '') + message;
  bar.dataset.kind = kind;
}

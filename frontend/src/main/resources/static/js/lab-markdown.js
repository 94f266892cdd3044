// A small, safe renderer for the markdown of lab.yaml (summaries and steps): paragraphs,
// bullet and numbered lists, fenced code blocks, headings, and inline `code`, **bold**,
// *emphasis* and [links](https://...). It builds DOM nodes with text content only: the
// server's text is never parsed as HTML, so nothing in a lab can inject markup or script.
// Anything it does not understand stays as plain text.

/** Renders `text` into a DocumentFragment of block elements. */
export function renderMarkdown(text) {
  const out = document.createDocumentFragment();
  const lines = String(text ?? '').replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) { i++; continue; }
    const fence = line.match(/^\s*(```|~~~)\s*([\w-]*)\s*$/);
    if (fence) {
      const body = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++; // the closing fence (or the end)
      const code = document.createElement('code');
      code.textContent = body.join('\n');
      if (fence[2]) code.dataset.lang = fence[2];
      const pre = document.createElement('pre');
      pre.append(code);
      out.append(pre);
      continue;
    }
    const heading = line.match(/^\s*(#{1,4})\s+(.*)$/);
    if (heading) {
      const h = document.createElement(heading[1].length <= 2 ? 'h3' : 'h4');
      h.append(inline(heading[2]));
      out.append(h);
      i++;
      continue;
    }
    const item = listItem(line);
    if (item) {
      const list = document.createElement(item.ordered ? 'ol' : 'ul');
      let current = null;
      while (i < lines.length && lines[i].trim()) {
        const it = listItem(lines[i]);
        if (it && it.ordered === item.ordered) {
          current = document.createElement('li');
          current.append(inline(it.text));
          list.append(current);
        } else if (current && /^\s+/.test(lines[i])) {
          current.append(' ', inline(lines[i].trim())); // continuation line of the item
        } else {
          break;
        }
        i++;
      }
      out.append(list);
      continue;
    }
    const para = [];
    while (i < lines.length && lines[i].trim() && !listItem(lines[i]) && !/^\s*(```|~~~|#{1,4}\s)/.test(lines[i])) {
      para.push(lines[i].trim());
      i++;
    }
    const p = document.createElement('p');
    p.append(inline(para.join(' ')));
    out.append(p);
  }
  return out;
}

function listItem(line) {
  const m = line.match(/^\s*([-*+]|\d{1,3}[.)])\s+(.*)$/);
  if (!m) return null;
  return { ordered: /\d/.test(m[1]), text: m[2] };
}

const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|\[([^\]]+)\]\(([^)\s]+)\)/g;

/** Inline markup of one line or paragraph as a DocumentFragment. */
export function inline(text) {
  const frag = document.createDocumentFragment();
  const s = String(text ?? '');
  let last = 0;
  for (const m of s.matchAll(INLINE)) {
    if (m.index > last) frag.append(s.slice(last, m.index));
    let node;
    if (m[1] !== undefined) {
      node = document.createElement('code');
      node.textContent = m[1];
    } else if (m[2] !== undefined || m[3] !== undefined) {
      node = document.createElement('strong');
      node.append(inline(m[2] ?? m[3]));
    } else if (m[4] !== undefined) {
      node = document.createElement('em');
      node.append(inline(m[4]));
    } else {
      const href = m[6];
      if (/^https?:\/\//i.test(href) || /^\/(?!\/)/.test(href)) {
        node = document.createElement('a');
        node.href = href;
        if (/^https?:/i.test(href)) node.rel = 'noopener noreferrer';
        node.append(inline(m[5]));
      } else {
        node = document.createTextNode(m[0]); // other schemes (javascript:, data:) stay text
      }
    }
    frag.append(node);
    last = m.index + m[0].length;
  }
  if (last < s.length) frag.append(s.slice(last));
  return frag;
}

// The topology editor's model is the topology document itself (docs/topology.md) as a JSON
// tree: the editor adds, renames and removes exactly the fields the user touches and leaves
// every other field as it was read, so load -> save writes the same document back.
// Pure functions only (no DOM), so the operations can be reasoned about on their own.

export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function newDocument() {
  return { name: 'my-topology', nodes: [{ name: 'node1', cpus: 2, namespaces: [{ name: 'host' }] }] };
}

/** Path text as the server reports it: nodes[0].namespaces[1].devices[2].peer */
export function pathText(parts) {
  let s = '';
  for (const p of parts) s += typeof p === 'number' ? `[${p}]` : (s ? '.' : '') + p;
  return s;
}

/** Parses a path text into parts (numbers for indexes). */
export function parsePath(text) {
  const parts = [];
  for (const m of String(text).matchAll(/([^.[\]]+)|\[(\d+)\]/g)) parts.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return parts;
}

export function getAt(doc, parts) {
  let v = doc;
  for (const p of parts) { if (v == null) return undefined; v = v[p]; }
  return v;
}

/** Sets a value (undefined deletes it) creating parents; removes objects left empty. */
export function setAt(doc, parts, value) {
  const parents = [doc];
  let cur = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    if (cur[parts[i]] == null) {
      if (value === undefined) return;
      cur[parts[i]] = typeof parts[i + 1] === 'number' ? [] : {};
    }
    cur = cur[parts[i]];
    parents.push(cur);
  }
  const last = parts[parts.length - 1];
  if (value === undefined) {
    if (Array.isArray(cur)) cur.splice(last, 1); else delete cur[last];
    for (let i = parts.length - 1; i > 0; i--) {
      const holder = parents[i];
      if (holder && typeof holder === 'object' && !Array.isArray(holder) && Object.keys(holder).length === 0) {
        delete parents[i - 1][parts[i - 1]];
      } else break;
    }
  } else {
    cur[last] = value;
  }
}

export function nodes(doc) { return Array.isArray(doc.nodes) ? doc.nodes : []; }
export function namespaces(node) { return Array.isArray(node?.namespaces) ? node.namespaces : []; }
export function devices(ns) { return Array.isArray(ns?.devices) ? ns.devices : []; }

/**
 * Every device end: NICs, pair primaries (declared in their namespace) and peer ends
 * (declared on the primary, living in peer.namespace).
 */
export function ends(doc) {
  const out = [];
  nodes(doc).forEach((node, ni) => {
    namespaces(node).forEach((ns, si) => {
      devices(ns).forEach((dev, di) => {
        const base = { node: node.name, ni, si, di, kind: dev.kind, devicePath: ['nodes', ni, 'namespaces', si, 'devices', di] };
        out.push({ ...base, ns: ns.name, name: dev.name, role: dev.kind === 'nic' ? 'nic' : 'primary' });
        if ((dev.kind === 'veth' || dev.kind === 'bpfnet') && dev.peer) {
          out.push({ ...base, ns: dev.peer.namespace, name: dev.peer.name, role: 'peer' });
        }
      });
    });
  });
  return out.map((e) => ({ ...e, ref: `${e.node}/${e.ns}/${e.name}`, key: `${e.ni}:${e.si}:${e.di}:${e.role}` }));
}

export function namesInNamespace(doc, ni, nsName) {
  return ends(doc).filter((e) => e.ni === ni && e.ns === nsName).map((e) => e.name);
}

export function uniqueName(base, taken, start = 0) {
  for (let i = start; ; i++) {
    const n = base + i;
    if (!taken.includes(n)) return n;
  }
}

export function addNode(doc) {
  doc.nodes = nodes(doc);
  const name = uniqueName('node', doc.nodes.map((n) => n.name), 1);
  doc.nodes.push({ name, cpus: 2, namespaces: [{ name: 'host' }] });
  return doc.nodes.length - 1;
}

export function addNamespace(doc, ni) {
  const node = doc.nodes[ni];
  node.namespaces = namespaces(node);
  const name = uniqueName('pod', node.namespaces.map((s) => s.name), 1);
  node.namespaces.push({ name });
  return node.namespaces.length - 1;
}

export function addNic(doc, ni, si) {
  const ns = doc.nodes[ni].namespaces[si];
  const name = uniqueName('eth', namesInNamespace(doc, ni, ns.name));
  ns.devices = devices(ns);
  ns.devices.push({ name, kind: 'nic' });
  return ns.devices.length - 1;
}

/** A veth or bpfnet pair: primary in namespace si, peer end in namespace sj of the same node. */
export function addPair(doc, kind, ni, si, sj) {
  const node = doc.nodes[ni];
  const a = node.namespaces[si];
  const b = node.namespaces[sj];
  const name = uniqueName(kind === 'veth' ? 'veth' : 'nk', namesInNamespace(doc, ni, a.name));
  const takenB = namesInNamespace(doc, ni, b.name);
  if (si === sj) takenB.push(name);
  const peerName = uniqueName('eth', takenB);
  a.devices = devices(a);
  a.devices.push({ name, kind, peer: { namespace: b.name, name: peerName } });
  return a.devices.length - 1;
}

export function wires(doc) { return Array.isArray(doc.wires) ? doc.wires : []; }

export function addWire(doc, refA, refB) {
  doc.wires = wires(doc);
  doc.wires.push({ a: refA, b: refB });
  return doc.wires.length - 1;
}

/** Replaces references to `from` (a node, node/ns or node/ns/dev prefix) by `to`. */
export function renameRefs(doc, from, to) {
  const fix = (v) => (typeof v === 'string' && (v === from || v.startsWith(from + '/'))) ? to + v.slice(from.length) : v;
  for (const w of wires(doc)) { w.a = fix(w.a); w.b = fix(w.b); }
  for (const a of Array.isArray(doc.attach) ? doc.attach : []) a.device = fix(a.device);
  for (const t of Array.isArray(doc.traffic) ? doc.traffic : []) t.from = fix(t.from);
  for (const p of Array.isArray(doc.programs) ? doc.programs : []) {
    if (p.rodata && typeof p.rodata === 'object') {
      for (const [k, v] of Object.entries(p.rodata)) {
        if (typeof v === 'string' && v.startsWith('ifindex:')) p.rodata[k] = 'ifindex:' + fix(v.slice(8));
      }
    }
  }
}

export function renameNode(doc, ni, name) {
  const old = doc.nodes[ni].name;
  doc.nodes[ni].name = name;
  if (old) renameRefs(doc, old, name);
}

export function renameNamespace(doc, ni, si, name) {
  const node = doc.nodes[ni];
  const old = node.namespaces[si].name;
  node.namespaces[si].name = name;
  for (const ns of namespaces(node)) for (const d of devices(ns)) if (d.peer && d.peer.namespace === old) d.peer.namespace = name;
  renameRefs(doc, `${node.name}/${old}`, `${node.name}/${name}`);
}

/** Renames a device end (role 'peer' renames the peer end), fixing routes and references. */
export function renameEnd(doc, end, name) {
  const dev = getAt(doc, end.devicePath);
  const old = end.role === 'peer' ? dev.peer.name : dev.name;
  if (end.role === 'peer') dev.peer.name = name; else dev.name = name;
  const node = doc.nodes[end.ni];
  const ns = namespaces(node).find((s) => s.name === end.ns);
  for (const list of [ns?.routes, ns?.neighbours]) for (const r of Array.isArray(list) ? list : []) if (r.dev === old) r.dev = name;
  renameRefs(doc, `${end.node}/${end.ns}/${old}`, `${end.node}/${end.ns}/${name}`);
}

function dropRefs(doc, prefix) {
  const hit = (v) => typeof v === 'string' && (v === prefix || v.startsWith(prefix + '/'));
  if (doc.wires) doc.wires = doc.wires.filter((w) => !hit(w.a) && !hit(w.b));
  if (doc.attach) doc.attach = doc.attach.filter((a) => !hit(a.device));
  if (doc.traffic) doc.traffic = doc.traffic.filter((t) => !hit(t.from));
  for (const key of ['wires', 'attach', 'traffic']) if (Array.isArray(doc[key]) && doc[key].length === 0) delete doc[key];
}

function dropRoutes(ns, devName) {
  for (const key of ['routes', 'neighbours']) {
    if (Array.isArray(ns?.[key])) {
      ns[key] = ns[key].filter((r) => r.dev !== devName);
      if (ns[key].length === 0) delete ns[key];
    }
  }
}

/** Deletes a device (both ends of a pair), its wires, attachments and routes. */
export function deleteDevice(doc, ni, si, di) {
  const node = doc.nodes[ni];
  const ns = node.namespaces[si];
  const dev = ns.devices[di];
  ns.devices.splice(di, 1);
  if (ns.devices.length === 0) delete ns.devices;
  dropRoutes(ns, dev.name);
  dropRefs(doc, `${node.name}/${ns.name}/${dev.name}`);
  if (dev.peer) {
    dropRoutes(namespaces(node).find((s) => s.name === dev.peer.namespace), dev.peer.name);
    dropRefs(doc, `${node.name}/${dev.peer.namespace}/${dev.peer.name}`);
  }
}

export function deleteNamespace(doc, ni, si) {
  const node = doc.nodes[ni];
  const name = node.namespaces[si].name;
  // pairs whose peer end lives here go too
  node.namespaces.forEach((ns, i) => {
    if (i === si) return;
    for (let di = devices(ns).length - 1; di >= 0; di--) if (ns.devices[di].peer?.namespace === name) deleteDevice(doc, ni, i, di);
  });
  const ns = node.namespaces[si];
  for (let di = devices(ns).length - 1; di >= 0; di--) deleteDevice(doc, ni, si, di);
  node.namespaces.splice(si, 1);
  dropRefs(doc, `${node.name}/${name}`);
}

export function deleteNode(doc, ni) {
  const name = doc.nodes[ni].name;
  doc.nodes.splice(ni, 1);
  dropRefs(doc, name);
}

export function deleteWire(doc, wi) {
  doc.wires.splice(wi, 1);
  if (doc.wires.length === 0) delete doc.wires;
}

/** Hooks a program may use on an end (docs/topology.md, Attach). */
export function hooksFor(end) {
  return end.kind === 'bpfnet' && end.role === 'primary' ? ['tcx-ingress', 'tcx-egress', 'primary', 'peer'] : ['tcx-ingress', 'tcx-egress'];
}

/** Maps an error path to the element that owns it: {type, ni, si, di, wi} or {type: 'document'}. */
export function ownerOf(path) {
  const p = parsePath(path);
  if (p[0] === 'nodes' && typeof p[1] === 'number') {
    if (p[2] === 'namespaces' && typeof p[3] === 'number') {
      if (p[4] === 'devices' && typeof p[5] === 'number') {
        return { type: 'device', ni: p[1], si: p[3], di: p[5], role: p[6] === 'peer' ? 'peer' : 'primary' };
      }
      return { type: 'namespace', ni: p[1], si: p[3] };
    }
    return { type: 'node', ni: p[1] };
  }
  if (p[0] === 'wires' && typeof p[1] === 'number') return { type: 'wire', wi: p[1] };
  return { type: 'document' };
}

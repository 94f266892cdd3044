// Shared formatting for the run and compare views: times, kernel drop reasons in words.

/** Simulated nanoseconds as text (ns, µs or ms). */
export function fmtNs(ns) {
  if (ns === null || ns === undefined || Number.isNaN(ns)) return '';
  const a = Math.abs(ns);
  if (a >= 1e6) return (ns / 1e6).toFixed(3) + ' ms';
  if (a >= 1e3) return (ns / 1e3).toFixed(2) + ' µs';
  return Math.round(ns) + ' ns';
}

// The kernel's enum skb_drop_reason (include/net/dropreason-core.h) as the engine names it
// (dev.bpfnet.engine.trace.DropReason), said in words.
const DROP_WORDS = {
  NOT_SPECIFIED: 'freed by plain kfree_skb() (netkit drop, veth MTU check or recursion limit)',
  NO_SOCKET: 'no socket is bound to the destination port',
  PKT_TOO_SMALL: 'the packet is shorter than its headers say',
  OTHERHOST: 'the packet is for another host',
  IP_INHDR: 'invalid IPv4 header',
  IP_CSUM: 'IPv4 header checksum error',
  IP_NOROUTE: 'no route to the destination',
  IP_INADDRERRORS: 'the route type forbids delivery (e.g. forwarding off)',
  SOCKET_RCVBUFF: "the socket's receive buffer is full",
  UDP_CSUM: 'UDP checksum error',
  PKT_TOO_BIG: 'larger than the MTU and cannot be fragmented',
  CPU_BACKLOG: 'the per-CPU backlog is full (netdev_max_backlog exceeded)',
  DEV_READY: 'the device is not running',
  TC_INGRESS: 'a tc/tcx ingress program returned TC_ACT_SHOT',
  TC_EGRESS: 'a tc/tcx egress program returned TC_ACT_SHOT',
  TC_RECLASSIFY_LOOP: 'too many redirect rounds on ingress',
  TC_COOKIE_ERROR: 'tc cookie error',
  TC_CHAIN_NOTFOUND: 'tc chain not found',
  QDISC_DROP: 'the qdisc rejected the packet (queue limit)',
  QDISC_OVERLIMIT: 'the qdisc is over its limit',
  QDISC_CONGESTED: 'dropped by the AQM (CoDel) for congestion',
  FULL_RING: 'the ring is full (veth ptr_ring or NIC RX ring)',
  NEIGH_CREATEFAIL: 'the neighbour entry could not be created',
  NEIGH_FAILED: 'neighbour resolution (ARP/ND) failed',
  NEIGH_QUEUEFULL: "the neighbour's arp_queue is full",
  NEIGH_DEAD: 'the neighbour entry is dead',
  XDP: 'an XDP program dropped it',
  NOMEM: 'memory allocation failed',
  HDR_TRUNC: 'the headers could not be pulled',
  RECURSION_LIMIT: 'the transmit recursion limit (8) was hit',
};

/** "CPU_BACKLOG: the per-CPU backlog is full (...)" */
export function dropWords(reason) {
  if (!reason) return '';
  const w = DROP_WORDS[reason];
  return w ? `${reason}: ${w}` : reason;
}

/** Execution context class: process, softirq, ksoftirqd, hardirq or other. */
export function contextKind(ctx) {
  const c = String(ctx || '').toLowerCase();
  if (c.includes('ksoftirqd')) return 'ksoftirqd';
  if (c.includes('softirq')) return 'softirq';
  if (c.includes('hardirq') || c === 'irq') return 'hardirq';
  if (c.includes('process') || c.includes('task')) return 'process';
  return 'other';
}

/**
 * Queueing disciplines and the driver TX ring of a physical NIC (DESIGN.md §3.2,
 * datapath.md §2.6 and §6 path E), shaped after ns-3's {@code src/traffic-control/model}.
 *
 * <pre>
 * __dev_queue_xmit ──▶ Qdisc.enqueue ──▶ [ NoQueue | PfifoFast | FqCodel ]
 *                                               │  QdiscRun.run (= __qdisc_run, quota 64)
 *                                               ▼
 *                  TxQueue.startXmit (= dev_hard_start_xmit) ──▶ TxRing ──▶ link (rate)
 *                       ▲                                         │ clean() in NAPI poll
 *                       └── Listener.woken → __netif_schedule ◀───┘ (ring space, BQL)
 * </pre>
 *
 * <p>
 * Packets are anything implementing {@link dev.bpfnet.engine.qdisc.QueuedPacket}. Every
 * qdisc keeps per-reason drop counters (kernel {@code DropReason} names), a packet and
 * byte backlog, and reports drops and depth changes to one
 * {@link dev.bpfnet.engine.qdisc.QdiscListener}. {@link dev.bpfnet.engine.qdisc.QdiscRun}
 * is independent of the CPU model: the caller decides, from its result, whether to raise
 * NET_TX. All times are simulated nanoseconds passed in by the caller; nothing here reads
 * a clock, iterates a hash map or allocates per packet.
 *
 * <p>
 * Threading: every object here belongs to one run's thread.
 */
package dev.bpfnet.engine.qdisc;

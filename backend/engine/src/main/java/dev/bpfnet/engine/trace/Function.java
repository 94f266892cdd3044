package dev.bpfnet.engine.trace;

/**
 * The kernel functions the engine models; each emits one trace event when it runs. The
 * set covers the paths A–E of datapath.md §6 and the functions of its §1.2 (netkit) and
 * §2 (veth, backlog, tcx, redirects, qdiscs), plus CPU and scheduling events.
 * {@link #kernelName()} is the kernel's spelling (what {@code perf}/{@code bpftrace}
 * would show); a few entries that stand for a whole hook or a piece of hardware say so in
 * their javadoc.
 *
 * <p>
 * Ids are small, dense and stable: they enter the canonical trace encoding
 * ({@link TraceHasher}) and the columnar store ({@link PathRecorder}). Add new functions
 * with new ids at the end; never renumber.
 */
public enum Function {

	// ---- sockets and traffic tasks (process context) ----

	/**
	 * {@code __alloc_skb}: an skb is born (traffic source, NIC RX refill); the first step
	 * of a path.
	 */
	ALLOC_SKB(0, "__alloc_skb"),

	/** {@code udp_sendmsg}: a task sends a UDP datagram. */
	UDP_SENDMSG(1, "udp_sendmsg"),

	/**
	 * {@code tcp_sendmsg}: a task sends on a TCP(-like) stream or request/response
	 * connection.
	 */
	TCP_SENDMSG(2, "tcp_sendmsg"),

	/** {@code icmp_reply}: the ICMP echo responder answers an echo request. */
	ICMP_REPLY(3, "icmp_reply"),

	/** {@code udp_recvmsg}: a task reads a datagram from its socket receive queue. */
	UDP_RECVMSG(4, "udp_recvmsg"),

	/** {@code tcp_recvmsg}: a task reads from a TCP(-like) socket. */
	TCP_RECVMSG(5, "tcp_recvmsg"),

	// ---- IPv4/IPv6 output ----

	/** {@code ip_output}: IPv4 output after routing (net/ipv4/ip_output.c). */
	IP_OUTPUT(6, "ip_output"),

	/** {@code ip_finish_output2}: IPv4 output, neighbour lookup. */
	IP_FINISH_OUTPUT2(7, "ip_finish_output2"),

	/** {@code ip6_output}: IPv6 output after routing. */
	IP6_OUTPUT(8, "ip6_output"),

	/** {@code ip6_finish_output2}: IPv6 output, neighbour lookup. */
	IP6_FINISH_OUTPUT2(9, "ip6_finish_output2"),

	/**
	 * {@code neigh_output}: hands the skb to a resolved neighbour (fills L2, then
	 * dev_queue_xmit).
	 */
	NEIGH_OUTPUT(10, "neigh_output"),

	/**
	 * {@code neigh_resolve_output}: neighbour not resolved yet; queues on
	 * {@code arp_queue} [Q].
	 */
	NEIGH_RESOLVE_OUTPUT(11, "neigh_resolve_output"),

	/** {@code arp_solicit}: sends an ARP request for an unresolved IPv4 neighbour. */
	ARP_SOLICIT(12, "arp_solicit"),

	/** {@code arp_rcv}: receives an ARP request or reply. */
	ARP_RCV(13, "arp_rcv"),

	// ---- device transmit (net/core/dev.c) ----

	/**
	 * {@code __dev_queue_xmit}: transmit entry on a device; takes
	 * {@code rcu_read_lock_bh}.
	 */
	DEV_QUEUE_XMIT(14, "__dev_queue_xmit"),

	/**
	 * {@code tcx_egress}: the tcx egress hook ({@code sch_handle_egress},
	 * include/net/tcx.h); carries the verdict.
	 */
	TCX_EGRESS(15, "tcx_egress"),

	/** {@code __dev_xmit_skb}: transmit through a real qdisc (not noqueue). */
	DEV_XMIT_SKB(16, "__dev_xmit_skb"),

	/**
	 * {@code qdisc_enqueue}: the qdisc's {@code ->enqueue} (pfifo_fast, fq_codel) [Q].
	 */
	QDISC_ENQUEUE(17, "qdisc_enqueue"),

	/**
	 * {@code qdisc_dequeue}: the qdisc's {@code ->dequeue}, as called by
	 * {@code dequeue_skb()} [Q].
	 */
	QDISC_DEQUEUE(18, "qdisc_dequeue"),

	/** {@code __qdisc_run}: dequeue loop with quota {@code dev_tx_weight} (64). */
	QDISC_RUN(19, "__qdisc_run"),

	/**
	 * {@code sch_direct_xmit}: sends one dequeued skb to the driver under the TX lock.
	 */
	SCH_DIRECT_XMIT(20, "sch_direct_xmit"),

	/**
	 * {@code __netif_schedule}: reschedules the qdisc in NET_TX softirq (quota spent or
	 * driver busy).
	 */
	NETIF_SCHEDULE(21, "__netif_schedule"),

	/** {@code net_tx_action}: the NET_TX softirq handler, runs scheduled qdiscs. */
	NET_TX_ACTION(22, "net_tx_action"),

	/** {@code dev_hard_start_xmit}: calls the driver's {@code ndo_start_xmit}. */
	DEV_HARD_START_XMIT(23, "dev_hard_start_xmit"),

	/**
	 * {@code ndo_start_xmit}: a physical NIC driver's transmit routine; puts the skb on
	 * the TX ring [Q].
	 */
	NDO_START_XMIT(24, "ndo_start_xmit"),

	/** {@code netdev_tx_sent_queue}: BQL accounting of bytes handed to the TX ring. */
	NETDEV_TX_SENT_QUEUE(25, "netdev_tx_sent_queue"),

	/** {@code netdev_tx_completed_queue}: BQL accounting at TX completion. */
	NETDEV_TX_COMPLETED_QUEUE(26, "netdev_tx_completed_queue"),

	/**
	 * {@code netif_tx_stop_queue}: the driver stops the TX queue (ring or BQL limit
	 * full).
	 */
	NETIF_TX_STOP_QUEUE(27, "netif_tx_stop_queue"),

	/** {@code netif_tx_wake_queue}: the driver restarts a stopped TX queue. */
	NETIF_TX_WAKE_QUEUE(28, "netif_tx_wake_queue"),

	/**
	 * Model-only, not a kernel function: the frame is serialised onto the wire at the
	 * link rate.
	 */
	PHY_TX(29, "phy_tx"),

	/**
	 * Model-only, not a kernel function: the NIC DMAs a frame from the wire into its RX
	 * ring [Q].
	 */
	PHY_RX(30, "phy_rx"),

	// ---- veth (drivers/net/veth.c) ----

	/** {@code veth_xmit}: veth transmit; forwards to the peer. */
	VETH_XMIT(31, "veth_xmit"),

	/**
	 * {@code __dev_forward_skb}: MTU check ({@code is_skb_forwardable}), scrub,
	 * {@code eth_type_trans}.
	 */
	DEV_FORWARD_SKB(32, "__dev_forward_skb"),

	/**
	 * {@code veth_xdp_rx}: NAPI/GRO mode, produce into the peer's 256-entry
	 * {@code ptr_ring} [Q].
	 */
	VETH_XDP_RX(33, "veth_xdp_rx"),

	/** {@code veth_poll}: the veth NAPI poll, consumes its {@code ptr_ring}. */
	VETH_POLL(34, "veth_poll"),

	// ---- netkit (drivers/net/netkit.c) ----

	/**
	 * {@code netkit_xmit}: netkit transmit; prep_forward, program, then
	 * PASS/REDIRECT/DROP.
	 */
	NETKIT_XMIT(35, "netkit_xmit"),

	/**
	 * {@code netkit_run}: the bpf_mprog loop of primary or peer programs; carries the
	 * verdict.
	 */
	NETKIT_RUN(36, "netkit_run"),

	// ---- backlog and NAPI (net/core/dev.c) ----

	/**
	 * {@code netif_rx}: {@code __netif_rx} wrapped in {@code local_bh_disable/enable}.
	 */
	NETIF_RX(37, "netif_rx"),

	/**
	 * {@code __netif_rx}: RX injection from interrupt/softirq context or under
	 * BH-disabled xmit.
	 */
	NETIF_RX_UNLOCKED(38, "__netif_rx"),

	/**
	 * {@code netif_rx_internal}: picks the backlog CPU ({@code get_rps_cpu} or the
	 * current CPU).
	 */
	NETIF_RX_INTERNAL(39, "netif_rx_internal"),

	/**
	 * {@code enqueue_to_backlog}: appends to {@code softnet_data.input_pkt_queue} (≤
	 * netdev_max_backlog + 1) [Q].
	 */
	ENQUEUE_TO_BACKLOG(40, "enqueue_to_backlog"),

	/**
	 * {@code napi_schedule_rps}: schedules the backlog NAPI, locally or by RPS IPI to
	 * another CPU.
	 */
	NAPI_SCHEDULE_RPS(41, "napi_schedule_rps"),

	/** {@code net_rps_send_ipi}: sends the RPS IPI to a remote CPU. */
	NET_RPS_SEND_IPI(42, "net_rps_send_ipi"),

	/**
	 * {@code napi_schedule}: a driver (hard IRQ) or veth schedules its NAPI and raises
	 * NET_RX.
	 */
	NAPI_SCHEDULE(43, "napi_schedule"),

	/**
	 * {@code net_rx_action}: the NET_RX softirq handler; {@code netdev_budget} and time
	 * limit.
	 */
	NET_RX_ACTION(44, "net_rx_action"),

	/**
	 * {@code napi_poll}: one NAPI poll of a driver RX queue (the driver's poll function).
	 */
	NAPI_POLL(45, "napi_poll"),

	/**
	 * {@code process_backlog}: the backlog's NAPI poll; dequeues up to {@code dev_weight}
	 * skbs [Q].
	 */
	PROCESS_BACKLOG(46, "process_backlog"),

	/** {@code napi_gro_receive}: GRO entry from a driver or veth NAPI poll. */
	NAPI_GRO_RECEIVE(47, "napi_gro_receive"),

	/** {@code netif_receive_skb_list_internal}: delivers the GRO normal list. */
	NETIF_RECEIVE_SKB_LIST(48, "netif_receive_skb_list_internal"),

	/**
	 * {@code netif_receive_skb}: direct (non-backlog) receive, e.g. veth
	 * {@code rx_delivery: direct}.
	 */
	NETIF_RECEIVE_SKB(49, "netif_receive_skb"),

	/** {@code __netif_receive_skb}: receive from {@code process_backlog}. */
	NETIF_RECEIVE_SKB_UNLOCKED(50, "__netif_receive_skb"),

	/**
	 * {@code __netif_receive_skb_core}: taps, tcx ingress, protocol delivery; emitted
	 * once per {@code another_round}.
	 */
	NETIF_RECEIVE_SKB_CORE(51, "__netif_receive_skb_core"),

	/**
	 * {@code tcx_ingress}: the tcx ingress hook ({@code sch_handle_ingress}); carries the
	 * verdict.
	 */
	TCX_INGRESS(52, "tcx_ingress"),

	// ---- BPF redirects (net/core/filter.c) ----

	/** {@code skb_do_redirect}: executes the redirect a program requested. */
	SKB_DO_REDIRECT(53, "skb_do_redirect"),

	/**
	 * {@code __bpf_tx_skb}: {@code bpf_redirect} egress: synchronous
	 * {@code dev_queue_xmit} on the target.
	 */
	BPF_TX_SKB(54, "__bpf_tx_skb"),

	/**
	 * {@code __bpf_rx_skb}: {@code bpf_redirect(BPF_F_INGRESS)}:
	 * {@code dev_forward_skb_nomtu} into the backlog.
	 */
	BPF_RX_SKB(55, "__bpf_rx_skb"),

	/**
	 * {@code __bpf_redirect_neigh_v4}: {@code bpf_redirect_neigh} for IPv4 (route, then
	 * neighbour output).
	 */
	BPF_REDIRECT_NEIGH_V4(56, "__bpf_redirect_neigh_v4"),

	/** {@code __bpf_redirect_neigh_v6}: {@code bpf_redirect_neigh} for IPv6. */
	BPF_REDIRECT_NEIGH_V6(57, "__bpf_redirect_neigh_v6"),

	/**
	 * {@code skb_get_peer_dev}: {@code bpf_redirect_peer} switches to the peer device
	 * ({@code -EAGAIN}, another round).
	 */
	SKB_GET_PEER_DEV(58, "skb_get_peer_dev"),

	/**
	 * {@code bpf_fib_lookup}: the FIB lookup helper, against the namespace's routes and
	 * neighbours.
	 */
	BPF_FIB_LOOKUP(59, "bpf_fib_lookup"),

	// ---- IPv4/IPv6 input and local delivery ----

	/** {@code ip_rcv}: IPv4 receive ({@code ip_rcv_core} orphans {@code skb->sk}). */
	IP_RCV(60, "ip_rcv"),

	/** {@code ip_forward}: IPv4 forwarding (TTL, then {@code ip_output}). */
	IP_FORWARD(61, "ip_forward"),

	/** {@code ip_local_deliver}: IPv4 delivery to a local protocol. */
	IP_LOCAL_DELIVER(62, "ip_local_deliver"),

	/** {@code ipv6_rcv}: IPv6 receive. */
	IPV6_RCV(63, "ipv6_rcv"),

	/** {@code ip6_forward}: IPv6 forwarding. */
	IP6_FORWARD(64, "ip6_forward"),

	/** {@code ip6_input}: IPv6 delivery to a local protocol. */
	IP6_INPUT(65, "ip6_input"),

	/** {@code udp_rcv}: UDP over IPv4 receive, socket lookup. */
	UDP_RCV(66, "udp_rcv"),

	/** {@code udpv6_rcv}: UDP over IPv6 receive. */
	UDPV6_RCV(67, "udpv6_rcv"),

	/** {@code __udp_enqueue_schedule_skb}: appends to the socket receive queue [Q]. */
	UDP_ENQUEUE_SCHEDULE_SKB(68, "__udp_enqueue_schedule_skb"),

	/** {@code icmp_rcv}: ICMPv4 receive. */
	ICMP_RCV(69, "icmp_rcv"),

	/** {@code icmpv6_rcv}: ICMPv6 receive. */
	ICMPV6_RCV(70, "icmpv6_rcv"),

	/** {@code tcp_v4_rcv}: TCP over IPv4 receive. */
	TCP_V4_RCV(71, "tcp_v4_rcv"),

	/** {@code sock_def_readable}: wakes the task waiting on the socket. */
	SOCK_DEF_READABLE(72, "sock_def_readable"),

	// ---- end of an skb ----

	/**
	 * {@code kfree_skb_reason}: the skb is dropped; the event carries the
	 * {@link DropReason}.
	 */
	KFREE_SKB_REASON(73, "kfree_skb_reason"),

	/**
	 * {@code consume_skb}: the skb is freed after successful use (delivered, TX
	 * completed).
	 */
	CONSUME_SKB(74, "consume_skb"),

	// ---- interrupts, softirq, scheduler (kernel/softirq.c, kernel/sched) ----

	/**
	 * {@code irq_handler}: a device's hard IRQ handler (the driver's, e.g. on RX or TX
	 * completion).
	 */
	IRQ_HANDLER(75, "irq_handler"),

	/**
	 * {@code irq_exit}: leaves hard IRQ; runs pending softirqs inline
	 * ({@code invoke_softirq}).
	 */
	IRQ_EXIT(76, "irq_exit"),

	/** {@code raise_softirq}: marks NET_RX/NET_TX pending on this CPU. */
	RAISE_SOFTIRQ(77, "raise_softirq"),

	/**
	 * {@code local_bh_enable}: re-enables bottom halves; runs pending softirqs inline.
	 */
	LOCAL_BH_ENABLE(78, "local_bh_enable"),

	/**
	 * {@code __do_softirq}: the softirq loop ({@code MAX_SOFTIRQ_RESTART} 10,
	 * {@code MAX_SOFTIRQ_TIME} 2 ms, {@code need_resched}).
	 */
	DO_SOFTIRQ(79, "__do_softirq"),

	/**
	 * {@code wakeup_softirqd}: hands the remaining softirq work to {@code ksoftirqd/N}.
	 */
	WAKEUP_SOFTIRQD(80, "wakeup_softirqd"),

	/** {@code run_ksoftirqd}: ksoftirqd runs pending softirqs as a task. */
	RUN_KSOFTIRQD(81, "run_ksoftirqd"),

	/** {@code try_to_wake_up}: a task becomes runnable (socket data, ksoftirqd). */
	TRY_TO_WAKE_UP(82, "try_to_wake_up"),

	/**
	 * {@code schedule}: the CPU scheduler switches tasks; the event's task is the one
	 * switched in.
	 */
	SCHEDULE(83, "schedule");

	private static final Function[] BY_ID;

	static {
		Function[] values = values();
		BY_ID = new Function[values.length];
		for (Function function : values) {
			if (function.id >= BY_ID.length || BY_ID[function.id] != null) {
				throw new ExceptionInInitializerError("function id " + function.id + " not dense or used twice");
			}
			BY_ID[function.id] = function;
		}
	}

	private final int id;

	private final String kernelName;

	Function(int id, String kernelName) {
		this.id = id;
		this.kernelName = kernelName;
	}

	/** The stable id, used in the canonical trace encoding and the columnar store. */
	public int id() {
		return this.id;
	}

	/** The kernel's name of the function, e.g. {@code __dev_queue_xmit}. */
	public String kernelName() {
		return this.kernelName;
	}

	/**
	 * The function with the given stable id.
	 * @throws IllegalArgumentException if no function has that id
	 */
	public static Function ofId(int id) {
		if (id < 0 || id >= BY_ID.length) {
			throw new IllegalArgumentException("function id: no function has id " + id);
		}
		return BY_ID[id];
	}

}

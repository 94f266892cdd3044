package dev.bpfnet.engine.cost;

import java.util.List;

import static dev.bpfnet.engine.cost.CostModel.Id.*;

/**
 * The function sequences of {@code reference/costs.md} §4: one TCP_RR transaction, pod A
 * (node 1) → pod B (node 2) → back, Cilium-style BPF at host-veth tc ingress and at NIC
 * tc ingress, charged from a {@link CostModel}. CPU work only: no waiting, no wire.
 */
final class TcpRrCpuPaths {

	/** netperf TCP_RR default request and response size. */
	static final int MESSAGE_BYTES = 1;

	/** costs.md §4's Cilium-like program: ≈400 instructions and 3 hash lookups. */
	static final int PROGRAM_INSNS = 400;

	static final int PROGRAM_HASH_LOOKUPS = 3;

	/**
	 * A function charged {@code times} times with {@code bytes} each (negative times
	 * subtract).
	 */
	record Term(int id, int times, int bytes) {

		long cost(CostModel m) {
			return this.times * m.cost(this.id, this.bytes);
		}

	}

	private TcpRrCpuPaths() {
	}

	private static Term t(int id) {
		return new Term(id, 1, 0);
	}

	/**
	 * The tc program: invocation + instructions + hash lookups + the redirect helper
	 * call.
	 */
	static List<Term> program() {
		return List.of(t(BPF_PROG_RUN), new Term(BPF_INSN, 1, PROGRAM_INSNS),
				new Term(HTAB_MAP_LOOKUP_ELEM, PROGRAM_HASH_LOOKUPS, 0), t(BPF_HELPER_CALL));
	}

	/**
	 * Sender node, process context: send → pod eth0 (veth, noqueue) → backlog served at
	 * local_bh_enable → host veth tcx ingress → bpf_redirect_neigh → NIC.
	 */
	static List<Term> sender() {
		return concat(
				List.of(t(ENTRY_SYSCALL_64), new Term(COPY_USER, 1, MESSAGE_BYTES), t(TCP_SENDMSG), t(IP_OUTPUT),
						t(DEV_QUEUE_XMIT), t(QDISC_NOQUEUE), t(VETH_XMIT), t(ENQUEUE_TO_BACKLOG), t(LOCAL_BH_ENABLE),
						t(PROCESS_BACKLOG), t(NETIF_RECEIVE_SKB_CORE), t(TCX_INGRESS)),
				program(), List.of(t(SKB_DO_REDIRECT), t(BPF_REDIRECT_NEIGH_V4), t(DEV_QUEUE_XMIT), t(QDISC_FQ_CODEL),
						t(SCH_DIRECT_XMIT), t(NDO_START_XMIT), t(TX_DOORBELL)));
	}

	/**
	 * Receiver node: NIC IRQ → NET_RX softirq → NAPI → tcx ingress on the NIC →
	 * bpf_redirect_peer → another round on the pod device → TCP → wake the reader → recv.
	 */
	static List<Term> receiverPeer() {
		return concat(
				List.of(t(IRQ_HANDLER), t(DO_SOFTIRQ), t(NAPI_POLL), t(DRIVER_RX), t(RX_DATA_MISS), t(BUILD_SKB),
						t(NAPI_GRO_RECEIVE), t(ETH_TYPE_TRANS), t(NETIF_RECEIVE_SKB_CORE), t(TCX_INGRESS)),
				program(), List.of(t(SKB_GET_PEER_DEV), t(NETIF_RECEIVE_SKB_CORE), t(IP_RCV), t(TCP_V4_RCV),
						t(TRY_TO_WAKE_UP), t(ENTRY_SYSCALL_64), new Term(COPY_USER, 1, MESSAGE_BYTES)));
	}

	/**
	 * What one pod ingress costs in addition with {@code bpf_redirect} to the host veth
	 * (through the backlog, re-raised inside the NIC's softirq) instead of
	 * {@code bpf_redirect_peer}. The second {@code __netif_receive_skb_core} pass (on the
	 * pod device) happens on both paths.
	 */
	static List<Term> extraPerBacklogCrossing() {
		return List.of(t(SKB_DO_REDIRECT), t(DEV_QUEUE_XMIT), t(QDISC_NOQUEUE), t(VETH_XMIT), t(ENQUEUE_TO_BACKLOG),
				t(DO_SOFTIRQ_RESTART), t(PROCESS_BACKLOG), new Term(SKB_GET_PEER_DEV, -1, 0));
	}

	static long sum(CostModel m, List<Term> terms) {
		long total = 0;
		for (Term term : terms) {
			total += term.cost(m);
		}
		return total;
	}

	private static List<Term> concat(List<Term> a, List<Term> b, List<Term> c) {
		List<Term> all = new java.util.ArrayList<>(a);
		all.addAll(b);
		all.addAll(c);
		return List.copyOf(all);
	}

}

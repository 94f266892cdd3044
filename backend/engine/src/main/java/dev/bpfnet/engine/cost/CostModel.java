package dev.bpfnet.engine.cost;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one table of per-function CPU costs the engine charges (DESIGN.md §3.3). The
 * defaults are the table proposed in {@code reference/costs.md} §3 for a ≈3 GHz x86
 * server core with a recent kernel, no IOMMU and warm caches; every row says whether it
 * is sourced, derived or assumed, and from what ({@link CostEntry#source()}). Treat every
 * fixed cost as ±50% (costs.md §6): the platforms behind the numbers are old and mixed.
 *
 * <p>
 * <b>What is not here.</b> Latencies that are not CPU work (idle exit, IPI delivery,
 * interrupt coalescing, ksoftirqd service, time slices) live in {@link SchedParams}. The
 * headline TCP_RR gap between {@code bpf_redirect} and {@code bpf_redirect_peer} is such
 * a wait, not CPU work (costs.md §4–5; {@code docs/costs.md}).
 *
 * <p>
 * <b>Hot path.</b> Resolve a function to its small int id once ({@link Id} constants, or
 * {@link #id(String)} at build time) and call {@link #cost(int, int)}: two array loads,
 * no map, no allocation. Ids are the same in every {@code CostModel}, since overrides
 * cannot add functions.
 *
 * <p>
 * Immutable and thread-safe.
 */
public final class CostModel {

	/**
	 * Dense, stable ids of the table rows, in table order. Each constant is its
	 * function's name in upper case without leading underscores ({@code __dev_queue_xmit}
	 * is {@link #DEV_QUEUE_XMIT}). Names that are not a single kernel function say what
	 * they stand for in their row's source.
	 */
	public static final class Id {

		// ---- physical NIC RX ----

		/**
		 * Hard interrupt: MSI-X entry, driver handler, {@code napi_schedule},
		 * {@code irq_exit}.
		 */
		public static final int IRQ_HANDLER = 0;

		/**
		 * Softirq dispatch ({@code __do_softirq} + {@code net_rx_action}), per
		 * invocation.
		 */
		public static final int DO_SOFTIRQ = 1;

		/** NAPI poll overhead of a driver, per poll. */
		public static final int NAPI_POLL = 2;

		/** Driver RX per packet (CQE, page recycle, DMA sync); pseudo-name. */
		public static final int DRIVER_RX = 3;

		/**
		 * First touch of packet data that misses the cache (no DDIO/prefetch hit);
		 * pseudo-name.
		 */
		public static final int RX_DATA_MISS = 4;

		/** {@code build_skb}: skb allocation and zeroing. */
		public static final int BUILD_SKB = 5;

		/** {@code napi_gro_receive} when nothing merges. */
		public static final int NAPI_GRO_RECEIVE = 6;

		/** {@code skb_gro_receive}: a TCP segment merged by GRO. */
		public static final int SKB_GRO_RECEIVE = 7;

		/** {@code eth_type_trans}. */
		public static final int ETH_TYPE_TRANS = 8;

		// ---- core RX ----

		/**
		 * {@code __netif_receive_skb_core}, per pass (another_round is a second pass).
		 */
		public static final int NETIF_RECEIVE_SKB_CORE = 9;

		/**
		 * tcx ingress hook wrapper ({@code sch_handle_ingress}), excluding the programs.
		 */
		public static final int TCX_INGRESS = 10;

		/**
		 * tcx egress hook wrapper ({@code sch_handle_egress}), excluding the programs.
		 */
		public static final int TCX_EGRESS = 11;

		/**
		 * {@code ip_rcv} ({@code ip_rcv_core} + {@code ip_rcv_finish}), excluding FIB and
		 * netfilter.
		 */
		public static final int IP_RCV = 12;

		/**
		 * {@code nf_hook_slow}: a netfilter hook with a registered but empty chain, per
		 * hook.
		 */
		public static final int NF_HOOK_SLOW = 13;

		/** Conntrack, new entry. */
		public static final int NF_CONNTRACK_NEW = 14;

		/** Conntrack, established entry. */
		public static final int NF_CONNTRACK_ESTABLISHED = 15;

		/** {@code fib_table_lookup}, small table. */
		public static final int FIB_TABLE_LOOKUP = 16;

		/**
		 * Extra cost of a full-BGP-table FIB lookup, on top of {@link #FIB_TABLE_LOOKUP}.
		 */
		public static final int FIB_TABLE_LOOKUP_FULL = 17;

		/**
		 * {@code ip_forward} + {@code ip_output} + {@code ip_finish_output2} +
		 * {@code neigh_output}.
		 */
		public static final int IP_FORWARD = 18;

		/**
		 * Local output: {@code ip_queue_xmit} … {@code ip_output} … {@code neigh_output}.
		 */
		public static final int IP_OUTPUT = 19;

		/** TCP RX of a small segment ({@code tcp_v4_rcv} … {@code sk_data_ready}). */
		public static final int TCP_V4_RCV = 20;

		/** TCP TX of a small message ({@code tcp_sendmsg} … {@code ip_queue_xmit}). */
		public static final int TCP_SENDMSG = 21;

		/** UDP RX ({@code udp_rcv} … socket enqueue). */
		public static final int UDP_RCV = 22;

		/** UDP TX ({@code udp_sendmsg} … {@code ip_make_skb}). */
		public static final int UDP_SENDMSG = 23;

		/** {@code consume_skb}: freeing a delivered skb. */
		public static final int CONSUME_SKB = 24;

		/** {@code kfree_skb_reason}: freeing a dropped skb. */
		public static final int KFREE_SKB_REASON = 25;

		// ---- TX, qdisc, driver ----

		/** {@code __dev_queue_xmit} core: txq pick, {@code validate_xmit_skb}, rcu_bh. */
		public static final int DEV_QUEUE_XMIT = 26;

		/**
		 * noqueue (IFF_NO_QUEUE: veth, netkit, lo): the direct
		 * {@code dev_hard_start_xmit} branch.
		 */
		public static final int QDISC_NOQUEUE = 27;

		/** pfifo_fast enqueue + dequeue + {@code qdisc_run} (lockless), per packet. */
		public static final int QDISC_PFIFO_FAST = 28;

		/** fq_codel enqueue + dequeue, per packet. */
		public static final int QDISC_FQ_CODEL = 29;

		/** fq enqueue + dequeue (EDT), per packet. */
		public static final int QDISC_FQ = 30;

		/** {@code sch_direct_xmit} with HARD_TX_LOCK. */
		public static final int SCH_DIRECT_XMIT = 31;

		/** A physical NIC driver's {@code ndo_start_xmit} (descriptor, DMA map). */
		public static final int NDO_START_XMIT = 32;

		/** TX doorbell (MMIO write), once per {@code xmit_more} batch; pseudo-name. */
		public static final int TX_DOORBELL = 33;

		/**
		 * TX completion per packet (DMA unmap + {@code napi_consume_skb}); pseudo-name.
		 */
		public static final int TX_COMPLETION = 34;

		// ---- veth, netkit, backlog ----

		/**
		 * {@code veth_xmit} including {@code __dev_forward_skb}, scrub,
		 * {@code eth_type_trans}.
		 */
		public static final int VETH_XMIT = 35;

		/** {@code netkit_xmit} excluding the BPF programs and the exit path. */
		public static final int NETKIT_XMIT = 36;

		/**
		 * {@code netif_rx}/{@code __netif_rx} → {@code enqueue_to_backlog} on the local
		 * CPU.
		 */
		public static final int ENQUEUE_TO_BACKLOG = 37;

		/** Enqueue to a remote CPU's backlog (RPS), including sending the IPI. */
		public static final int ENQUEUE_TO_BACKLOG_RPS = 38;

		/** NET_RX raised again and run inline by a restart of {@code __do_softirq}. */
		public static final int DO_SOFTIRQ_RESTART = 39;

		/**
		 * Softirq run at {@code local_bh_enable} in process context (do_softirq +
		 * dispatch).
		 */
		public static final int LOCAL_BH_ENABLE = 40;

		/** {@code process_backlog}, per packet. */
		public static final int PROCESS_BACKLOG = 41;

		/** {@code process_backlog}, per poll. */
		public static final int PROCESS_BACKLOG_POLL = 42;

		// ---- BPF ----

		/** Invocation of a BPF program (a tiny program's whole run). */
		public static final int BPF_PROG_RUN = 43;

		/**
		 * Per executed JITed eBPF instruction. The variable term of this row counts
		 * instructions, not bytes: {@code cost(BPF_INSN, insnCount)}.
		 */
		public static final int BPF_INSN = 44;

		/**
		 * A BPF helper call with a trivial body (bpf_redirect, _peer, _neigh: a per-CPU
		 * store).
		 */
		public static final int BPF_HELPER_CALL = 45;

		/** {@code array_map_lookup_elem} (array / percpu-array), including the call. */
		public static final int ARRAY_MAP_LOOKUP_ELEM = 46;

		/** {@code htab_map_lookup_elem} (hash map), including the call. */
		public static final int HTAB_MAP_LOOKUP_ELEM = 47;

		/** {@code trie_lookup_elem} (LPM trie), including the call. */
		public static final int TRIE_LOOKUP_ELEM = 48;

		/**
		 * {@code skb_do_redirect} dispatch ({@code dev_get_by_index_rcu}) for
		 * egress/ingress redirects.
		 */
		public static final int SKB_DO_REDIRECT = 49;

		/**
		 * {@code skb_get_peer_dev} and checks of a {@code bpf_redirect_peer}, up to
		 * another_round.
		 */
		public static final int SKB_GET_PEER_DEV = 50;

		/** {@code __bpf_redirect_neigh_v4}: route + neighbour output. */
		public static final int BPF_REDIRECT_NEIGH_V4 = 51;

		/** {@code skb_clone} for {@code bpf_clone_redirect}. */
		public static final int SKB_CLONE = 52;

		// ---- sockets and scheduling ----

		/** System call entry + exit (with mitigations). */
		public static final int ENTRY_SYSCALL_64 = 53;

		/**
		 * Wake-up plus context switch on the same CPU (socket wake-up, ksoftirqd
		 * wake-up).
		 */
		public static final int TRY_TO_WAKE_UP = 54;

		/**
		 * Wake-up of a task on another CPU (IPI + remote schedule), excluding idle exit.
		 */
		public static final int TRY_TO_WAKE_UP_REMOTE = 55;

		/** {@code copy_to_user}/{@code copy_from_user}, hot cache, per byte. */
		public static final int COPY_USER = 56;

		/** {@code copy_to_user}/{@code copy_from_user}, cold cache, per byte. */
		public static final int COPY_USER_COLD = 57;

		/** Software checksum ({@code csum_partial}), per byte. */
		public static final int CSUM_PARTIAL = 58;

		// ---- veth NAPI mode, RPS ----

		/**
		 * {@code veth_xdp_rx}: {@code ptr_ring_produce} into the peer's {@code xdp_ring}
		 * (veth NAPI/GRO mode), including {@code __veth_xdp_flush}'s check.
		 */
		public static final int VETH_XDP_RX = 59;

		/**
		 * {@code veth_xdp_rcv}, per skb: {@code __ptr_ring_consume} and the per-skb
		 * bookkeeping of {@code veth_poll} (no XDP program).
		 */
		public static final int VETH_XDP_RCV = 60;

		/**
		 * {@code rps_trigger_softirq} on the remote CPU: the IPI's interrupt entry, the
		 * CSD callback ({@code ____napi_schedule} of the backlog) and {@code irq_exit}.
		 */
		public static final int RPS_TRIGGER_SOFTIRQ = 61;

		/** {@code arp_rcv} + {@code arp_process}: an ARP packet received. */
		public static final int ARP_RCV = 62;

		/**
		 * {@code arp_solicit} → {@code arp_send}: an ARP request built (skb allocated)
		 * and handed to {@code dev_queue_xmit}.
		 */
		public static final int ARP_SOLICIT = 63;

		/**
		 * {@code udp_recvmsg}: the receive system call's fixed part (entry, socket lock,
		 * dequeue, exit); the copy to user space is {@link #COPY_USER}.
		 */
		public static final int UDP_RECVMSG = 64;

		/** {@code icmp_rcv}: an ICMP message received and dispatched by type. */
		public static final int ICMP_RCV = 65;

		/**
		 * {@code icmp_echo} → {@code icmp_reply}: the echo reply built and handed to
		 * {@code ip_output}.
		 */
		public static final int ICMP_REPLY = 66;

		/** The number of rows; ids are {@code 0 .. COUNT - 1}. */
		public static final int COUNT = 67;

		private Id() {
		}

	}

	private static final CostModel DEFAULTS = new CostModel(defaultEntries());

	private final CostEntry[] entries;

	private final long[] fixedNs;

	private final double[] nsPerByte;

	private final Map<String, Integer> idsByName;

	private CostModel(CostEntry[] entries) {
		this.entries = entries;
		this.fixedNs = new long[entries.length];
		this.nsPerByte = new double[entries.length];
		Map<String, Integer> ids = new TreeMap<>();
		for (int i = 0; i < entries.length; i++) {
			CostEntry e = Objects.requireNonNull(entries[i], "no cost entry for id " + i);
			this.fixedNs[i] = e.ns();
			this.nsPerByte[i] = e.nsPerByte();
			if (ids.put(e.function(), i) != null) {
				throw new IllegalStateException("duplicate cost function " + e.function());
			}
		}
		this.idsByName = Collections.unmodifiableMap(ids);
	}

	/**
	 * The default table, {@code reference/costs.md} §3.
	 * @return the shared default model
	 */
	public static CostModel defaults() {
		return DEFAULTS;
	}

	/**
	 * The CPU cost of one call of the function with the given id. This is the hot-path
	 * lookup.
	 * @param id an {@link Id} constant
	 * @param bytes bytes touched (instructions for {@link Id#BPF_INSN}), {@code >= 0}
	 * @return {@code ns + round(nsPerByte × bytes)} in nanoseconds
	 */
	public long cost(int id, int bytes) {
		double perByte = this.nsPerByte[id];
		if (perByte == 0.0) {
			return this.fixedNs[id];
		}
		if (bytes < 0) {
			throw new IllegalArgumentException(
					"bytes for " + this.entries[id].function() + " must be >= 0, was " + bytes);
		}
		return this.fixedNs[id] + Math.round(perByte * bytes);
	}

	/**
	 * The fixed CPU cost of one call of the function with the given id (no bytes
	 * touched).
	 * @param id an {@link Id} constant
	 * @return the fixed cost in nanoseconds
	 */
	public long cost(int id) {
		return this.fixedNs[id];
	}

	/**
	 * The CPU cost of one call of a function by name. Not for the hot path: resolve the
	 * name once with {@link #id(String)}.
	 * @param function the function name
	 * @param bytes bytes touched, {@code >= 0}
	 * @return the cost in nanoseconds
	 * @throws IllegalArgumentException if the function is unknown (the message lists near
	 * matches)
	 */
	public long cost(String function, int bytes) {
		return this.entries[id(function)].cost(bytes);
	}

	/**
	 * Resolves a function name to its id, once, outside the hot path.
	 * @param function the function name
	 * @return its id, an {@link Id} constant
	 * @throws IllegalArgumentException if the function is unknown (the message lists near
	 * matches)
	 */
	public int id(String function) {
		Integer id = this.idsByName.get(Objects.requireNonNull(function, "function"));
		if (id == null) {
			throw new IllegalArgumentException(unknownFunctionMessage(function));
		}
		return id;
	}

	/**
	 * Whether a function name is in the table.
	 * @param function the function name
	 * @return true if {@link #id(String)} would resolve it
	 */
	public boolean contains(String function) {
		return this.idsByName.containsKey(function);
	}

	/**
	 * The row with the given id.
	 * @param id an {@link Id} constant
	 * @return the row
	 */
	public CostEntry entry(int id) {
		return this.entries[id];
	}

	/**
	 * The row of a function.
	 * @param function the function name
	 * @return the row
	 * @throws IllegalArgumentException if the function is unknown
	 */
	public CostEntry entry(String function) {
		return this.entries[id(function)];
	}

	/**
	 * All rows, in id order.
	 * @return an unmodifiable list, {@code get(id)} is the row of {@code id}
	 */
	public List<CostEntry> entries() {
		return List.of(this.entries);
	}

	/**
	 * The number of rows ({@link Id#COUNT}).
	 * @return the size of the table
	 */
	public int size() {
		return this.entries.length;
	}

	/**
	 * A model with some rows replaced, as a topology document's {@code costs:} section
	 * states them. Keys are function names; values are
	 * <ul>
	 * <li>an integral {@link Number}: the fixed cost in ns (the per-byte term is
	 * kept);</li>
	 * <li>a string with one or two terms joined by {@code +}: a fixed term
	 * {@code "120ns"}, {@code "1.5us"} (also {@code µs}, {@code ms}; a bare {@code "120"}
	 * means ns) and/or a variable term {@code "0.25ns/B"} ({@code "0.3ns/insn"} for
	 * {@code bpf_insn}). A term that is absent keeps its current value;
	 * {@code "120ns + 0ns/B"} sets both.</li>
	 * </ul>
	 * Overridden rows get basis {@link Basis#OVERRIDDEN}. Keys are checked in sorted
	 * order, so the first error reported does not depend on the map's iteration order.
	 * @param overrides function name → value; may be empty
	 * @return the new model ({@code this} if {@code overrides} is empty)
	 * @throws IllegalArgumentException naming the function and the value for any unknown
	 * name or malformed or out-of-range value
	 */
	public CostModel withOverrides(Map<String, ?> overrides) {
		Objects.requireNonNull(overrides, "overrides");
		if (overrides.isEmpty()) {
			return this;
		}
		CostEntry[] copy = this.entries.clone();
		for (Map.Entry<String, ?> o : new TreeMap<String, Object>(overrides).entrySet()) {
			int id = id(o.getKey());
			copy[id] = override(copy[id], o.getValue());
		}
		return new CostModel(copy);
	}

	// ---- override parsing ----

	private static final Pattern TERM = Pattern
		.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ns|us|µs|ms)?(?:\\s*/\\s*(B|insn))?");

	private static CostEntry override(CostEntry current, Object value) {
		String fn = current.function();
		if (value == null) {
			throw new IllegalArgumentException("cost override for " + fn + " has no value");
		}
		long ns = current.ns();
		double perByte = current.nsPerByte();
		String shown;
		if (value instanceof Number number) {
			shown = number.toString();
			ns = wholeNanos(fn, number.doubleValue(), shown);
		}
		else if (value instanceof CharSequence text) {
			shown = "\"" + text + "\"";
			String[] terms = text.toString().split("\\+", -1);
			if (terms.length > 2) {
				throw malformed(fn, shown, "at most one fixed and one per-byte term");
			}
			boolean seenFixed = false;
			boolean seenPerByte = false;
			for (String raw : terms) {
				Matcher m = TERM.matcher(raw.strip());
				if (!m.matches()) {
					throw malformed(fn, shown, "cannot parse '" + raw.strip() + "'");
				}
				double number = Double.parseDouble(m.group(1));
				String unit = m.group(2);
				String per = m.group(3);
				if (per != null) {
					if (!"ns".equals(unit)) {
						throw malformed(fn, shown, "a variable term is written in ns/" + per);
					}
					boolean insnRow = "bpf_insn".equals(fn);
					if (insnRow != "insn".equals(per)) {
						throw malformed(fn, shown, insnRow ? "the variable term of bpf_insn is per instruction: ns/insn"
								: "the variable term is per byte: ns/B");
					}
					if (seenPerByte) {
						throw malformed(fn, shown, "two variable terms");
					}
					seenPerByte = true;
					if (number > CostEntry.MAX_NS_PER_BYTE) {
						throw new IllegalArgumentException("cost override for " + fn + ": " + shown + " exceeds "
								+ CostEntry.MAX_NS_PER_BYTE + " ns/" + per);
					}
					perByte = number;
				}
				else {
					if (seenFixed) {
						throw malformed(fn, shown, "two fixed terms");
					}
					seenFixed = true;
					double scale = (unit == null || unit.equals("ns")) ? 1 : unit.equals("ms") ? 1e6 : 1e3;
					ns = wholeNanos(fn, number * scale, shown);
				}
			}
		}
		else {
			throw new IllegalArgumentException("cost override for " + fn + " must be a number of ns or a string like "
					+ "\"120ns\" or \"0.25ns/B\", was a " + value.getClass().getSimpleName());
		}
		String previous = current.ns() + " ns" + (current.nsPerByte() == 0 ? "" : " + " + current.nsPerByte() + " ns/B")
				+ ", " + current.basis().name().toLowerCase(Locale.ROOT);
		return new CostEntry(fn, ns, perByte, Basis.OVERRIDDEN, "override " + shown + " (default " + previous + ")");
	}

	private static long wholeNanos(String fn, double value, String shown) {
		if (!(value >= 0)) {
			throw new IllegalArgumentException("cost override for " + fn + ": " + shown + " must be >= 0 ns");
		}
		if (value > CostEntry.MAX_NS) {
			throw new IllegalArgumentException(
					"cost override for " + fn + ": " + shown + " exceeds " + CostEntry.MAX_NS + " ns (1 s)");
		}
		double rounded = Math.rint(value);
		if (Math.abs(value - rounded) > 1e-9 * Math.max(1, value)) {
			throw new IllegalArgumentException("cost override for " + fn + ": " + shown
					+ " is not a whole number of ns; fixed costs are integral ns");
		}
		return (long) rounded;
	}

	private static IllegalArgumentException malformed(String fn, String shown, String why) {
		return new IllegalArgumentException("cost override for " + fn + ": " + shown + ": " + why
				+ " (expected e.g. 120, \"120ns\", \"1.5us\", \"0.25ns/B\" or \"120ns + 0.25ns/B\")");
	}

	// ---- unknown names ----

	/**
	 * The message for a function name the table does not know, with the nearest known
	 * names (the topology parser reports it at the offending path).
	 */
	public String unknownFunctionMessage(String function) {
		List<String> near = nearMatches(function, this.idsByName.keySet());
		if (near.isEmpty()) {
			return "unknown cost function '" + function + "'; no similar name, known functions: "
					+ String.join(", ", this.idsByName.keySet());
		}
		return "unknown cost function '" + function + "'; did you mean " + String.join(", ", near) + "?";
	}

	static List<String> nearMatches(String wanted, Iterable<String> names) {
		String w = normalise(wanted);
		List<String[]> scored = new ArrayList<>();
		for (String name : names) {
			String n = normalise(name);
			int d = levenshtein(w, n);
			boolean close = d <= Math.max(2, Math.min(w.length(), n.length()) / 4);
			boolean contains = w.length() >= 4 && (n.contains(w) || w.contains(n));
			if (close || contains) {
				scored.add(new String[] { String.format("%04d", close ? d : 1000), name });
			}
		}
		scored.sort(Comparator.<String[], String>comparing(s -> s[0]).thenComparing(s -> s[1]));
		List<String> out = new ArrayList<>();
		for (int i = 0; i < scored.size() && i < 5; i++) {
			out.add(scored.get(i)[1]);
		}
		return out;
	}

	private static String normalise(String s) {
		String t = s.toLowerCase(Locale.ROOT);
		int i = 0;
		while (i < t.length() && t.charAt(i) == '_') {
			i++;
		}
		return t.substring(i);
	}

	private static int levenshtein(String a, String b) {
		int[] prev = new int[b.length() + 1];
		int[] cur = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			prev[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			cur[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
				cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
			}
			int[] t = prev;
			prev = cur;
			cur = t;
		}
		return prev[b.length()];
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof CostModel other && Arrays.equals(this.entries, other.entries);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(this.entries);
	}

	@Override
	public String toString() {
		return "CostModel[" + this.entries.length + " functions" + (this == DEFAULTS ? ", defaults" : "") + "]";
	}

	// ---- the default table: reference/costs.md §3 (3 GHz; "@4 GHz" numbers scaled by
	// 4/3) ----

	private static CostEntry[] defaultEntries() {
		CostEntry[] t = new CostEntry[Id.COUNT];
		// physical NIC RX
		put(t, Id.IRQ_HANDLER, "irq_handler", 500, 0, Basis.ASSUMED,
				"[A] hardirq per interrupt: MSI-X entry, handler, napi_schedule, irq_exit; no clean published number, 0.3-1 us typical");
		put(t, Id.DO_SOFTIRQ, "__do_softirq", 60, 0, Basis.ASSUMED,
				"[D/A] softirq dispatch (__do_softirq + net_rx_action) per invocation: local_bh 7.4 ns (time_bench_sample.c) + loop; net_rx_action 0.3 ns/pkt x 59 at 4 GHz (xdp25 blog post)");
		put(t, Id.NAPI_POLL, "napi_poll", 50, 0, Basis.ASSUMED, "[A] NAPI poll overhead per poll; no published number");
		put(t, Id.DRIVER_RX, "driver_rx", 60, 0, Basis.DERIVED,
				"[D] driver RX per packet (CQE, page recycle, DMA sync): XDP_DROP no-touch 50.5 ns @4 GHz -> 67 (xdp25 blog post); XDP paper 41.6 ns @3.6 GHz -> 50");
		put(t, Id.RX_DATA_MISS, "rx_data_miss", 32, 0, Basis.SOURCED,
				"[S] first touch of packet data, one cache miss: 32 ns (Brouer, 10G wirespeed calculations, 2014; xdp25: 83.3 - 50.5 ns); not frequency-scaled");
		put(t, Id.BUILD_SKB, "build_skb", 32, 0, Basis.DERIVED,
				"[D] build_skb (alloc + zero) 23.8 ns @4 GHz (xdp25 blog post)");
		put(t, Id.NAPI_GRO_RECEIVE, "napi_gro_receive", 7, 0, Basis.DERIVED,
				"[D] napi_gro_receive without merge: dev_gro_receive 1.8 + self 2.2 + skb_gro_reset_offset 0.9 ns @4 GHz (xdp25 blog post)");
		put(t, Id.SKB_GRO_RECEIVE, "skb_gro_receive", 40, 0, Basis.ASSUMED,
				"[A] GRO, TCP segment merged; no published number");
		put(t, Id.ETH_TYPE_TRANS, "eth_type_trans", 2, 0, Basis.DERIVED,
				"[D] eth_type_trans 1.5 ns @4 GHz (xdp25 blog post)");
		// core RX
		put(t, Id.NETIF_RECEIVE_SKB_CORE, "__netif_receive_skb_core", 15, 0, Basis.DERIVED,
				"[D] per pass, no taps/tc: netif_receive_skb_internal self 4.7 + RCU 3.4 ns @4 GHz (xdp25 blog post)");
		put(t, Id.TCX_INGRESS, "tcx_ingress", 15, 0, Basis.ASSUMED,
				"[D/A] tcx / sch_handle_ingress wrapper, excl. programs: cls_bpf-da vs u32+act_bpf differ by 17 ns (27b29f63058d)");
		put(t, Id.TCX_EGRESS, "tcx_egress", 15, 0, Basis.ASSUMED,
				"[D/A] tcx / sch_handle_egress wrapper, excl. programs: same row as tcx_ingress (costs.md has one tcx row)");
		put(t, Id.IP_RCV, "ip_rcv", 60, 0, Basis.DERIVED,
				"[D] ip_rcv_core + ip_rcv_finish excl. FIB/netfilter: 208 ns raw-table drop @3.6 GHz (XDP paper) minus driver/skb/GRO/core parts");
		put(t, Id.NF_HOOK_SLOW, "nf_hook_slow", 15, 0, Basis.ASSUMED,
				"[A] netfilter hook with a registered but empty chain, per hook; charge 0 when no hooks (static key)");
		put(t, Id.NF_CONNTRACK_NEW, "nf_conntrack_new", 415, 0, Basis.DERIVED,
				"[D] conntrack new entry: (556 - 208) ns @3.6 GHz, drop with vs without conntrack (XDP paper)");
		put(t, Id.NF_CONNTRACK_ESTABLISHED, "nf_conntrack_established", 100, 0, Basis.ASSUMED,
				"[A] conntrack established entry; no published number");
		put(t, Id.FIB_TABLE_LOOKUP, "fib_table_lookup", 30, 0, Basis.ASSUMED, "[A] fib_lookup, small table");
		put(t, Id.FIB_TABLE_LOOKUP_FULL, "fib_table_lookup_full", 185, 0, Basis.DERIVED,
				"[D] extra for a full BGP table (752k routes): -153 ns @3.6 GHz Linux forwarding (bench04_fwd.org) -> 184; XDP path gives -104 -> 125; costs.md: +125..+185");
		put(t, Id.IP_FORWARD, "ip_forward", 120, 0, Basis.DERIVED,
				"[D] ip_forward + ip_output + ip_finish_output2 + neigh_output (hh cached): 575 ns forwarding @3.6 GHz (XDP paper) minus RX (~208) and TX (~220) parts");
		put(t, Id.IP_OUTPUT, "ip_output", 100, 0, Basis.ASSUMED,
				"[A] local IP output ('IP out 100' in costs.md's loopback check and section 4; not a row of its section 3 table)");
		put(t, Id.TCP_V4_RCV, "tcp_v4_rcv", 600, 0, Basis.DERIVED,
				"[D cal.] TCP RX of a small segment (tcp_v4_rcv .. sk_data_ready), fitted so loopback TCP_RR ~ 7.4 us (Chen Yu, LKML 2024-06-25: 7.43 us)");
		put(t, Id.TCP_SENDMSG, "tcp_sendmsg", 800, 0, Basis.DERIVED,
				"[D cal.] TCP TX of a small message (tcp_sendmsg .. ip_queue_xmit), same loopback TCP_RR fit");
		put(t, Id.UDP_RCV, "udp_rcv", 300, 0, Basis.ASSUMED,
				"[A, not in costs.md] half of tcp_v4_rcv (no ACK, no state machine); cilium-cli PR #2168 sample: UDP_RR min 14 vs TCP_RR min 16 us");
		put(t, Id.UDP_SENDMSG, "udp_sendmsg", 400, 0, Basis.ASSUMED,
				"[A, not in costs.md] half of tcp_sendmsg; same reasoning as udp_rcv");
		put(t, Id.CONSUME_SKB, "consume_skb", 25, 0, Basis.DERIVED,
				"[D] kfree_skb / consume_skb: 18.3 ns @4 GHz (skb_release_all 11.5 + kfree_skbmem 5.3; xdp25 blog post)");
		put(t, Id.KFREE_SKB_REASON, "kfree_skb_reason", 25, 0, Basis.DERIVED,
				"[D] kfree_skb / consume_skb: 18.3 ns @4 GHz (xdp25 blog post); same row as consume_skb");
		// TX, qdisc, driver
		put(t, Id.DEV_QUEUE_XMIT, "__dev_queue_xmit", 40, 0, Basis.ASSUMED,
				"[A/D] dev_queue_xmit core (txq pick, validate_xmit_skb, rcu_bh), incl. dev_hard_start_xmit's own overhead");
		put(t, Id.QDISC_NOQUEUE, "qdisc_noqueue", 5, 0, Basis.ASSUMED,
				"[A] IFF_NO_QUEUE devices (veth, netkit, lo): the direct dev_hard_start_xmit branch");
		put(t, Id.QDISC_PFIFO_FAST, "qdisc_pfifo_fast", 80, 0, Basis.DERIVED,
				"[D] pfifo_fast enqueue + dequeue + qdisc_run (lockless): empty-qdisc bypass saved 90 ns (Yunsheng Lin 2021), ICW saved 33 ns (Abeni 2020)");
		put(t, Id.QDISC_FQ_CODEL, "qdisc_fq_codel", 70, 0, Basis.DERIVED,
				"[D] fq_codel enqueue + dequeue: pktgen queue_xmit 43 ns cheaper than pfifo_fast (Abeni, netdev 2020-06-19)");
		put(t, Id.QDISC_FQ, "qdisc_fq", 220, 0, Basis.DERIVED,
				"[D] fq enqueue + dequeue (EDT): pktgen +188 ns vs fq_codel (Abeni, netdev 2020-06-19)");
		put(t, Id.SCH_DIRECT_XMIT, "sch_direct_xmit", 20, 0, Basis.DERIVED,
				"[S/D] sch_direct_xmit / HARD_TX_LOCK: spin_lock+unlock 13.9-16.4 ns (time_bench_sample.c)");
		put(t, Id.NDO_START_XMIT, "ndo_start_xmit", 35, 0, Basis.DERIVED,
				"[D] NIC driver ndo_start_xmit (descriptor, DMA map): mlx5e_xmit 23.4 ns @4 GHz (xdp25 blog post)");
		put(t, Id.TX_DOORBELL, "tx_doorbell", 100, 0, Basis.ASSUMED, "[A] doorbell MMIO write, per xmit_more batch");
		put(t, Id.TX_COMPLETION, "tx_completion", 30, 0, Basis.ASSUMED,
				"[D/A] TX completion per packet (DMA unmap + napi_consume_skb)");
		// veth, netkit, backlog
		put(t, Id.VETH_XMIT, "veth_xmit", 50, 0, Basis.ASSUMED,
				"[A] code inspection: veth_xmit incl. __dev_forward_skb, skb_scrub_packet(xnet), eth_type_trans, stats; add 10-20 per refcounted dst/ct dropped");
		put(t, Id.NETKIT_XMIT, "netkit_xmit", 35, 0, Basis.ASSUMED,
				"[A] code inspection: netkit_xmit excl. BPF and exit path (scrub, pkt_type, mprog loop)");
		put(t, Id.ENQUEUE_TO_BACKLOG, "enqueue_to_backlog", 40, 0, Basis.DERIVED,
				"[D] netif_rx/__netif_rx -> enqueue_to_backlog, local CPU: local_irq_save/restore 14.8 ns (time_bench_sample.c) + list + napi schedule");
		put(t, Id.ENQUEUE_TO_BACKLOG_RPS, "enqueue_to_backlog_rps", 150, 0, Basis.ASSUMED,
				"[A] enqueue to a remote CPU (RPS) incl. sending the IPI; delivery latency is SchedParams.ipiDeliveryNs");
		put(t, Id.DO_SOFTIRQ_RESTART, "__do_softirq_restart", 60, 0, Basis.ASSUMED,
				"[A] NET_RX re-raise executed inline (restart in __do_softirq)");
		put(t, Id.LOCAL_BH_ENABLE, "local_bh_enable", 80, 0, Basis.ASSUMED,
				"[A] do_softirq at local_bh_enable in process context, incl. the softirq dispatch");
		put(t, Id.PROCESS_BACKLOG, "process_backlog", 25, 0, Basis.DERIVED,
				"[D] process_backlog per packet: local_irq_disable+enable 2.86 ns (time_bench_sample.c) + dequeue + __netif_receive_skb");
		put(t, Id.PROCESS_BACKLOG_POLL, "process_backlog_poll", 50, 0, Basis.ASSUMED, "[A] process_backlog per poll");
		// BPF
		put(t, Id.BPF_PROG_RUN, "bpf_prog_run", 10, 0, Basis.SOURCED,
				"[S] whole run of a fast tc program ~10 ns (test_pkt_access.c; commit 492ecee892c2 'bpf: enable program stats')");
		put(t, Id.BPF_INSN, "bpf_insn", 0, 0.3, Basis.ASSUMED,
				"[A] per executed JITed eBPF instruction (the variable term counts instructions): 1 to a few x86 insns at IPC 1.5-2.0 -> 0.15-0.35 ns at 3 GHz");
		put(t, Id.BPF_HELPER_CALL, "bpf_helper_call", 3, 0, Basis.DERIVED,
				"[D] bpf_redirect / _peer / _neigh helper call (per-CPU store): trivial body + direct call 2.1 ns (time_bench_sample.c)");
		put(t, Id.ARRAY_MAP_LOOKUP_ELEM, "array_map_lookup_elem", 2, 0, Basis.DERIVED,
				"[D] array / percpu-array lookup: percpu_array_map_lookup_elem 1.0 ns @4 GHz (xdp25 blog post)");
		put(t, Id.HTAB_MAP_LOOKUP_ELEM, "htab_map_lookup_elem", 30, 0, Basis.ASSUMED, "[A] hash map lookup");
		put(t, Id.TRIE_LOOKUP_ELEM, "trie_lookup_elem", 60, 0, Basis.ASSUMED,
				"[A] LPM trie lookup; xdp-project bench02_lpm-trie-lookup.org has data (not read)");
		put(t, Id.SKB_DO_REDIRECT, "skb_do_redirect", 15, 0, Basis.ASSUMED,
				"[A] skb_do_redirect dispatch (dev_get_by_index_rcu) for egress/ingress redirects");
		put(t, Id.SKB_GET_PEER_DEV, "skb_get_peer_dev", 15, 0, Basis.ASSUMED,
				"[A] bpf_redirect_peer: ndo_get_peer_dev, checks, -EAGAIN to another_round (the second __netif_receive_skb_core pass is charged separately)");
		put(t, Id.BPF_REDIRECT_NEIGH_V4, "__bpf_redirect_neigh_v4", 80, 0, Basis.ASSUMED,
				"[A] redirect_neigh route + neigh (ip_route_output_flow + neigh_output)");
		put(t, Id.SKB_CLONE, "skb_clone", 83, 0, Basis.DERIVED,
				"[D] clone for bpf_clone_redirect: 2.0 vs 2.4 Mpps (commit 27b29f63058d, 2015)");
		// sockets and scheduling
		put(t, Id.ENTRY_SYSCALL_64, "entry_SYSCALL_64", 70, 0, Basis.ASSUMED,
				"[A] syscall entry + exit with mitigations");
		put(t, Id.TRY_TO_WAKE_UP, "try_to_wake_up", 1500, 0, Basis.DERIVED,
				"[D cal.] wake-up + context switch on the same CPU, fitted to loopback TCP_RR 7.43 us (Chen Yu, LKML 2024-06-25)");
		put(t, Id.TRY_TO_WAKE_UP_REMOTE, "try_to_wake_up_remote", 2500, 0, Basis.DERIVED,
				"[D] wake-up on another CPU (IPI + remote schedule), excl. idle exit: loopback TCP_RR cross-CPU +4.5 us per transaction (same post)");
		put(t, Id.COPY_USER, "copy_user", 0, 0.10, Basis.ASSUMED, "[A] copy_to_user / copy_from_user, hot cache");
		put(t, Id.COPY_USER_COLD, "copy_user_cold", 0, 0.25, Basis.ASSUMED,
				"[A] copy_to_user / copy_from_user, cold cache");
		put(t, Id.CSUM_PARTIAL, "csum_partial", 0, 0.05, Basis.ASSUMED, "[A] software checksum (csum_partial)");
		// veth NAPI mode, RPS
		put(t, Id.VETH_XDP_RX, "veth_xdp_rx", 20, 0, Basis.DERIVED,
				"[D] ptr_ring_produce under the ring's producer spinlock: spin_lock+unlock 13.9-16.4 ns (time_bench_sample.c) + store and the rx_notify_masked check");
		put(t, Id.VETH_XDP_RCV, "veth_xdp_rcv", 20, 0, Basis.DERIVED,
				"[D] per skb in veth_poll: __ptr_ring_consume under the consumer spinlock 13.9-16.4 ns (time_bench_sample.c) + stats; the NAPI poll itself is charged as napi_poll");
		put(t, Id.RPS_TRIGGER_SOFTIRQ, "rps_trigger_softirq", 300, 0, Basis.ASSUMED,
				"[A] IPI receive on the remote CPU: interrupt entry, CSD callback ____napi_schedule(backlog), irq_exit; no clean absolute source (costs.md: IPI delivery relative only); the delivery latency is SchedParams.ipiDeliveryNs");
		put(t, Id.ARP_RCV, "arp_rcv", 150, 0, Basis.ASSUMED,
				"[A] arp_rcv + arp_process: header checks, local address lookup (ip_route_input), neighbour lookup/update; code inspection, no published number; rare per flow");
		put(t, Id.ARP_SOLICIT, "arp_solicit", 150, 0, Basis.ASSUMED,
				"[A] arp_solicit -> arp_create: skb alloc (build_skb 32 ns, xdp25 blog post) + header fill + source address selection; code inspection; rare per flow");
		put(t, Id.UDP_RECVMSG, "udp_recvmsg", 80, 0, Basis.DERIVED,
				"[D] 'recv syscall/copy 80' of costs.md's loopback check and section 4 (small message: the copy itself is copy_user)");
		put(t, Id.ICMP_RCV, "icmp_rcv", 150, 0, Basis.ASSUMED,
				"[A, not in costs.md] icmp_rcv: checksum of a small message + dispatch by type; half of udp_rcv (no socket lookup)");
		put(t, Id.ICMP_REPLY, "icmp_reply", 400, 0, Basis.ASSUMED,
				"[A, not in costs.md] icmp_echo -> icmp_reply: output route, ip_append_data, ip_push_pending_frames; as udp_sendmsg without the system call");
		return t;
	}

	private static void put(CostEntry[] table, int id, String function, long ns, double nsPerByte, Basis basis,
			String source) {
		if (table[id] != null) {
			throw new IllegalStateException("id " + id + " used twice: " + table[id].function() + ", " + function);
		}
		table[id] = new CostEntry(function, ns, nsPerByte, basis, source);
	}

}

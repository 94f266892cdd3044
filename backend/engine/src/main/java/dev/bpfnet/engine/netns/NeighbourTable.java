package dev.bpfnet.engine.netns;

import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.MacAddress;

/**
 * The neighbour table of a namespace ({@code arp_tbl} and {@code nd_tbl} of
 * net/core/neighbour.c, both families in one table): (device, address) to hardware
 * address and state. Open addressing over primitive arrays; lookups allocate nothing.
 *
 * <p>
 * Entries are static ({@code nud permanent}, from the topology) or {@code NUD_NOARP},
 * created by {@link #resolveForOutput} on devices with {@code IFF_NOARP} (netkit in mode
 * l3, {@code lo}) with the device's own address as {@code arp_constructor} does. As in
 * the kernel, a NOARP entry exists only once something was sent to that neighbour
 * ({@code ip_finish_output2 → ip_neigh_for_gw → __neigh_create}), so
 * {@code bpf_fib_lookup} before any traffic answers {@code NO_NEIGH} even on an L3
 * device. ARP/ND resolution (INCOMPLETE → REACHABLE, {@code arp_queue}) is not modelled
 * here: {@link #createIncomplete} and {@link #update} are driven by the datapath's
 * {@code arp_solicit}/{@code arp_rcv}.
 *
 * <p>
 * Simplification: the key of {@code lo} and point-to-point devices is not collapsed to
 * {@code INADDR_ANY} as {@code __ipv4_neigh_lookup_noref} does.
 */
public final class NeighbourTable {

	/** Returned by the lookups on a miss. */
	public static final int MISS = -1;

	/** Neighbour states ({@code NUD_*}, include/uapi/linux/neighbour.h). */
	public enum State {

		/** {@code NUD_PERMANENT}: static. */
		PERMANENT,
		/** {@code NUD_NOARP}: the device needs no resolution. */
		NOARP,
		/** {@code NUD_REACHABLE}: resolved (ARP, later). */
		REACHABLE,
		/** {@code NUD_INCOMPLETE}: resolution pending (ARP, later). */
		INCOMPLETE,
		/** {@code NUD_FAILED}: resolution failed (ARP, later). */
		FAILED;

		/** {@code NUD_VALID}: whether the hardware address may be used. */
		public boolean valid() {
			return this == PERMANENT || this == NOARP || this == REACHABLE;
		}

	}

	private static final State[] STATES = State.values();

	/** 0 = free slot, else ifindex. */
	private int[] ifindex;

	private byte[] family;

	private long[] hi;

	private long[] lo;

	private long[] mac;

	private byte[] state;

	private int size;

	/** An empty table. */
	public NeighbourTable() {
		allocate(16);
	}

	private void allocate(int capacity) {
		this.ifindex = new int[capacity];
		this.family = new byte[capacity];
		this.hi = new long[capacity];
		this.lo = new long[capacity];
		this.mac = new long[capacity];
		this.state = new byte[capacity];
	}

	/** Number of entries. */
	public int size() {
		return this.size;
	}

	/**
	 * Adds or replaces a permanent entry ({@code ip neigh replace IP lladdr MAC dev DEV
	 * nud permanent}).
	 */
	public void addPermanent(int ifindex, IpAddress ip, MacAddress mac) {
		put(ifindex, ip, mac.value(), State.PERMANENT);
	}

	/**
	 * {@code __neigh_create} for resolution: a {@code NUD_INCOMPLETE} entry without a
	 * hardware address ({@code neigh_resolve_output} on a miss of an ARP device).
	 * @return its slot
	 */
	public int createIncomplete(int ifindex, IpAddress ip) {
		put(ifindex, ip, 0, State.INCOMPLETE);
		return find(ifindex, ip);
	}

	/**
	 * {@code neigh_update} from a received ARP packet: sets the hardware address and
	 * {@code state}; a {@code PERMANENT} or {@code NOARP} entry is left alone (the kernel
	 * changes those only with {@code NEIGH_UPDATE_F_ADMIN}).
	 * @return the slot
	 */
	public int update(int ifindex, IpAddress ip, long macValue, State st) {
		int slot = find(ifindex, ip);
		if (slot != MISS && (stateAt(slot) == State.PERMANENT || stateAt(slot) == State.NOARP)) {
			return slot;
		}
		put(ifindex, ip, macValue, st);
		return find(ifindex, ip);
	}

	/**
	 * The neighbour the output path needs for {@code nextHop} on {@code dev}
	 * ({@code ip_neigh_for_gw}/{@code __neigh_create}): the existing entry, or on a
	 * {@code noArp} device a new {@code NUD_NOARP} entry with the device's own address.
	 * @return the slot, or {@link #MISS} on an ARP device without an entry (resolution
	 * not modelled yet)
	 */
	public int resolveForOutput(NetDeviceInfo dev, IpAddress nextHop) {
		int slot = find(dev.ifindex(), nextHop);
		if (slot != MISS || !dev.noArp()) {
			return slot;
		}
		put(dev.ifindex(), nextHop, dev.mac().value(), State.NOARP);
		return find(dev.ifindex(), nextHop);
	}

	private void put(int ifx, IpAddress ip, long macValue, State st) {
		if (ifx < 1) {
			throw new IllegalArgumentException("ifindex must be >= 1, got " + ifx);
		}
		if ((this.size + 1) * 2 > this.ifindex.length) {
			rehash();
		}
		byte fam = (byte) ip.family().ordinal();
		int slot = slotFor(ifx, fam, ip.hi(), ip.lo());
		if (this.ifindex[slot] == 0) {
			this.size++;
		}
		this.ifindex[slot] = ifx;
		this.family[slot] = fam;
		this.hi[slot] = ip.hi();
		this.lo[slot] = ip.lo();
		this.mac[slot] = macValue;
		this.state[slot] = (byte) st.ordinal();
	}

	private void rehash() {
		int[] oIf = this.ifindex;
		byte[] oFam = this.family;
		long[] oHi = this.hi;
		long[] oLo = this.lo;
		long[] oMac = this.mac;
		byte[] oState = this.state;
		allocate(oIf.length * 2);
		for (int i = 0; i < oIf.length; i++) {
			if (oIf[i] != 0) {
				int slot = slotFor(oIf[i], oFam[i], oHi[i], oLo[i]);
				this.ifindex[slot] = oIf[i];
				this.family[slot] = oFam[i];
				this.hi[slot] = oHi[i];
				this.lo[slot] = oLo[i];
				this.mac[slot] = oMac[i];
				this.state[slot] = oState[i];
			}
		}
	}

	/** The slot holding the key, or the free slot where it would go. */
	private int slotFor(int ifx, byte fam, long h, long l) {
		int mask = this.ifindex.length - 1;
		long x = h * 0x9E3779B97F4A7C15L ^ l * 0xC2B2AE3D27D4EB4FL ^ ((long) ifx << 8 | fam);
		x ^= x >>> 31;
		x *= 0xBF58476D1CE4E5B9L;
		x ^= x >>> 29;
		int slot = (int) x & mask;
		while (this.ifindex[slot] != 0 && !(this.ifindex[slot] == ifx && this.family[slot] == fam && this.hi[slot] == h
				&& this.lo[slot] == l)) {
			slot = (slot + 1) & mask;
		}
		return slot;
	}

	private int find(int ifx, byte fam, long h, long l) {
		if (ifx < 1) {
			return MISS;
		}
		int slot = slotFor(ifx, fam, h, l);
		return this.ifindex[slot] == 0 ? MISS : slot;
	}

	/** The slot of (ifindex, ip) or {@link #MISS} ({@code neigh_lookup}). */
	public int find(int ifindex, IpAddress ip) {
		return find(ifindex, (byte) ip.family().ordinal(), ip.hi(), ip.lo());
	}

	/** {@link #find(int, IpAddress)} for an IPv4 address in host order. */
	public int findV4(int ifindex, int address) {
		return find(ifindex, (byte) IpAddress.Family.IPV4.ordinal(), 0, address & 0xFFFF_FFFFL);
	}

	/** {@link #find(int, IpAddress)} for an IPv6 address as two halves. */
	public int findV6(int ifindex, long hi, long lo) {
		return find(ifindex, (byte) IpAddress.Family.IPV6.ordinal(), hi, lo);
	}

	/** The hardware address in {@code slot} (low 48 bits). */
	public long macAt(int slot) {
		return this.mac[slot];
	}

	/** The state of {@code slot}. */
	public State stateAt(int slot) {
		return STATES[this.state[slot]];
	}

	/** Whether {@code slot} is a hit whose state is {@code NUD_VALID}. */
	public boolean validAt(int slot) {
		return slot != MISS && stateAt(slot).valid();
	}

	@Override
	public String toString() {
		return "NeighbourTable[" + this.size + " entries]";
	}

}

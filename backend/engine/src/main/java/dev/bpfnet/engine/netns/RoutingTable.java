package dev.bpfnet.engine.netns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.bpfnet.engine.topology.IpAddress;

/**
 * One routing table ({@code struct fib_table} for IPv4, {@code struct fib6_table} for
 * IPv6), looked up by longest prefix match as {@code fib_table_lookup} /
 * {@code fib6_table_lookup} do.
 *
 * <p>
 * Structure: one uncompressed binary trie per family over primitive arrays (the kernel
 * uses an LC-trie and a radix tree; the answers are the same). Each trie node that ends a
 * prefix holds a list of routes ordered by metric, then insertion order (the order
 * {@code fib_table_insert} keeps aliases in, simplified: no TOS, no scope). Lookup walks
 * at most 32 or 128 levels and allocates nothing.
 *
 * <p>
 * With an output interface ({@code oif} != 0, {@code flowi4_oif}), routes on other
 * devices are skipped and shorter prefixes are tried, as {@code fib_table_lookup} does
 * unless {@code FLOWI_FLAG_SKIP_NH_OIF}. Single nexthop routes only (no multipath).
 *
 * <p>
 * Not thread-safe: filled at setup, read on the engine thread.
 */
public final class RoutingTable {

	/** {@code RT_TABLE_MAIN}. */
	public static final int MAIN = 254;

	/** {@code RT_TABLE_LOCAL}. */
	public static final int LOCAL = 255;

	private final int id;

	private final Trie v4 = new Trie(32);

	private final Trie v6 = new Trie(128);

	private final List<RouteEntry> inOrder = new ArrayList<>();

	/** An empty table with {@code id} ({@link #MAIN} or {@link #LOCAL}). */
	public RoutingTable(int id) {
		if (id < 1 || id > 255) {
			throw new IllegalArgumentException("table id must be 1..255, got " + id);
		}
		this.id = id;
	}

	/** The table id. */
	public int id() {
		return this.id;
	}

	/** Adds a route ({@code fib_table_insert} / {@code fib6_add}, append semantics). */
	public void add(RouteEntry route) {
		IpAddress net = route.prefix().network();
		Trie trie = route.prefix().family() == IpAddress.Family.IPV4 ? this.v4 : this.v6;
		trie.insert(net.hi(), net.lo(), route.prefix().length(), route);
		this.inOrder.add(route);
	}

	/** Every route, in insertion order. */
	public List<RouteEntry> routes() {
		return List.copyOf(this.inOrder);
	}

	/** Number of routes. */
	public int size() {
		return this.inOrder.size();
	}

	/**
	 * Longest prefix match for {@code destination} on any device.
	 * @return the route, or null when nothing matches (the caller's {@code -ENETUNREACH})
	 */
	public RouteEntry lookup(IpAddress destination) {
		return lookup(destination, 0);
	}

	/**
	 * Longest prefix match for {@code destination} among routes on {@code oif} (0 = any
	 * device). Blackhole, unreachable and prohibit routes match whatever {@code oif} is.
	 * @return the route, or null when nothing matches
	 */
	public RouteEntry lookup(IpAddress destination, int oif) {
		if (destination.family() == IpAddress.Family.IPV4) {
			return this.v4.lookup(0, destination.lo() << 32, oif);
		}
		return this.v6.lookup(destination.hi(), destination.lo(), oif);
	}

	/**
	 * {@link #lookup(IpAddress, int)} for an IPv4 address in host order (10.0.0.1 =
	 * 0x0a000001).
	 */
	public RouteEntry lookupV4(int destination, int oif) {
		return this.v4.lookup(0, (destination & 0xFFFF_FFFFL) << 32, oif);
	}

	/** {@link #lookup(IpAddress, int)} for an IPv6 address as two 64-bit halves. */
	public RouteEntry lookupV6(long hi, long lo, int oif) {
		return this.v6.lookup(hi, lo, oif);
	}

	/**
	 * A binary trie over the leading bits of an address. IPv4 addresses are stored in the
	 * top 32 bits of {@code hi}, so bit {@code i} is always bit {@code i} of the 128-bit
	 * pair (hi, lo).
	 */
	private static final class Trie {

		private final int bits;

		private int[] zero = new int[16];

		private int[] one = new int[16];

		/** Index into {@link #routes} of the first route ending at each node, or -1. */
		private int[] head = new int[16];

		private int nodes = 1;

		private RouteEntry[] routes = new RouteEntry[8];

		/** Next route of the same node in (metric, insertion) order, or -1. */
		private int[] next = new int[8];

		private int routeCount;

		Trie(int bits) {
			this.bits = bits;
			Arrays.fill(this.zero, -1);
			Arrays.fill(this.one, -1);
			Arrays.fill(this.head, -1);
		}

		private static boolean bit(long hi, long lo, int index) {
			return index < 64 ? ((hi >>> (63 - index)) & 1) != 0 : ((lo >>> (127 - index)) & 1) != 0;
		}

		void insert(long hi, long lo, int length, RouteEntry route) {
			if (this.bits == 32) {
				lo = lo << 32;
			}
			int node = 0;
			for (int i = 0; i < length; i++) {
				boolean b = this.bits == 32 ? bit(lo, 0, i) : bit(hi, lo, i);
				int child = b ? this.one[node] : this.zero[node];
				if (child < 0) {
					child = newNode(); // may grow the arrays: index them afterwards
					(b ? this.one : this.zero)[node] = child;
				}
				node = child;
			}
			int index = newRoute(route);
			int prev = -1;
			int cur = this.head[node];
			while (cur >= 0 && this.routes[cur].metric() <= route.metric()) {
				prev = cur;
				cur = this.next[cur];
			}
			this.next[index] = cur;
			if (prev < 0) {
				this.head[node] = index;
			}
			else {
				this.next[prev] = index;
			}
		}

		private int newNode() {
			if (this.nodes == this.zero.length) {
				int size = this.zero.length * 2;
				this.zero = grow(this.zero, size);
				this.one = grow(this.one, size);
				this.head = grow(this.head, size);
			}
			return this.nodes++;
		}

		private static int[] grow(int[] array, int size) {
			int old = array.length;
			int[] out = Arrays.copyOf(array, size);
			Arrays.fill(out, old, size, -1);
			return out;
		}

		private int newRoute(RouteEntry route) {
			if (this.routeCount == this.routes.length) {
				this.routes = Arrays.copyOf(this.routes, this.routeCount * 2);
				this.next = Arrays.copyOf(this.next, this.routeCount * 2);
			}
			this.routes[this.routeCount] = route;
			return this.routeCount++;
		}

		/**
		 * (hi, lo) is the 128-bit key; for IPv4 the address is in the top 32 bits of lo.
		 */
		RouteEntry lookup(long hi, long lo, int oif) {
			if (this.bits == 32) {
				hi = lo;
				lo = 0;
			}
			RouteEntry best = null;
			int node = 0;
			for (int i = 0;; i++) {
				RouteEntry here = first(this.head[node], oif);
				if (here != null) {
					best = here;
				}
				if (i == this.bits) {
					return best;
				}
				node = bit(hi, lo, i) ? this.one[node] : this.zero[node];
				if (node < 0) {
					return best;
				}
			}
		}

		private RouteEntry first(int index, int oif) {
			for (int cur = index; cur >= 0; cur = this.next[cur]) {
				RouteEntry r = this.routes[cur];
				if (oif == 0 || r.ifindex() == oif || r.ifindex() == 0) {
					return r;
				}
			}
			return null;
		}

	}

}

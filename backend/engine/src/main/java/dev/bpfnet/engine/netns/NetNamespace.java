package dev.bpfnet.engine.netns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.IpPrefix;
import dev.bpfnet.engine.topology.MacAddress;

/**
 * A network namespace ({@code struct net}): its devices numbered by ifindex, their
 * addresses, {@code forwarding}, the local and main routing tables, the neighbour table
 * and local delivery.
 *
 * <p>
 * Setup: {@link #addDevice} configures a device and its addresses the way
 * {@code fib_add_ifaddr} / {@code addrconf} do (see there), {@link #addRoute} adds
 * configured routes to the main table, {@link #neighbours()} takes static entries.
 * {@link Netns#fromTopology} does all of it from a topology document. Afterwards the
 * datapath only reads, except for NOARP neighbour entries and sockets.
 *
 * <p>
 * Policy routing is not modelled: the rules are the default ones (local table, then
 * main).
 */
public final class NetNamespace {

	/** IPv4 metric of connected and configured routes ({@code fib_priority} 0). */
	public static final int IPV4_METRIC = 0;

	/** IPv6 metric of address prefix routes ({@code IP6_RT_PRIO_ADDRCONF}). */
	public static final int IPV6_CONNECTED_METRIC = 256;

	/** IPv6 metric of configured routes ({@code IP6_RT_PRIO_USER}). */
	public static final int IPV6_USER_METRIC = 1024;

	private final int id;

	private final String name;

	private final boolean forwarding;

	private final List<NetDeviceInfo> devices = new ArrayList<>();

	private NetDeviceInfo[] byIfindex = new NetDeviceInfo[8];

	private final RoutingTable local = new RoutingTable(RoutingTable.LOCAL);

	private final RoutingTable main = new RoutingTable(RoutingTable.MAIN);

	private final NeighbourTable neighbours = new NeighbourTable();

	private final LocalDelivery delivery = new LocalDelivery(this.local);

	/**
	 * A namespace with {@code lo} (ifindex 1, 127.0.0.1/8 and ::1/128, up) and nothing
	 * else.
	 * @param id node-wide namespace id (document order)
	 * @param name namespace name
	 * @param forwarding {@code net.ipv4.conf.all.forwarding} and
	 * {@code net.ipv6.conf.all.forwarding}
	 * @param loopbackDeviceId node-wide device id for this namespace's {@code lo}
	 */
	public NetNamespace(int id, String name, boolean forwarding, int loopbackDeviceId) {
		if (id < 0) {
			throw new IllegalArgumentException("id must be >= 0, got " + id);
		}
		if (name == null || name.isEmpty()) {
			throw new IllegalArgumentException("name must not be empty, got " + name);
		}
		this.id = id;
		this.name = name;
		this.forwarding = forwarding;
		addDevice(new NetDeviceInfo(loopbackDeviceId, NetDeviceInfo.LOOPBACK_IFINDEX, "lo", NetDeviceInfo.Kind.LOOPBACK,
				new MacAddress(0), NetDeviceInfo.LOOPBACK_MTU,
				List.of(IpPrefix.of("127.0.0.1/8"), IpPrefix.of("::1/128")), true, true, -1, false));
	}

	/** Node-wide namespace id. */
	public int id() {
		return this.id;
	}

	/** Namespace name. */
	public String name() {
		return this.name;
	}

	/** Whether packets not addressed here are routed on ({@code IN_DEV_FORWARD}). */
	public boolean forwarding() {
		return this.forwarding;
	}

	/** Devices in ifindex order ({@code lo} first). */
	public List<NetDeviceInfo> devices() {
		return List.copyOf(this.devices);
	}

	/** Number of devices ({@code lo} included). */
	public int deviceCount() {
		return this.devices.size();
	}

	/** The {@code index}-th device in ifindex order (allocation-free iteration). */
	public NetDeviceInfo deviceAt(int index) {
		return this.devices.get(index);
	}

	/** The device with {@code ifindex}, or null ({@code dev_get_by_index_rcu}). */
	public NetDeviceInfo device(int ifindex) {
		return ifindex > 0 && ifindex < this.byIfindex.length ? this.byIfindex[ifindex] : null;
	}

	/** The device called {@code name} ({@code __dev_get_by_name}). */
	public Optional<NetDeviceInfo> device(String deviceName) {
		return this.devices.stream().filter(d -> d.name().equals(deviceName)).findFirst();
	}

	/** The next free ifindex ({@code dev_new_index}: one above the highest). */
	public int nextIfindex() {
		return this.devices.get(this.devices.size() - 1).ifindex() + 1;
	}

	/** The local table ({@code RT_TABLE_LOCAL}). */
	public RoutingTable localTable() {
		return this.local;
	}

	/** The main table ({@code RT_TABLE_MAIN}). */
	public RoutingTable mainTable() {
		return this.main;
	}

	/** The neighbour table. */
	public NeighbourTable neighbours() {
		return this.neighbours;
	}

	/** Local delivery and sockets. */
	public LocalDelivery delivery() {
		return this.delivery;
	}

	/**
	 * Adds a device and configures its addresses. For each address, as
	 * {@code fib_add_ifaddr} (IPv4) and {@code addrconf_prefix_route} /
	 * {@code ip6_rt_addr_add} (IPv6) do: a {@code RTN_LOCAL} host route in the local
	 * table; a connected prefix route in the main table (IPv4: not for a /32, metric 0;
	 * IPv6: for every length, metric 256); on {@code lo} the IPv4 prefix route is
	 * {@code RTN_LOCAL} in the local table. Not modelled: broadcast routes, link-local
	 * fe80::/64 and multicast routes, secondary addresses, DAD.
	 * @throws IllegalArgumentException if the ifindex or the name is taken
	 */
	public NetDeviceInfo addDevice(NetDeviceInfo dev) {
		if (device(dev.ifindex()) != null) {
			throw new IllegalArgumentException("ifindex " + dev.ifindex() + " already used in namespace " + this.name);
		}
		if (device(dev.name()).isPresent()) {
			throw new IllegalArgumentException("device " + dev.name() + " already exists in namespace " + this.name);
		}
		if (!this.devices.isEmpty() && dev.ifindex() < nextIfindex()) {
			throw new IllegalArgumentException(
					"ifindex must increase: " + dev.ifindex() + " after " + (nextIfindex() - 1) + " in " + this.name);
		}
		while (dev.ifindex() >= this.byIfindex.length) {
			this.byIfindex = Arrays.copyOf(this.byIfindex, this.byIfindex.length * 2);
		}
		this.byIfindex[dev.ifindex()] = dev;
		this.devices.add(dev);
		boolean loopback = dev.kind() == NetDeviceInfo.Kind.LOOPBACK;
		for (IpPrefix a : dev.addresses()) {
			int bits = a.family().bits();
			this.local.add(new RouteEntry(new IpPrefix(a.address(), bits), RouteType.LOCAL, dev.ifindex(), null, 0,
					RouteEntry.Origin.KERNEL));
			IpPrefix net = new IpPrefix(a.network(), a.length());
			if (a.family() == IpAddress.Family.IPV4) {
				if (a.length() < bits) {
					// fib_magic: RTN_UNICAST goes to the main table, RTN_LOCAL (lo) to
					// the local one
					(loopback ? this.local : this.main)
						.add(new RouteEntry(net, loopback ? RouteType.LOCAL : RouteType.UNICAST, dev.ifindex(), null,
								IPV4_METRIC, RouteEntry.Origin.KERNEL));
				}
			}
			else if (!loopback) {
				this.main.add(new RouteEntry(net, RouteType.UNICAST, dev.ifindex(), null, IPV6_CONNECTED_METRIC,
						RouteEntry.Origin.KERNEL));
			}
		}
		return dev;
	}

	/**
	 * Adds a configured unicast route to the main table ({@code ip route add TO [via VIA]
	 * dev DEV}); metric 0 for IPv4, 1024 for IPv6.
	 * @throws IllegalArgumentException if {@code ifindex} is not a device here
	 */
	public RouteEntry addRoute(IpPrefix to, IpAddress via, int ifindex) {
		if (device(ifindex) == null) {
			throw new IllegalArgumentException(
					"route " + to + ": no device with ifindex " + ifindex + " in " + this.name);
		}
		int metric = to.family() == IpAddress.Family.IPV4 ? IPV4_METRIC : IPV6_USER_METRIC;
		RouteEntry r = new RouteEntry(to, RouteType.UNICAST, ifindex, via, metric, RouteEntry.Origin.CONFIGURED);
		this.main.add(r);
		return r;
	}

	@Override
	public String toString() {
		return "netns " + this.name + " (" + this.devices.size() + " devices)";
	}

}

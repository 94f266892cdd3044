package dev.bpfnet.engine.topology;

import java.util.List;

/**
 * A network namespace: the devices declared in it, its routing table and its static
 * neighbours. The peer ends of veth and bpfnet pairs declared in another namespace also
 * live here (see {@link TopologyDocument#devicesIn}).
 *
 * @param name namespace name, unique within its node
 * @param forwarding {@code net.ipv4.conf.all.forwarding} /
 * {@code net.ipv6.conf.all.forwarding}: whether packets not addressed to this namespace
 * are routed on; default false
 * @param devices devices declared here, in document order
 * @param routes routes, looked up by longest prefix ({@code fib_table_lookup}); order is
 * only a tie-break for equal prefixes
 * @param neighbours static neighbour entries ({@code ip neigh add ... nud permanent})
 */
public record Namespace(String name, boolean forwarding, List<Device> devices, List<Route> routes,
		List<Neighbour> neighbours) {

	public Namespace {
		Names.require("name", name);
		devices = List.copyOf(devices);
		routes = List.copyOf(routes);
		neighbours = List.copyOf(neighbours);
	}

}

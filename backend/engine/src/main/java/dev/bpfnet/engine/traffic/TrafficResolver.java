package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.IpEndpoint;
import dev.bpfnet.engine.topology.NamespaceRef;

/**
 * What {@link TrafficPlan} needs from the datapath to turn the document's traffic records
 * into tasks and sockets: CPUs per node, namespace ids, who owns an address, source
 * address selection and socket binding. Implemented by the datapath; tests use a map.
 * Called only while building the plan, never per packet.
 */
public interface TrafficResolver {

	/**
	 * The CPUs of a node.
	 * @param node the node name
	 * @return its CPU set
	 * @throws IllegalArgumentException for an unknown node
	 */
	CpuSet cpus(String node);

	/**
	 * The run-wide id of a namespace (what {@link dev.bpfnet.engine.cpu.Skb#netnsId()}
	 * carries).
	 * @param ns the namespace
	 * @return its id
	 */
	int netnsId(NamespaceRef ns);

	/**
	 * The namespace that has {@code address} configured on one of its devices (where a
	 * socket bound to it lives).
	 * @param address a local address somewhere in the topology
	 * @return its namespace
	 * @throws IllegalArgumentException if no namespace owns it
	 */
	NamespaceRef owner(IpAddress address);

	/**
	 * The source address a socket in {@code from} uses towards {@code dst}: the route's
	 * preferred source or the output device's primary address ({@code inet_select_addr},
	 * {@code ip_route_connect}).
	 * @param from the sending namespace
	 * @param dst the destination
	 * @return the source address, same family as {@code dst}
	 */
	IpAddress sourceAddress(NamespaceRef from, IpAddress dst);

	/**
	 * Binds a socket so that local delivery of matching datagrams reaches
	 * {@code endpoint} ({@code udp_lib_get_port}; lookup is by destination address and
	 * port, {@code __udp4_lib_lookup}).
	 * @param ns the socket's namespace
	 * @param protocol the IP protocol,
	 * {@link dev.bpfnet.engine.packet.PacketSpec#PROTO_UDP}
	 * @param local the local address and port
	 * @param endpoint the socket
	 * @throws IllegalArgumentException if the address and port are taken
	 */
	void bind(NamespaceRef ns, int protocol, IpEndpoint local, Endpoint endpoint);

}

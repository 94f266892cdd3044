package dev.bpfnet.engine.capture;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.bpfnet.engine.packet.PacketSpec;
import dev.bpfnet.engine.topology.Attach;
import dev.bpfnet.engine.topology.BpfnetDevice;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.topology.NicDevice;
import dev.bpfnet.engine.topology.ProgramRef;
import dev.bpfnet.engine.topology.RodataValue;
import dev.bpfnet.engine.topology.Topology;
import dev.bpfnet.engine.topology.TopologyDocument;

/** Topologies and packets for the capture tests. */
final class Fixtures {

	/** The C objects built by backend/bpf, relative to the engine module. */
	static final Path OBJECTS = Path.of("../bpf/src/test/resources/bpf");

	static final long NODE1_MAC = 0x020000000001L;

	static final long REMOTE_MAC = 0x020000000002L;

	/** 10.244.1.10 as the little-endian u32 of its network-order bytes. */
	static final long POD_IP_BE = 0x0A01F40AL;

	private Fixtures() {
	}

	/**
	 * node1 (2 CPUs): host eth0 192.0.2.1 (NIC, fq_codel, irq CPU 1), nk0 → pod1/eth0
	 * 10.244.1.10 (netkit L3); remote (2 CPUs): eth0 192.0.2.2; a 2 µs wire. With
	 * {@code redirectPeer}, pod_egress.o's {@code nic_ingress} on node1's eth0 sends
	 * pod-bound packets to the pod with {@code bpf_redirect_peer} (no forwarding, bytes
	 * unchanged); without it, node1 forwards them (TTL, checksum and MACs change).
	 */
	static TopologyDocument twoNodes(boolean redirectPeer) {
		Topology.Builder b = Topology.builder()
			.name("capture-two-nodes")
			.seed(7)
			.node("node1", n -> n.cpus(2)
				.namespace("host", ns -> ns.forwarding(true)
					.nic("eth0",
							nic -> nic.address("192.0.2.1/24")
								.mac("02:00:00:00:00:01")
								.rate("25Gbit")
								.qdisc(NicDevice.Qdisc.FQ_CODEL)
								.irqCpu(1))
					.bpfnet("nk0", nk -> nk.peerPolicy(BpfnetDevice.Policy.DROP).peer("pod1", "eth0", "10.244.1.10/32"))
					.route("10.244.1.10/32", "nk0")
					.neighbour("192.0.2.2", "02:00:00:00:00:02", "eth0"))
				.namespace("pod1", ns -> ns.route("0.0.0.0/0", "eth0")))
			.node("remote", n -> n.cpus(2)
				.namespace("host",
						ns -> ns.nic("eth0", nic -> nic.address("192.0.2.2/24").mac("02:00:00:00:00:02").rate("25Gbit"))
							.route("10.244.0.0/16", "192.0.2.1", "eth0")
							.neighbour("192.0.2.1", "02:00:00:00:00:01", "eth0")))
			.wire("node1/host/eth0", "remote/host/eth0", "2us");
		if (redirectPeer) {
			b.program(ProgramRef.object("nic-ingress", "pod_egress.o", "tcx/ingress",
					new TreeMap<>(Map.of("pod_ifindex", new RodataValue.Ifindex(DeviceRef.of("node1/host/nk0")),
							"pod_ip", new RodataValue.Number(POD_IP_BE)))))
				.attach("nic-ingress", "node1/host/eth0", Attach.Hook.TCX_INGRESS);
		}
		return b.build();
	}

	/**
	 * Packets from remote to the pod as the wire carries them: UDP with a text payload,
	 * TCP SYN and PSH|ACK, ICMP echo, UDP with a deliberately wrong checksum.
	 */
	static List<PacketSpec> podBound() {
		PacketSpec.Ethernet eth = PacketSpec.Ethernet.of(REMOTE_MAC, NODE1_MAC);
		PacketSpec.Ipv4 ip = PacketSpec.Ipv4.of(v4("192.0.2.2"), v4("10.244.1.10"));
		PacketSpec.Ipv4 ip2 = new PacketSpec.Ipv4(v4("192.0.2.2"), v4("10.244.1.10"), 63, 0x10, 4242, false, false, 0,
				null, null);
		return List.of(
				new PacketSpec(eth, null, ip, PacketSpec.Udp.of(40000, 7000), PacketSpec.Payload.text("hello pod")),
				new PacketSpec(eth, null, ip2, new PacketSpec.Tcp(40001, 80, 1000, 0, PacketSpec.Tcp.SYN, 64240, null),
						PacketSpec.Payload.EMPTY),
				new PacketSpec(eth, null, ip,
						new PacketSpec.Tcp(40001, 80, 1001, 5000, PacketSpec.Tcp.PSH | PacketSpec.Tcp.ACK, 502, null),
						PacketSpec.Payload.fill(200)),
				new PacketSpec(eth, null, ip, new PacketSpec.IcmpEcho(false, 7, 1, null), PacketSpec.Payload.fill(56)),
				new PacketSpec(eth, null, ip, new PacketSpec.Udp(40002, 7001, 0x1234),
						PacketSpec.Payload.hex("de ad be ef")));
	}

	static java.net.Inet4Address v4(String s) {
		try {
			return (java.net.Inet4Address) InetAddress.getByName(s);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

package dev.bpfnet.engine.netns;

import java.net.URISyntaxException;
import java.nio.file.Path;

import dev.bpfnet.bpf.helpers.FibLookupParams;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetnsTopologyTest {

	static TopologyDocument doc(String name) {
		try {
			return TopologyParser.parse(Path.of(NetnsTopologyTest.class.getResource("/topology/" + name).toURI()));
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void bpfnetExampleNumbersDevicesInDocumentOrder() {
		Netns node1 = Netns.fromTopology(doc("pod-egress-bpfnet.yaml"), "node1");
		assertThat(node1.namespaces()).extracting(NetNamespace::name).containsExactly("host", "pod1");
		NetNamespace host = node1.namespace("host").orElseThrow();
		NetNamespace pod = node1.namespace("pod1").orElseThrow();
		assertThat(host.devices()).extracting(NetDeviceInfo::name).containsExactly("lo", "eth0", "nk0");
		assertThat(host.devices()).extracting(NetDeviceInfo::ifindex).containsExactly(1, 2, 3);
		assertThat(host.devices()).extracting(NetDeviceInfo::deviceId).containsExactly(0, 1, 2);
		assertThat(pod.devices()).extracting(NetDeviceInfo::name).containsExactly("lo", "eth0");
		assertThat(pod.devices()).extracting(NetDeviceInfo::ifindex).containsExactly(1, 2);
		assertThat(pod.devices()).extracting(NetDeviceInfo::deviceId).containsExactly(3, 4);
		assertThat(node1.deviceCount()).isEqualTo(5);

		NetDeviceInfo nk0 = host.device(3);
		NetDeviceInfo podEth0 = pod.device(2);
		assertThat(nk0.kind()).isEqualTo(NetDeviceInfo.Kind.BPFNET);
		assertThat(nk0.noArp()).isTrue();
		assertThat(nk0.bpfnetPrimary()).isTrue();
		assertThat(nk0.mac().value()).isZero();
		assertThat(nk0.peerId()).isEqualTo(podEth0.deviceId());
		assertThat(podEth0.peerId()).isEqualTo(nk0.deviceId());
		assertThat(podEth0.bpfnetPrimary()).isFalse();
		assertThat(podEth0.noArp()).isTrue();
		assertThat(node1.namespaceOf(4)).isSameAs(pod);
		assertThat(node1.device(DeviceRef.of("node1/host/eth0")).orElseThrow().ifindex()).isEqualTo(2);
		assertThat(node1.device(DeviceRef.of("remote/host/eth0"))).isEmpty();

		NetDeviceInfo eth0 = host.device(2);
		assertThat(eth0.kind()).isEqualTo(NetDeviceInfo.Kind.NIC);
		assertThat((eth0.mac().value() >>> 40) & 0x03).as("locally administered unicast").isEqualTo(0x02);
		assertThat(host.forwarding()).isTrue();
		assertThat(pod.forwarding()).isFalse();

		RouteResult r = new RouteResult();
		Forwarding.routeInput(host, 2, IpAddress.of("10.244.1.10"), r);
		assertThat(r.decision).isEqualTo(RouteResult.Decision.FORWARD);
		assertThat(r.ifindex).isEqualTo(3);
		Forwarding.routeOutput(pod, IpAddress.of("192.0.2.2"), 0, r);
		assertThat(r.decision).isEqualTo(RouteResult.Decision.OUTPUT);
		assertThat(r.ifindex).isEqualTo(2);
		assertThat(r.nextHop).isEqualTo(IpAddress.of("192.0.2.2"));
		assertThat(r.source).isEqualTo(IpAddress.of("10.244.1.10"));
		assertThat(pod.delivery().isLocal(IpAddress.of("10.244.1.10"))).isTrue();

		// the document declares no neighbour for the gateway: NO_NEIGH, but the route is
		// there
		FibLookupParams p = new FibLookupParams().family(FibLookupParams.AF_INET)
			.ifindex(3)
			.ipv4Dst((int) IpAddress.of("192.0.2.2").lo());
		assertThat(new EngineFib(host).fibLookup(p, 0)).isEqualTo(FibLookupParams.RET_NO_NEIGH);
		assertThat(p.ifindex()).isEqualTo(2);
		FibLookupParams q = new FibLookupParams().family(FibLookupParams.AF_INET)
			.ifindex(3)
			.ipv4Dst((int) IpAddress.of("203.0.113.1").lo());
		assertThat(new EngineFib(host).fibLookup(q, FibLookupParams.LOOKUP_SKIP_NEIGH))
			.isEqualTo(FibLookupParams.RET_SUCCESS);
		assertThat(q.ipv4Dst()).isEqualTo((int) IpAddress.of("192.0.2.254").lo());
	}

	@Test
	void vethExampleHasL2PeersWithDistinctDeterministicMacs() {
		TopologyDocument d = doc("pod-egress-veth.yaml");
		Netns node1 = Netns.fromTopology(d, "node1");
		NetNamespace host = node1.namespace("host").orElseThrow();
		NetNamespace pod = node1.namespace("pod1").orElseThrow();
		NetDeviceInfo lxc0 = host.device("lxc0").orElseThrow();
		NetDeviceInfo podEth0 = pod.device("eth0").orElseThrow();
		assertThat(lxc0.kind()).isEqualTo(NetDeviceInfo.Kind.VETH);
		assertThat(lxc0.noArp()).isFalse();
		assertThat(lxc0.peerId()).isEqualTo(podEth0.deviceId());
		assertThat(lxc0.mac()).isNotEqualTo(podEth0.mac());
		assertThat(lxc0.mac().value()).isNotZero();
		assertThat(podEth0.addresses()).hasSize(1);
		// same document, same MACs
		Netns again = Netns.fromTopology(d, "node1");
		assertThat(again.namespace("host").orElseThrow().devices()).isEqualTo(host.devices());
		// pod egress: default route on eth0, next hop = the destination (no gateway)
		RouteResult r = new RouteResult();
		Forwarding.routeOutput(pod, IpAddress.of("192.0.2.3"), 0, r);
		assertThat(r.ifindex).isEqualTo(podEth0.ifindex());
		// an L2 device does not invent a neighbour (192.0.2.2 has a static one, lxc0's
		// MAC, since lxc0 does no proxy ARP)
		assertThat(pod.neighbours().resolveForOutput(podEth0, r.nextHop)).isEqualTo(NeighbourTable.MISS);

		Netns remote = Netns.fromTopology(d, "remote");
		assertThat(remote.namespaces()).hasSize(1);
		assertThat(remote.device(1).name()).isEqualTo("eth0");
		assertThat(remote.namespace("host").orElseThrow().forwarding()).isFalse();
		assertThat(remote.device(1).mac()).isNotEqualTo(host.device("eth0").orElseThrow().mac());
	}

	@Test
	void unknownNodeIsRejected() {
		assertThatThrownBy(() -> Netns.fromTopology(doc("pod-egress-veth.yaml"), "nope"))
			.hasMessageContaining("no node called nope");
	}

}

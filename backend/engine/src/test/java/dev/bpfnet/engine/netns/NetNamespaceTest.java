package dev.bpfnet.engine.netns;

import java.util.List;

import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.IpPrefix;
import dev.bpfnet.engine.topology.MacAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetNamespaceTest {

	@Test
	void loopbackIsIfindexOneWithLocalRoutes() {
		NetNamespace ns = new NetNamespace(0, "empty", false, 7);
		NetDeviceInfo lo = ns.device(1);
		assertThat(lo.name()).isEqualTo("lo");
		assertThat(lo.deviceId()).isEqualTo(7);
		assertThat(lo.mtu()).isEqualTo(65536);
		assertThat(ns.delivery().isLocal(IpAddress.of("127.0.0.1"))).isTrue();
		assertThat(ns.delivery().isLocal(IpAddress.of("127.1.2.3"))).isTrue();
		assertThat(ns.delivery().isLocal(IpAddress.of("::1"))).isTrue();
		assertThat(ns.delivery().isLocal(IpAddress.of("10.0.0.1"))).isFalse();
		assertThat(ns.mainTable().size()).isZero();
		assertThat(ns.nextIfindex()).isEqualTo(2);
	}

	@Test
	void addressesAddLocalAndConnectedRoutesAsTheKernelDoes() {
		NetNamespace ns = Fixtures.host(true);
		RoutingTable main = ns.mainTable();
		RouteEntry connected = main.lookup(IpAddress.of("192.0.2.77"));
		assertThat(connected.prefix()).isEqualTo(IpPrefix.of("192.0.2.0/24"));
		assertThat(connected.gateway()).isNull();
		assertThat(connected.ifindex()).isEqualTo(Fixtures.ETH0);
		assertThat(connected.origin()).isEqualTo(RouteEntry.Origin.KERNEL);
		assertThat(connected.metric()).isZero();
		RouteEntry v6 = main.lookup(IpAddress.of("2001:db8::99"));
		assertThat(v6.prefix()).isEqualTo(IpPrefix.of("2001:db8::/64"));
		assertThat(v6.metric()).isEqualTo(256);
		assertThat(main.lookup(IpAddress.of("8.8.8.8")).gateway()).isEqualTo(IpAddress.of("192.0.2.254"));
		assertThat(main.lookup(IpAddress.of("2001:db9::1")).metric()).isEqualTo(1024);
		RouteEntry local = ns.localTable().lookup(IpAddress.of("192.0.2.1"));
		assertThat(local.type()).isEqualTo(RouteType.LOCAL);
		assertThat(local.prefix()).isEqualTo(IpPrefix.of("192.0.2.1/32"));
		assertThat(ns.localTable().lookup(IpAddress.of("192.0.2.2"))).isNull();
	}

	@Test
	void aSlash32AddressGetsNoPrefixRouteButIpv6Slash128Does() {
		NetNamespace ns = new NetNamespace(0, "pod", false, 0);
		ns.addDevice(new NetDeviceInfo(1, 2, "eth0", NetDeviceInfo.Kind.VETH, MacAddress.of("02:00:00:00:00:02"), 1500,
				List.of(IpPrefix.of("10.244.1.10/32"), IpPrefix.of("fd00::10/128")), true, false, 5, false));
		assertThat(ns.mainTable().lookup(IpAddress.of("10.244.1.10"))).isNull();
		assertThat(ns.mainTable().lookup(IpAddress.of("fd00::10")).prefix()).isEqualTo(IpPrefix.of("fd00::10/128"));
		assertThat(ns.delivery().isLocal(IpAddress.of("10.244.1.10"))).isTrue();
		assertThat(ns.delivery().isLocal(IpAddress.of("fd00::10"))).isTrue();
	}

	@Test
	void rejectsDuplicateAndDecreasingIfindexesAndRoutesToMissingDevices() {
		NetNamespace ns = Fixtures.host(false);
		assertThatThrownBy(() -> ns.addDevice(new NetDeviceInfo(9, 2, "x", NetDeviceInfo.Kind.NIC, new MacAddress(1),
				1500, List.of(), true, false, -1, false)))
			.hasMessageContaining("ifindex 2 already used");
		assertThatThrownBy(() -> ns.addDevice(new NetDeviceInfo(9, 4, "eth0", NetDeviceInfo.Kind.NIC, new MacAddress(1),
				1500, List.of(), true, false, -1, false)))
			.hasMessageContaining("eth0 already exists");
		assertThatThrownBy(() -> ns.addRoute(IpPrefix.of("10.0.0.0/8"), null, 42))
			.hasMessageContaining("no device with ifindex 42");
		assertThat(ns.device(42)).isNull();
		assertThat(ns.device("nk0").orElseThrow().ifindex()).isEqualTo(3);
		assertThat(ns.devices()).extracting(NetDeviceInfo::name).containsExactly("lo", "eth0", "nk0");
	}

	@Test
	void validatesDeviceInfo() {
		assertThatThrownBy(() -> new NetDeviceInfo(0, 0, "x", NetDeviceInfo.Kind.NIC, new MacAddress(1), 1500,
				List.of(), true, false, -1, false))
			.hasMessageContaining("ifindex must be >= 1, got 0");
		assertThatThrownBy(() -> new NetDeviceInfo(0, 2, "x", NetDeviceInfo.Kind.NIC, new MacAddress(1), 20, List.of(),
				true, false, -1, false))
			.hasMessageContaining("mtu must be 68..65536, got 20");
	}

}

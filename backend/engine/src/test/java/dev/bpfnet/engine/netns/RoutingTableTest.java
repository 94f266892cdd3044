package dev.bpfnet.engine.netns;

import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.IpPrefix;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutingTableTest {

	static RouteEntry route(String prefix, int ifindex, String via, int metric) {
		return new RouteEntry(IpPrefix.of(prefix), RouteType.UNICAST, ifindex, via == null ? null : IpAddress.of(via),
				metric, RouteEntry.Origin.CONFIGURED);
	}

	@Test
	void longestPrefixWinsThenMetricThenInsertionOrder() {
		RoutingTable t = new RoutingTable(RoutingTable.MAIN);
		RouteEntry def = route("0.0.0.0/0", 2, "192.0.2.254", 0);
		RouteEntry net = route("10.0.0.0/8", 3, null, 10);
		RouteEntry sameLow = route("10.0.0.0/8", 4, null, 5);
		RouteEntry sameLowLater = route("10.0.0.0/8", 5, null, 5);
		RouteEntry host = route("10.1.2.3/32", 3, null, 100);
		t.add(def);
		t.add(net);
		t.add(sameLow);
		t.add(sameLowLater);
		t.add(host);
		assertThat(t.lookup(IpAddress.of("10.1.2.3"))).isSameAs(host);
		assertThat(t.lookup(IpAddress.of("10.1.2.4"))).isSameAs(sameLow);
		assertThat(t.lookup(IpAddress.of("8.8.8.8"))).isSameAs(def);
		assertThat(t.lookup(IpAddress.of("8.8.8.8")).nextHop(IpAddress.of("8.8.8.8")))
			.isEqualTo(IpAddress.of("192.0.2.254"));
		assertThat(t.lookup(IpAddress.of("10.1.2.4")).nextHop(IpAddress.of("10.1.2.4")))
			.isEqualTo(IpAddress.of("10.1.2.4"));
		assertThat(t.lookup(IpAddress.of("::1"))).isNull();
		assertThat(t.size()).isEqualTo(5);
		assertThat(t.routes()).containsExactly(def, net, sameLow, sameLowLater, host);
	}

	@Test
	void outputInterfaceSkipsRoutesOnOtherDevicesAndFallsBackToShorterPrefixes() {
		RoutingTable t = new RoutingTable(RoutingTable.MAIN);
		RouteEntry def = route("0.0.0.0/0", 2, "192.0.2.254", 0);
		RouteEntry net = route("10.0.0.0/8", 3, null, 0);
		t.add(def);
		t.add(net);
		assertThat(t.lookup(IpAddress.of("10.0.0.1"), 3)).isSameAs(net);
		assertThat(t.lookup(IpAddress.of("10.0.0.1"), 2)).isSameAs(def);
		assertThat(t.lookup(IpAddress.of("10.0.0.1"), 7)).isNull();
	}

	@Test
	void noDefaultMeansNoRoute() {
		RoutingTable t = new RoutingTable(RoutingTable.MAIN);
		t.add(route("2001:db8::/32", 2, null, 1024));
		assertThat(t.lookup(IpAddress.of("2001:db8:1::1"))).isNotNull();
		assertThat(t.lookup(IpAddress.of("2001:db9::1"))).isNull();
		assertThat(t.lookupV4(0x0a000001, 0)).isNull();
	}

	@Test
	void growsPastItsInitialCapacity() {
		RoutingTable t = new RoutingTable(RoutingTable.MAIN);
		for (int i = 0; i < 500; i++) {
			t.add(new RouteEntry(new IpPrefix(IpAddress.ipv4(0x0a000000 | (i << 8)), 24), RouteType.UNICAST, 2, null, 0,
					RouteEntry.Origin.CONFIGURED));
		}
		for (int i = 0; i < 500; i++) {
			assertThat(t.lookupV4(0x0a000000 | (i << 8) | 7, 0).prefix().network())
				.isEqualTo(IpAddress.ipv4(0x0a000000 | (i << 8)));
		}
	}

	@Test
	void validatesEntries() {
		assertThatThrownBy(() -> route("10.0.0.1/8", 2, null, 0)).hasMessageContaining("host bits");
		assertThatThrownBy(() -> route("10.0.0.0/8", 0, null, 0)).hasMessageContaining("ifindex");
		assertThatThrownBy(() -> route("10.0.0.0/8", 2, "::1", 0)).hasMessageContaining("gateway");
		assertThatThrownBy(() -> route("10.0.0.0/8", 2, null, -1)).hasMessageContaining("metric");
		assertThatThrownBy(() -> new RoutingTable(0)).hasMessageContaining("table id");
		new RouteEntry(IpPrefix.of("10.0.0.0/8"), RouteType.BLACKHOLE, 0, null, 0, RouteEntry.Origin.CONFIGURED);
	}

}

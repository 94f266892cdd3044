package dev.bpfnet.engine.netns;

import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.IpPrefix;
import dev.bpfnet.engine.trace.DropReason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForwardingTest {

	final RouteResult out = new RouteResult();

	@Test
	void localAddressIsDeliveredWhicheverDeviceItArrivedOn() {
		NetNamespace ns = Fixtures.host(false);
		Forwarding.routeInput(ns, Fixtures.NK0, IpAddress.of("192.0.2.1"), this.out);
		assertThat(this.out.decision).isEqualTo(RouteResult.Decision.LOCAL);
		assertThat(this.out.route.type()).isEqualTo(RouteType.LOCAL);
		assertThat(this.out.dropReason).isEqualTo(DropReason.NOT_DROPPED_YET);
	}

	@Test
	void forwardsWithGatewayOrDirectNextHopWhenForwardingIsOn() {
		NetNamespace ns = Fixtures.host(true);
		Forwarding.routeInput(ns, Fixtures.NK0, IpAddress.of("192.0.2.2"), this.out);
		assertThat(this.out.decision).isEqualTo(RouteResult.Decision.FORWARD);
		assertThat(this.out.ifindex).isEqualTo(Fixtures.ETH0);
		assertThat(this.out.nextHop).isEqualTo(IpAddress.of("192.0.2.2"));
		Forwarding.routeInput(ns, Fixtures.NK0, IpAddress.of("8.8.8.8"), this.out);
		assertThat(this.out.nextHop).isEqualTo(IpAddress.of("192.0.2.254"));
		Forwarding.routeInput(ns, Fixtures.ETH0, IpAddress.of("10.244.1.10"), this.out);
		assertThat(this.out.ifindex).isEqualTo(Fixtures.NK0);
		assertThat(this.out.nextHop).isEqualTo(IpAddress.of("10.244.1.10"));
		assertThat(Forwarding.forward(ns, this.out, 64, 1500)).isEqualTo(DropReason.NOT_DROPPED_YET);
		assertThat(Forwarding.forward(ns, this.out, 1, 100)).isEqualTo(DropReason.IP_INHDR);
		assertThat(Forwarding.forward(ns, this.out, 64, 9000)).isEqualTo(DropReason.NOT_DROPPED_YET);
		assertThat(Forwarding.forward(ns, this.out, 64, 9001)).isEqualTo(DropReason.PKT_TOO_BIG);
	}

	@Test
	void forwardingOffDropsWithInAddrErrors() {
		NetNamespace ns = Fixtures.host(false);
		Forwarding.routeInput(ns, Fixtures.NK0, IpAddress.of("8.8.8.8"), this.out);
		assertThat(this.out.decision).isEqualTo(RouteResult.Decision.DROP);
		assertThat(this.out.dropReason).isEqualTo(DropReason.IP_INADDRERRORS);
		assertThat(this.out.error).isEqualTo(Forwarding.EHOSTUNREACH);
		assertThatThrownBy(() -> Forwarding.forward(ns, this.out, 64, 100)).hasMessageContaining("FORWARD");
	}

	@Test
	void noRouteDropsWithNoRoute() {
		NetNamespace ns = new NetNamespace(0, "pod", true, 0);
		Forwarding.routeInput(ns, 1, IpAddress.of("8.8.8.8"), this.out);
		assertThat(this.out.decision).isEqualTo(RouteResult.Decision.DROP);
		assertThat(this.out.dropReason).isEqualTo(DropReason.IP_NOROUTE);
		assertThat(this.out.error).isEqualTo(Forwarding.ENETUNREACH);
		Forwarding.routeOutput(ns, IpAddress.of("2001:db8::1"), 0, this.out);
		assertThat(this.out.dropReason).isEqualTo(DropReason.IP_NOROUTE);
		assertThatThrownBy(() -> Forwarding.routeInput(ns, 9, IpAddress.of("8.8.8.8"), this.out))
			.hasMessageContaining("iif");
	}

	@Test
	void blackholeRoutesDrop() {
		NetNamespace ns = Fixtures.host(true);
		ns.mainTable()
			.add(new RouteEntry(IpPrefix.of("198.51.100.0/24"), RouteType.BLACKHOLE, 0, null, 0,
					RouteEntry.Origin.CONFIGURED));
		Forwarding.routeInput(ns, Fixtures.ETH0, IpAddress.of("198.51.100.1"), this.out);
		assertThat(this.out.decision).isEqualTo(RouteResult.Decision.DROP);
		assertThat(this.out.error).isEqualTo(Forwarding.EINVAL);
		assertThat(this.out.dropReason).isEqualTo(DropReason.NOT_SPECIFIED);
	}

	@Test
	void outputPicksDeviceNextHopAndSource() {
		NetNamespace ns = Fixtures.host(false);
		Forwarding.routeOutput(ns, IpAddress.of("8.8.8.8"), 0, this.out);
		assertThat(this.out.decision).isEqualTo(RouteResult.Decision.OUTPUT);
		assertThat(this.out.ifindex).isEqualTo(Fixtures.ETH0);
		assertThat(this.out.nextHop).isEqualTo(IpAddress.of("192.0.2.254"));
		assertThat(this.out.source).isEqualTo(IpAddress.of("192.0.2.1"));
		// nk0 has no address: the source comes from another device (inet_select_addr)
		Forwarding.routeOutput(ns, IpAddress.of("10.244.1.10"), 0, this.out);
		assertThat(this.out.ifindex).isEqualTo(Fixtures.NK0);
		assertThat(this.out.source).isEqualTo(IpAddress.of("192.0.2.1"));
		Forwarding.routeOutput(ns, IpAddress.of("2001:db9::1"), 0, this.out);
		assertThat(this.out.source).isEqualTo(IpAddress.of("2001:db8::1"));
		assertThat(this.out.nextHop).isEqualTo(IpAddress.of("2001:db8::fe"));
		Forwarding.routeOutput(ns, IpAddress.of("192.0.2.1"), 0, this.out);
		assertThat(this.out.decision).isEqualTo(RouteResult.Decision.LOCAL);
		assertThat(this.out.ifindex).isEqualTo(NetDeviceInfo.LOOPBACK_IFINDEX);
		// bound to nk0: the default route on eth0 does not apply
		Forwarding.routeOutput(ns, IpAddress.of("8.8.8.8"), Fixtures.NK0, this.out);
		assertThat(this.out.decision).isEqualTo(RouteResult.Decision.DROP);
	}

}

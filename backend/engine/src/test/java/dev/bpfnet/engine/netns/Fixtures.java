package dev.bpfnet.engine.netns;

import java.util.List;

import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.IpPrefix;
import dev.bpfnet.engine.topology.MacAddress;

/** A host namespace like pod-egress-bpfnet's, built by hand. */
final class Fixtures {

	static final MacAddress ETH0_MAC = MacAddress.of("02:00:00:00:00:01");

	static final MacAddress GW_MAC = MacAddress.of("02:00:00:00:00:fe");

	static final MacAddress GW6_MAC = MacAddress.of("02:00:00:00:06:fe");

	static final int ETH0 = 2;

	static final int NK0 = 3;

	private Fixtures() {
	}

	/**
	 * host: eth0 (2) 192.0.2.1/24 + 2001:db8::1/64 MTU 1500, nk0 (3) netkit l3 MTU 9000;
	 * 10.244.1.10/32 dev nk0, 2001:db8:244::/64 dev nk0, default via 192.0.2.254 and
	 * 2001:db8::fe dev eth0; static neighbours for both gateways.
	 */
	static NetNamespace host(boolean forwarding) {
		NetNamespace ns = new NetNamespace(0, "host", forwarding, 0);
		ns.addDevice(new NetDeviceInfo(1, ETH0, "eth0", NetDeviceInfo.Kind.NIC, ETH0_MAC, 1500,
				List.of(IpPrefix.of("192.0.2.1/24"), IpPrefix.of("2001:db8::1/64")), true, false, -1, false));
		ns.addDevice(new NetDeviceInfo(2, NK0, "nk0", NetDeviceInfo.Kind.BPFNET, new MacAddress(0), 9000, List.of(),
				true, true, 3, true));
		ns.addRoute(IpPrefix.of("10.244.1.10/32"), null, NK0);
		ns.addRoute(IpPrefix.of("2001:db8:244::/64"), null, NK0);
		ns.addRoute(IpPrefix.of("0.0.0.0/0"), IpAddress.of("192.0.2.254"), ETH0);
		ns.addRoute(IpPrefix.of("::/0"), IpAddress.of("2001:db8::fe"), ETH0);
		ns.neighbours().addPermanent(ETH0, IpAddress.of("192.0.2.254"), GW_MAC);
		ns.neighbours().addPermanent(ETH0, IpAddress.of("2001:db8::fe"), GW6_MAC);
		return ns;
	}

}

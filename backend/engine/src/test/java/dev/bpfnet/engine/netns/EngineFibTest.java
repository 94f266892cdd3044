package dev.bpfnet.engine.netns;

import dev.bpfnet.bpf.helpers.FibLookupParams;
import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.IpPrefix;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EngineFibTest {

	static final int GW = 0xC00002FE; // 192.0.2.254

	static FibLookupParams v4(int ifindex, String src, String dst) {
		return new FibLookupParams().family(FibLookupParams.AF_INET)
			.l4Protocol(17)
			.ifindex(ifindex)
			.ipv4Src((int) IpAddress.of(src).lo())
			.ipv4Dst((int) IpAddress.of(dst).lo());
	}

	static byte[] bytes(IpAddress a) {
		byte[] out = new byte[16];
		for (int i = 0; i < 8; i++) {
			out[i] = (byte) (a.hi() >>> (56 - 8 * i));
			out[8 + i] = (byte) (a.lo() >>> (56 - 8 * i));
		}
		return out;
	}

	static byte[] mac(long value) {
		byte[] out = new byte[6];
		for (int i = 0; i < 6; i++) {
			out[i] = (byte) (value >>> (40 - 8 * i));
		}
		return out;
	}

	@Test
	void successThroughAGatewayFillsEverything() {
		EngineFib fib = new EngineFib(Fixtures.host(true));
		FibLookupParams p = v4(Fixtures.NK0, "10.244.1.10", "8.8.8.8").vlanProto(0x8100).vlanTci(5);
		assertThat(fib.fibLookup(p, 0)).isEqualTo(FibLookupParams.RET_SUCCESS);
		assertThat(p.ifindex()).isEqualTo(Fixtures.ETH0);
		assertThat(p.ipv4Dst()).isEqualTo(GW);
		assertThat(p.ipv4Src()).isEqualTo((int) IpAddress.of("10.244.1.10").lo());
		assertThat(p.smac()).isEqualTo(mac(Fixtures.ETH0_MAC.value()));
		assertThat(p.dmac()).isEqualTo(mac(Fixtures.GW_MAC.value()));
		assertThat(p.mtuResult()).isEqualTo(1500);
		assertThat(p.rtMetric()).isZero();
		assertThat(p.vlanProto()).isZero();
		assertThat(p.vlanTci()).isZero();
	}

	@Test
	void ipv6SuccessThroughAGateway() {
		EngineFib fib = new EngineFib(Fixtures.host(true));
		FibLookupParams p = new FibLookupParams().family(FibLookupParams.AF_INET6)
			.ifindex(Fixtures.NK0)
			.ipv6Dst(bytes(IpAddress.of("2001:4860::8888")));
		assertThat(fib.fibLookup(p, 0)).isEqualTo(FibLookupParams.RET_SUCCESS);
		assertThat(p.ipv6Dst()).isEqualTo(bytes(IpAddress.of("2001:db8::fe")));
		assertThat(p.dmac()).isEqualTo(mac(Fixtures.GW6_MAC.value()));
		assertThat(p.rtMetric()).isEqualTo(1024);
		assertThat(p.ifindex()).isEqualTo(Fixtures.ETH0);
	}

	@Test
	void connectedDestinationWithoutNeighbourIsNoNeighUnlessSkipped() {
		EngineFib fib = new EngineFib(Fixtures.host(true));
		FibLookupParams p = v4(Fixtures.NK0, "10.244.1.10", "192.0.2.2");
		assertThat(fib.fibLookup(p, 0)).isEqualTo(FibLookupParams.RET_NO_NEIGH);
		assertThat(p.ifindex()).isEqualTo(Fixtures.ETH0);
		assertThat(p.ipv4Dst()).isEqualTo((int) IpAddress.of("192.0.2.2").lo());
		FibLookupParams q = v4(Fixtures.NK0, "10.244.1.10", "192.0.2.2");
		assertThat(fib.fibLookup(q, FibLookupParams.LOOKUP_SKIP_NEIGH)).isEqualTo(FibLookupParams.RET_SUCCESS);
		assertThat(q.ifindex()).isEqualTo(Fixtures.ETH0);
		assertThat(q.dmac()).containsOnly(0);
		assertThat(q.mtuResult()).isEqualTo(1500);
	}

	@Test
	void l3DeviceNeedsItsNoarpEntryFromAPriorOutput() {
		NetNamespace ns = Fixtures.host(true);
		EngineFib fib = new EngineFib(ns);
		assertThat(fib.fibLookup(v4(Fixtures.ETH0, "192.0.2.2", "10.244.1.10"), 0))
			.isEqualTo(FibLookupParams.RET_NO_NEIGH);
		ns.neighbours().resolveForOutput(ns.device(Fixtures.NK0), IpAddress.of("10.244.1.10"));
		FibLookupParams p = v4(Fixtures.ETH0, "192.0.2.2", "10.244.1.10");
		assertThat(fib.fibLookup(p, 0)).isEqualTo(FibLookupParams.RET_SUCCESS);
		assertThat(p.ifindex()).isEqualTo(Fixtures.NK0);
		assertThat(p.smac()).containsOnly(0);
		assertThat(p.dmac()).containsOnly(0);
		assertThat(p.mtuResult()).isEqualTo(9000);
	}

	@Test
	void forwardingDisabledWinsOverEverything() {
		EngineFib fib = new EngineFib(Fixtures.host(false));
		assertThat(fib.fibLookup(v4(Fixtures.NK0, "10.244.1.10", "8.8.8.8"), 0))
			.isEqualTo(FibLookupParams.RET_FWD_DISABLED);
		assertThat(fib.fibLookup(v4(Fixtures.NK0, "10.244.1.10", "8.8.8.8"), FibLookupParams.LOOKUP_OUTPUT))
			.isEqualTo(FibLookupParams.RET_FWD_DISABLED);
	}

	@Test
	void noRouteAndLocalDestinationsAreNotForwarded() {
		NetNamespace pod = new NetNamespace(0, "pod", true, 0);
		EngineFib fib = new EngineFib(pod);
		assertThat(fib.fibLookup(v4(1, "127.0.0.1", "8.8.8.8"), 0)).isEqualTo(FibLookupParams.RET_NOT_FWDED);
		EngineFib host = new EngineFib(Fixtures.host(true));
		assertThat(host.fibLookup(v4(Fixtures.NK0, "10.244.1.10", "192.0.2.1"), 0))
			.isEqualTo(FibLookupParams.RET_NOT_FWDED);
		// BPF_FIB_LOOKUP_DIRECT skips the local table: the connected route answers
		FibLookupParams direct = v4(Fixtures.NK0, "10.244.1.10", "192.0.2.1");
		assertThat(host.fibLookup(direct, FibLookupParams.LOOKUP_DIRECT | FibLookupParams.LOOKUP_SKIP_NEIGH))
			.isEqualTo(FibLookupParams.RET_SUCCESS);
		assertThat(direct.ifindex()).isEqualTo(Fixtures.ETH0);
	}

	@Test
	void unknownIfindexIsEnodev() {
		EngineFib fib = new EngineFib(Fixtures.host(true));
		assertThat(fib.fibLookup(v4(42, "10.244.1.10", "8.8.8.8"), 0)).isEqualTo(EngineFib.ENODEV);
	}

	@Test
	void routeTypesMapToTheirReturnCodes() {
		NetNamespace ns = Fixtures.host(true);
		ns.mainTable()
			.add(new RouteEntry(IpPrefix.of("198.51.100.0/26"), RouteType.BLACKHOLE, 0, null, 0,
					RouteEntry.Origin.CONFIGURED));
		ns.mainTable()
			.add(new RouteEntry(IpPrefix.of("198.51.100.64/26"), RouteType.UNREACHABLE, 0, null, 0,
					RouteEntry.Origin.CONFIGURED));
		ns.mainTable()
			.add(new RouteEntry(IpPrefix.of("198.51.100.128/26"), RouteType.PROHIBIT, 0, null, 0,
					RouteEntry.Origin.CONFIGURED));
		EngineFib fib = new EngineFib(ns);
		assertThat(fib.fibLookup(v4(2, "192.0.2.1", "198.51.100.1"), 0)).isEqualTo(FibLookupParams.RET_BLACKHOLE);
		assertThat(fib.fibLookup(v4(2, "192.0.2.1", "198.51.100.65"), 0)).isEqualTo(FibLookupParams.RET_UNREACHABLE);
		assertThat(fib.fibLookup(v4(2, "192.0.2.1", "198.51.100.129"), 0)).isEqualTo(FibLookupParams.RET_PROHIBIT);
		assertThat(fib.fibLookup(v4(2, "192.0.2.1", "198.51.100.193"), 0)).isEqualTo(FibLookupParams.RET_SUCCESS);
	}

	@Test
	void totLenAboveTheMtuIsFragNeededWithTheMtu() {
		EngineFib fib = new EngineFib(Fixtures.host(true));
		FibLookupParams p = v4(Fixtures.NK0, "10.244.1.10", "8.8.8.8").totLen(1501);
		assertThat(fib.fibLookup(p, 0)).isEqualTo(FibLookupParams.RET_FRAG_NEEDED);
		assertThat(p.mtuResult()).isEqualTo(1500);
		FibLookupParams fits = v4(Fixtures.NK0, "10.244.1.10", "8.8.8.8").totLen(1500);
		assertThat(fib.fibLookup(fits, 0)).isEqualTo(FibLookupParams.RET_SUCCESS);
		assertThat(fits.mtuResult()).isEqualTo(1500);
		// without tot_len, the skb itself is checked (is_skb_forwardable: MTU + ETH_HLEN
		// + VLAN_HLEN)
		assertThat(fib.fibLookup(v4(Fixtures.NK0, "10.244.1.10", "8.8.8.8"), 0, 1518))
			.isEqualTo(FibLookupParams.RET_SUCCESS);
		assertThat(fib.fibLookup(v4(Fixtures.NK0, "10.244.1.10", "8.8.8.8"), 0, 1519))
			.isEqualTo(FibLookupParams.RET_FRAG_NEEDED);
	}

	@Test
	void outputFlagRestrictsToTheGivenDevice() {
		EngineFib fib = new EngineFib(Fixtures.host(true));
		FibLookupParams p = v4(Fixtures.NK0, "192.0.2.1", "8.8.8.8");
		assertThat(fib.fibLookup(p, FibLookupParams.LOOKUP_OUTPUT)).isEqualTo(FibLookupParams.RET_NOT_FWDED);
		FibLookupParams q = v4(Fixtures.ETH0, "192.0.2.1", "8.8.8.8");
		assertThat(fib.fibLookup(q, FibLookupParams.LOOKUP_OUTPUT)).isEqualTo(FibLookupParams.RET_SUCCESS);
	}

	@Test
	void srcFlagSelectsTheSourceAddress() {
		EngineFib fib = new EngineFib(Fixtures.host(true));
		FibLookupParams p = v4(Fixtures.NK0, "0.0.0.0", "8.8.8.8");
		assertThat(fib.fibLookup(p, FibLookupParams.LOOKUP_SRC)).isEqualTo(FibLookupParams.RET_SUCCESS);
		assertThat(p.ipv4Src()).isEqualTo((int) IpAddress.of("192.0.2.1").lo());
		NetNamespace bare = new NetNamespace(0, "bare", true, 0);
		bare.addDevice(new NetDeviceInfo(1, 2, "eth0", NetDeviceInfo.Kind.NIC, Fixtures.ETH0_MAC, 1500,
				java.util.List.of(), true, false, -1, false));
		bare.addRoute(IpPrefix.of("0.0.0.0/0"), null, 2);
		assertThat(new EngineFib(bare).fibLookup(v4(2, "0.0.0.0", "8.8.8.8"), FibLookupParams.LOOKUP_SRC))
			.isEqualTo(FibLookupParams.RET_NO_SRC_ADDR);
	}

}

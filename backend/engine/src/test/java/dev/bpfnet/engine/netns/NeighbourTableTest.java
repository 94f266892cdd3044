package dev.bpfnet.engine.netns;

import java.util.List;

import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.MacAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NeighbourTableTest {

	static final NetDeviceInfo NIC = new NetDeviceInfo(0, 2, "eth0", NetDeviceInfo.Kind.NIC,
			MacAddress.of("02:00:00:00:00:01"), 1500, List.of(), true, false, -1, false);

	static final NetDeviceInfo L3 = new NetDeviceInfo(1, 3, "nk0", NetDeviceInfo.Kind.BPFNET, new MacAddress(0), 1500,
			List.of(), true, true, -1, true);

	@Test
	void staticEntriesAreKeyedByDeviceAndFamily() {
		NeighbourTable t = new NeighbourTable();
		t.addPermanent(2, IpAddress.of("192.0.2.254"), MacAddress.of("02:00:00:00:00:fe"));
		int slot = t.find(2, IpAddress.of("192.0.2.254"));
		assertThat(slot).isNotEqualTo(NeighbourTable.MISS);
		assertThat(t.macAt(slot)).isEqualTo(MacAddress.of("02:00:00:00:00:fe").value());
		assertThat(t.stateAt(slot)).isEqualTo(NeighbourTable.State.PERMANENT);
		assertThat(t.validAt(slot)).isTrue();
		assertThat(t.findV4(2, 0xC00002FE)).isEqualTo(slot);
		assertThat(t.find(3, IpAddress.of("192.0.2.254"))).isEqualTo(NeighbourTable.MISS);
		// ::192.0.2.254 has the same low bits but is another family
		assertThat(t.find(2, IpAddress.of("::192.0.2.254"))).isEqualTo(NeighbourTable.MISS);
		assertThat(t.validAt(NeighbourTable.MISS)).isFalse();
	}

	@Test
	void replaceKeepsOneEntry() {
		NeighbourTable t = new NeighbourTable();
		t.addPermanent(2, IpAddress.of("10.0.0.1"), MacAddress.of("02:00:00:00:00:01"));
		t.addPermanent(2, IpAddress.of("10.0.0.1"), MacAddress.of("02:00:00:00:00:02"));
		assertThat(t.size()).isEqualTo(1);
		assertThat(t.macAt(t.find(2, IpAddress.of("10.0.0.1")))).isEqualTo(MacAddress.of("02:00:00:00:00:02").value());
	}

	@Test
	void noArpDevicesGetANoarpEntryOnFirstOutputArpDevicesMiss() {
		NeighbourTable t = new NeighbourTable();
		IpAddress pod = IpAddress.of("10.244.1.10");
		assertThat(t.find(3, pod)).isEqualTo(NeighbourTable.MISS);
		int slot = t.resolveForOutput(L3, pod);
		assertThat(t.stateAt(slot)).isEqualTo(NeighbourTable.State.NOARP);
		assertThat(t.macAt(slot)).isZero();
		assertThat(t.find(3, pod)).isEqualTo(slot);
		assertThat(t.resolveForOutput(NIC, IpAddress.of("192.0.2.9"))).isEqualTo(NeighbourTable.MISS);
		assertThat(t.size()).isEqualTo(1);
	}

	@Test
	void growsAndFindsEveryEntry() {
		NeighbourTable t = new NeighbourTable();
		for (int i = 0; i < 1000; i++) {
			t.addPermanent(2 + (i % 3), IpAddress.ipv4(0x0a000000 + i), new MacAddress(i));
			t.addPermanent(2, new IpAddress(IpAddress.Family.IPV6, 0x2001_0db8L << 32, i), new MacAddress(5000 + i));
		}
		assertThat(t.size()).isEqualTo(2000);
		for (int i = 0; i < 1000; i++) {
			assertThat(t.macAt(t.findV4(2 + (i % 3), 0x0a000000 + i))).isEqualTo(i);
			assertThat(t.macAt(t.findV6(2, 0x2001_0db8L << 32, i))).isEqualTo(5000 + i);
			assertThat(t.findV4(2 + ((i + 1) % 3), 0x0a000000 + i)).isEqualTo(NeighbourTable.MISS);
		}
	}

}

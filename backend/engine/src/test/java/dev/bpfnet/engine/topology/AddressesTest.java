package dev.bpfnet.engine.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AddressesTest {

	@Test
	void ipv4() {
		assertThat(IpAddress.of("192.0.2.1").lo()).isEqualTo(0xC0000201L);
		assertThat(IpAddress.parse("192.0.2.256")).isEmpty();
		assertThat(IpAddress.parse("192.0.2")).isEmpty();
		assertThat(IpAddress.parse("01.0.0.1")).isEmpty();
		assertThat(IpAddress.parse("localhost")).isEmpty();
	}

	@Test
	void ipv6CanonicalText() {
		assertThat(IpAddress.of("2001:0db8:0:0:0:0:0:1")).hasToString("2001:db8::1");
		assertThat(IpAddress.of("::")).hasToString("::");
		assertThat(IpAddress.of("::ffff:192.0.2.1")).hasToString("::ffff:c000:201");
		assertThat(IpAddress.of("2001:db8:0:1:0:0:1:1")).hasToString("2001:db8:0:1::1:1");
		assertThat(IpAddress.parse("1::2::3")).isEmpty();
		assertThat(IpAddress.parse("1:2:3:4:5:6:7:8:9")).isEmpty();
		assertThat(IpAddress.parse("fe80::1%eth0")).isEmpty();
	}

	@Test
	void prefixes() {
		IpPrefix p = IpPrefix.of("10.244.1.10/24");
		assertThat(p.isNetwork()).isFalse();
		assertThat(p.network()).hasToString("10.244.1.0");
		assertThat(p.contains(IpAddress.of("10.244.1.200"))).isTrue();
		assertThat(p.contains(IpAddress.of("10.244.2.1"))).isFalse();
		assertThat(IpPrefix.of("2001:db8::/32").contains(IpAddress.of("2001:db8:ffff::1"))).isTrue();
		assertThat(IpPrefix.of("0.0.0.0/0").contains(IpAddress.of("2001:db8::1"))).isFalse();
		assertThat(IpPrefix.of("192.0.2.1").length()).isEqualTo(32);
		assertThat(IpPrefix.parse("192.0.2.0/33")).isEmpty();
	}

	@Test
	void macsAndEndpoints() {
		assertThat(MacAddress.of("02:00:00:00:00:0A")).hasToString("02:00:00:00:00:0a");
		assertThat(MacAddress.parse("02-00-00-00-00-0a")).isEmpty();
		assertThat(IpEndpoint.of("[2001:db8::2]:7000")).hasToString("[2001:db8::2]:7000");
		assertThat(IpEndpoint.parse("192.0.2.2:0")).isEmpty();
		assertThat(IpEndpoint.parse("2001:db8::2:7000")).isEmpty();
	}

}

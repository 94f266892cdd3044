package dev.bpfnet.engine.netns;

import dev.bpfnet.engine.topology.IpAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalDeliveryTest {

	static final IpAddress.Family V4 = IpAddress.Family.IPV4;

	@Test
	void exactBindingBeatsWildcardWhateverTheBindOrder() {
		LocalDelivery d = Fixtures.host(false).delivery();
		IpAddress eth0 = IpAddress.of("192.0.2.1");
		d.bind(LocalDelivery.UDP, V4, null, 7000, 1);
		d.bind(LocalDelivery.UDP, V4, eth0, 7000, 2);
		d.bind(LocalDelivery.TCP, V4, null, 7000, 3);
		assertThat(d.lookup(LocalDelivery.UDP, eth0, 7000)).isEqualTo(2);
		assertThat(d.lookup(LocalDelivery.UDP, IpAddress.of("127.0.0.1"), 7000)).isEqualTo(1);
		assertThat(d.lookup(LocalDelivery.TCP, eth0, 7000)).isEqualTo(3);
		assertThat(d.lookup(LocalDelivery.UDP, eth0, 7001)).isEqualTo(LocalDelivery.NO_SOCKET);
		assertThat(d.lookup(LocalDelivery.UDP, IpAddress.of("2001:db8::1"), 7000)).isEqualTo(LocalDelivery.NO_SOCKET);
		assertThat(d.sockets()).isEqualTo(3);
	}

	@Test
	void rejectsIdenticalBindingsAndBadArguments() {
		LocalDelivery d = Fixtures.host(false).delivery();
		d.bind(LocalDelivery.UDP, V4, null, 53, 1);
		assertThatThrownBy(() -> d.bind(LocalDelivery.UDP, V4, null, 53, 2)).hasMessageContaining("EADDRINUSE");
		assertThatThrownBy(() -> d.bind(LocalDelivery.ICMP, V4, null, 53, 2)).hasMessageContaining("protocol");
		assertThatThrownBy(() -> d.bind(LocalDelivery.UDP, V4, null, 0, 2)).hasMessageContaining("port");
		assertThatThrownBy(() -> d.bind(LocalDelivery.UDP, IpAddress.Family.IPV6, IpAddress.of("10.0.0.1"), 5, 2))
			.hasMessageContaining("family");
	}

	@Test
	void manySocketsGrow() {
		LocalDelivery d = Fixtures.host(false).delivery();
		for (int p = 1; p <= 100; p++) {
			d.bind(LocalDelivery.UDP, V4, null, p, p * 10);
		}
		assertThat(d.lookup(LocalDelivery.UDP, IpAddress.of("192.0.2.1"), 77)).isEqualTo(770);
	}

	@Test
	void echoIsAnsweredForLocalAddressesOnly() {
		LocalDelivery d = Fixtures.host(false).delivery();
		assertThat(d.answersEcho(IpAddress.of("192.0.2.1"))).isTrue();
		assertThat(d.answersEcho(IpAddress.of("2001:db8::1"))).isTrue();
		assertThat(d.answersEcho(IpAddress.of("192.0.2.2"))).isFalse();
		assertThat(d.isLocal(IpAddress.of("10.244.1.10"))).isFalse();
	}

}

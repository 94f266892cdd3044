package dev.bpfnet.engine.packet;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import static dev.bpfnet.engine.packet.Specs.MAC_A;
import static dev.bpfnet.engine.packet.Specs.MAC_B;
import static dev.bpfnet.engine.packet.Specs.v4;
import static dev.bpfnet.engine.packet.Specs.v6;
import static org.assertj.core.api.Assertions.assertThat;

/** Template-patched frames equal frames built by Pcap4J with the same field values. */
class PacketTemplateProperties {

	@Provide
	Arbitrary<PacketSpec.Network> networks() {
		Arbitrary<PacketSpec.Network> ipv4 = Combinators
			.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 0xFFFF),
					Arbitraries.integers().between(0, 255))
			.as((ttl, id, tos) -> new PacketSpec.Ipv4(v4("10.1.2.3"), v4("172.16.0." + (ttl % 250)), ttl, tos, id,
					ttl % 2 == 0, false, 0, null, null));
		Arbitrary<PacketSpec.Network> ipv6 = Arbitraries.integers()
			.between(0, 0xFFFFF)
			.map(fl -> new PacketSpec.Ipv6(v6("fd00::" + Integer.toHexString(fl & 0xFFFF)), v6("fd01::2"), 64, 0, fl,
					null));
		return Arbitraries.oneOf(ipv4, ipv6);
	}

	private static PacketSpec spec(PacketSpec.Network net, PacketSpec.Transport t, int payloadSize, boolean eth) {
		return new PacketSpec(eth ? PacketSpec.Ethernet.of(MAC_A, MAC_B) : null, null, net, t,
				PacketSpec.Payload.fill(payloadSize));
	}

	private static PacketSpec.Network withId(PacketSpec.Network net, int id) {
		return (net instanceof PacketSpec.Ipv4 ip) ? new PacketSpec.Ipv4(ip.src(), ip.dst(), ip.ttl(), ip.tos(), id,
				ip.df(), ip.mf(), ip.fragmentOffset(), ip.protocol(), ip.checksum()) : net;
	}

	private static byte[] counterPayload(int size, int at, int width, long value) {
		byte[] p = PacketSpec.Payload.fill(size).bytes();
		for (int i = width - 1, shift = 0; i >= 0; i--, shift += 8) {
			p[at + i] = (byte) (value >>> shift);
		}
		return p;
	}

	@Property(tries = 400)
	void udpPatchEqualsRebuild(@ForAll("networks") PacketSpec.Network net, @ForAll @IntRange(max = 0xFFFF) int sport,
			@ForAll @IntRange(max = 0xFFFF) int dport, @ForAll @IntRange(max = 0xFFFF) int ipId,
			@ForAll @IntRange(min = 15, max = 64) int size, @ForAll @IntRange(max = 7) int at,
			@ForAll @IntRange(min = 1, max = 8) int width, @ForAll long counter, @ForAll boolean eth) {
		PacketTemplate t = PacketTemplate.of(spec(net, PacketSpec.Udp.of(1000, 2000), size, eth));
		byte[] frame = t.newPacket();
		t.setSrcPort(frame, sport);
		t.setDstPort(frame, dport);
		if (net instanceof PacketSpec.Ipv4) {
			t.setIpv4Id(frame, ipId);
		}
		t.setPayloadCounter(frame, at, width, counter);
		PacketSpec expected = new PacketSpec(eth ? PacketSpec.Ethernet.of(MAC_A, MAC_B) : null, null, withId(net, ipId),
				PacketSpec.Udp.of(sport, dport), PacketSpec.Payload.of(counterPayload(size, at, width, counter)));
		assertThat(frame).isEqualTo(PacketFactory.build(expected));
	}

	@Property(tries = 300)
	void tcpPatchEqualsRebuild(@ForAll("networks") PacketSpec.Network net,
			@ForAll @LongRange(max = 0xFFFF_FFFFL) long seq, @ForAll @LongRange(max = 0xFFFF_FFFFL) long ack,
			@ForAll @IntRange(max = 0xFFFF) int sport, @ForAll @IntRange(min = 0, max = 33) int size,
			@ForAll long counter) {
		PacketSpec.Tcp base = new PacketSpec.Tcp(1000, 80, 1, 2, PacketSpec.Tcp.ACK | PacketSpec.Tcp.PSH, 512, null);
		PacketTemplate t = PacketTemplate.of(spec(net, base, size, true));
		byte[] frame = new byte[t.length() + 5];
		t.copyInto(frame);
		t.setTcpSeq(frame, seq);
		t.setTcpAck(frame, ack);
		t.setSrcPort(frame, sport);
		byte[] payload = PacketSpec.Payload.fill(size).bytes();
		if (size >= 4) {
			t.setPayloadCounter(frame, size - 4, 4, counter);
			payload = counterPayload(size, size - 4, 4, counter);
		}
		PacketSpec expected = new PacketSpec(PacketSpec.Ethernet.of(MAC_A, MAC_B), null, net,
				new PacketSpec.Tcp(sport, 80, seq, ack, base.flags(), 512, null), PacketSpec.Payload.of(payload));
		assertThat(java.util.Arrays.copyOf(frame, t.length())).isEqualTo(PacketFactory.build(expected));
	}

	@Property(tries = 200)
	void icmpPatchEqualsRebuild(@ForAll("networks") PacketSpec.Network net, @ForAll @IntRange(max = 0xFFFF) int id,
			@ForAll @IntRange(max = 0xFFFF) int seq, @ForAll boolean reply) {
		PacketTemplate t = PacketTemplate.of(spec(net, new PacketSpec.IcmpEcho(reply, 0, 0, null), 56, true));
		byte[] frame = t.newPacket();
		t.setIcmpId(frame, id);
		t.setIcmpSeq(frame, seq);
		assertThat(frame)
			.isEqualTo(PacketFactory.build(spec(net, new PacketSpec.IcmpEcho(reply, id, seq, null), 56, true)));
	}

	@Property(tries = 50)
	void explicitChecksumsStayAsGiven(@ForAll @IntRange(max = 0xFFFF) int sport) {
		PacketSpec.Ipv4 ip = new PacketSpec.Ipv4(v4("10.0.0.1"), v4("10.0.0.2"), 64, 0, 0, true, false, 0, null, 7);
		PacketTemplate t = PacketTemplate.of(spec(ip, new PacketSpec.Udp(1, 2, 9), 4, true));
		byte[] frame = t.newPacket();
		t.setSrcPort(frame, sport);
		t.setIpv4Id(frame, 5);
		PacketSpec.Ipv4 ip5 = new PacketSpec.Ipv4(ip.src(), ip.dst(), 64, 0, 5, true, false, 0, null, 7);
		assertThat(frame).isEqualTo(PacketFactory.build(spec(ip5, new PacketSpec.Udp(sport, 2, 9), 4, true)));
	}

	@Property(tries = 1)
	void udpZeroChecksumIsWrittenAsOnes() {
		// search for a source port whose correct checksum computes to 0: both paths must
		// write 0xFFFF (RFC 768), where Pcap4J alone writes 0
		PacketSpec.Ipv4 ip = PacketSpec.Ipv4.of(v4("10.0.0.1"), v4("10.0.0.2"));
		PacketTemplate t = PacketTemplate.of(spec(ip, PacketSpec.Udp.of(0, 7), 0, false));
		int found = 0;
		for (int port = 0; port <= 0xFFFF; port++) {
			byte[] frame = t.newPacket();
			t.setSrcPort(frame, port);
			byte[] built = PacketFactory.build(spec(ip, PacketSpec.Udp.of(port, 7), 0, false));
			assertThat(frame).isEqualTo(built);
			if (Checksums.u16(built, 26) == 0xFFFF) {
				found++;
			}
			assertThat(Checksums.u16(built, 26)).isNotZero();
		}
		assertThat(found).as("ports whose checksum folds to zero").isPositive();
	}

}

package dev.bpfnet.engine.traffic;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.engine.cpu.Skb;
import dev.bpfnet.engine.packet.PacketTemplate;
import dev.bpfnet.engine.topology.IpEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FramesTest {

	@Test
	void swappingAnIpv6FrameGivesTheReverseFrameWithValidChecksum() {
		IpEndpoint a = IpEndpoint.of("[fd00::1]:40000");
		IpEndpoint b = IpEndpoint.of("[fd00::2]:53");
		PacketTemplate ab = TrafficPlan.template(a, b, 30);
		byte[] f = ab.newPacket();
		ab.setPayloadCounter(f, 0, 8, 77);
		assertThat(Frames.swapForReply(f, 0, f.length)).isTrue();
		PacketTemplate ba = TrafficPlan.template(b, a, 30);
		byte[] expected = ba.newPacket();
		ba.setPayloadCounter(expected, 0, 8, 77);
		assertThat(f).isEqualTo(expected);
		Skb skb = new Skb(1, f.length, new SkBuff(f), 0, 0, 0);
		assertThat(Frames.udpPayloadLength(skb)).isEqualTo(30);
		assertThat(Frames.payloadCounter(skb, 0, 8)).isEqualTo(77);
		assertThat(Frames.payloadCounter(skb, 24, 8)).isEqualTo(-1);
	}

	@Test
	void framesThatAreNotUdpAreLeftAlone() {
		byte[] arp = new byte[42];
		arp[12] = 0x08;
		arp[13] = 0x06;
		assertThat(Frames.swapForReply(arp, 0, arp.length)).isFalse();
		Skb skb = new Skb(1, 42, new SkBuff(arp), 0, 0, 0);
		assertThat(Frames.udpPayloadLength(skb)).isEqualTo(42);
		assertThat(Frames.payloadCounter(new Skb(2, 10, null, 0, 0, 0), 0, 8)).isEqualTo(-1);
	}

}

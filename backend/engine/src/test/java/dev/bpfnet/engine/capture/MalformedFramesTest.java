package dev.bpfnet.engine.capture;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.bpfnet.engine.datapath.Datapath;
import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.packet.Checksums;
import dev.bpfnet.engine.packet.PacketFactory;
import dev.bpfnet.engine.packet.PacketSpec;
import dev.bpfnet.engine.trace.DropCounter;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.traffic.FrameSource;
import dev.bpfnet.engine.traffic.ReplayFile;
import dev.bpfnet.engine.traffic.ReplayTiming;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed frames replayed from a capture into a NIC, as a user's captures of a broken
 * sender contain them: the receiving node drops each with the reason the kernel gives
 * ({@code ip_rcv_core}: a short or bad header is {@code IP_INHDR}, a bad checksum
 * {@code IP_CSUM}, a total length past the packet {@code PKT_TOO_SMALL};
 * {@code ip6_rcv_core} alike; {@code __udp4_lib_rcv}: no room for the header is its
 * {@code goto drop} with {@code NOT_SPECIFIED}, a UDP length past the segment
 * {@code PKT_TOO_SMALL}) instead of failing the run by reading past the end of the packet
 * (four of these did, with an {@code ArrayIndexOutOfBoundsException}; the others were
 * delivered).
 */
class MalformedFramesTest {

	/** remote → pod, UDP to port 7000 with a one-byte payload. */
	static byte[] good() {
		return PacketFactory.build(new PacketSpec(PacketSpec.Ethernet.of(Fixtures.REMOTE_MAC, Fixtures.NODE1_MAC), null,
				PacketSpec.Ipv4.of(Fixtures.v4("192.0.2.2"), Fixtures.v4("10.244.1.10")),
				PacketSpec.Udp.of(40000, 7000), PacketSpec.Payload.fill(1)));
	}

	static byte[] cut(byte[] frame, int length) {
		return Arrays.copyOf(frame, length);
	}

	static byte[] with(byte[] frame, int offset, int... bytes) {
		byte[] f = frame.clone();
		for (int i = 0; i < bytes.length; i++) {
			f[offset + i] = (byte) bytes[i];
		}
		return f;
	}

	/** Fixes the IPv4 header checksum after an edit, so only the edit is wrong. */
	static byte[] recheck(byte[] frame) {
		int ihl = Math.min((frame[14] & 0x0f) * 4, frame.length - 14);
		Checksums.put16(frame, 24, 0);
		Checksums.put16(frame, 24, Checksums.checksum(frame, 14, ihl));
		return frame;
	}

	static byte[] ipv6(int payloadLength, int nextHeader, int bodyBytes) {
		ByteBuffer b = ByteBuffer.allocate(14 + 40 + bodyBytes);
		b.put(new byte[] { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 }).putShort((short) 0x86dd);
		b.putInt(0x6000_0000).putShort((short) payloadLength).put((byte) nextHeader).put((byte) 64);
		b.put(new byte[] { 0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 });
		b.put(new byte[] { 0x20, 0x01, 0x0d, (byte) 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 });
		return b.array();
	}

	static List<Object[]> cases() {
		byte[] g = good();
		return List.of(new Object[] { "Ethernet header only", cut(g, 14), DropReason.IP_INHDR },
				new Object[] { "10 bytes of IPv4 header", cut(g, 24), DropReason.IP_INHDR },
				new Object[] { "IHL 15 (60 bytes) in a 29-byte packet", with(g, 14, 0x4f), DropReason.IP_INHDR },
				new Object[] { "IHL 4", recheck(with(g, 14, 0x44)), DropReason.IP_INHDR },
				new Object[] { "IP version 5", recheck(with(g, 14, 0x55)), DropReason.IP_INHDR },
				new Object[] { "wrong IPv4 header checksum", with(g, 24, 0x12, 0x34), DropReason.IP_CSUM },
				new Object[] { "total length 1500 in a 29-byte packet", recheck(with(g, 16, 0x05, 0xdc)),
						DropReason.PKT_TOO_SMALL },
				new Object[] { "UDP without its header", recheck(with(cut(g, 34 + 4), 16, 0, 24)),
						DropReason.NOT_SPECIFIED },
				new Object[] { "UDP length past the packet", with(g, 38, 0x01, 0x00), DropReason.PKT_TOO_SMALL },
				new Object[] { "IPv6 header cut", cut(ipv6(0, 17, 0), 18), DropReason.IP_INHDR },
				new Object[] { "IPv6 payload length past the packet", ipv6(100, 17, 8), DropReason.PKT_TOO_SMALL },
				new Object[] { "IPv6 UDP without a body", ipv6(0, 17, 0), DropReason.NOT_SPECIFIED });
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void aMalformedFrameIsDroppedWithTheKernelsReasonAndTheRunGoesOn(String what, byte[] frame, DropReason reason) {
		DropCounter drops = new DropCounter();
		Engine e = new Engine(NewUserCapturesTest.topology(), Fixtures.OBJECTS, Datapath.Options.of(drops));
		byte[] ok = good();
		ReplayFile file = new ReplayFile(Path.of("malformed.pcap"), 1,
				List.of(new ReplayFile.Frame(0, frame, frame.length, false),
						new ReplayFile.Frame(10_000, ok, ok.length, false)));
		Injection.replay(e, "replay", file, FrameSource.Target.device(NewUserCapturesTest.REMOTE),
				ReplayTiming.original(), 1_000, 0);
		e.run(1_000_000);
		Map<DropReason, Long> byReason = drops.byReason();
		assertThat(byReason).as(what).containsEntry(reason, 1L).hasSize(1);
		// the well-formed frame after it still arrives
		assertThat(e.node("node1").delivered()).as(what).isEqualTo(1);
	}

}

package dev.bpfnet.engine.hook;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.maps.ArrayMap;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.topology.ProgramRef;
import dev.bpfnet.engine.topology.RodataValue;

/** Shared test fixtures: the project's C objects, a fake ifindex table, packets. */
final class Fixtures {

	/** The C test objects built by backend/bpf (relative to the engine module dir). */
	static final Path OBJECTS = Path.of("../bpf/src/test/resources/bpf");

	static final int NIC = 7;

	static final int POD_PRIMARY = 12;

	/** ifindexes of the test topology, by device reference. */
	static final ToIntFunction<String> IFINDEX = ref -> switch (ref) {
		case "n1/host/eth0" -> NIC;
		case "n1/host/nk0" -> POD_PRIMARY;
		default -> throw new IllegalArgumentException("unknown device " + ref);
	};

	private Fixtures() {
	}

	static ProgramLoader loader(ExecMode mode) {
		return new ProgramLoader(ObjectSource.directory(OBJECTS), IFINDEX, 2, mode);
	}

	static HookEnv env() {
		return new HookEnv(0, HookHost.of(() -> 1_000L), 42, CostModel.defaults());
	}

	static ProgramRef obj(String name, String object, String section, Map<String, RodataValue> rodata) {
		return ProgramRef.object(name, object, section, new TreeMap<>(rodata));
	}

	static ProgramRef asm(String name, String text) {
		return ProgramRef.asm(name, text);
	}

	static RodataValue ifindex(String ref) {
		return new RodataValue.Ifindex(DeviceRef.of(ref));
	}

	static RodataValue num(long v) {
		return new RodataValue.Number(v);
	}

	/** Ethernet + IPv4 + UDP/TCP (8 bytes of L4 header + 12 of payload). */
	static byte[] ipv4(int saddr, int daddr, int proto, int sport, int dport) {
		ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20).order(ByteOrder.BIG_ENDIAN);
		b.put(new byte[] { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 });
		b.putShort((short) 0x0800);
		b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putShort((short) 1).putShort((short) 0x4000);
		b.put((byte) 64).put((byte) proto).putShort((short) 0).putInt(saddr).putInt(daddr);
		b.putShort((short) sport).putShort((short) dport).putInt(0).putInt(0).putInt(0).putInt(0);
		return b.array();
	}

	static byte[] arp() {
		byte[] f = new byte[42];
		f[12] = 0x08;
		f[13] = 0x06;
		return f;
	}

	static SkBuff skb(byte[] frame) {
		SkBuff s = new SkBuff(frame);
		s.protocol = Short.reverseBytes((short) (((frame[12] & 0xff) << 8) | (frame[13] & 0xff))) & 0xffff;
		s.ifindex = 3;
		s.ingressIfindex = 3;
		return s;
	}

	static int ip(int a, int b, int c, int d) {
		return a << 24 | b << 16 | c << 8 | d;
	}

	/** The {@code __u64} at {@code index} of an array map (CPU 0). */
	static long u64(BpfMap map, int index) {
		byte[] v = ((ArrayMap) map).value(index);
		return ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
	}

}

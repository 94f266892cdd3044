package dev.bpfnet.bpf.helpers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.ctx.SkBuffLayout;
import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.interp.Vm;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.maps.DevMap;
import dev.bpfnet.bpf.maps.Errno;
import dev.bpfnet.bpf.maps.MapSpec;
import dev.bpfnet.bpf.maps.MapType;
import dev.bpfnet.bpf.maps.Maps;
import dev.bpfnet.bpf.maps.ProgArrayMap;
import dev.bpfnet.bpf.maps.RingBuf;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.prog.ProgramType;
import org.junit.jupiter.api.Test;

import static dev.bpfnet.bpf.helpers.Helpers.*;
import static dev.bpfnet.bpf.isa.HelperIds.*;
import static dev.bpfnet.bpf.helpers.Packets.ip;
import static dev.bpfnet.bpf.helpers.Prog.*;
import static dev.bpfnet.bpf.isa.Opcodes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each helper run from a small program, with the kernel's return codes pinned. */
class HelpersTest {

	final FakeHost host = new FakeHost();

	final Vm vm = new Vm();

	final HelperEnv env = HelperEnv.attach(this.vm, this.host, 42);

	SkBuff skb = new SkBuff(Packets.tcp4(ip(192, 168, 1, 2), ip(10, 1, 2, 3), 40000, 80, new byte[] { 'h', 'i' }));

	long run(Prog p, BpfMap... maps) throws BpfFault {
		return this.env.run(this.vm, p.build(maps), this.skb);
	}

	static BpfMap map(MapType type, int key, int value, int max) {
		return Maps.create(MapSpec.of("m", type, key, value, max), 4);
	}

	static long le64(byte[] b) {
		return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
	}

	static byte[] u32(int v) {
		return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
	}

	/** r1 = ctx, r2..r5 = the given immediates, call, exit with r0 = the result. */
	static Prog callWithCtx(int helper, int r2, int r3, int r4, int r5) {
		return new Prog().movr(R6, R1).mov(R2, r2).mov(R3, r3).mov(R4, r4).mov(R5, r5).call(helper).exit();
	}

	// ------------------------------------------------------------------ maps

	@Test
	void mapUpdateLookupDelete() throws BpfFault {
		BpfMap hash = map(MapType.HASH, 4, 8, 16);
		Prog p = new Prog().st(W, R10, -4, 7) // key = 7
			.st(DW, R10, -16, 42) // value = 42
			.ldMap(R1, 0)
			.fp(R2, -4)
			.fp(R3, -16)
			.mov(R4, 0)
			.call(MAP_UPDATE_ELEM)
			.movr(R6, R0)
			.ldMap(R1, 0)
			.fp(R2, -4)
			.call(MAP_LOOKUP_ELEM)
			.jmp(JMP_JEQ, R0, 0, "miss")
			.ldx(DW, R7, R0, 0) // r7 = *value (42)
			.st(DW, R0, 0, 43) // write through the pointer
			.alur(ALU_ADD, R7, R6) // + update rc (0)
			.movr(R0, R7)
			.exit()
			.label("miss")
			.ret(-1);
		assertThat(run(p, hash)).isEqualTo(42);
		assertThat(le64(hash.lookup(u32(7)))).isEqualTo(43);
		Prog del = new Prog().st(W, R10, -4, 7)
			.ldMap(R1, 0)
			.fp(R2, -4)
			.call(MAP_DELETE_ELEM)
			.movr(R6, R0)
			.ldMap(R1, 0)
			.fp(R2, -4)
			.call(MAP_DELETE_ELEM) // second: -ENOENT
			.alur(ALU_ADD, R0, R6)
			.exit();
		assertThat(run(del, hash)).isEqualTo(-Errno.ENOENT);
		assertThat(hash.size()).isZero();
	}

	@Test
	void mapFlagsGiveKernelErrnos() throws BpfFault {
		BpfMap arr = map(MapType.ARRAY, 4, 8, 2);
		Prog p = new Prog().st(W, R10, -4, 1)
			.st(DW, R10, -16, 5)
			.ldMap(R1, 0)
			.fp(R2, -4)
			.fp(R3, -16)
			.mov(R4, (int) BpfMap.BPF_NOEXIST)
			.call(MAP_UPDATE_ELEM)
			.exit();
		assertThat(run(p, arr)).isEqualTo(-Errno.EEXIST);
		Prog del = new Prog().st(W, R10, -4, 1).ldMap(R1, 0).fp(R2, -4).call(MAP_DELETE_ELEM).exit();
		assertThat(run(del, arr)).isEqualTo(-Errno.EINVAL);
	}

	@Test
	void perCpuLookupUsesTheVmCpu() throws BpfFault {
		BpfMap pc = map(MapType.PERCPU_ARRAY, 4, 8, 1);
		Prog inc = new Prog().st(W, R10, -4, 0)
			.ldMap(R1, 0)
			.fp(R2, -4)
			.call(MAP_LOOKUP_ELEM)
			.jmp(JMP_JEQ, R0, 0, "out")
			.ldx(DW, R1, R0, 0)
			.addi(R1, 1)
			.stx(DW, R0, 0, R1)
			.label("out")
			.ret(0);
		this.vm.setCpu(2);
		run(inc, pc);
		run(inc, pc);
		this.vm.setCpu(1);
		run(inc, pc);
		assertThat(java.util.Arrays.stream(pc.entries().get(0).values()).map(HelpersTest::le64)).containsExactly(0L, 1L,
				2L, 0L);
	}

	@Test
	void rodataIsReadOnlyForPrograms() {
		BpfMap rodata = Maps.create(new MapSpec(".rodata", MapType.ARRAY, 4, 8, 1, 0, u32(5), true), 1);
		Prog write = new Prog().ldMapValue(R1, 0, 0).st(W, R1, 0, 9).ret(0);
		assertThatThrownBy(() -> run(write, rodata)).isInstanceOf(BpfFault.class)
			.hasMessage("pc 2: write into map forbidden, value_size=8 off=0 size=4");
		Prog update = new Prog().st(W, R10, -4, 0)
			.st(DW, R10, -16, 1)
			.ldMap(R1, 0)
			.fp(R2, -4)
			.fp(R3, -16)
			.mov(R4, 0)
			.call(MAP_UPDATE_ELEM)
			.exit();
		assertThatThrownBy(() -> run(update, rodata)).isInstanceOf(BpfFault.class)
			.hasMessage("pc 9: write into map forbidden, map '.rodata' is read-only for programs");
	}

	@Test
	void wrongMapTypeOrPointerFaultsAsTheVerifier() {
		BpfMap rb = Maps.create(MapSpec.of("events", MapType.RINGBUF, 0, 0, 4096), 1);
		Prog p = new Prog().st(W, R10, -4, 0).ldMap(R1, 0).fp(R2, -4).call(MAP_LOOKUP_ELEM).exit();
		assertThatThrownBy(() -> run(p, rb))
			.hasMessage("pc 5: cannot pass map_type 27 into func bpf_map_lookup_elem#1");
		Prog scalar = new Prog().mov(R1, 0).fp(R2, -4).call(MAP_LOOKUP_ELEM).exit();
		assertThatThrownBy(() -> run(scalar)).hasMessage("pc 3: R1 type=scalar expected=map_ptr");
		BpfMap hash = map(MapType.HASH, 8, 8, 4);
		Prog shortKey = new Prog().ldMap(R1, 0).fp(R2, -4).call(MAP_LOOKUP_ELEM).exit();
		assertThatThrownBy(() -> run(shortKey, hash)).hasMessage("pc 4: invalid read from stack off=-4 size=8");
	}

	// ------------------------------------------------------------------ misc

	@Test
	void ktimePrandomAndCpu() throws BpfFault {
		this.host.now = 123_456_789_000L;
		assertThat(run(new Prog().call(KTIME_GET_NS).exit())).isEqualTo(123_456_789_000L);
		this.vm.setCpu(3);
		assertThat(run(new Prog().call(GET_SMP_PROCESSOR_ID).exit())).isEqualTo(3);
		Prog rnd = new Prog().call(GET_PRANDOM_U32).exit();
		long a = run(rnd);
		long b = run(rnd);
		assertThat(a).isBetween(0L, 0xffffffffL).isNotEqualTo(b);
		Vm other = new Vm();
		HelperEnv same = HelperEnv.attach(other, this.host, 42);
		assertThat(same.run(other, rnd.build(), this.skb)).isEqualTo(a);
		assertThat(same.run(other, rnd.build(), this.skb)).isEqualTo(b);
	}

	@Test
	void tracePrintkFormatsAndCaptures() throws BpfFault {
		byte[] fmt = "pkt len=%d mark=%x\n\0".getBytes(StandardCharsets.US_ASCII);
		Prog p = new Prog().movr(R6, R1)
			.putStack(-32, fmt)
			.ldx(W, R4, R6, SkBuffLayout.OFF_MARK)
			.ldx(W, R3, R6, SkBuffLayout.OFF_LEN)
			.fp(R1, -32)
			.mov(R2, fmt.length)
			.call(TRACE_PRINTK)
			.exit();
		this.skb.mark = 0xbeef;
		long rc = run(p);
		String expected = "pkt len=" + this.skb.len() + " mark=beef";
		assertThat(this.env.traceLines()).containsExactly(expected);
		assertThat(this.host.lines).containsExactly(expected);
		assertThat(rc).isEqualTo(expected.length() + 1);
		// not NUL-terminated within fmt_size
		Prog bad = new Prog().putStack(-8, "abc".getBytes(StandardCharsets.US_ASCII))
			.fp(R1, -8)
			.mov(R2, 3)
			.call(TRACE_PRINTK)
			.exit();
		assertThat(run(bad)).isEqualTo(-Errno.EINVAL);
	}

	@Test
	void tailCallIsKnownAndRunsTheTarget() throws BpfFault {
		ProgArrayMap jmp = (ProgArrayMap) map(MapType.PROG_ARRAY, 4, 4, 2);
		LoadedProgram target = new Prog().ret(5).build();
		jmp.set(1, target);
		Prog p = new Prog().ldMap(R2, 0).mov(R3, 1).call(TAIL_CALL).ret(9);
		assertThat(run(p, jmp)).isEqualTo(5);
		Prog miss = new Prog().ldMap(R2, 0).mov(R3, 0).call(TAIL_CALL).ret(9);
		assertThat(run(miss, jmp)).isEqualTo(9);
	}

	// ------------------------------------------------------------------ packet data

	@Test
	void skbLoadBytes() throws BpfFault {
		Prog p = new Prog().mov(R2, 12)
			.fp(R3, -8)
			.mov(R4, 2)
			.call(SKB_LOAD_BYTES)
			.movr(R6, R0)
			.ldx(H, R0, R10, -8)
			.alu(ALU_LSH, R0, 8)
			.alur(ALU_OR, R0, R6)
			.exit();
		// bytes 08 00 read little endian: 0x0008, shifted; rc 0
		assertThat(run(p)).isEqualTo(0x0008 << 8);
		Prog out = new Prog().st(DW, R10, -8, -1)
			.mov(R2, this.skb.len() - 1)
			.fp(R3, -8)
			.mov(R4, 2)
			.call(SKB_LOAD_BYTES)
			.ldx(H, R1, R10, -8)
			.alur(ALU_ADD, R0, R1)
			.exit();
		assertThat(run(out)).as("-EFAULT and the buffer zeroed").isEqualTo(-Errno.EFAULT);
	}

	@Test
	void skbStoreBytesWritesAndInvalidatesPacketPointers() throws BpfFault {
		Prog p = new Prog().st(W, R10, -4, Integer.reverseBytes(ip(10, 9, 9, 9)))
			.mov(R2, Packets.IP_DST)
			.fp(R3, -4)
			.mov(R4, 4)
			.mov(R5, (int) BPF_F_INVALIDATE_HASH)
			.call(SKB_STORE_BYTES)
			.exit();
		this.skb.hash = 77;
		assertThat(run(p)).isZero();
		assertThat(Packets.be32(this.skb.frame(), Packets.IP_DST)).isEqualTo(ip(10, 9, 9, 9));
		assertThat(this.skb.hash).isZero();
		Prog badFlags = new Prog().fp(R3, -4)
			.st(W, R10, -4, 0)
			.mov(R2, 0)
			.mov(R4, 4)
			.mov(R5, 4)
			.call(SKB_STORE_BYTES)
			.exit();
		assertThat(run(badFlags)).isEqualTo(-Errno.EINVAL);
		Prog past = new Prog().st(W, R10, -4, 0)
			.fp(R3, -4)
			.mov(R2, this.skb.len() - 3)
			.mov(R4, 4)
			.mov(R5, 0)
			.call(SKB_STORE_BYTES)
			.exit();
		assertThat(run(past)).isEqualTo(-Errno.EFAULT);
		// a packet pointer taken before the call is stale after it
		Prog stale = new Prog().movr(R6, R1)
			.ldx(W, R7, R6, SkBuffLayout.OFF_DATA)
			.st(W, R10, -4, 0)
			.movr(R1, R6)
			.mov(R2, 0)
			.fp(R3, -4)
			.mov(R4, 1)
			.mov(R5, 0)
			.call(SKB_STORE_BYTES)
			.ldx(B, R0, R7, 0)
			.exit();
		assertThatThrownBy(() -> run(stale)).isInstanceOf(BpfFault.class)
			.hasMessage("pc 10: invalid mem access 'scalar'");
		// ... and a fresh one works
		Prog fresh = new Prog().movr(R6, R1)
			.st(W, R10, -4, 0x5a)
			.mov(R2, 0)
			.fp(R3, -4)
			.mov(R4, 1)
			.mov(R5, 0)
			.call(SKB_STORE_BYTES)
			.ldx(W, R7, R6, SkBuffLayout.OFF_DATA)
			.ldx(W, R8, R6, SkBuffLayout.OFF_DATA_END)
			.movr(R1, R7)
			.addi(R1, 1)
			.jmpr(JMP_JGT, R1, R8, "out")
			.ldx(B, R0, R7, 0)
			.exit()
			.label("out")
			.ret(-1);
		assertThat(run(fresh)).isEqualTo(0x5a);
	}

	/**
	 * A NAT of the destination address and port with the csum helpers, as a real program
	 * does it.
	 */
	@Test
	void natRewriteKeepsChecksumsValid() throws BpfFault {
		int newIp = Integer.reverseBytes(ip(172, 16, 0, 9));
		int newPort = Short.toUnsignedInt(Short.reverseBytes((short) 8080));
		Prog p = new Prog().movr(R6, R1)
			// old address to fp-8, new to fp-4
			.mov(R2, Packets.IP_DST)
			.fp(R3, -8)
			.mov(R4, 4)
			.call(SKB_LOAD_BYTES)
			.st(W, R10, -4, newIp)
			// diff = csum_diff(&old, 4, &new, 4, 0)
			.fp(R1, -8)
			.mov(R2, 4)
			.fp(R3, -4)
			.mov(R4, 4)
			.mov(R5, 0)
			.call(CSUM_DIFF)
			.movr(R7, R0)
			// l4 (pseudo header) and l3 checksums by diff
			.movr(R1, R6)
			.mov(R2, Packets.TCP_CSUM)
			.mov(R3, 0)
			.movr(R4, R7)
			.mov(R5, (int) BPF_F_PSEUDO_HDR)
			.call(L4_CSUM_REPLACE)
			.movr(R1, R6)
			.mov(R2, Packets.IP_CSUM)
			.mov(R3, 0)
			.movr(R4, R7)
			.mov(R5, 0)
			.call(L3_CSUM_REPLACE)
			.movr(R1, R6)
			.mov(R2, Packets.IP_DST)
			.fp(R3, -4)
			.mov(R4, 4)
			.mov(R5, 0)
			.call(SKB_STORE_BYTES)
			// port: 16-bit replace of the old value (loaded) with the new one
			.movr(R1, R6)
			.mov(R2, Packets.L4 + 2)
			.fp(R3, -12)
			.mov(R4, 2)
			.call(SKB_LOAD_BYTES)
			.ldx(H, R3, R10, -12)
			.movr(R1, R6)
			.mov(R2, Packets.TCP_CSUM)
			.mov(R4, newPort)
			.mov(R5, 2)
			.call(L4_CSUM_REPLACE)
			.st(H, R10, -12, newPort)
			.movr(R1, R6)
			.mov(R2, Packets.L4 + 2)
			.fp(R3, -12)
			.mov(R4, 2)
			.mov(R5, 0)
			.call(SKB_STORE_BYTES)
			.exit();
		assertThat(run(p)).isZero();
		byte[] f = this.skb.frame();
		assertThat(Packets.be32(f, Packets.IP_DST)).isEqualTo(ip(172, 16, 0, 9));
		assertThat(Packets.be16(f, Packets.L4 + 2)).isEqualTo(8080);
		assertThat(Packets.ipHeaderValid(f)).isTrue();
		assertThat(Packets.l4Valid(f)).isTrue();
	}

	@Test
	void csumReplaceWithExplicitValuesAndErrors() throws BpfFault {
		int oldSrc = Integer.reverseBytes(ip(192, 168, 1, 2));
		int newSrc = Integer.reverseBytes(ip(100, 64, 0, 1));
		Prog p = new Prog().movr(R6, R1)
			.mov(R2, Packets.IP_CSUM)
			.mov(R3, oldSrc)
			.mov(R4, newSrc)
			.mov(R5, 4)
			.call(L3_CSUM_REPLACE)
			.movr(R1, R6)
			.mov(R2, Packets.TCP_CSUM)
			.mov(R3, oldSrc)
			.mov(R4, newSrc)
			.mov(R5, 4 | (int) BPF_F_PSEUDO_HDR)
			.call(L4_CSUM_REPLACE)
			.st(W, R10, -4, newSrc)
			.movr(R1, R6)
			.mov(R2, Packets.IP_SRC)
			.fp(R3, -4)
			.mov(R4, 4)
			.mov(R5, 0)
			.call(SKB_STORE_BYTES)
			.exit();
		assertThat(run(p)).isZero();
		assertThat(Packets.ipHeaderValid(this.skb.frame())).isTrue();
		assertThat(Packets.l4Valid(this.skb.frame())).isTrue();
		assertThat(run(callWithCtx(L3_CSUM_REPLACE, Packets.IP_CSUM, 0, 0, 3))).isEqualTo(-Errno.EINVAL);
		assertThat(run(callWithCtx(L3_CSUM_REPLACE, Packets.IP_CSUM, 1, 0, 0))).as("from != 0 with size 0")
			.isEqualTo(-Errno.EINVAL);
		assertThat(run(callWithCtx(L3_CSUM_REPLACE, 25, 0, 0, 2))).as("odd offset").isEqualTo(-Errno.EFAULT);
		assertThat(run(callWithCtx(L3_CSUM_REPLACE, this.skb.len() - 1, 0, 0, 2))).isEqualTo(-Errno.EFAULT);
		assertThat(run(callWithCtx(L4_CSUM_REPLACE, Packets.TCP_CSUM, 0, 0, 1 << 8))).isEqualTo(-Errno.EINVAL);
	}

	@Test
	void udpZeroChecksumStaysZeroWithMarkMangled() throws BpfFault {
		this.skb = new SkBuff(Packets.udp4(ip(1, 2, 3, 4), ip(10, 0, 0, 1), 53, 53, new byte[4]));
		this.skb.buf()[this.skb.data() + Packets.UDP_CSUM] = 0;
		this.skb.buf()[this.skb.data() + Packets.UDP_CSUM + 1] = 0;
		long flags = 4 | BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0;
		assertThat(run(callWithCtx(L4_CSUM_REPLACE, Packets.UDP_CSUM, 1, 2, (int) flags))).isZero();
		assertThat(Packets.be16(this.skb.frame(), Packets.UDP_CSUM)).isZero();
	}

	@Test
	void csumDiffThroughTheHelper() throws BpfFault {
		// to = 0xdeadbeefdeadbeef (8 bytes), seed 0: 0x3b3b (kernel selftest vector)
		Prog p = new Prog().lddw(R1, 0xdeadbeefdeadbeefL)
			.stx(DW, R10, -8, R1)
			.mov(R1, 0)
			.mov(R2, 0)
			.fp(R3, -8)
			.mov(R4, 8)
			.mov(R5, 0)
			.call(CSUM_DIFF)
			.exit();
		assertThat(run(p)).isEqualTo(0x3b3b);
	}

	@Test
	void skbChangeType() throws BpfFault {
		assertThat(run(callWithCtx(SKB_CHANGE_TYPE, SkBuff.PACKET_OTHERHOST, 0, 0, 0))).isZero();
		assertThat(this.skb.pktType).isEqualTo(SkBuff.PACKET_OTHERHOST);
		assertThat(run(callWithCtx(SKB_CHANGE_TYPE, SkBuff.PACKET_OUTGOING, 0, 0, 0))).isEqualTo(-Errno.EINVAL);
		this.skb.pktType = SkBuff.PACKET_OUTGOING;
		assertThat(run(callWithCtx(SKB_CHANGE_TYPE, 0, 0, 0, 0))).isEqualTo(-Errno.EINVAL);
	}

	@Test
	void skbPullData() throws BpfFault {
		assertThat(run(callWithCtx(SKB_PULL_DATA, 0, 0, 0, 0))).isZero();
		assertThat(run(callWithCtx(SKB_PULL_DATA, this.skb.len(), 0, 0, 0))).isZero();
		assertThat(run(callWithCtx(SKB_PULL_DATA, this.skb.len() + 1, 0, 0, 0))).isEqualTo(-Errno.ENOMEM);
	}

	@Test
	void skbChangeHeadPushesZeroesAndReallocates() throws BpfFault {
		byte[] before = this.skb.frame();
		this.skb = new SkBuff(before, 4);
		this.skb.setMetaLen(4);
		this.skb.buf()[this.skb.dataMeta()] = 0x11;
		// push 14 bytes, then read the first byte and the old first byte through fresh
		// pointers
		Prog p = new Prog().movr(R6, R1)
			.mov(R2, 14)
			.mov(R3, 0)
			.call(SKB_CHANGE_HEAD)
			.jmp(JMP_JNE, R0, 0, "err")
			.ldx(W, R7, R6, SkBuffLayout.OFF_DATA)
			.ldx(W, R8, R6, SkBuffLayout.OFF_DATA_END)
			.ldx(W, R9, R6, SkBuffLayout.OFF_DATA_META)
			.movr(R1, R7)
			.addi(R1, 15)
			.jmpr(JMP_JGT, R1, R8, "err")
			.ldx(B, R0, R7, 14)
			.ldx(B, R1, R7, 0)
			.alu(ALU_LSH, R1, 8)
			.alur(ALU_OR, R0, R1)
			.ldx(B, R1, R9, 0)
			.alu(ALU_LSH, R1, 16)
			.alur(ALU_OR, R0, R1)
			.exit()
			.label("err")
			.ret(-1);
		assertThat(run(p)).isEqualTo((0x11 << 16) | (before[0] & 0xff));
		assertThat(this.skb.len()).isEqualTo(before.length + 14);
		byte[] after = this.skb.frame();
		assertThat(java.util.Arrays.copyOf(after, 14)).containsOnly(0);
		assertThat(java.util.Arrays.copyOfRange(after, 14, after.length)).isEqualTo(before);
		assertThat(this.skb.metaLen()).isEqualTo(4);
		assertThat(run(callWithCtx(SKB_CHANGE_HEAD, 14, 1, 0, 0))).isEqualTo(-Errno.EINVAL);
		assertThat(run(callWithCtx(SKB_CHANGE_HEAD, BPF_SKB_MAX_LEN, 0, 0, 0))).isEqualTo(-Errno.EINVAL);
	}

	// ------------------------------------------------------------------ redirects

	@Test
	void redirectFlavours() throws BpfFault {
		assertThat(run(new Prog().mov(R1, 2).mov(R2, 0).call(REDIRECT).exit())).isEqualTo(TcAct.REDIRECT);
		assertThat(this.env.redirect().kind()).isEqualTo(RedirectInfo.Kind.REDIRECT);
		assertThat(this.env.redirect().ifindex()).isEqualTo(2);
		assertThat(this.env.redirect().ingress()).isFalse();
		assertThat(run(new Prog().mov(R1, 3).mov(R2, 1).call(REDIRECT).exit())).isEqualTo(TcAct.REDIRECT);
		assertThat(this.env.redirect().ingress()).isTrue();
		assertThat(run(new Prog().mov(R1, 3).mov(R2, 2).call(REDIRECT).exit())).isEqualTo(TcAct.SHOT);
		assertThat(this.env.redirect().isSet()).as("reset per run, untouched on SHOT").isFalse();
		assertThat(run(new Prog().mov(R1, 4).mov(R2, 0).call(REDIRECT_PEER).exit())).isEqualTo(TcAct.REDIRECT);
		assertThat(this.env.redirect().kind()).isEqualTo(RedirectInfo.Kind.REDIRECT_PEER);
		assertThat(run(new Prog().mov(R1, 4).mov(R2, 1).call(REDIRECT_PEER).exit())).isEqualTo(TcAct.SHOT);
		// last call wins
		assertThat(
				run(new Prog().mov(R1, 4).mov(R2, 0).call(REDIRECT_PEER).mov(R1, 5).mov(R2, 0).call(REDIRECT).exit()))
			.isEqualTo(TcAct.REDIRECT);
		assertThat(this.env.redirect().toString()).isEqualTo("redirect to ifindex 5 egress");
	}

	@Test
	void redirectNeigh() throws BpfFault {
		Prog plain = new Prog().mov(R1, 2).mov(R2, 0).mov(R3, 0).mov(R4, 0).call(REDIRECT_NEIGH).exit();
		assertThat(run(plain)).isEqualTo(TcAct.REDIRECT);
		assertThat(this.env.redirect().kind()).isEqualTo(RedirectInfo.Kind.REDIRECT_NEIGH);
		assertThat(this.env.redirect().hasNexthop()).isFalse();
		Prog nh = new Prog().st(W, R10, -20, FibLookupParams.AF_INET)
			.st(W, R10, -16, Integer.reverseBytes(ip(10, 0, 0, 254)))
			.mov(R1, 2)
			.fp(R2, -20)
			.mov(R3, REDIR_NEIGH_SIZE)
			.mov(R4, 0)
			.call(REDIRECT_NEIGH)
			.exit();
		assertThat(run(nh)).isEqualTo(TcAct.REDIRECT);
		assertThat(this.env.redirect().hasNexthop()).isTrue();
		assertThat(this.env.redirect().nexthop()).containsExactly(10, 0, 0, (byte) 254);
		Prog shortLen = new Prog().mov(R1, 2).fp(R2, -20).mov(R3, 8).mov(R4, 0).call(REDIRECT_NEIGH).exit();
		assertThat(run(shortLen)).isEqualTo(TcAct.SHOT);
		Prog flags = new Prog().mov(R1, 2).mov(R2, 0).mov(R3, 0).mov(R4, 1).call(REDIRECT_NEIGH).exit();
		assertThat(run(flags)).isEqualTo(TcAct.SHOT);
	}

	@Test
	void cloneRedirectRecordsACopy() throws BpfFault {
		Prog p = new Prog().movr(R6, R1)
			.mov(R2, 2)
			.mov(R3, 1)
			.call(CLONE_REDIRECT)
			.movr(R7, R0)
			.st(W, R10, -4, 0)
			.movr(R1, R6)
			.mov(R2, 0)
			.fp(R3, -4)
			.mov(R4, 1)
			.mov(R5, 0)
			.call(SKB_STORE_BYTES)
			.movr(R0, R7)
			.exit();
		byte first = this.skb.frame()[0];
		assertThat(run(p)).isZero();
		assertThat(this.env.redirect().clones()).hasSize(1);
		RedirectInfo.Clone c = this.env.redirect().clones().get(0);
		assertThat(c.ifindex()).isEqualTo(2);
		assertThat(c.ingress()).isTrue();
		assertThat(c.skb().frame()[0]).as("the clone is a copy").isEqualTo(first);
		assertThat(this.skb.frame()[0]).isZero();
		assertThat(run(callWithCtx(CLONE_REDIRECT, 99, 0, 0, 0))).isEqualTo(-Errno.EINVAL);
		assertThat(run(callWithCtx(CLONE_REDIRECT, 2, 2, 0, 0))).isEqualTo(-Errno.EINVAL);
		assertThat(this.env.redirect().clones()).isEmpty();
	}

	@Test
	void redirectMapThroughADevmap() throws BpfFault {
		DevMap tx = (DevMap) map(MapType.DEVMAP, 4, 4, 4);
		tx.put(1, 3);
		Prog hit = new Prog().ldMap(R1, 0).mov(R2, 1).mov(R3, 0).call(REDIRECT_MAP).exit();
		assertThat(run(hit, tx)).isEqualTo(TcAct.REDIRECT);
		assertThat(this.env.redirect().kind()).isEqualTo(RedirectInfo.Kind.REDIRECT_MAP);
		assertThat(this.env.redirect().ifindex()).isEqualTo(3);
		assertThat(this.env.redirect().map()).isSameAs(tx);
		Prog miss = new Prog().ldMap(R1, 0).mov(R2, 2).mov(R3, TcAct.XDP_PASS).call(REDIRECT_MAP).exit();
		assertThat(run(miss, tx)).isEqualTo(TcAct.XDP_PASS);
		assertThat(this.env.redirect().isSet()).isFalse();
		Prog badFlags = new Prog().ldMap(R1, 0).mov(R2, 1).mov(R3, 1 << 6).call(REDIRECT_MAP).exit();
		assertThat(run(badFlags, tx)).isEqualTo(TcAct.XDP_ABORTED);
		LoadedProgram xdp = hit.build(ProgramType.XDP, tx);
		assertThat(this.env.run(this.vm, xdp, this.skb)).isEqualTo(TcAct.XDP_REDIRECT);
		BpfMap hash = map(MapType.HASH, 4, 4, 4);
		assertThatThrownBy(() -> run(hit, hash))
			.hasMessage("pc 4: cannot pass map_type 1 into func bpf_redirect_map#51");
	}

	@Test
	void fibLookupFillsTheStruct() throws BpfFault {
		// struct bpf_fib_lookup at fp-64: family, dst; then return ifindex << 8 | rc,
		// dmac[5] in r7
		Prog p = new Prog().movr(R6, R1);
		for (int off = -64; off < 0; off += 8) {
			p.st(DW, R10, off, 0);
		}
		p.st(B, R10, -64, FibLookupParams.AF_INET)
			.st(W, R10, -64 + 32, Integer.reverseBytes(ip(10, 1, 2, 3)))
			.st(W, R10, -64 + 8, 1)
			.movr(R1, R6)
			.fp(R2, -64)
			.mov(R3, FibLookupParams.SIZE)
			.mov(R4, FibLookupParams.LOOKUP_DIRECT)
			.call(FIB_LOOKUP)
			.ldx(W, R1, R10, -64 + 8)
			.alu(ALU_LSH, R1, 8)
			.alur(ALU_OR, R0, R1)
			.ldx(B, R1, R10, -64 + 63)
			.alu(ALU_LSH, R1, 16)
			.alur(ALU_OR, R0, R1)
			.exit();
		assertThat(run(p)).isEqualTo(0xfe << 16 | 3 << 8 | FibLookupParams.RET_SUCCESS);
		assertThat(this.host.lastFlags).isEqualTo(FibLookupParams.LOOKUP_DIRECT);
		Prog shortStruct = new Prog().fp(R2, -64).mov(R3, 32).mov(R4, 0).call(FIB_LOOKUP).exit();
		assertThat(run(shortStruct)).isEqualTo(-Errno.EINVAL);
		Prog badFlags = new Prog().fp(R2, -64).mov(R3, 64).mov(R4, 1 << 9).call(FIB_LOOKUP).exit();
		assertThat(run(badFlags)).isEqualTo(-Errno.EINVAL);
		Prog family = new Prog().st(DW, R10, -64, 7).fp(R2, -64).mov(R3, 64).mov(R4, 0).call(FIB_LOOKUP).exit();
		assertThat(run(family)).isEqualTo(-Errno.EAFNOSUPPORT);
	}

	// ------------------------------------------------------------------ ring buffers

	@Test
	void ringbufOutputReserveSubmitDiscard() throws BpfFault {
		RingBuf rb = (RingBuf) Maps.create(MapSpec.of("events", MapType.RINGBUF, 0, 0, 4096), 1);
		Prog out = new Prog().st(DW, R10, -8, 0x1234)
			.ldMap(R1, 0)
			.fp(R2, -8)
			.mov(R3, 8)
			.mov(R4, 0)
			.call(RINGBUF_OUTPUT)
			.exit();
		assertThat(run(out, rb)).isZero();
		Prog reserve = new Prog().ldMap(R1, 0)
			.mov(R2, 16)
			.mov(R3, 0)
			.call(RINGBUF_RESERVE)
			.jmp(JMP_JEQ, R0, 0, "full")
			.st(DW, R0, 8, 0x77)
			.movr(R1, R0)
			.mov(R2, 0)
			.call(RINGBUF_SUBMIT)
			.ret(1)
			.label("full")
			.ret(0);
		assertThat(run(reserve, rb)).isEqualTo(1);
		Prog discard = new Prog().ldMap(R1, 0)
			.mov(R2, 8)
			.mov(R3, 0)
			.call(RINGBUF_RESERVE)
			.jmp(JMP_JEQ, R0, 0, "full")
			.movr(R1, R0)
			.mov(R2, 0)
			.call(RINGBUF_DISCARD)
			.ret(1)
			.label("full")
			.ret(0);
		assertThat(run(discard, rb)).isEqualTo(1);
		assertThat(rb.drain()).extracting(HelpersTest::tail8).containsExactly(0x1234L, 0x77L);
		Prog flags = new Prog().ldMap(R1, 0).mov(R2, 8).mov(R3, 1).call(RINGBUF_RESERVE).exit();
		assertThat(run(flags, rb)).as("NULL for flags != 0").isZero();
		Prog huge = new Prog().ldMap(R1, 0).mov(R2, 8192).mov(R3, 0).call(RINGBUF_RESERVE).exit();
		assertThat(run(huge, rb)).isZero();
		Prog outFlags = new Prog().ldMap(R1, 0).fp(R2, -8).mov(R3, 8).mov(R4, 4).call(RINGBUF_OUTPUT).exit();
		assertThat(run(outFlags, rb)).isEqualTo(-Errno.EINVAL);
	}

	static long tail8(byte[] rec) {
		return le64(java.util.Arrays.copyOfRange(rec, rec.length - 8, rec.length));
	}

	@Test
	void ringbufRecordIsGoneAfterSubmitAndLeaksAreDiscarded() throws BpfFault {
		RingBuf rb = (RingBuf) Maps.create(MapSpec.of("events", MapType.RINGBUF, 0, 0, 4096), 1);
		Prog useAfter = new Prog().ldMap(R1, 0)
			.mov(R2, 8)
			.mov(R3, 0)
			.call(RINGBUF_RESERVE)
			.jmp(JMP_JEQ, R0, 0, "full")
			.movr(R6, R0)
			.movr(R1, R0)
			.mov(R2, 0)
			.call(RINGBUF_SUBMIT)
			.st(DW, R6, 0, 1)
			.label("full")
			.ret(0);
		assertThatThrownBy(() -> run(useAfter, rb)).hasMessage("pc 10: invalid mem access 'scalar'");
		Prog twice = new Prog().ldMap(R1, 0)
			.mov(R2, 8)
			.mov(R3, 0)
			.call(RINGBUF_RESERVE)
			.jmp(JMP_JEQ, R0, 0, "full")
			.movr(R6, R0)
			.movr(R1, R0)
			.mov(R2, 0)
			.call(RINGBUF_SUBMIT)
			.movr(R1, R6)
			.mov(R2, 0)
			.call(RINGBUF_DISCARD)
			.label("full")
			.ret(0);
		assertThatThrownBy(() -> run(twice, rb)).hasMessage("pc 12: R1 type=scalar expected=ringbuf_mem");
		Prog offset = new Prog().ldMap(R1, 0)
			.mov(R2, 8)
			.mov(R3, 0)
			.call(RINGBUF_RESERVE)
			.jmp(JMP_JEQ, R0, 0, "full")
			.movr(R1, R0)
			.addi(R1, 4)
			.mov(R2, 0)
			.call(RINGBUF_SUBMIT)
			.label("full")
			.ret(0);
		assertThatThrownBy(() -> run(offset, rb))
			.hasMessage("pc 9: R1 must have zero offset when passed to release func");
		rb.drain();
		Prog leak = new Prog().ldMap(R1, 0).mov(R2, 8).mov(R3, 0).call(RINGBUF_RESERVE).ret(0);
		long leaked = this.env.leakedReservations();
		run(leak, rb);
		assertThat(this.env.leakedReservations()).isEqualTo(leaked + 1);
		assertThat(rb.drain()).isEmpty();
		assertThat(rb.availableData()).isZero();
	}

	@Test
	void skbHelpersNeedAnSkb() {
		LoadedProgram p = callWithCtx(SKB_PULL_DATA, 0, 0, 0, 0).build();
		assertThatThrownBy(() -> this.env.run(this.vm, p, null))
			.hasMessage("pc 5: helper bpf_skb_pull_data needs a __sk_buff context");
		Vm bare = new Vm(Helpers.standard());
		assertThatThrownBy(() -> bare.run(new Prog().call(KTIME_GET_NS).exit().build(), null))
			.hasMessage("pc 0: helper bpf_ktime_get_ns needs a HelperEnv attached to the Vm");
	}

	@Test
	void standardTableKnowsEveryHelper() {
		var t = Helpers.standard();
		for (int id : new int[] { 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 23, 26, 28, 32, 39, 43, 51, 69, 130, 131, 132,
				133, 152, 155 }) {
			assertThat(t.has(id)).as("helper %d", id).isTrue();
		}
		assertThat(t.has(4)).isFalse();
		assertThat(t.name(9)).isEqualTo("bpf_skb_store_bytes");
	}

}

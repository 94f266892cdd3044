package dev.bpfnet.bpf.mem;

import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.maps.MapSpec;
import dev.bpfnet.bpf.maps.MapType;
import dev.bpfnet.bpf.maps.Maps;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tagged-pointer address space on its own, without the interpreter. */
class MemoryTest {

	final Memory mem = new Memory();

	@Test
	void addressLayout() {
		long a = Memory.address(17, -8);
		assertThat(a).isEqualTo(0x11_ffff_fff8L);
		assertThat(Memory.regionId(a)).isEqualTo(17);
		assertThat(Memory.offset(a)).isEqualTo(-8);
		assertThat(Memory.framePointer(0)).isEqualTo(Memory.address(Memory.FIRST_STACK_ID, 512));
	}

	@Test
	void loadsAndStoresAreLittleEndianAndZeroExtended() throws BpfFault {
		this.mem.beginRun();
		long fp = Memory.framePointer(0);
		this.mem.store64(fp - 8, 0x8877_6655_4433_2211L, 0);
		assertThat(this.mem.load8(fp - 1, 0)).isEqualTo(0x88L);
		assertThat(this.mem.load16(fp - 8, 0)).isEqualTo(0x2211L);
		assertThat(this.mem.load32(fp - 4, 0)).isEqualTo(0x8877_6655L);
		assertThat(this.mem.load(fp - 8, 8, 0)).isEqualTo(0x8877_6655_4433_2211L);
		this.mem.store(fp - 8, 2, 0xffff_abcdL, 0);
		assertThat(this.mem.load32(fp - 8, 0)).isEqualTo(0x4433_abcdL);
	}

	@Test
	void mapValuesGetOneRegionPerRunAndAreForgottenAfter() throws BpfFault {
		BpfMap m = Maps.create(MapSpec.of("h", MapType.ARRAY, 4, 16, 4), 1);
		byte[] v0 = m.lookup(new byte[] { 0, 0, 0, 0 });
		byte[] v1 = m.lookup(new byte[] { 1, 0, 0, 0 });
		this.mem.beginRun();
		long p0 = this.mem.mapValuePointer(m, v0);
		assertThat(this.mem.mapValuePointer(m, v0)).isEqualTo(p0);
		assertThat(this.mem.mapValuePointer(m, v1)).isNotEqualTo(p0);
		assertThat(this.mem.mapValuePointer(m, null)).isZero();
		this.mem.store32(p0 + 12, 7, 0);
		assertThat(v0[12]).isEqualTo((byte) 7);
		long mp = this.mem.mapPointer(m);
		assertThat(this.mem.mapOf(mp)).isSameAs(m);
		assertThat(this.mem.mapOf(p0)).isNull();
		this.mem.endRun();
		this.mem.beginRun();
		assertThat(this.mem.regionCount()).isEqualTo(Memory.FIRST_DYNAMIC);
		assertThatThrownBy(() -> this.mem.load8(p0, 3)).hasMessage("pc 3: invalid mem access 'scalar'");
	}

	@Test
	void manyValuesGrowTheTablesWithoutMixingThemUp() throws BpfFault {
		this.mem.beginRun();
		byte[][] values = new byte[1000][8];
		long[] ptrs = new long[values.length];
		for (int i = 0; i < values.length; i++) {
			ptrs[i] = this.mem.mapValuePointer(values[i]);
			this.mem.store64(ptrs[i], i, 0);
		}
		for (int i = 0; i < values.length; i++) {
			assertThat(this.mem.mapValuePointer(values[i])).isEqualTo(ptrs[i]);
			assertThat(Memory.getLe(values[i], 0, 8)).isEqualTo(i);
		}
		assertThat(this.mem.regionCount()).isEqualTo(Memory.FIRST_DYNAMIC + 1000);
	}

	@Test
	void packetRegionIsReplacedDuringARun() throws BpfFault {
		byte[] a = new byte[100];
		this.mem.setPacket(a, 10, 14, 60);
		this.mem.beginRun();
		assertThat(this.mem.packetMeta()).isEqualTo(Memory.address(Memory.PACKET_ID, 10));
		long data = this.mem.packetData();
		this.mem.store8(data - 4, 1, 0); // metadata area
		this.mem.store8(data + 45, 2, 0);
		assertThatThrownBy(() -> this.mem.load8(data + 46, 5))
			.hasMessage("pc 5: invalid access to packet, off=46 size=1");
		this.mem.setPacket(new byte[50], 0, 50);
		assertThat(this.mem.packetData()).isNotEqualTo(data);
		assertThatThrownBy(() -> this.mem.load8(data, 6)).hasMessage("pc 6: invalid mem access 'scalar'");
		assertThat(this.mem.load8(this.mem.packetData() + 49, 0)).isZero();
		this.mem.endRun();
		this.mem.beginRun();
		assertThat(this.mem.packetData()).isEqualTo(Memory.address(Memory.PACKET_ID, 0));
	}

	@Test
	void readOnlyPacket() throws BpfFault {
		this.mem.setPacket(new byte[8], 0, 8);
		this.mem.setPacketWritable(false);
		this.mem.beginRun();
		assertThat(this.mem.load8(this.mem.packetData(), 0)).isZero();
		assertThatThrownBy(() -> this.mem.store8(this.mem.packetData(), 1, 2))
			.hasMessage("pc 2: cannot write into packet");
	}

	@Test
	void helperAccessResolvesAndReportsTheCallPc() throws BpfFault {
		this.mem.beginRun();
		byte[] buf = { 1, 2, 3, 4, 5 };
		long p = this.mem.addBuffer(buf, 1, 5, false, "scratch");
		this.mem.setFaultPc(9);
		Region r = this.mem.resolve(p, 4, false);
		assertThat(r.kind()).isEqualTo(Region.MEM);
		assertThat(r.owner()).isEqualTo("scratch");
		assertThat(this.mem.copyOut(p + 1, 3)).containsExactly(3, 4, 5);
		assertThatThrownBy(() -> this.mem.copyOut(p, 5))
			.hasMessage("pc 9: invalid access to memory, mem_size=4 off=0 size=5");
		assertThatThrownBy(() -> this.mem.copyIn(p, new byte[1], 0, 1))
			.hasMessage("pc 9: cannot write into rdonly_mem");
		assertThatThrownBy(() -> this.mem.resolve(p, -1, false)).hasMessage("pc 9: invalid access size -1");
		assertThatThrownBy(() -> this.mem.resolve(Memory.ctxPointer(), 1, false)).isInstanceOf(BpfFault.class);
		this.mem.release(p);
		assertThatThrownBy(() -> this.mem.resolve(p, 1, false)).hasMessage("pc 9: invalid mem access 'scalar'");
	}

	@Test
	void copyInWritesThroughToTheStack() throws BpfFault {
		this.mem.beginRun();
		long fp = Memory.framePointer(2);
		this.mem.useFrame(2);
		this.mem.copyIn(fp - 3, new byte[] { 7, 8, 9 }, 0, 3);
		assertThat(this.mem.frame(2)).endsWith(7, 8, 9);
		this.mem.endRun();
		this.mem.beginRun();
		assertThat(this.mem.frame(2)).containsOnly(0);
	}

	@Test
	void atomicsNeedAlignmentAndWritableMemory() throws BpfFault {
		this.mem.beginRun();
		long fp = Memory.framePointer(0);
		assertThat(this.mem.atomic(fp - 8, 8, 0x01, 5, 0, 0)).isZero();
		assertThat(this.mem.atomic(fp - 8, 4, 0xf1, 9, 5, 0)).isEqualTo(5L);
		assertThat(this.mem.load64(fp - 8, 0)).isEqualTo(9L);
		assertThat(this.mem.atomic(fp - 8, 4, 0xf1, 1, 5, 0)).isEqualTo(9L);
		assertThat(this.mem.load64(fp - 8, 0)).isEqualTo(9L);
		assertThatThrownBy(() -> this.mem.atomic(fp - 6, 4, 0, 1, 0, 4))
			.hasMessage("pc 4: misaligned access off=506 size=4");
	}

	@Test
	void rawContextBounds() throws BpfFault {
		RawContext ctx = new RawContext(new byte[8], false);
		this.mem.setContext(ctx);
		this.mem.beginRun();
		assertThat(this.mem.load32(Memory.ctxPointer() + 4, 0)).isZero();
		assertThatThrownBy(() -> this.mem.load32(Memory.ctxPointer() + 6, 1))
			.hasMessage("pc 1: invalid bpf_context access off=6 size=4");
		assertThatThrownBy(() -> this.mem.store8(Memory.ctxPointer(), 1, 2))
			.hasMessage("pc 2: invalid bpf_context access off=0 size=1");
	}

	@Test
	void badPacketBoundsAreRefusedWithTheNumbers() {
		assertThatThrownBy(() -> this.mem.setPacket(new byte[4], 0, 8)).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("bad packet bounds: meta=0 data=0 end=8 length=4");
	}

}

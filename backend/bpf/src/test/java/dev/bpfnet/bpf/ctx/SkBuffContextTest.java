package dev.bpfnet.bpf.ctx;

import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.Memory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.bpfnet.bpf.ctx.SkBuffLayout.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SkBuffContextTest {

	static final byte[] FRAME = new byte[60];

	static {
		FRAME[12] = 0x08; // IPv4
		for (int i = 14; i < FRAME.length; i++) {
			FRAME[i] = (byte) i;
		}
	}

	final Memory mem = new Memory();

	SkBuff skb;

	SkBuffContext ctx;

	@BeforeEach
	void setUp() {
		this.skb = new SkBuff(FRAME);
		this.skb.mark = 0x11223344;
		this.skb.priority = 6;
		this.skb.ifindex = 4;
		this.skb.ingressIfindex = 3;
		this.skb.hash = 0xcafef00d;
		this.skb.tstamp = 0x0102030405060708L;
		this.skb.cb[2] = 0x55667788;
		this.ctx = new SkBuffContext(this.skb);
		this.ctx.install(this.mem);
	}

	/** Loads of each readable field, full and narrow, with the value a program sees. */
	@ParameterizedTest(name = "load off={0} size={1}")
	@CsvSource({ "0, 4, 60", "8, 4, 0x11223344", "8, 1, 0x44", "9, 1, 0x33", "10, 2, 0x1122", "16, 4, 0x0008",
			"16, 2, 0x0008", "32, 4, 6", "36, 4, 3", "40, 4, 4", "56, 4, 0x55667788", "56, 2, 0x7788",
			"56, 8, 0x55667788", "48, 8, 0", "68, 4, 0xcafef00d", "152, 8, 0x0102030405060708", "160, 4, 60",
			"164, 4, 1", "180, 1, 0", "168, 8, 0" })
	void loads(int off, int size, String expected) throws BpfFault {
		long want = Long.parseUnsignedLong(expected.replace("0x", ""), expected.startsWith("0x") ? 16 : 10);
		assertThat(this.ctx.load(this.mem, off, size, 7)).isEqualTo(want);
	}

	@Test
	void packetPointersComeFromMemory() throws BpfFault {
		long data = this.ctx.load(this.mem, OFF_DATA, 4, 0);
		long end = this.ctx.load(this.mem, OFF_DATA_END, 4, 0);
		long meta = this.ctx.load(this.mem, OFF_DATA_META, 4, 0);
		assertThat(end - data).isEqualTo(60);
		assertThat(meta).isEqualTo(data);
		assertThat(this.mem.load8(data + 12, 0)).isEqualTo(0x08);
		assertThat(data).isEqualTo(this.mem.packetData());
	}

	/** The kernel's refusals, each pinned with its message. */
	@ParameterizedTest(name = "{2} off={0} size={1}")
	@CsvSource({ "76, 2, load", "0, 8, load", "1, 4, load", "88, 4, load", "136, 4, load", "144, 8, load",
			"181, 1, load", "192, 4, load", "-4, 4, load", "0, 4, store", "40, 4, store", "76, 4, store", "8, 2, store",
			"168, 8, store", "184, 8, store" })
	void refusedAccessesFault(int off, int size, String kind) {
		String msg = "pc 9: invalid bpf_context access off=" + off + " size=" + size;
		if (kind.equals("load")) {
			assertThatThrownBy(() -> this.ctx.load(this.mem, off, size, 9)).isInstanceOf(BpfFault.class)
				.hasMessage(msg);
		}
		else {
			assertThatThrownBy(() -> this.ctx.store(this.mem, off, size, 1, 9)).isInstanceOf(BpfFault.class)
				.hasMessage(msg);
		}
	}

	@Test
	void storesFollowTheKernelConversions() throws BpfFault {
		this.ctx.store(this.mem, OFF_MARK, 4, 0xabcdL, 0);
		this.ctx.store(this.mem, OFF_PRIORITY, 4, 9, 0);
		this.ctx.store(this.mem, OFF_TC_INDEX, 4, 0x12345, 0);
		this.ctx.store(this.mem, OFF_TC_CLASSID, 4, 0x10020, 0);
		this.ctx.store(this.mem, OFF_CB + 4, 4, 0xdeadbeefL, 0);
		this.ctx.store(this.mem, OFF_CB + 8, 8, 0x0000000100000002L, 0);
		this.ctx.store(this.mem, OFF_CB + 17, 1, 0xff, 0);
		this.ctx.store(this.mem, OFF_TSTAMP, 8, 99, 0);
		this.ctx.store(this.mem, OFF_QUEUE_MAPPING, 4, 3, 0);
		this.ctx.store(this.mem, OFF_QUEUE_MAPPING, 4, 0xffff, 0); // NO_QUEUE_MAPPING:
																	// ignored
		assertThat(this.skb.mark).isEqualTo(0xabcd);
		assertThat(this.skb.priority).isEqualTo(9);
		assertThat(this.skb.tcIndex).isEqualTo(0x2345);
		assertThat(this.skb.tcClassid).isEqualTo(0x0020);
		assertThat(this.skb.cb).containsExactly(0, 0xdeadbeef, 2, 1, 0xff00);
		assertThat(this.skb.tstamp).isEqualTo(99);
		assertThat(this.skb.queueMapping).isEqualTo(3);
	}

	@Test
	void everyAcceptedAccessOfTheLayoutIsServed() {
		// whatever SkBuffLayout accepts, the accessor must serve without faulting
		for (int off = -8; off < SIZE + 8; off++) {
			for (int size : new int[] { 1, 2, 4, 8 }) {
				boolean loadOk = SkBuffLayout.check(off, size, false).valid();
				boolean storeOk = SkBuffLayout.check(off, size, true).valid();
				int o = off;
				if (loadOk) {
					assertThat(catchFault(() -> this.ctx.load(this.mem, o, size, 0))).as("load %d/%d", off, size)
						.isNull();
				}
				else {
					assertThat(catchFault(() -> this.ctx.load(this.mem, o, size, 0))).as("load %d/%d", off, size)
						.isNotNull();
				}
				if (storeOk) {
					assertThat(catchFault(() -> this.ctx.store(this.mem, o, size, 0, 0))).as("store %d/%d", off, size)
						.isNull();
				}
				else {
					assertThat(catchFault(() -> this.ctx.store(this.mem, o, size, 0, 0))).as("store %d/%d", off, size)
						.isNotNull();
				}
			}
		}
	}

	interface Access {

		void run() throws BpfFault;

	}

	static BpfFault catchFault(Access a) {
		try {
			a.run();
			return null;
		}
		catch (BpfFault f) {
			return f;
		}
	}

	@Test
	void skbGeometry() {
		SkBuff s = new SkBuff(FRAME, 10, 4);
		assertThat(s.headroom()).isEqualTo(10);
		assertThat(s.tailroom()).isEqualTo(4);
		assertThat(s.ethProtocol()).isEqualTo(0x0800);
		assertThat(s.protocol).isEqualTo(0x0008);
		s.setMetaLen(8);
		assertThat(s.dataMeta()).isEqualTo(2);
		assertThat(s.pushHead(20)).as("reallocated").isTrue();
		assertThat(s.len()).isEqualTo(80);
		assertThat(s.metaLen()).isEqualTo(8);
		assertThat(s.headroom()).isGreaterThanOrEqualTo(8);
		assertThat(s.frame()).startsWith(new byte[20]);
		s.pull(20);
		assertThat(s.frame()).isEqualTo(FRAME);
		SkBuff c = s.copy();
		c.buf()[c.data()] = 9;
		assertThat(s.frame()[0]).isZero();
		assertThatThrownBy(() -> s.push(1000)).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("cannot push 1000 bytes with a headroom of " + s.headroom());
	}

}

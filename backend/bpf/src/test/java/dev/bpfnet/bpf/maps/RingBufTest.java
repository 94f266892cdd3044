package dev.bpfnet.bpf.maps;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RingBufTest {

	static RingBuf ring() {
		return (RingBuf) Maps.create(MapSpec.of("events", MapType.RINGBUF, 0, 0, 4096), 1);
	}

	@Test
	void recordsTakeHeaderPlusPaddingOfCapacity() {
		assertThat(RingBuf.recordLength(0)).isEqualTo(8);
		assertThat(RingBuf.recordLength(1)).isEqualTo(16);
		assertThat(RingBuf.recordLength(8)).isEqualTo(16);
		assertThat(RingBuf.recordLength(9)).isEqualTo(24);
		RingBuf rb = ring();
		// 4096 bytes, at most 4095 in flight: 255 records of 16 bytes (4080) fit, the
		// 256th not
		for (int i = 0; i < 255; i++) {
			assertThat(rb.output(new byte[] { (byte) i, 0, 0, 0, 0, 0, 0, 0 }, 0, 8)).isZero();
		}
		assertThat(rb.availableData()).isEqualTo(4080);
		assertThat(rb.output(new byte[8], 0, 8)).isEqualTo(-Errno.EAGAIN);
		assertThat(rb.reserve(7)).isNull(); // 16 more bytes: 4096 > 4095
		assertThat(rb.reserve(0)).isNotNull(); // a bare header: 4088 <= 4095
	}

	@Test
	void fullRingRefusesUntilDrained() {
		RingBuf rb = ring();
		assertThat(rb.reserve(4096 - 8)).isNull(); // record would be the whole ring
		assertThat(rb.reserve(4000)).isNotNull();
		assertThat(rb.reserve(100)).isNull();
		assertThat(rb.droppedCount()).isEqualTo(2);
	}

	@Test
	void wrapsAroundWhenConsumed() {
		RingBuf rb = ring();
		for (int round = 0; round < 10; round++) {
			byte[] r = rb.reserve(1000);
			assertThat(r).as("round %d", round).isNotNull();
			r[0] = (byte) round;
			byte[] s = rb.reserve(1000);
			s[0] = (byte) (round + 100);
			assertThat(rb.submit(r)).isTrue();
			assertThat(rb.submit(s)).isTrue();
			assertThat(rb.drain()).extracting(b -> b[0]).containsExactly((byte) round, (byte) (round + 100));
		}
		assertThat(rb.producerPosition()).isEqualTo(10 * 2 * 1008L);
		assertThat(rb.consumerPosition()).isEqualTo(rb.producerPosition());
		assertThat(rb.submittedCount()).isEqualTo(20);
	}

	@Test
	void busyRecordBlocksConsumerAndDiscardedAreSkipped() {
		RingBuf rb = ring();
		byte[] a = rb.reserve(4);
		byte[] b = rb.reserve(4);
		byte[] c = rb.reserve(4);
		a[0] = 1;
		b[0] = 2;
		c[0] = 3;
		rb.submit(c);
		assertThat(rb.drain()).isEmpty(); // a is still busy
		assertThat(rb.discard(a)).isTrue();
		assertThat(rb.drain()).isEmpty(); // b is busy
		assertThat(rb.size()).isEqualTo(1);
		assertThat(rb.submit(b)).isTrue();
		assertThat(rb.drain()).extracting(r -> r[0]).containsExactly((byte) 2, (byte) 3);
		assertThat(rb.availableData()).isZero();
		// committing twice or a foreign array is refused
		assertThat(rb.submit(b)).isFalse();
		assertThat(rb.discard(new byte[4])).isFalse();
	}

	@Test
	void discardedSpaceIsReclaimedOnlyWhenConsumed() {
		RingBuf rb = ring();
		byte[] big = rb.reserve(3000);
		rb.discard(big);
		assertThat(rb.reserve(2000)).isNull();
		assertThat(rb.drain()).isEmpty();
		assertThat(rb.reserve(2000)).isNotNull();
	}

	@Test
	void hasNoKeys() {
		RingBuf rb = ring();
		assertThat(rb.update(new byte[0], new byte[0], 0)).isEqualTo(-Errno.ENOTSUPP);
		assertThat(rb.lookup(new byte[0], 0, 0)).isNull();
		assertThat(rb.nextKey(null)).isNull();
		assertThat(rb.entries()).isEmpty();
	}

}

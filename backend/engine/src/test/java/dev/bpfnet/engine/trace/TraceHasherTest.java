package dev.bpfnet.engine.trace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TraceHasherTest {

	@Test
	void noEventsHashLikeEmptyInput() {
		assertThat(new TraceHasher().hex())
			.isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	}

	@Test
	void encodingIsTheDocumentedLittleEndianLayout() throws Exception {
		TraceHasher hasher = new TraceHasher();
		hasher.event(0x0102030405060708L, 42, 3, Context.SOFTIRQ, 9, Function.TCX_INGRESS, 4, 2, 6, 17, 7,
				DropReason.TC_INGRESS);

		ByteBuffer expected = ByteBuffer.allocate(TraceHasher.EVENT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
		expected.putLong(0x0102030405060708L).putLong(42).putInt(3).put((byte) 2).putInt(9).putShort((short) 52);
		expected.putInt(4).putInt(2).putInt(6).putInt(17).putInt(7).putShort((short) 14);
		assertThat(expected.remaining()).isZero();
		byte[] sha = MessageDigest.getInstance("SHA-256").digest(expected.array());
		assertThat(hasher.hex()).isEqualTo(HexFormat.of().formatHex(sha));
		assertThat(hasher.events()).isEqualTo(1);
	}

	@Test
	void hashingCanContinueAfterReadingTheHash() {
		List<Events> events = Events.random(7, 1000);
		TraceHasher whole = new TraceHasher();
		Events.feed(events, whole);
		TraceHasher split = new TraceHasher();
		Events.feed(events.subList(0, 333), split);
		String early = split.hex();
		Events.feed(events.subList(333, 1000), split);

		assertThat(split.hex()).isEqualTo(whole.hex()).isNotEqualTo(early);
	}

}

package dev.bpfnet.engine.trace;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TraceHasherTest {

	@Test
	void noEventsHashLikeEmptyInput() {
		assertThat(new TraceHasher().hex())
			.isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	}

	@Test
	void encodingIsTheDocumentedVarintLayout() throws Exception {
		TraceHasher hasher = new TraceHasher();
		hasher.event(300, 42, 3, Context.SOFTIRQ, 9, Function.TCX_INGRESS, 4, 2, 6, 17, 7, DropReason.TC_INGRESS);
		hasher.event(290, TraceSink.NO_SKB, 0, Context.TASK, TraceSink.NO_ID, Function.SCHEDULE, TraceSink.NO_ID,
				TraceSink.NO_ID, TraceSink.NO_ID, TraceSink.NO_ID, TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
		hasher.event(290, 40, 1, Context.TASK, 200, Function.TCX_INGRESS, 0, 0, TraceSink.NO_ID, 0, -1,
				DropReason.NOT_DROPPED_YET);

		byte[] expected = {
				// header: SOFTIRQ (2) | skb | verdict | drop | queue
				0x7A,
				// time +300: zigzag 600 = 0x258 -> 0xD8 0x04; skb +42: zigzag 84
				(byte) 0xD8, 0x04, 84,
				// cpu+1, task+1, fn 52, device+1, netns+1, queue+1, depth+1
				4, 10, 52, 5, 3, 7, 18,
				// verdict 7: zigzag 14; drop TC_INGRESS = 14
				14, 14,
				// header: TASK, nothing optional; time -10: zigzag 19
				0x00, 19,
				// cpu+1, task NO_ID+1, fn 83, device, netns
				1, 0, 83, 0, 0,
				// header: TASK | skb | verdict | queue (depth 0 is a queue value)
				0x58, 0,
				// skb 40 - 42 = -2: zigzag 3 (against the last skb, not NO_SKB)
				3,
				// cpu+1, task+1 = 201 -> 0xC9 0x01, fn 52, device+1, netns+1
				2, (byte) 0xC9, 0x01, 52, 1, 1,
				// queue NO_ID+1, depth+1, verdict -1: zigzag 1
				0, 1, 1 };
		byte[] sha = MessageDigest.getInstance("SHA-256").digest(expected);
		assertThat(hasher.hex()).isEqualTo(HexFormat.of().formatHex(sha));
		assertThat(hasher.events()).isEqualTo(3);
		assertThat(hasher.encodedBytes()).isEqualTo(expected.length);
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

	@Test
	void extremeValuesDecodeBack() {
		List<Events> events = new ArrayList<>();
		long[] times = { 0, Long.MAX_VALUE, Long.MIN_VALUE, -1, 1 };
		long[] skbs = { Long.MAX_VALUE, 0, Long.MIN_VALUE, TraceSink.NO_SKB, -2 };
		int[] ints = { Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0, -2 };
		for (int k = 0; k < times.length; k++) {
			int v = ints[k];
			events.add(new Events(times[k], skbs[k], v, Context.KSOFTIRQD, v, Function.SCHEDULE, v, ints[(k + 1) % 5],
					v, ints[(k + 2) % 5], ints[(k + 3) % 5], DropReason.TC_INGRESS));
		}
		assertThat(decode(encode(events))).isEqualTo(events);
	}

	/** The stream is decodable, hence two different traces never share a stream. */
	@Property(tries = 100)
	void theEncodedStreamDecodesBackToTheEvents(@ForAll long seed, @ForAll @IntRange(max = 3000) int n) {
		List<Events> events = Events.random(seed, n);
		assertThat(decode(encode(events))).isEqualTo(events);
	}

	@Test
	void aLongTraceCrossesBufferFlushesUnchanged() {
		List<Events> events = Events.random(11, 30_000);
		byte[] stream = encode(events);
		assertThat(stream.length).isGreaterThan(TraceHasher.BUFFER_BYTES);
		assertThat(decode(stream)).isEqualTo(events);
		TraceHasher hasher = new TraceHasher();
		Events.feed(events, hasher);
		assertThat(hasher.encodedBytes()).isEqualTo(stream.length);
	}

	static byte[] encode(List<Events> events) {
		Capture capture = new Capture();
		TraceHasher hasher = new TraceHasher(capture);
		Events.feed(events, hasher);
		hasher.sha256();
		return capture.out.toByteArray();
	}

	/** An independent decoder of encoding version 2 (the layout of the javadoc). */
	static List<Events> decode(byte[] b) {
		List<Events> events = new ArrayList<>();
		int[] p = { 0 };
		long time = 0;
		long skb = 0;
		while (p[0] < b.length) {
			int header = b[p[0]++];
			assertThat(header & 0x80).as("header bit 7").isZero();
			time += unzigzag(varint(b, p));
			long skbId = TraceSink.NO_SKB;
			if ((header & 8) != 0) {
				skb += unzigzag(varint(b, p));
				skbId = skb;
			}
			int cpu = int32(b, p) - 1;
			int task = int32(b, p) - 1;
			Function fn = Function.ofId(int32(b, p));
			int device = int32(b, p) - 1;
			int netns = int32(b, p) - 1;
			int queue = TraceSink.NO_ID;
			int depth = TraceSink.NO_ID;
			if ((header & 64) != 0) {
				queue = int32(b, p) - 1;
				depth = int32(b, p) - 1;
			}
			int verdict = TraceSink.NO_VERDICT;
			if ((header & 16) != 0) {
				int z = int32(b, p);
				verdict = (z >>> 1) ^ -(z & 1);
			}
			DropReason drop = DropReason.NOT_DROPPED_YET;
			if ((header & 32) != 0) {
				drop = DropReason.ofId(int32(b, p));
			}
			events.add(new Events(time, skbId, cpu, Context.ofId(header & 7), task, fn, device, netns, queue, depth,
					verdict, drop));
		}
		return events;
	}

	private static long unzigzag(long z) {
		return (z >>> 1) ^ -(z & 1);
	}

	private static int int32(byte[] b, int[] p) {
		long v = varint(b, p);
		assertThat(v >>> 32).as("32-bit varint").isZero();
		return (int) v;
	}

	private static long varint(byte[] b, int[] p) {
		long v = 0;
		for (int shift = 0;; shift += 7) {
			byte x = b[p[0]++];
			v |= (long) (x & 0x7F) << shift;
			if (x >= 0) {
				return v;
			}
		}
	}

	/** A digest that keeps its input. */
	static final class Capture extends MessageDigest implements Cloneable {

		final ByteArrayOutputStream out = new ByteArrayOutputStream();

		Capture() {
			super("capture");
		}

		@Override
		protected void engineUpdate(byte input) {
			this.out.write(input);
		}

		@Override
		protected void engineUpdate(byte[] input, int offset, int len) {
			this.out.write(input, offset, len);
		}

		@Override
		protected byte[] engineDigest() {
			return new byte[32];
		}

		@Override
		protected void engineReset() {
			this.out.reset();
		}

		@Override
		public Object clone() {
			return new Capture();
		}

	}

}

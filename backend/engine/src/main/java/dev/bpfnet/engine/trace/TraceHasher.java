package dev.bpfnet.engine.trace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A SHA-256 over a canonical encoding of every event, the run's {@code traceSha256}: the
 * same topology, programs, traffic and seed must give the same hash, and any difference
 * in any field of any event changes it.
 *
 * <p>
 * <b>Encoding</b> (version 1): per event, {@value #EVENT_BYTES} bytes, little-endian, in
 * this order: {@code timeNs} (i64), {@code skbId} (i64), {@code cpu} (i32), {@code ctx}
 * (u8, {@link Context#id()}), {@code taskId} (i32), {@code fn} (u16,
 * {@link Function#id()}), {@code deviceId} (i32), {@code netnsId} (i32), {@code queueId}
 * (i32), {@code queueDepth} (i32), {@code verdict} (i32), {@code drop} (u16,
 * {@link DropReason#id()}). Enum ids, not ordinals or names, so the hash survives
 * reordering the enums; a change of the encoding must change this version.
 *
 * <p>
 * Events are buffered and fed to the digest in blocks, so the per-event cost is a few
 * stores. <b>Threading.</b> Not thread-safe: record on the run's thread.
 */
public final class TraceHasher implements TraceSink {

	/** Bytes of the canonical encoding of one event. */
	public static final int EVENT_BYTES = 8 + 8 + 4 + 1 + 4 + 2 + 4 + 4 + 4 + 4 + 4 + 2;

	private static final int BUFFER_EVENTS = 128;

	private final MessageDigest digest;

	private final ByteBuffer buffer = ByteBuffer.allocate(EVENT_BYTES * BUFFER_EVENTS).order(ByteOrder.LITTLE_ENDIAN);

	private long events;

	public TraceHasher() {
		try {
			this.digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available in this JVM", ex);
		}
	}

	@Override
	public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId, int netnsId,
			int queueId, int queueDepth, int verdict, DropReason drop) {
		ByteBuffer b = this.buffer;
		if (b.remaining() < EVENT_BYTES) {
			flush();
		}
		b.putLong(timeNs)
			.putLong(skbId)
			.putInt(cpu)
			.put((byte) ctx.id())
			.putInt(taskId)
			.putShort((short) fn.id())
			.putInt(deviceId)
			.putInt(netnsId)
			.putInt(queueId)
			.putInt(queueDepth)
			.putInt(verdict)
			.putShort((short) drop.id());
		this.events++;
	}

	private void flush() {
		this.digest.update(this.buffer.array(), 0, this.buffer.position());
		this.buffer.clear();
	}

	/** Number of events hashed. */
	public long events() {
		return this.events;
	}

	/** The SHA-256 of all events so far; recording can continue afterwards. */
	public byte[] sha256() {
		flush();
		try {
			return ((MessageDigest) this.digest.clone()).digest();
		}
		catch (CloneNotSupportedException ex) {
			throw new IllegalStateException("SHA-256 digest cannot be cloned", ex);
		}
	}

	/** {@link #sha256()} as 64 lowercase hex digits. */
	public String hex() {
		return HexFormat.of().formatHex(sha256());
	}

}

package dev.bpfnet.engine.trace;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A SHA-256 over a canonical encoding of every event, the run's {@code traceSha256}: the
 * same topology, programs, traffic and seed must give the same hash, and any difference
 * in any field of any event changes it.
 *
 * <p>
 * <b>Encoding</b> (version 2, see docs/engine.md "Trace hash"): each event is a header
 * byte followed by unsigned LEB128 varints (7 bits per byte, least significant group
 * first, high bit set on every byte but the last). The header is
 * {@code ctx.id() | 8·[skbId ≠ NO_SKB] | 16·[verdict ≠ NO_VERDICT] | 32·[drop ≠
 * NOT_DROPPED_YET] | 64·[queueId ≠ NO_ID or queueDepth ≠ NO_ID]}. Then, in this order:
 * <ol>
 * <li>{@code timeNs} minus the previous event's {@code timeNs} (0 before the first
 * event), zigzag-encoded (64 bits);</li>
 * <li>if the skb flag is set: {@code skbId} minus the previous event's skb id that was
 * not {@code NO_SKB} (0 before the first), zigzag-encoded (64 bits);</li>
 * <li>{@code cpu + 1}, {@code taskId + 1} as unsigned 32-bit values;</li>
 * <li>{@link Function#id()};</li>
 * <li>{@code deviceId + 1}, {@code netnsId + 1} as unsigned 32-bit values;</li>
 * <li>if the queue flag is set: {@code queueId + 1}, {@code queueDepth + 1} as unsigned
 * 32-bit values;</li>
 * <li>if the verdict flag is set: {@code verdict}, zigzag-encoded (32 bits);</li>
 * <li>if the drop flag is set: {@link DropReason#id()}.</li>
 * </ol>
 * Every step is a bijection given what was decoded before, so the byte stream decodes
 * back to the events (the tests do): two different event sequences never give the same
 * stream. Enum ids, not ordinals or names, so the hash survives reordering the enums; a
 * change of the encoding must change this version. Version 1 wrote 49 fixed bytes per
 * event; version 2 writes 9 to 13 bytes for a typical event, which cuts the SHA-256 work
 * (the dominant cost of hashing) by about four.
 *
 * <p>
 * Events are encoded into a {@value #BUFFER_BYTES}-byte buffer that is fed to the digest
 * in one block when nearly full, so the per-event cost is a few byte stores.
 * <b>Threading.</b> Not thread-safe: record on the run's thread.
 */
public final class TraceHasher implements TraceSink {

	/** The version of the canonical encoding. */
	public static final int ENCODING_VERSION = 2;

	/** Most bytes one event can take: header, 2 × 10 (64-bit) + 8 × 5 (32-bit) bytes. */
	public static final int MAX_EVENT_BYTES = 1 + 2 * 10 + 8 * 5;

	/** Size of the buffer fed to the digest. */
	public static final int BUFFER_BYTES = 1 << 16;

	static final int SKB_FLAG = 8;

	static final int VERDICT_FLAG = 16;

	static final int DROP_FLAG = 32;

	static final int QUEUE_FLAG = 64;

	static {
		for (Context c : Context.values()) {
			if (c.id() < 0 || c.id() >= SKB_FLAG) {
				throw new IllegalStateException("TraceHasher: context id " + c.id() + " does not fit the header");
			}
		}
	}

	private final MessageDigest digest;

	private final byte[] buffer = new byte[BUFFER_BYTES];

	private int position;

	private long lastTime;

	private long lastSkb;

	private long events;

	private long bytes;

	public TraceHasher() {
		this(sha256Digest());
	}

	/** A hasher feeding {@code digest} (the tests read the encoded stream this way). */
	TraceHasher(MessageDigest digest) {
		this.digest = digest;
	}

	private static MessageDigest sha256Digest() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available in this JVM", ex);
		}
	}

	@Override
	public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId, int netnsId,
			int queueId, int queueDepth, int verdict, DropReason drop) {
		if (this.position > BUFFER_BYTES - MAX_EVENT_BYTES) {
			flush();
		}
		byte[] b = this.buffer;
		int header = ctx.id();
		boolean hasSkb = skbId != NO_SKB;
		boolean hasQueue = queueId != NO_ID || queueDepth != NO_ID;
		if (hasSkb) {
			header |= SKB_FLAG;
		}
		if (verdict != NO_VERDICT) {
			header |= VERDICT_FLAG;
		}
		if (drop != DropReason.NOT_DROPPED_YET) {
			header |= DROP_FLAG;
		}
		if (hasQueue) {
			header |= QUEUE_FLAG;
		}
		int p = this.position;
		b[p++] = (byte) header;
		p = putLong(b, p, zigzag(timeNs - this.lastTime));
		this.lastTime = timeNs;
		if (hasSkb) {
			p = putLong(b, p, zigzag(skbId - this.lastSkb));
			this.lastSkb = skbId;
		}
		p = putInt(b, p, cpu + 1);
		p = putInt(b, p, taskId + 1);
		p = putInt(b, p, fn.id());
		p = putInt(b, p, deviceId + 1);
		p = putInt(b, p, netnsId + 1);
		if (hasQueue) {
			p = putInt(b, p, queueId + 1);
			p = putInt(b, p, queueDepth + 1);
		}
		if (verdict != NO_VERDICT) {
			p = putInt(b, p, (verdict << 1) ^ (verdict >> 31));
		}
		if (drop != DropReason.NOT_DROPPED_YET) {
			p = putInt(b, p, drop.id());
		}
		this.position = p;
		this.events++;
	}

	private static long zigzag(long v) {
		return (v << 1) ^ (v >> 63);
	}

	/** Writes {@code v} as an unsigned 32-bit LEB128 varint; returns the new position. */
	private static int putInt(byte[] b, int p, int v) {
		while ((v & ~0x7F) != 0) {
			b[p++] = (byte) (v | 0x80);
			v >>>= 7;
		}
		b[p++] = (byte) v;
		return p;
	}

	/** Writes {@code v} as an unsigned 64-bit LEB128 varint; returns the new position. */
	private static int putLong(byte[] b, int p, long v) {
		while ((v & ~0x7FL) != 0) {
			b[p++] = (byte) (v | 0x80);
			v >>>= 7;
		}
		b[p++] = (byte) v;
		return p;
	}

	private void flush() {
		this.digest.update(this.buffer, 0, this.position);
		this.bytes += this.position;
		this.position = 0;
	}

	/** Number of events hashed. */
	public long events() {
		return this.events;
	}

	/** Number of encoded bytes so far (the digest's input length). */
	public long encodedBytes() {
		return this.bytes + this.position;
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

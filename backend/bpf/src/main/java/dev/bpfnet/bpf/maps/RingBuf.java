package dev.bpfnet.bpf.maps;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * {@code BPF_MAP_TYPE_RINGBUF}: a multi-producer, single-consumer byte ring; models
 * {@code kernel/bpf/ringbuf.c} ({@code __bpf_ringbuf_reserve},
 * {@code bpf_ringbuf_commit}, {@code bpf_ringbuf_output}) and the consumer loop of
 * libbpf's {@code ringbuf.c}.
 *
 * <p>
 * {@code max_entries} is the data size in bytes (a power of 2, page aligned). Each record
 * takes {@code round_up(size + 8, 8)} bytes of it (the 8-byte {@code bpf_ringbuf_hdr}
 * plus padding), and a reservation fails when the producer position would get more than
 * {@code size - 1} bytes ahead of the consumer position, exactly as in the kernel. A
 * reserved record is handed out as its own {@code byte[]} of the asked size (the region a
 * program writes through); {@link #submit(byte[])} or {@link #discard(byte[])} commits
 * it. The consumer ({@link #drain()}) returns submitted records in reservation order and
 * stops at the first record still being written (busy), like
 * {@code ringbuf_process_ring}; discarded records are skipped but hold their space until
 * the consumer passes them.
 *
 * <p>
 * Not modelled: wakeup flags (accepted), the mmap'ed layout and user-space producers.
 */
public final class RingBuf extends BpfMap {

	/** {@code BPF_RINGBUF_HDR_SZ}. */
	public static final int HDR_SZ = 8;

	/** {@code BPF_RB_NO_WAKEUP}. */
	public static final long BPF_RB_NO_WAKEUP = 1;

	/** {@code BPF_RB_FORCE_WAKEUP}. */
	public static final long BPF_RB_FORCE_WAKEUP = 2;

	/** {@code RINGBUF_MAX_RECORD_SZ} = UINT_MAX / 4. */
	public static final long MAX_RECORD_SZ = 0xffffffffL / 4;

	private static final byte BUSY = 0;

	private static final byte SUBMITTED = 1;

	private static final byte DISCARDED = 2;

	private static final class Record {

		final long pos;

		final int len;

		final byte[] data;

		byte state = BUSY;

		Record(long pos, int len, byte[] data) {
			this.pos = pos;
			this.len = len;
			this.data = data;
		}

	}

	private final long mask;

	private final ArrayDeque<Record> records = new ArrayDeque<>();

	private long producerPos;

	private long consumerPos;

	private long submitted;

	private long dropped;

	RingBuf(MapSpec spec) {
		super(spec);
		this.mask = spec.maxEntries() - 1L;
	}

	/** Ring size in bytes ({@code max_entries}). */
	public int capacity() {
		return (int) (this.mask + 1);
	}

	/**
	 * Bytes a record of {@code size} occupies: {@code round_up(size + HDR_SZ, 8)}.
	 */
	public static long recordLength(long size) {
		return (size + HDR_SZ + 7) & ~7L;
	}

	/**
	 * Reserves a record of {@code size} bytes ({@code __bpf_ringbuf_reserve}).
	 * @return the record's storage, zero-filled, or {@code null} when the ring is full or
	 * the size is too large
	 */
	public byte[] reserve(long size) {
		if (size < 0 || size > MAX_RECORD_SZ) {
			this.dropped++;
			return null;
		}
		long len = recordLength(size);
		if (len > this.mask + 1) {
			this.dropped++;
			return null;
		}
		long newProd = this.producerPos + len;
		if (newProd - this.consumerPos > this.mask) {
			this.dropped++;
			return null;
		}
		byte[] data = new byte[(int) size];
		this.records.addLast(new Record(this.producerPos, (int) len, data));
		this.producerPos = newProd;
		return data;
	}

	/**
	 * Commits a reserved record for the consumer ({@code bpf_ringbuf_submit}).
	 * @return false when {@code record} is not a pending reservation of this ring
	 */
	public boolean submit(byte[] record) {
		return commit(record, SUBMITTED);
	}

	/**
	 * Drops a reserved record ({@code bpf_ringbuf_discard}); its space is reclaimed when
	 * the consumer passes it.
	 * @return false when {@code record} is not a pending reservation of this ring
	 */
	public boolean discard(byte[] record) {
		return commit(record, DISCARDED);
	}

	/** Whether {@code record} is a reservation not yet submitted or discarded. */
	public boolean isPending(byte[] record) {
		return find(record) != null;
	}

	private Record find(byte[] record) {
		// pending records are few (a program holds at most a handful at a time)
		Iterator<Record> it = this.records.descendingIterator();
		while (it.hasNext()) {
			Record r = it.next();
			if (r.data == record) {
				return r.state == BUSY ? r : null;
			}
		}
		return null;
	}

	private boolean commit(byte[] record, byte state) {
		Record r = find(record);
		if (r == null) {
			return false;
		}
		r.state = state;
		if (state == SUBMITTED) {
			this.submitted++;
		}
		return true;
	}

	/**
	 * Copies {@code len} bytes into a new record and submits it
	 * ({@code bpf_ringbuf_output}).
	 * @return 0, or -EAGAIN when the ring is full
	 */
	public int output(byte[] src, int off, int len) {
		byte[] rec = reserve(len);
		if (rec == null) {
			return -Errno.EAGAIN;
		}
		System.arraycopy(src, off, rec, 0, len);
		submit(rec);
		return 0;
	}

	/**
	 * Consumes what is ready: the submitted records in order up to the first busy one
	 * (discarded ones are skipped), advancing the consumer position.
	 * @return the records' bytes (the arrays handed out by {@link #reserve(long)})
	 */
	public List<byte[]> drain() {
		if (this.records.isEmpty() || this.records.peekFirst().state == BUSY) {
			return Collections.emptyList();
		}
		List<byte[]> out = new ArrayList<>();
		while (!this.records.isEmpty() && this.records.peekFirst().state != BUSY) {
			Record r = this.records.pollFirst();
			this.consumerPos = r.pos + r.len;
			if (r.state == SUBMITTED) {
				out.add(r.data);
			}
		}
		return out;
	}

	/** Bytes between consumer and producer ({@code ringbuf_avail_data_sz}). */
	public long availableData() {
		return this.producerPos - this.consumerPos;
	}

	/** {@code producer_pos}: total bytes ever reserved. */
	public long producerPosition() {
		return this.producerPos;
	}

	/** {@code consumer_pos}: total bytes ever consumed. */
	public long consumerPosition() {
		return this.consumerPos;
	}

	/** Records submitted since creation. */
	public long submittedCount() {
		return this.submitted;
	}

	/** Reservations refused (ring full or size too large) since creation. */
	public long droppedCount() {
		return this.dropped;
	}

	/** Ring buffers have no keys: null ({@code ringbuf_map_lookup_elem}). */
	@Override
	public byte[] lookup(byte[] key, int keyOff, int cpu) {
		return null;
	}

	/** -ENOTSUPP ({@code ringbuf_map_update_elem}). */
	@Override
	public int update(byte[] key, int keyOff, byte[] value, int valueOff, long flags, int cpu) {
		return -Errno.ENOTSUPP;
	}

	@Override
	public int update(byte[] key, byte[] value, long flags) {
		return -Errno.ENOTSUPP;
	}

	/** -ENOTSUPP ({@code ringbuf_map_delete_elem}). */
	@Override
	public int delete(byte[] key, int keyOff) {
		return -Errno.ENOTSUPP;
	}

	@Override
	public byte[] nextKey(byte[] key) {
		return null;
	}

	/** Records submitted and not yet consumed. */
	@Override
	public int size() {
		int n = 0;
		for (Record r : this.records) {
			if (r.state == SUBMITTED) {
				n++;
			}
		}
		return n;
	}

	/** Ring buffers have no entries; read records with {@link #drain()}. */
	@Override
	public List<MapEntry> entries() {
		return Collections.emptyList();
	}

}

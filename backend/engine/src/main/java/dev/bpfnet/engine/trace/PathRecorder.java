package dev.bpfnet.engine.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Records every trace event as one row of a columnar store, for the per-packet path view
 * ("what happened to skb 42, step by step") and the packet list of the API.
 *
 * <p>
 * <b>Storage.</b> Each field lives in its own primitive column, split into chunks of
 * {@code 2^chunkShift} rows that are allocated when first needed, so appending never
 * copies recorded data (only the small chunk directories double). Each row also stores
 * the index of the previous row of the same skb, and an open-addressing hash table (skb
 * id → last row, load ≤ 1/2) links an skb to its steps. A row takes
 * {@value #BYTES_PER_ROW} bytes; {@link #storageBytes()} counts every array this recorder
 * holds, so with full chunks a step costs {@value #BYTES_PER_ROW} bytes plus at most
 * {@code 48 / (steps per skb)} bytes of index (≈ 55 bytes at 10 steps per skb; DESIGN.md
 * §8 asks for ≤ 64). CPU ids and function ids are stored in 16 bits.
 *
 * <p>
 * <b>Cost of queries.</b> {@link #path} walks only the skb's rows; {@link #drops} reads
 * an index of drop rows; {@link #skbsAtDevice} scans all rows (O(steps)). Appending is
 * O(1) amortised and allocates only when a chunk fills or the skb table grows.
 *
 * <p>
 * <b>Threading.</b> Not thread-safe: record and query on the run's thread, or query after
 * the run.
 */
public final class PathRecorder implements TraceSink {

	/** Bytes of column data per recorded row. */
	public static final int BYTES_PER_ROW = 8 + 8 + 4 + 2 + 1 + 4 + 2 + 4 + 4 + 4 + 4 + 4 + 1;

	/** Default rows per chunk: 2^14 = 16384 (≈ 800 KiB per chunk). */
	public static final int DEFAULT_CHUNK_SHIFT = 14;

	private static final int COLUMNS = 13;

	private static final int ARRAY_HEADER = 16;

	private static final long EMPTY = Long.MIN_VALUE;

	private final int chunkShift;

	private final int chunkMask;

	private long[][] time = new long[4][];

	private long[][] skb = new long[4][];

	private int[][] prev = new int[4][];

	private short[][] cpu = new short[4][];

	private byte[][] ctx = new byte[4][];

	private int[][] task = new int[4][];

	private short[][] fn = new short[4][];

	private int[][] device = new int[4][];

	private int[][] netns = new int[4][];

	private int[][] queue = new int[4][];

	private int[][] depth = new int[4][];

	private int[][] verdict = new int[4][];

	private byte[][] drop = new byte[4][];

	private int chunks;

	private int size;

	private long[] keys;

	private int[] lastRow;

	private int skbCount;

	private int[] dropRows = new int[16];

	private int dropCount;

	/** A recorder with chunks of 2^{@value #DEFAULT_CHUNK_SHIFT} rows. */
	public PathRecorder() {
		this(DEFAULT_CHUNK_SHIFT);
	}

	/**
	 * A recorder with chunks of {@code 2^chunkShift} rows.
	 * @param chunkShift log2 of the rows per chunk, 4 to 24
	 */
	public PathRecorder(int chunkShift) {
		if (chunkShift < 4 || chunkShift > 24) {
			throw new IllegalArgumentException("chunkShift: must be in [4, 24], got " + chunkShift);
		}
		this.chunkShift = chunkShift;
		this.chunkMask = (1 << chunkShift) - 1;
		this.keys = new long[1024];
		Arrays.fill(this.keys, EMPTY);
		this.lastRow = new int[1024];
	}

	@Override
	public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId, int netnsId,
			int queueId, int queueDepth, int verdict, DropReason drop) {
		if (cpu < 0 || cpu > Short.MAX_VALUE) {
			throw new IllegalArgumentException("cpu: must be in [0, " + Short.MAX_VALUE + "], got " + cpu);
		}
		int row = this.size;
		if (row == Integer.MAX_VALUE) {
			throw new IllegalStateException("PathRecorder: full at " + row + " steps");
		}
		int c = row >>> this.chunkShift;
		int i = row & this.chunkMask;
		if (c == this.chunks) {
			addChunk();
		}
		int previous = -1;
		if (skbId >= 0) {
			previous = linkSkb(skbId, row);
		}
		this.time[c][i] = timeNs;
		this.skb[c][i] = skbId;
		this.prev[c][i] = previous;
		this.cpu[c][i] = (short) cpu;
		this.ctx[c][i] = (byte) ctx.id();
		this.task[c][i] = taskId;
		this.fn[c][i] = (short) fn.id();
		this.device[c][i] = deviceId;
		this.netns[c][i] = netnsId;
		this.queue[c][i] = queueId;
		this.depth[c][i] = queueDepth;
		this.verdict[c][i] = verdict;
		this.drop[c][i] = (byte) drop.id();
		if (drop.isDrop()) {
			if (this.dropCount == this.dropRows.length) {
				this.dropRows = Arrays.copyOf(this.dropRows, this.dropCount * 2);
			}
			this.dropRows[this.dropCount++] = row;
		}
		this.size = row + 1;
	}

	private void addChunk() {
		if (this.chunks == this.time.length) {
			int n = this.chunks * 2;
			this.time = Arrays.copyOf(this.time, n);
			this.skb = Arrays.copyOf(this.skb, n);
			this.prev = Arrays.copyOf(this.prev, n);
			this.cpu = Arrays.copyOf(this.cpu, n);
			this.ctx = Arrays.copyOf(this.ctx, n);
			this.task = Arrays.copyOf(this.task, n);
			this.fn = Arrays.copyOf(this.fn, n);
			this.device = Arrays.copyOf(this.device, n);
			this.netns = Arrays.copyOf(this.netns, n);
			this.queue = Arrays.copyOf(this.queue, n);
			this.depth = Arrays.copyOf(this.depth, n);
			this.verdict = Arrays.copyOf(this.verdict, n);
			this.drop = Arrays.copyOf(this.drop, n);
		}
		int rows = this.chunkMask + 1;
		int c = this.chunks;
		this.time[c] = new long[rows];
		this.skb[c] = new long[rows];
		this.prev[c] = new int[rows];
		this.cpu[c] = new short[rows];
		this.ctx[c] = new byte[rows];
		this.task[c] = new int[rows];
		this.fn[c] = new short[rows];
		this.device[c] = new int[rows];
		this.netns[c] = new int[rows];
		this.queue[c] = new int[rows];
		this.depth[c] = new int[rows];
		this.verdict[c] = new int[rows];
		this.drop[c] = new byte[rows];
		this.chunks = c + 1;
	}

	private static int hash(long key, int mask) {
		long h = key * 0x9E3779B97F4A7C15L;
		return (int) (h ^ (h >>> 32)) & mask;
	}

	/**
	 * Sets {@code row} as the skb's last row and returns its previous last row (or -1).
	 */
	private int linkSkb(long skbId, int row) {
		long[] k = this.keys;
		int mask = k.length - 1;
		int slot = hash(skbId, mask);
		while (true) {
			long key = k[slot];
			if (key == skbId) {
				int previous = this.lastRow[slot];
				this.lastRow[slot] = row;
				return previous;
			}
			if (key == EMPTY) {
				k[slot] = skbId;
				this.lastRow[slot] = row;
				if (++this.skbCount * 2 > k.length) {
					growIndex();
				}
				return -1;
			}
			slot = (slot + 1) & mask;
		}
	}

	private void growIndex() {
		long[] oldKeys = this.keys;
		int[] oldRows = this.lastRow;
		long[] k = new long[oldKeys.length * 2];
		Arrays.fill(k, EMPTY);
		int[] rows = new int[k.length];
		int mask = k.length - 1;
		for (int s = 0; s < oldKeys.length; s++) {
			if (oldKeys[s] != EMPTY) {
				int slot = hash(oldKeys[s], mask);
				while (k[slot] != EMPTY) {
					slot = (slot + 1) & mask;
				}
				k[slot] = oldKeys[s];
				rows[slot] = oldRows[s];
			}
		}
		this.keys = k;
		this.lastRow = rows;
	}

	private int findLastRow(long skbId) {
		if (skbId < 0) {
			return -1;
		}
		long[] k = this.keys;
		int mask = k.length - 1;
		int slot = hash(skbId, mask);
		while (true) {
			long key = k[slot];
			if (key == skbId) {
				return this.lastRow[slot];
			}
			if (key == EMPTY) {
				return -1;
			}
			slot = (slot + 1) & mask;
		}
	}

	/** Number of recorded steps. */
	public int size() {
		return this.size;
	}

	/** Number of distinct skb ids recorded. */
	public int skbCount() {
		return this.skbCount;
	}

	/** Number of recorded drop steps. */
	public int dropCount() {
		return this.dropCount;
	}

	/**
	 * The step at position {@code index} of the trace.
	 * @throws IndexOutOfBoundsException if there is no such step
	 */
	public Step step(int index) {
		if (index < 0 || index >= this.size) {
			throw new IndexOutOfBoundsException("step index: " + index + " not in [0, " + this.size + ")");
		}
		int c = index >>> this.chunkShift;
		int i = index & this.chunkMask;
		return new Step(index, this.time[c][i], this.skb[c][i], this.cpu[c][i], Context.ofId(this.ctx[c][i]),
				this.task[c][i], Function.ofId(this.fn[c][i]), this.device[c][i], this.netns[c][i], this.queue[c][i],
				this.depth[c][i], this.verdict[c][i], DropReason.ofId(this.drop[c][i]));
	}

	private int prevRow(int row) {
		return this.prev[row >>> this.chunkShift][row & this.chunkMask];
	}

	/**
	 * The trace positions of the skb's steps, in the order they happened (empty if
	 * unknown).
	 */
	public int[] pathRows(long skbId) {
		int last = findLastRow(skbId);
		int n = 0;
		for (int r = last; r >= 0; r = prevRow(r)) {
			n++;
		}
		int[] rows = new int[n];
		for (int r = last; r >= 0; r = prevRow(r)) {
			rows[--n] = r;
		}
		return rows;
	}

	/** The skb's path: all its steps, in the order they happened (empty if unknown). */
	public List<Step> path(long skbId) {
		int[] rows = pathRows(skbId);
		List<Step> steps = new ArrayList<>(rows.length);
		for (int row : rows) {
			steps.add(step(row));
		}
		return steps;
	}

	/** One page of the skb's path. */
	public Page<Step> path(long skbId, long offset, int limit) {
		Page.checkRange(offset, limit);
		int[] rows = pathRows(skbId);
		List<Step> steps = new ArrayList<>();
		for (long k = offset; k < rows.length && k < offset + limit; k++) {
			steps.add(step(rows[(int) k]));
		}
		return new Page<>(steps, offset, limit, rows.length);
	}

	/** One page of all steps, in trace order. */
	public Page<Step> steps(long offset, int limit) {
		Page.checkRange(offset, limit);
		List<Step> steps = new ArrayList<>();
		for (long k = offset; k < this.size && k < offset + limit; k++) {
			steps.add(step((int) k));
		}
		return new Page<>(steps, offset, limit, this.size);
	}

	/** One page of the drop steps (those with a drop reason), in trace order. */
	public Page<Step> drops(long offset, int limit) {
		Page.checkRange(offset, limit);
		List<Step> steps = new ArrayList<>();
		for (long k = offset; k < this.dropCount && k < offset + limit; k++) {
			steps.add(step(this.dropRows[(int) k]));
		}
		return new Page<>(steps, offset, limit, this.dropCount);
	}

	/**
	 * One page of the distinct skb ids that had a step on {@code deviceId}, in the order
	 * of their first step there. Scans the whole trace.
	 */
	public Page<Long> skbsAtDevice(int deviceId, long offset, int limit) {
		Page.checkRange(offset, limit);
		LongSet seen = new LongSet();
		List<Long> ids = new ArrayList<>();
		long total = 0;
		for (int c = 0; c < this.chunks; c++) {
			int rows = Math.min(this.chunkMask + 1, this.size - (c << this.chunkShift));
			int[] dev = this.device[c];
			long[] skbs = this.skb[c];
			for (int i = 0; i < rows; i++) {
				if (dev[i] == deviceId && skbs[i] >= 0 && seen.add(skbs[i])) {
					if (total >= offset && total < offset + limit) {
						ids.add(skbs[i]);
					}
					total++;
				}
			}
		}
		return new Page<>(ids, offset, limit, total);
	}

	/**
	 * Bytes held by this recorder's arrays: column chunks, chunk directories, the skb
	 * index and the drop index, each array counted with a {@value #ARRAY_HEADER}-byte
	 * header and 8-byte references.
	 */
	public long storageBytes() {
		long rowsPerChunk = this.chunkMask + 1L;
		long bytes = (long) this.chunks * (rowsPerChunk * BYTES_PER_ROW + COLUMNS * ARRAY_HEADER);
		bytes += COLUMNS * (ARRAY_HEADER + 8L * this.time.length);
		bytes += ARRAY_HEADER + 8L * this.keys.length + ARRAY_HEADER + 4L * this.lastRow.length;
		bytes += ARRAY_HEADER + 4L * this.dropRows.length;
		return bytes;
	}

	/**
	 * {@link #storageBytes()} divided by the number of steps ({@code NaN} when empty).
	 */
	public double bytesPerStep() {
		return (this.size == 0) ? Double.NaN : (double) storageBytes() / this.size;
	}

	/** A minimal open-addressing set of non-negative longs, for one query. */
	private static final class LongSet {

		private long[] keys = new long[64];

		private int count;

		LongSet() {
			Arrays.fill(this.keys, EMPTY);
		}

		boolean add(long key) {
			int mask = this.keys.length - 1;
			int slot = hash(key, mask);
			while (this.keys[slot] != EMPTY) {
				if (this.keys[slot] == key) {
					return false;
				}
				slot = (slot + 1) & mask;
			}
			this.keys[slot] = key;
			if (++this.count * 2 > this.keys.length) {
				long[] old = this.keys;
				this.keys = new long[old.length * 2];
				Arrays.fill(this.keys, EMPTY);
				this.count = 0;
				for (long k : old) {
					if (k != EMPTY) {
						add(k);
					}
				}
			}
			return true;
		}

	}

}

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
 * copies recorded data (only the small chunk directories double). Columns are narrow
 * where the values of a run are small, with an exact escape for the rest: the time is an
 * {@code int} offset from the chunk's first time, the skb id an {@code int}, the CPU,
 * task, device, namespace, queue, queue depth and verdict 16-bit values; a value that
 * does not fit stores an escape code in the narrow column and the value in a wide column
 * that the chunk allocates on the first such value (so nothing is ever lost or rejected,
 * and a run whose values fit pays nothing for it). Each row also stores the index of the
 * previous row of the same skb; skb ids are linked to their last row by a direct table
 * while the ids are dense (the engine numbers skbs 0, 1, 2, ...; 4 bytes per skb) and by
 * an open-addressing hash table (load ≤ 1/2) for the others. A row takes
 * {@value #BYTES_PER_ROW} bytes; {@link #storageBytes()} counts every array this recorder
 * holds, so with full chunks a step costs {@value #BYTES_PER_ROW} bytes plus at most
 * {@code 8 / (steps per skb)} bytes of index for dense ids (≈ 31 bytes at 10 steps per
 * skb; DESIGN.md §8 asks for ≤ 64).
 *
 * <p>
 * <b>Cost of queries.</b> {@link #path} walks only the skb's rows; {@link #drops} reads
 * an index of drop rows; {@link #skbsAtDevice} scans all rows (O(steps)). Appending is
 * O(1) amortised and allocates only when a chunk fills, an index grows or a value needs a
 * wide column.
 *
 * <p>
 * <b>Threading.</b> Not thread-safe: record and query on the run's thread, or query after
 * the run.
 */
public final class PathRecorder implements TraceSink {

	/**
	 * Bytes of column data per recorded row when every value fits its narrow column: time
	 * 4, skb 4, previous row 4, CPU 2, context 1, task 2, function 2, device 2, namespace
	 * 2, queue 2, depth 2, verdict 2, drop 1.
	 */
	public static final int BYTES_PER_ROW = 4 + 4 + 4 + 2 + 1 + 2 + 2 + 2 + 2 + 2 + 2 + 2 + 1;

	/** Default rows per chunk: 2^14 = 16384 (≈ 480 KiB per chunk). */
	public static final int DEFAULT_CHUNK_SHIFT = 14;

	private static final int COLUMNS = 13;

	private static final int ARRAY_HEADER = 16;

	private static final long EMPTY = Long.MIN_VALUE;

	/** Escape code of the {@code int} columns (time offset, skb id). */
	private static final int INT_ESCAPE = Integer.MIN_VALUE;

	/** Escape code of the 16-bit columns. */
	private static final char CHAR_ESCAPE = 0xFFFF;

	// the 16-bit columns, as indexes into wide
	private static final int CPU = 0;

	private static final int TASK = 1;

	private static final int DEVICE = 2;

	private static final int NETNS = 3;

	private static final int QUEUE = 4;

	private static final int DEPTH = 5;

	private static final int VERDICT = 6;

	private static final int NARROW_COLUMNS = 7;

	/** Ids below this always go to the direct skb table. */
	private static final int DIRECT_MIN = 1 << 12;

	private final int chunkShift;

	private final int chunkMask;

	private long[] timeBase = new long[4];

	private int[][] time = new int[4][];

	private long[][] timeWide = new long[4][];

	private int[][] skb = new int[4][];

	private long[][] skbWide = new long[4][];

	private int[][] prev = new int[4][];

	private byte[][] ctx = new byte[4][];

	private short[][] fn = new short[4][];

	private byte[][] drop = new byte[4][];

	/** The 16-bit columns: {@code narrow[column][chunk][row]}. */
	private char[][][] narrow = new char[NARROW_COLUMNS][4][];

	/** Their wide columns, allocated per chunk on the first value that needs one. */
	private int[][][] wide = new int[NARROW_COLUMNS][4][];

	// the current (last) chunk's columns, so appending does not walk the directories
	private long curTimeBase;

	private int[] curTime;

	private int[] curSkb;

	private int[] curPrev;

	private byte[] curCtx;

	private short[] curFn;

	private byte[] curDrop;

	private char[] curCpu;

	private char[] curTask;

	private char[] curDevice;

	private char[] curNetns;

	private char[] curQueue;

	private char[] curDepth;

	private char[] curVerdict;

	private int chunks;

	private int size;

	/** skb id → its last row + 1 (0: none), for ids in the direct table. */
	private int[] direct = new int[DIRECT_MIN];

	private long[] keys;

	private int[] lastRow;

	private int hashed;

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
		this.keys = new long[16];
		Arrays.fill(this.keys, EMPTY);
		this.lastRow = new int[16];
	}

	@Override
	public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId, int netnsId,
			int queueId, int queueDepth, int verdict, DropReason drop) {
		int row = this.size;
		if (row == Integer.MAX_VALUE) {
			throw new IllegalStateException("PathRecorder: full at " + row + " steps");
		}
		int i = row & this.chunkMask;
		if (i == 0) {
			addChunk(timeNs);
		}
		int previous = -1;
		if (skbId >= 0) {
			previous = linkSkb(skbId, row);
		}
		long dt = timeNs - this.curTimeBase;
		if (dt == (int) dt && dt != INT_ESCAPE) {
			this.curTime[i] = (int) dt;
		}
		else {
			this.curTime[i] = INT_ESCAPE;
			wideLongs(this.timeWide)[i] = timeNs;
		}
		if (skbId == (int) skbId && skbId != INT_ESCAPE) {
			this.curSkb[i] = (int) skbId;
		}
		else {
			this.curSkb[i] = INT_ESCAPE;
			wideLongs(this.skbWide)[i] = skbId;
		}
		this.curPrev[i] = previous;
		this.curCtx[i] = (byte) ctx.id();
		this.curFn[i] = (short) fn.id();
		this.curDrop[i] = (byte) drop.id();
		put(this.curCpu, CPU, i, cpu);
		put(this.curTask, TASK, i, taskId);
		put(this.curDevice, DEVICE, i, deviceId);
		put(this.curNetns, NETNS, i, netnsId);
		put(this.curQueue, QUEUE, i, queueId);
		put(this.curDepth, DEPTH, i, queueDepth);
		put(this.curVerdict, VERDICT, i, verdictCode(verdict));
		if (drop.isDrop()) {
			if (this.dropCount == this.dropRows.length) {
				this.dropRows = Arrays.copyOf(this.dropRows, this.dropCount * 2);
			}
			this.dropRows[this.dropCount++] = row;
		}
		this.size = row + 1;
	}

	/**
	 * Stores {@code v} in a 16-bit column as {@code v + 1} when that is in
	 * {@code [0, 0xFFFE]}, else the escape and {@code v} in the wide column.
	 */
	private void put(char[] column, int columnId, int i, int v) {
		int u = v + 1;
		if (Integer.compareUnsigned(u, CHAR_ESCAPE) < 0) {
			column[i] = (char) u;
		}
		else {
			column[i] = CHAR_ESCAPE;
			int c = this.chunks - 1;
			int[][] w = this.wide[columnId];
			if (w[c] == null) {
				w[c] = new int[this.chunkMask + 1];
			}
			w[c][i] = v;
		}
	}

	private long[] wideLongs(long[][] directory) {
		int c = this.chunks - 1;
		if (directory[c] == null) {
			directory[c] = new long[this.chunkMask + 1];
		}
		return directory[c];
	}

	private int narrowValue(int columnId, int c, int i) {
		char x = this.narrow[columnId][c][i];
		return (x == CHAR_ESCAPE) ? this.wide[columnId][c][i] : x - 1;
	}

	private long timeAt(int c, int i) {
		int t = this.time[c][i];
		return (t == INT_ESCAPE) ? this.timeWide[c][i] : this.timeBase[c] + t;
	}

	private long skbAt(int c, int i) {
		int s = this.skb[c][i];
		return (s == INT_ESCAPE) ? this.skbWide[c][i] : s;
	}

	private int verdictAt(int c, int i) {
		return verdictOf(narrowValue(VERDICT, c, i));
	}

	/**
	 * A bijection of {@code int} that maps {@link #NO_VERDICT} to -1 (stored as 0) and
	 * the verdicts {@code [-32768, 32765]} to {@code [0, 65533]} (narrow): {@code v +
	 * 0x8000}, with the two values that would collide swapped.
	 */
	static int verdictCode(int verdict) {
		if (verdict == NO_VERDICT) {
			return -1;
		}
		return (verdict == -0x8001) ? NO_VERDICT + 0x8000 : verdict + 0x8000;
	}

	/** The inverse of {@link #verdictCode}. */
	static int verdictOf(int code) {
		if (code == -1) {
			return NO_VERDICT;
		}
		return (code == NO_VERDICT + 0x8000) ? -0x8001 : code - 0x8000;
	}

	private void addChunk(long firstTime) {
		if (this.chunks == this.time.length) {
			int n = this.chunks * 2;
			this.timeBase = Arrays.copyOf(this.timeBase, n);
			this.time = Arrays.copyOf(this.time, n);
			this.timeWide = Arrays.copyOf(this.timeWide, n);
			this.skb = Arrays.copyOf(this.skb, n);
			this.skbWide = Arrays.copyOf(this.skbWide, n);
			this.prev = Arrays.copyOf(this.prev, n);
			this.ctx = Arrays.copyOf(this.ctx, n);
			this.fn = Arrays.copyOf(this.fn, n);
			this.drop = Arrays.copyOf(this.drop, n);
			for (int k = 0; k < NARROW_COLUMNS; k++) {
				this.narrow[k] = Arrays.copyOf(this.narrow[k], n);
				this.wide[k] = Arrays.copyOf(this.wide[k], n);
			}
		}
		int rows = this.chunkMask + 1;
		int c = this.chunks;
		this.timeBase[c] = firstTime;
		this.time[c] = new int[rows];
		this.skb[c] = new int[rows];
		this.prev[c] = new int[rows];
		this.ctx[c] = new byte[rows];
		this.fn[c] = new short[rows];
		this.drop[c] = new byte[rows];
		for (int k = 0; k < NARROW_COLUMNS; k++) {
			this.narrow[k][c] = new char[rows];
		}
		this.chunks = c + 1;
		this.curTimeBase = firstTime;
		this.curTime = this.time[c];
		this.curSkb = this.skb[c];
		this.curPrev = this.prev[c];
		this.curCtx = this.ctx[c];
		this.curFn = this.fn[c];
		this.curDrop = this.drop[c];
		this.curCpu = this.narrow[CPU][c];
		this.curTask = this.narrow[TASK][c];
		this.curDevice = this.narrow[DEVICE][c];
		this.curNetns = this.narrow[NETNS][c];
		this.curQueue = this.narrow[QUEUE][c];
		this.curDepth = this.narrow[DEPTH][c];
		this.curVerdict = this.narrow[VERDICT][c];
	}

	private static int hash(long key, int mask) {
		long h = key * 0x9E3779B97F4A7C15L;
		return (int) (h ^ (h >>> 32)) & mask;
	}

	/**
	 * Sets {@code row} as the skb's last row and returns its previous last row (or -1).
	 */
	private int linkSkb(long skbId, int row) {
		int[] d = this.direct;
		if (skbId < d.length) {
			int previous = d[(int) skbId] - 1;
			if (previous >= 0 || this.hashed == 0) {
				if (previous < 0) {
					this.skbCount++;
				}
				d[(int) skbId] = row + 1;
				return previous;
			}
			// not in the direct table: it may have been hashed before the table grew
			return linkHashed(skbId, row);
		}
		if (skbId < 2L * d.length && skbId <= (1 << 30) && this.skbCount >= d.length / 4 && findHashed(skbId) < 0) {
			// dense ids (a quarter of the table used): grow the table instead of hashing
			this.direct = Arrays.copyOf(d, d.length * 2);
			this.direct[(int) skbId] = row + 1;
			this.skbCount++;
			return -1;
		}
		return linkHashed(skbId, row);
	}

	private int linkHashed(long skbId, int row) {
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
				this.skbCount++;
				if (++this.hashed * 2 > k.length) {
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

	private int findHashed(long skbId) {
		if (this.hashed == 0) {
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

	private int findLastRow(long skbId) {
		if (skbId < 0) {
			return -1;
		}
		if (skbId < this.direct.length && this.direct[(int) skbId] > 0) {
			return this.direct[(int) skbId] - 1;
		}
		return findHashed(skbId);
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
		return new Step(index, timeAt(c, i), skbAt(c, i), narrowValue(CPU, c, i), Context.ofId(this.ctx[c][i]),
				narrowValue(TASK, c, i), Function.ofId(this.fn[c][i]), narrowValue(DEVICE, c, i),
				narrowValue(NETNS, c, i), narrowValue(QUEUE, c, i), narrowValue(DEPTH, c, i), verdictAt(c, i),
				DropReason.ofId(this.drop[c][i]));
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
			for (int i = 0; i < rows; i++) {
				if (narrowValue(DEVICE, c, i) != deviceId) {
					continue;
				}
				long id = skbAt(c, i);
				if (id >= 0 && seen.add(id)) {
					if (total >= offset && total < offset + limit) {
						ids.add(id);
					}
					total++;
				}
			}
		}
		return new Page<>(ids, offset, limit, total);
	}

	/**
	 * Bytes held by this recorder's arrays: column chunks (narrow and wide), chunk
	 * directories, the skb indexes and the drop index, each array counted with a
	 * {@value #ARRAY_HEADER}-byte header and 8-byte references.
	 */
	public long storageBytes() {
		long rowsPerChunk = this.chunkMask + 1L;
		long bytes = (long) this.chunks * (rowsPerChunk * BYTES_PER_ROW + COLUMNS * ARRAY_HEADER);
		for (int c = 0; c < this.chunks; c++) {
			bytes += (this.timeWide[c] != null) ? ARRAY_HEADER + 8 * rowsPerChunk : 0;
			bytes += (this.skbWide[c] != null) ? ARRAY_HEADER + 8 * rowsPerChunk : 0;
			for (int k = 0; k < NARROW_COLUMNS; k++) {
				bytes += (this.wide[k][c] != null) ? ARRAY_HEADER + 4 * rowsPerChunk : 0;
			}
		}
		// directories: timeBase (longs), 8 of chunks, 2 x 7 of the 16-bit columns, and
		// narrow / wide themselves
		int dir = this.time.length;
		bytes += ARRAY_HEADER + 8L * dir;
		bytes += (8 + 2 * NARROW_COLUMNS) * (ARRAY_HEADER + 8L * dir) + 2 * (ARRAY_HEADER + 8L * NARROW_COLUMNS);
		bytes += ARRAY_HEADER + 4L * this.direct.length;
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

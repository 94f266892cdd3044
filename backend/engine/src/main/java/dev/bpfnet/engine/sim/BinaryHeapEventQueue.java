package dev.bpfnet.engine.sim;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * An indexed binary min-heap over parallel primitive arrays: the default
 * {@link EventQueue}. Complexities are in the table on {@link EventQueue}.
 *
 * <p>
 * Layout (Agrona style, no object per event):
 * <ul>
 * <li>the heap proper is three arrays in heap order, {@code heapTime}, {@code heapSeq}
 * and {@code heapSlot}, so that sifting compares keys without following a pointer;</li>
 * <li>each pending event occupies a <em>slot</em> holding its handler, argument, heap
 * position and a generation number; freed slots go on a LIFO free list and are
 * reused;</li>
 * <li>a handle is {@code generation << 32 | slot}; the generation (31 bits) changes every
 * time the slot is freed, which makes {@link #remove} with a stale handle a no-op (a
 * handle could only be confused after 2^31 reuses of the same slot).</li>
 * </ul>
 * Removal by handle is eager, O(log n), so {@link #size()} is exact and no cancelled
 * event lingers. Arrays double when full and never shrink; once the queue has reached its
 * peak size it allocates nothing. Not thread-safe.
 */
public final class BinaryHeapEventQueue implements EventQueue {

	private static final int DEFAULT_CAPACITY = 64;

	private static final int GENERATION_MASK = 0x7fff_ffff;

	private long[] heapTime;

	private long[] heapSeq;

	private int[] heapSlot;

	private int size;

	private EventHandler[] slotHandler;

	private long[] slotArg;

	/** Heap position of the slot's event, -1 when the slot is free. */
	private int[] slotPos;

	private int[] slotGeneration;

	private int[] freeSlots;

	private int freeCount;

	/** Slots handed out so far (free or in use). */
	private int slotCount;

	/** Creates an empty queue with a small initial capacity. */
	public BinaryHeapEventQueue() {
		this(DEFAULT_CAPACITY);
	}

	/**
	 * Creates an empty queue.
	 * @param initialCapacity pending events before the first growth, at least 1
	 */
	public BinaryHeapEventQueue(int initialCapacity) {
		if (initialCapacity < 1) {
			throw new IllegalArgumentException("initialCapacity must be at least 1, got " + initialCapacity);
		}
		this.heapTime = new long[initialCapacity];
		this.heapSeq = new long[initialCapacity];
		this.heapSlot = new int[initialCapacity];
		this.slotHandler = new EventHandler[initialCapacity];
		this.slotArg = new long[initialCapacity];
		this.slotPos = new int[initialCapacity];
		this.slotGeneration = new int[initialCapacity];
		this.freeSlots = new int[initialCapacity];
	}

	@Override
	public long insert(long timeNs, long seq, EventHandler handler, long arg) {
		if (handler == null) {
			throw new IllegalArgumentException("handler must not be null");
		}
		int slot;
		if (this.freeCount > 0) {
			slot = this.freeSlots[--this.freeCount];
		}
		else {
			if (this.slotCount == this.slotHandler.length) {
				grow();
			}
			slot = this.slotCount++;
		}
		this.slotHandler[slot] = handler;
		this.slotArg[slot] = arg;
		siftUp(this.size++, timeNs, seq, slot);
		return ((long) this.slotGeneration[slot] << 32) | slot;
	}

	@Override
	public boolean remove(long handle) {
		int slot = liveSlot(handle);
		if (slot < 0) {
			return false;
		}
		int pos = this.slotPos[slot];
		freeSlot(slot);
		int last = --this.size;
		if (pos != last) {
			long t = this.heapTime[last];
			long s = this.heapSeq[last];
			int sl = this.heapSlot[last];
			if (pos > 0 && less(t, s, (pos - 1) >>> 1)) {
				siftUp(pos, t, s, sl);
			}
			else {
				siftDown(pos, t, s, sl);
			}
		}
		return true;
	}

	@Override
	public boolean contains(long handle) {
		return liveSlot(handle) >= 0;
	}

	private int liveSlot(long handle) {
		if (handle < 0) {
			return -1;
		}
		int slot = (int) handle;
		if (slot < 0 || slot >= this.slotCount || this.slotPos[slot] < 0
				|| this.slotGeneration[slot] != (int) (handle >>> 32)) {
			return -1;
		}
		return slot;
	}

	@Override
	public int size() {
		return this.size;
	}

	@Override
	public long peekTime() {
		checkNotEmpty();
		return this.heapTime[0];
	}

	@Override
	public long peekSeq() {
		checkNotEmpty();
		return this.heapSeq[0];
	}

	@Override
	public EventHandler peekHandler() {
		checkNotEmpty();
		return this.slotHandler[this.heapSlot[0]];
	}

	@Override
	public long peekArg() {
		checkNotEmpty();
		return this.slotArg[this.heapSlot[0]];
	}

	@Override
	public long peekHandle() {
		checkNotEmpty();
		int slot = this.heapSlot[0];
		return ((long) this.slotGeneration[slot] << 32) | slot;
	}

	@Override
	public void removeMin() {
		checkNotEmpty();
		freeSlot(this.heapSlot[0]);
		int last = --this.size;
		if (last > 0) {
			siftDown(0, this.heapTime[last], this.heapSeq[last], this.heapSlot[last]);
		}
	}

	private void checkNotEmpty() {
		if (this.size == 0) {
			throw new NoSuchElementException("the event queue is empty");
		}
	}

	private void freeSlot(int slot) {
		this.slotPos[slot] = -1;
		this.slotHandler[slot] = null;
		this.slotGeneration[slot] = (this.slotGeneration[slot] + 1) & GENERATION_MASK;
		this.freeSlots[this.freeCount++] = slot;
	}

	/** Whether (t, s) orders strictly before the entry at heap position {@code pos}. */
	private boolean less(long t, long s, int pos) {
		long pt = this.heapTime[pos];
		return t < pt || (t == pt && s < this.heapSeq[pos]);
	}

	private void siftUp(int pos, long t, long s, int slot) {
		long[] time = this.heapTime;
		long[] seq = this.heapSeq;
		int[] slots = this.heapSlot;
		while (pos > 0) {
			int parent = (pos - 1) >>> 1;
			long pt = time[parent];
			if (!(t < pt || (t == pt && s < seq[parent]))) {
				break;
			}
			time[pos] = pt;
			seq[pos] = seq[parent];
			int ps = slots[parent];
			slots[pos] = ps;
			this.slotPos[ps] = pos;
			pos = parent;
		}
		time[pos] = t;
		seq[pos] = s;
		slots[pos] = slot;
		this.slotPos[slot] = pos;
	}

	private void siftDown(int pos, long t, long s, int slot) {
		long[] time = this.heapTime;
		long[] seq = this.heapSeq;
		int[] slots = this.heapSlot;
		int n = this.size;
		int half = n >>> 1;
		while (pos < half) {
			int child = 2 * pos + 1;
			int right = child + 1;
			long ct = time[child];
			long cs = seq[child];
			if (right < n) {
				long rt = time[right];
				if (rt < ct || (rt == ct && seq[right] < cs)) {
					child = right;
					ct = rt;
					cs = seq[right];
				}
			}
			if (t < ct || (t == ct && s < cs)) {
				break;
			}
			time[pos] = ct;
			seq[pos] = cs;
			int cslot = slots[child];
			slots[pos] = cslot;
			this.slotPos[cslot] = pos;
			pos = child;
		}
		time[pos] = t;
		seq[pos] = s;
		slots[pos] = slot;
		this.slotPos[slot] = pos;
	}

	/** Doubles every array; slots and heap positions never exceed the slot capacity. */
	private void grow() {
		int capacity = this.slotHandler.length;
		if (capacity >= Integer.MAX_VALUE / 2) {
			throw new IllegalStateException("event queue full: " + capacity + " pending events");
		}
		int n = capacity * 2;
		this.heapTime = Arrays.copyOf(this.heapTime, n);
		this.heapSeq = Arrays.copyOf(this.heapSeq, n);
		this.heapSlot = Arrays.copyOf(this.heapSlot, n);
		this.slotHandler = Arrays.copyOf(this.slotHandler, n);
		this.slotArg = Arrays.copyOf(this.slotArg, n);
		this.slotPos = Arrays.copyOf(this.slotPos, n);
		this.slotGeneration = Arrays.copyOf(this.slotGeneration, n);
		this.freeSlots = Arrays.copyOf(this.freeSlots, n);
	}

}

package dev.bpfnet.engine.datapath;

import java.util.Arrays;

/**
 * Counts by {@code long} key without boxing: open addressing with linear probing over two
 * primitive arrays. Key {@link Long#MIN_VALUE} is reserved (the empty marker). Increments
 * allocate nothing except when the table grows. Not thread-safe.
 */
final class LongCounter {

	private static final long EMPTY = Long.MIN_VALUE;

	private long[] keys = new long[16];

	private long[] counts = new long[16];

	private int size;

	LongCounter() {
		Arrays.fill(this.keys, EMPTY);
	}

	/** Adds one to {@code key}'s count. */
	void increment(long key) {
		if (key == EMPTY) {
			throw new IllegalArgumentException("key: Long.MIN_VALUE is reserved");
		}
		if ((this.size + 1) * 2 > this.keys.length) {
			grow();
		}
		int i = slot(this.keys, key);
		if (this.keys[i] == EMPTY) {
			this.keys[i] = key;
			this.size++;
		}
		this.counts[i]++;
	}

	/** The count of {@code key}, 0 if never incremented. */
	long get(long key) {
		int i = slot(this.keys, key);
		return (this.keys[i] == key) ? this.counts[i] : 0;
	}

	/** Distinct keys counted. */
	int size() {
		return this.size;
	}

	private static int slot(long[] keys, long key) {
		int mask = keys.length - 1;
		long h = key * 0x9E3779B97F4A7C15L;
		int i = (int) (h ^ (h >>> 32)) & mask;
		while (keys[i] != EMPTY && keys[i] != key) {
			i = (i + 1) & mask;
		}
		return i;
	}

	private void grow() {
		long[] oldKeys = this.keys;
		long[] oldCounts = this.counts;
		this.keys = new long[oldKeys.length * 2];
		this.counts = new long[oldKeys.length * 2];
		Arrays.fill(this.keys, EMPTY);
		for (int j = 0; j < oldKeys.length; j++) {
			if (oldKeys[j] != EMPTY) {
				int i = slot(this.keys, oldKeys[j]);
				this.keys[i] = oldKeys[j];
				this.counts[i] = oldCounts[j];
			}
		}
	}

}

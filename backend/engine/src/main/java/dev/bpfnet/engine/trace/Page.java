package dev.bpfnet.engine.trace;

import java.util.List;

/**
 * One page of a query result: {@code items} are the results at positions
 * {@code [offset, offset + items.size())} out of {@code total}. A page past the end is
 * empty.
 *
 * @param <T> the item type
 * @param items the items of this page (at most {@code limit})
 * @param offset position of the first item
 * @param limit the page size asked for
 * @param total number of results of the whole query
 */
public record Page<T>(List<T> items, long offset, int limit, long total) {

	public Page {
		items = List.copyOf(items);
		if (offset < 0) {
			throw new IllegalArgumentException("offset: must be >= 0, got " + offset);
		}
		if (limit < 0) {
			throw new IllegalArgumentException("limit: must be >= 0, got " + limit);
		}
		if (items.size() > limit) {
			throw new IllegalArgumentException("items: " + items.size() + " items exceed limit " + limit);
		}
		if (!items.isEmpty() && total < offset + items.size()) {
			throw new IllegalArgumentException(
					"total: " + total + " is less than offset " + offset + " + " + items.size() + " items");
		}
	}

	/** Whether results follow this page. */
	public boolean hasMore() {
		return this.offset + this.items.size() < this.total;
	}

	static void checkRange(long offset, int limit) {
		if (offset < 0) {
			throw new IllegalArgumentException("offset: must be >= 0, got " + offset);
		}
		if (limit < 0) {
			throw new IllegalArgumentException("limit: must be >= 0, got " + limit);
		}
	}

}

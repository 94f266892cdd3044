package dev.bpfnet.engine.sim;

/**
 * The pending-event set of a {@link Simulator}: ns-3's {@code Scheduler} interface. It
 * orders events by (time, sequence number), smallest first; the simulator assigns the
 * sequence numbers, so equal times run in scheduling order (FIFO) and every run of the
 * same schedule gives the same order.
 *
 * <p>
 * Implementations and their costs, n = pending events:
 * <table>
 * <caption>Complexity of the event queue operations</caption>
 * <tr>
 * <th>Implementation</th>
 * <th>insert</th>
 * <th>peek*</th>
 * <th>removeMin</th>
 * <th>remove(handle)</th>
 * <th>memory per event</th>
 * <th>allocation once warm</th>
 * </tr>
 * <tr>
 * <td>{@link BinaryHeapEventQueue}</td>
 * <td>O(log n)</td>
 * <td>O(1)</td>
 * <td>O(log n)</td>
 * <td>O(log n)</td>
 * <td>about 40 bytes in primitive arrays</td>
 * <td>none (arrays double when full)</td>
 * </tr>
 * <tr>
 * <td>{@code java.util.PriorityQueue} of event objects (benchmark baseline only)</td>
 * <td>O(log n)</td>
 * <td>O(1)</td>
 * <td>O(log n)</td>
 * <td>O(n)</td>
 * <td>an object (about 40 bytes) + a reference</td>
 * <td>one object per event</td>
 * </tr>
 * </table>
 * ns-3 additionally offers list (O(n) insert), map (red-black tree) and calendar queues;
 * {@code SimulatorBench} is where a new implementation has to prove itself.
 *
 * <p>
 * Handles returned by {@link #insert} are opaque non-negative {@code long}s, valid until
 * the event leaves the queue; a stale handle is recognised and ignored by
 * {@link #remove}. Not thread-safe.
 */
public interface EventQueue {

	/**
	 * Adds an event.
	 * @param timeNs the event's time
	 * @param seq its sequence number (ties on time are broken by the smaller seq)
	 * @param handler what to run
	 * @param arg the handler's argument
	 * @return a handle for {@link #remove}, never negative
	 */
	long insert(long timeNs, long seq, EventHandler handler, long arg);

	/**
	 * Removes a pending event.
	 * @param handle a handle returned by {@link #insert}
	 * @return {@code true} if the event was pending and is now removed, {@code false} if
	 * it already left the queue (ran, or was removed) or the handle is not one of ours
	 */
	boolean remove(long handle);

	/**
	 * Whether the event with this handle is still in the queue.
	 * @param handle a handle returned by {@link #insert}
	 * @return {@code true} if pending
	 */
	boolean contains(long handle);

	/**
	 * Number of pending events.
	 * @return the count
	 */
	int size();

	/**
	 * Whether no event is pending.
	 * @return {@code true} if empty
	 */
	default boolean isEmpty() {
		return size() == 0;
	}

	/**
	 * Time of the first event.
	 * @return its time in ns
	 * @throws java.util.NoSuchElementException if empty
	 */
	long peekTime();

	/**
	 * Sequence number of the first event.
	 * @return its seq
	 * @throws java.util.NoSuchElementException if empty
	 */
	long peekSeq();

	/**
	 * Handler of the first event.
	 * @return its handler
	 * @throws java.util.NoSuchElementException if empty
	 */
	EventHandler peekHandler();

	/**
	 * Argument of the first event.
	 * @return its argument
	 * @throws java.util.NoSuchElementException if empty
	 */
	long peekArg();

	/**
	 * Handle of the first event.
	 * @return its handle
	 * @throws java.util.NoSuchElementException if empty
	 */
	long peekHandle();

	/**
	 * Removes the first event (read it with the {@code peek} methods first).
	 * @throws java.util.NoSuchElementException if empty
	 */
	void removeMin();

}

package dev.bpfnet.engine.trace;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Display names of the run-wide ids that trace events carry (CPUs, devices, namespaces,
 * queues, tasks, flows), registered by the engine when it builds a topology, e.g. device
 * 3 = {@code node1/host/eth0}, queue 0 = {@code node1/cpu0/backlog}, task 5 =
 * {@code node1/ksoftirqd/1}. Recorders store ids only; the views and the API resolve them
 * here.
 *
 * <p>
 * Ids are small non-negative integers, dense per kind. An id is registered once; a name
 * is unique within its kind, so {@link #id} can look it up (in a sorted map, never
 * depending on hash order).
 *
 * <p>
 * <b>Threading.</b> Not thread-safe: the engine registers while it builds the run;
 * readers read after.
 */
public final class Names {

	/** The kinds of ids events carry. */
	public enum Kind {

		/** A run-wide CPU id (unique across nodes). */
		CPU,

		/** A network device (one end of a veth or bpfnet pair, a NIC). */
		DEVICE,

		/** A network namespace. */
		NETNS,

		/**
		 * A queue: a per-CPU backlog, a qdisc (band), a TX/RX ring, a socket receive
		 * queue.
		 */
		QUEUE,

		/** A task: traffic generator, socket endpoint, ksoftirqd/N. */
		TASK,

		/** A traffic flow, for latency histograms. */
		FLOW

	}

	private final Map<Kind, String[]> names = new EnumMap<>(Kind.class);

	private final Map<Kind, TreeMap<String, Integer>> ids = new EnumMap<>(Kind.class);

	public Names() {
		for (Kind kind : Kind.values()) {
			this.names.put(kind, new String[8]);
			this.ids.put(kind, new TreeMap<>());
		}
	}

	/**
	 * Registers {@code name} for {@code id} of {@code kind}.
	 * @throws IllegalArgumentException if the id is negative, the name blank, or either
	 * is already registered for this kind
	 */
	public void register(Kind kind, int id, String name) {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(name, "name");
		String what = kind.name().toLowerCase(Locale.ROOT);
		if (id < 0) {
			throw new IllegalArgumentException(what + " id: must be >= 0, got " + id);
		}
		if (name.isBlank()) {
			throw new IllegalArgumentException(what + " " + id + ": name must not be blank");
		}
		String[] table = this.names.get(kind);
		if (id < table.length && table[id] != null) {
			throw new IllegalArgumentException(
					what + " " + id + ": already registered as '" + table[id] + "', cannot register '" + name + "'");
		}
		Integer other = this.ids.get(kind).get(name);
		if (other != null) {
			throw new IllegalArgumentException(what + " name '" + name + "': already used by " + what + " " + other);
		}
		if (id >= table.length) {
			table = Arrays.copyOf(table, Math.max(id + 1, table.length * 2));
			this.names.put(kind, table);
		}
		table[id] = name;
		this.ids.get(kind).put(name, id);
	}

	/**
	 * The registered name, or {@code kind#id} (e.g. {@code device#3}) if none, or
	 * {@code -} for {@link TraceSink#NO_ID}.
	 */
	public String name(Kind kind, int id) {
		if (id < 0) {
			return "-";
		}
		String[] table = this.names.get(kind);
		String name = (id < table.length) ? table[id] : null;
		return (name != null) ? name : kind.name().toLowerCase(Locale.ROOT) + "#" + id;
	}

	/** The id registered for {@code name}, or {@link TraceSink#NO_ID}. */
	public int id(Kind kind, String name) {
		Integer id = this.ids.get(kind).get(name);
		return (id != null) ? id : TraceSink.NO_ID;
	}

	/** All registered names of a kind, by name. */
	public Map<String, Integer> all(Kind kind) {
		return Collections.unmodifiableMap(this.ids.get(kind));
	}

}

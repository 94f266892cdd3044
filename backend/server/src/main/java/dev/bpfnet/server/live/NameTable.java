package dev.bpfnet.server.live;

import java.util.Map;
import java.util.TreeMap;

import dev.bpfnet.engine.trace.Names;

/**
 * The names of a run's CPUs, tasks, devices, namespaces and queues by id, as stored with
 * the run (JSON: kind → id → name), so events can be named after a restart.
 *
 * @param byKind names by kind and id
 */
public record NameTable(Map<String, Map<Integer, String>> byKind) {

	/** A table of the engine's names. */
	public static NameTable of(Names names) {
		Map<String, Map<Integer, String>> out = new TreeMap<>();
		for (Names.Kind kind : Names.Kind.values()) {
			Map<Integer, String> m = new TreeMap<>();
			for (Map.Entry<String, Integer> e : names.all(kind).entrySet()) {
				m.put(e.getValue(), e.getKey());
			}
			out.put(kind.name(), m);
		}
		return new NameTable(out);
	}

	/** The name, {@code kind#id} if unknown, or {@code null} for an absent id. */
	public String name(Names.Kind kind, int id) {
		if (id < 0) {
			return null;
		}
		Map<Integer, String> m = this.byKind.get(kind.name());
		String n = (m != null) ? m.get(id) : null;
		return (n != null) ? n : kind.name().toLowerCase(java.util.Locale.ROOT) + "#" + id;
	}

	/** The id of a name, or {@code -1}. */
	public int id(Names.Kind kind, String name) {
		Map<Integer, String> m = this.byKind.get(kind.name());
		if (m != null) {
			for (Map.Entry<Integer, String> e : m.entrySet()) {
				if (e.getValue().equals(name)) {
					return e.getKey();
				}
			}
		}
		return -1;
	}

}

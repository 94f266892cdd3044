package dev.bpfnet.engine.topology;

import java.util.List;

/**
 * A machine: CPUs, sysctls and network namespaces. Namespace {@code host} is not special
 * to the format; it is a convention of the examples.
 *
 * @param name unique node name
 * @param cpus number of CPUs, 1..{@value #MAX_CPUS}; CPU numbers in the document are
 * 0..cpus-1
 * @param sysctl the receive-path knobs
 * @param namespaces the namespaces, in document order
 */
public record Node(String name, int cpus, Sysctl sysctl, List<Namespace> namespaces) {

	/** Upper bound on {@link #cpus()}. */
	public static final int MAX_CPUS = 256;

	public Node {
		Names.require("name", name);
		if (cpus < 1 || cpus > MAX_CPUS) {
			throw new IllegalArgumentException("cpus must be 1.." + MAX_CPUS + ", got " + cpus);
		}
		if (sysctl == null) {
			throw new IllegalArgumentException("sysctl must not be null");
		}
		namespaces = List.copyOf(namespaces);
	}

}

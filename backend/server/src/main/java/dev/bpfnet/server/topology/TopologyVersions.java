package dev.bpfnet.server.topology;

import reactor.core.publisher.Mono;

/**
 * Stored topology versions, as the runs need them (server contract; implemented by the
 * "server" helper's topology store). Both methods answer empty for a topology or version
 * that does not exist or belongs to another owner.
 */
public interface TopologyVersions {

	/** One version of a stored topology: its YAML document. */
	record StoredTopology(String id, int version, String owner, String name, String yaml) {
	}

	/** The given version of the owner's topology, or empty. */
	Mono<StoredTopology> find(String owner, String topologyId, int version);

	/** The latest version of the owner's topology, or empty. */
	Mono<StoredTopology> latest(String owner, String topologyId);

}

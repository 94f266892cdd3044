package dev.bpfnet.server.topology;

import reactor.core.publisher.Mono;

/**
 * Read access to stored topology versions for other parts of the server (runs refer to
 * the exact version they ran). Both methods complete empty when the topology or version
 * does not exist or belongs to someone else.
 */
public interface TopologyVersions {

	/** Version {@code version} of topology {@code topologyId} of {@code owner}. */
	Mono<StoredTopology> find(String owner, String topologyId, int version);

	/** The latest version of topology {@code topologyId} of {@code owner}. */
	Mono<StoredTopology> latest(String owner, String topologyId);

}

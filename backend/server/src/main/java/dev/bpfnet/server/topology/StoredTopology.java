package dev.bpfnet.server.topology;

/**
 * One immutable version of a stored topology document.
 *
 * @param id topology id
 * @param version version number, 1 for the first
 * @param owner owning user name
 * @param name display name of the topology
 * @param yaml the document text exactly as it was submitted
 */
public record StoredTopology(String id, int version, String owner, String name, String yaml) {
}

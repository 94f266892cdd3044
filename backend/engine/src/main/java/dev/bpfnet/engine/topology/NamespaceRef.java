package dev.bpfnet.engine.topology;

import java.util.Optional;

/**
 * A reference to a network namespace, written {@code node/namespace} (for example
 * {@code node1/pod1}).
 *
 * @param node node name
 * @param namespace namespace name
 */
public record NamespaceRef(String node, String namespace) {

	public NamespaceRef {
		Names.require("node", node);
		Names.require("namespace", namespace);
	}

	/** Parses {@code node/namespace} or throws {@link IllegalArgumentException}. */
	public static NamespaceRef of(String text) {
		return parse(text).orElseThrow(() -> new IllegalArgumentException(
				"expected a namespace reference like node1/pod1, got \"" + text + "\""));
	}

	/** Parses {@code node/namespace}; empty if malformed. */
	public static Optional<NamespaceRef> parse(String text) {
		String[] parts = text == null ? new String[0] : text.split("/", -1);
		if (parts.length != 2 || !Names.valid(parts[0]) || !Names.valid(parts[1])) {
			return Optional.empty();
		}
		return Optional.of(new NamespaceRef(parts[0], parts[1]));
	}

	@Override
	public String toString() {
		return this.node + "/" + this.namespace;
	}

}

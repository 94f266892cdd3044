package dev.bpfnet.engine.topology;

import java.util.Optional;

/**
 * A reference to a device, written {@code node/namespace/device} (for example
 * {@code node1/host/eth0}). The device may be declared in that namespace or be the peer
 * end of a veth or bpfnet pair declared elsewhere on the same node.
 *
 * @param node node name
 * @param namespace namespace name
 * @param device device name
 */
public record DeviceRef(String node, String namespace, String device) {

	public DeviceRef {
		Names.require("node", node);
		Names.require("namespace", namespace);
		Names.require("device", device);
	}

	/**
	 * Parses {@code node/namespace/device} or throws {@link IllegalArgumentException}.
	 */
	public static DeviceRef of(String text) {
		return parse(text).orElseThrow(() -> new IllegalArgumentException(
				"expected a device reference like node1/host/eth0, got \"" + text + "\""));
	}

	/** Parses {@code node/namespace/device}; empty if malformed. */
	public static Optional<DeviceRef> parse(String text) {
		String[] parts = text == null ? new String[0] : text.split("/", -1);
		if (parts.length != 3 || !Names.valid(parts[0]) || !Names.valid(parts[1]) || !Names.valid(parts[2])) {
			return Optional.empty();
		}
		return Optional.of(new DeviceRef(parts[0], parts[1], parts[2]));
	}

	/** The namespace holding the device. */
	public NamespaceRef namespaceRef() {
		return new NamespaceRef(this.node, this.namespace);
	}

	@Override
	public String toString() {
		return this.node + "/" + this.namespace + "/" + this.device;
	}

}

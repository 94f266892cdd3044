package dev.bpfnet.engine.packet;

/**
 * A packet spec that cannot be built: the message starts with the path of the offending
 * field, as {@code packet.ipv4.ttl: expected 0..255, got 300}.
 */
public class PacketSpecException extends IllegalArgumentException {

	private final String path;

	public PacketSpecException(String path, String message) {
		super(path.isEmpty() ? message : path + ": " + message);
		this.path = path;
	}

	/** The path of the offending field ({@code packet.ipv4.ttl}). */
	public String path() {
		return this.path;
	}

}

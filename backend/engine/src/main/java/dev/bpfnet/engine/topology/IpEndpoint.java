package dev.bpfnet.engine.topology;

import java.util.Optional;

/**
 * A transport endpoint, {@code 192.0.2.2:7000} or {@code [2001:db8::2]:7000}.
 *
 * @param address the IP address
 * @param port the UDP/TCP port, 1..65535
 */
public record IpEndpoint(IpAddress address, int port) {

	public IpEndpoint {
		if (address == null) {
			throw new IllegalArgumentException("address must not be null");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port must be 1..65535, got " + port);
		}
	}

	/** Parses an endpoint or throws {@link IllegalArgumentException} naming the text. */
	public static IpEndpoint of(String text) {
		return parse(text).orElseThrow(() -> new IllegalArgumentException("not an endpoint: \"" + text + "\""));
	}

	/** Parses {@code ADDR:PORT} or {@code [ADDR6]:PORT}; empty if malformed. */
	public static Optional<IpEndpoint> parse(String text) {
		if (text == null) {
			return Optional.empty();
		}
		String host;
		String port;
		if (text.startsWith("[")) {
			int close = text.indexOf("]:");
			if (close < 0) {
				return Optional.empty();
			}
			host = text.substring(1, close);
			port = text.substring(close + 2);
			if (host.indexOf(':') < 0) {
				return Optional.empty();
			}
		}
		else {
			int colon = text.lastIndexOf(':');
			if (colon < 0 || text.indexOf(':') != colon) {
				return Optional.empty();
			}
			host = text.substring(0, colon);
			port = text.substring(colon + 1);
		}
		if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
			return Optional.empty();
		}
		int p = Integer.parseInt(port);
		Optional<IpAddress> address = IpAddress.parse(host);
		return (address.isEmpty() || p < 1 || p > 65535) ? Optional.empty()
				: Optional.of(new IpEndpoint(address.get(), p));
	}

	@Override
	public String toString() {
		return this.address.family() == IpAddress.Family.IPV6 ? "[" + this.address + "]:" + this.port
				: this.address + ":" + this.port;
	}

}

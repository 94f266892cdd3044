package dev.bpfnet.engine.topology;

import java.util.Optional;

/**
 * A route ({@code ip route add TO [via VIA] dev DEV}).
 *
 * @param to destination prefix, host bits zero ({@code 0.0.0.0/0} or {@code ::/0} for
 * default)
 * @param via gateway, same family as {@code to}; empty for a directly connected route
 * @param dev output device in the same namespace
 */
public record Route(IpPrefix to, Optional<IpAddress> via, String dev) {

	public Route {
		if (to == null || via == null) {
			throw new IllegalArgumentException("to and via must not be null");
		}
		if (!to.isNetwork()) {
			throw new IllegalArgumentException(
					"to: host bits set in " + to + ", expected " + to.network() + "/" + to.length());
		}
		if (via.isPresent() && via.get().family() != to.family()) {
			throw new IllegalArgumentException(
					"via: " + via.get() + " is " + via.get().family() + " but to " + to + " is " + to.family());
		}
		Names.requireDevice("dev", dev);
	}

}

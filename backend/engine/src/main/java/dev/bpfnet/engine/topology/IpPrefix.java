package dev.bpfnet.engine.topology;

import java.util.Optional;

/**
 * An address with a prefix length, written {@code 192.0.2.1/24} or
 * {@code 2001:db8::1/64}. On a device it is an interface address (host bits allowed, as
 * {@code ip addr add}); as a route destination the host bits must be zero (as
 * {@code ip route add} insists). Without {@code /len} the prefix is a host prefix (/32 or
 * /128).
 *
 * @param address the address
 * @param length the prefix length, 0..32 or 0..128
 */
public record IpPrefix(IpAddress address, int length) {

	public IpPrefix {
		if (address == null) {
			throw new IllegalArgumentException("address must not be null");
		}
		if (length < 0 || length > address.family().bits()) {
			throw new IllegalArgumentException(
					"prefix length must be 0.." + address.family().bits() + ", got " + length);
		}
	}

	/** Parses a prefix or throws {@link IllegalArgumentException} naming the text. */
	public static IpPrefix of(String text) {
		return parse(text).orElseThrow(() -> new IllegalArgumentException("not an IP prefix: \"" + text + "\""));
	}

	/** Parses {@code ADDRESS[/LEN]}; empty if malformed. */
	public static Optional<IpPrefix> parse(String text) {
		if (text == null) {
			return Optional.empty();
		}
		int slash = text.indexOf('/');
		Optional<IpAddress> address = IpAddress.parse(slash < 0 ? text : text.substring(0, slash));
		if (address.isEmpty()) {
			return Optional.empty();
		}
		int bits = address.get().family().bits();
		if (slash < 0) {
			return Optional.of(new IpPrefix(address.get(), bits));
		}
		String len = text.substring(slash + 1);
		if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(c -> c >= '0' && c <= '9')
				|| (len.length() > 1 && len.charAt(0) == '0')) {
			return Optional.empty();
		}
		int length = Integer.parseInt(len);
		return length > bits ? Optional.empty() : Optional.of(new IpPrefix(address.get(), length));
	}

	/** The address family. */
	public IpAddress.Family family() {
		return this.address.family();
	}

	/** The network address (host bits cleared). */
	public IpAddress network() {
		return this.address.masked(this.length);
	}

	/** Whether the host bits of the address are all zero. */
	public boolean isNetwork() {
		return network().equals(this.address);
	}

	/**
	 * Whether {@code other} lies inside this prefix (same family and same leading bits).
	 */
	public boolean contains(IpAddress other) {
		return other.family() == family() && other.samePrefix(this.address, this.length);
	}

	@Override
	public String toString() {
		return this.address + "/" + this.length;
	}

}

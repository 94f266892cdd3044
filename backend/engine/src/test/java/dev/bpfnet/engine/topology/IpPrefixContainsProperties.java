package dev.bpfnet.engine.topology;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link IpPrefix#contains} (allocation-free) against its definition by masking. */
class IpPrefixContainsProperties {

	@Property(tries = 500)
	void ipv4ContainsMeansEqualMaskedAddresses(@ForAll int a, @ForAll int b, @ForAll @IntRange(max = 32) int length,
			@ForAll @IntRange(max = 32) int flip) {
		IpAddress x = new IpAddress(IpAddress.Family.IPV4, 0, a & 0xFFFF_FFFFL);
		// b, or x with one bit flipped (near misses on the boundary)
		long other = (flip < 32) ? (x.lo() ^ (1L << flip)) : (b & 0xFFFF_FFFFL);
		IpAddress y = new IpAddress(IpAddress.Family.IPV4, 0, other);
		IpPrefix p = new IpPrefix(x, length);
		assertThat(p.contains(y)).isEqualTo(y.masked(length).equals(x.masked(length)));
	}

	@Property(tries = 500)
	void ipv6ContainsMeansEqualMaskedAddresses(@ForAll long hi, @ForAll long lo,
			@ForAll @IntRange(max = 128) int length, @ForAll @IntRange(max = 128) int flip) {
		IpAddress x = new IpAddress(IpAddress.Family.IPV6, hi, lo);
		IpAddress y = (flip < 64) ? new IpAddress(IpAddress.Family.IPV6, hi ^ (1L << flip), lo)
				: (flip < 128) ? new IpAddress(IpAddress.Family.IPV6, hi, lo ^ (1L << (flip - 64)))
						: new IpAddress(IpAddress.Family.IPV6, lo, hi);
		IpPrefix p = new IpPrefix(x, length);
		assertThat(p.contains(y)).isEqualTo(y.masked(length).equals(x.masked(length)));
		assertThat(p.contains(new IpAddress(IpAddress.Family.IPV4, 0, lo & 0xFFFF_FFFFL))).isFalse();
	}

}

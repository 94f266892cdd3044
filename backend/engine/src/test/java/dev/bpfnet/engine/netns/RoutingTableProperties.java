package dev.bpfnet.engine.netns;

import java.util.ArrayList;
import java.util.List;

import dev.bpfnet.engine.topology.IpAddress;
import dev.bpfnet.engine.topology.IpPrefix;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/** Longest prefix match against a brute-force model, IPv4 and IPv6. */
class RoutingTableProperties {

	record Spec(IpPrefix prefix, int metric, int ifindex) {
	}

	/**
	 * Brute force: longest containing prefix, then lowest metric, then first inserted.
	 */
	static RouteEntry model(List<RouteEntry> routes, IpAddress dst, int oif) {
		RouteEntry best = null;
		for (RouteEntry r : routes) {
			if (!r.prefix().contains(dst) || (oif != 0 && r.ifindex() != oif)) {
				continue;
			}
			if (best == null || r.prefix().length() > best.prefix().length()
					|| (r.prefix().length() == best.prefix().length() && r.metric() < best.metric())) {
				best = r;
			}
		}
		return best;
	}

	static void check(List<Spec> specs, List<IpAddress> queries) {
		RoutingTable table = new RoutingTable(RoutingTable.MAIN);
		List<RouteEntry> routes = new ArrayList<>();
		for (Spec s : specs) {
			RouteEntry r = new RouteEntry(new IpPrefix(s.prefix().network(), s.prefix().length()), RouteType.UNICAST,
					s.ifindex(), null, s.metric(), RouteEntry.Origin.CONFIGURED);
			table.add(r);
			routes.add(r);
		}
		for (IpAddress q : queries) {
			for (int oif = 0; oif <= 3; oif++) {
				assertThat(table.lookup(q, oif)).as("lookup %s oif %d", q, oif).isSameAs(model(routes, q, oif));
			}
			if (q.family() == IpAddress.Family.IPV4) {
				assertThat(table.lookupV4((int) q.lo(), 0)).isSameAs(model(routes, q, 0));
			}
			else {
				assertThat(table.lookupV6(q.hi(), q.lo(), 0)).isSameAs(model(routes, q, 0));
			}
		}
	}

	@Property(tries = 300)
	void ipv4MatchesBruteForce(@ForAll("v4specs") List<Spec> specs, @ForAll("v4addresses") List<IpAddress> queries) {
		check(specs, queries);
	}

	@Property(tries = 300)
	void ipv6MatchesBruteForce(@ForAll("v6specs") List<Spec> specs, @ForAll("v6addresses") List<IpAddress> queries) {
		check(specs, queries);
	}

	/** Few distinct high bits so that prefixes nest and collide. */
	static Arbitrary<IpAddress> v4() {
		return Arbitraries.integers()
			.between(0, 15)
			.flatMap(top -> Arbitraries.integers()
				.between(0, 0xFF)
				.map(low -> IpAddress.ipv4((top << 28) | (low << 12) | (low & 0x7))));
	}

	static Arbitrary<IpAddress> v6() {
		return Combinators.combine(Arbitraries.longs().between(0, 3), Arbitraries.longs().between(0, 255))
			.as((a, c) -> new IpAddress(IpAddress.Family.IPV6, (a << 62) | (c << 8), c * 0x0101_0101_0101L));
	}

	@Provide
	Arbitrary<List<IpAddress>> v4addresses() {
		return v4().list().ofMinSize(1).ofMaxSize(20);
	}

	@Provide
	Arbitrary<List<IpAddress>> v6addresses() {
		return v6().list().ofMinSize(1).ofMaxSize(20);
	}

	@Provide
	Arbitrary<List<Spec>> v4specs() {
		return Combinators
			.combine(v4(), Arbitraries.integers().between(0, 32), Arbitraries.integers().between(0, 3),
					Arbitraries.integers().between(1, 3))
			.as((a, len, metric, dev) -> new Spec(new IpPrefix(a, len), metric, dev))
			.list()
			.ofMaxSize(30);
	}

	@Provide
	Arbitrary<List<Spec>> v6specs() {
		return Combinators
			.combine(v6(), Arbitraries.integers().between(0, 128), Arbitraries.integers().between(0, 3),
					Arbitraries.integers().between(1, 3))
			.as((a, len, metric, dev) -> new Spec(new IpPrefix(a, len), metric, dev))
			.list()
			.ofMaxSize(30);
	}

}

package dev.bpfnet.engine.newuser;

import java.nio.file.Path;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import dev.bpfnet.engine.hook.ObjectSource;
import dev.bpfnet.engine.run.RunOptions;
import dev.bpfnet.engine.run.RunReport;
import dev.bpfnet.engine.run.RunSession;
import dev.bpfnet.engine.run.RunState;
import dev.bpfnet.engine.run.RunStatus;
import dev.bpfnet.engine.topology.Format;
import dev.bpfnet.engine.topology.TopologyParser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Packet conservation over whole runs (issue 3: "sent = delivered + dropped by reason +
 * in flight"): random documents (a bpfnet pair in l3 mode, a veth pair, or two nodes
 * joined by a wire, with static neighbours so that no ARP packet joins the count), random
 * UDP traffic (kind, count, rate, size, burst), softnet sysctls and NIC queues small
 * enough to drop, run until every source is done and drained: every packet the traffic
 * sent is in {@code delivered} or in {@code dropped} under a reason, none twice. Before
 * the fixes of the new-user trial a full socket queue counted its drops as delivered too.
 */
class RunConservationProperties {

	record Case(int template, String kind, int count, long ratePps, int size, int burst, int maxBacklog, int devWeight,
			int txqueuelen, String qdisc, String nicRate) {

	}

	@Provide
	Arbitrary<Case> cases() {
		Arbitrary<Integer> template = Arbitraries.integers().between(0, 2);
		Arbitrary<String> kind = Arbitraries.of("constant-rate", "poisson", "burst");
		Arbitrary<Integer> count = Arbitraries.integers().between(1, 300);
		Arbitrary<Long> rate = Arbitraries.longs().between(10_000, 20_000_000);
		Arbitrary<Integer> size = Arbitraries.integers().between(0, 1400);
		Arbitrary<Integer> burst = Arbitraries.integers().between(1, 300);
		Arbitrary<Integer> backlog = Arbitraries.integers().between(1, 1000);
		Arbitrary<Integer> weight = Arbitraries.integers().between(1, 64);
		Arbitrary<Integer> txq = Arbitraries.integers().between(1, 1000);
		Arbitrary<String> qdisc = Arbitraries.of("pfifo_fast", "fq_codel", "noqueue");
		Arbitrary<String> nicRate = Arbitraries.of("100Mbit", "1Gbit", "25Gbit");
		return Combinators.combine(template, kind, count, rate, size, burst, backlog, weight)
			.as((t, k, c, r, s, b, m, w) -> new Case(t, k, c, r, s, b, m, w, 1000, "pfifo_fast", "10Gbit"))
			.flatMap(c -> Combinators.combine(txq, qdisc, nicRate)
				.as((q, d, n) -> new Case(c.template(), c.kind(), c.count(), c.ratePps(), c.size(), c.burst(),
						c.maxBacklog(), c.devWeight(), q, d, n)));
	}

	@Property(tries = 40)
	void everySentPacketIsDeliveredOrDroppedForAReason(@ForAll("cases") Case c) {
		String doc = document(c);
		RunSession s = RunSession.create(TopologyParser.parse(doc, Format.YAML),
				ObjectSource.directory(Path.of("src/test/resources/newuser")), RunOptions.of(100_000_000));
		RunStatus end = s.run();
		assertThat(end.state()).as(end.reason()).isEqualTo(RunState.FINISHED);
		RunReport r = s.report();
		long dropped = r.packets().dropped().values().stream().mapToLong(Long::longValue).sum();
		long expected = c.kind().equals("burst") ? (long) Math.min(c.count(), 5) * c.burst() : c.count();
		assertThat(r.packets().sent()).as(doc).isEqualTo(expected);
		assertThat(r.packets().delivered() + dropped).as("%s%nby reason %s", doc, r.packets().dropped())
			.isEqualTo(r.packets().sent());
		assertThat(r.packets().delivered()).isEqualTo(r.flows().get(0).received());
		assertThat(r.packets().inFlight()).isZero();
	}

	static String document(Case c) {
		String sysctl = "    sysctl: { netdev_max_backlog: " + c.maxBacklog() + ", dev_weight: " + c.devWeight()
				+ " }\n";
		String traffic = switch (c.kind()) {
			case "burst" -> "kind: burst, burst: " + c.burst() + ", interval: 1ms, count: " + Math.min(c.count(), 5);
			default -> "kind: " + c.kind() + ", rate: " + c.ratePps() + "pps, count: " + c.count();
		};
		String to;
		String head;
		if (c.template() == 0) {
			to = "10.1.0.20:9000";
			head = """
					nodes:
					  - name: n1
					    cpus: 2
					%s    namespaces:
					      - name: host
					        forwarding: true
					        devices:
					          - { name: nk1, kind: bpfnet, peer: { namespace: pod1, name: eth0, addresses: [10.1.0.10/32] } }
					          - { name: nk2, kind: bpfnet, peer: { namespace: pod2, name: eth0, addresses: [10.1.0.20/32] } }
					        routes: [ { to: 10.1.0.10/32, dev: nk1 }, { to: 10.1.0.20/32, dev: nk2 } ]
					      - { name: pod1, routes: [ { to: 0.0.0.0/0, dev: eth0 } ] }
					      - { name: pod2, routes: [ { to: 0.0.0.0/0, dev: eth0 } ] }
					"""
				.formatted(sysctl);
		}
		else if (c.template() == 1) {
			to = "10.1.0.20:9000";
			head = """
					nodes:
					  - name: n1
					    cpus: 2
					%s    namespaces:
					      - name: host
					        forwarding: true
					        devices:
					          - { name: lxc1, kind: veth, mac: "02:00:00:00:01:01", peer: { namespace: pod1, name: eth0, addresses: [10.1.0.10/32], mac: "02:00:00:00:01:10" } }
					          - { name: lxc2, kind: veth, mac: "02:00:00:00:02:01", peer: { namespace: pod2, name: eth0, addresses: [10.1.0.20/32], mac: "02:00:00:00:02:20" } }
					        routes: [ { to: 10.1.0.10/32, dev: lxc1 }, { to: 10.1.0.20/32, dev: lxc2 } ]
					        neighbours:
					          - { ip: 10.1.0.10, mac: "02:00:00:00:01:10", dev: lxc1 }
					          - { ip: 10.1.0.20, mac: "02:00:00:00:02:20", dev: lxc2 }
					      - name: pod1
					        routes: [ { to: 0.0.0.0/0, dev: eth0 } ]
					        neighbours: [ { ip: 10.1.0.20, mac: "02:00:00:00:01:01", dev: eth0 } ]
					      - name: pod2
					        routes: [ { to: 0.0.0.0/0, dev: eth0 } ]
					        neighbours: [ { ip: 10.1.0.10, mac: "02:00:00:00:02:01", dev: eth0 } ]
					"""
				.formatted(sysctl);
		}
		else {
			to = "192.168.0.2:9000";
			String nic = "kind: nic, qdisc: " + c.qdisc() + ", txqueuelen: " + c.txqueuelen() + ", rate: "
					+ c.nicRate();
			head = """
					nodes:
					  - name: a
					    cpus: 2
					%s    namespaces:
					      - name: host
					        devices: [ { name: eth0, %s, addresses: [192.168.0.1/24], mac: "02:aa:00:00:00:01" } ]
					        neighbours: [ { ip: 192.168.0.2, mac: "02:bb:00:00:00:02", dev: eth0 } ]
					  - name: b
					    cpus: 1
					%s    namespaces:
					      - name: host
					        devices: [ { name: eth0, kind: nic, addresses: [192.168.0.2/24], mac: "02:bb:00:00:00:02" } ]
					        neighbours: [ { ip: 192.168.0.1, mac: "02:aa:00:00:00:01", dev: eth0 } ]
					wires: [ { a: a/host/eth0, b: b/host/eth0, latency: 2us } ]
					"""
				.formatted(sysctl, nic, sysctl);
		}
		String from = (c.template() == 2) ? "a/host" : "n1/pod1";
		return "name: conservation\nseed: 5\n" + head + "traffic:\n  - { name: f, " + traffic + ", from: " + from
				+ ", to: " + to + ", size: " + c.size() + ", cpu: 1 }\n";
	}

}

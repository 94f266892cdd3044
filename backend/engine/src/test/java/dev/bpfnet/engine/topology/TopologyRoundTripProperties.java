package dev.bpfnet.engine.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SplittableRandom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writing and re-reading gives an equal document; hostile text only ever yields
 * TopologyException.
 */
class TopologyRoundTripProperties {

	@Property(tries = 300)
	void yamlRoundTrip(@ForAll long seed) {
		TopologyDocument doc = randomDocument(new SplittableRandom(seed));
		assertThat(TopologyParser.parse(TopologyWriter.toYaml(doc), Format.YAML)).isEqualTo(doc);
	}

	@Property(tries = 300)
	void jsonRoundTrip(@ForAll long seed) {
		TopologyDocument doc = randomDocument(new SplittableRandom(seed));
		assertThat(TopologyParser.parse(TopologyWriter.toJson(doc), Format.JSON)).isEqualTo(doc);
	}

	@Property(tries = 500)
	void mutatedDocumentsOnlyThrowTopologyException(@ForAll long seed) {
		SplittableRandom random = new SplittableRandom(seed);
		String text = TopologyWriter.toYaml(randomDocument(random));
		StringBuilder sb = new StringBuilder(text);
		String alphabet = "abc019:/-[]{}&*!|>#'\"\n .,_";
		for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
			int at = random.nextInt(sb.length());
			switch (random.nextInt(3)) {
				case 0 -> sb.deleteCharAt(at);
				case 1 -> sb.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
				default -> sb.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
			}
		}
		for (Format format : Format.values()) {
			try {
				TopologyParser.parse(sb.toString(), format);
			}
			catch (TopologyException expected) {
				assertThat(expected.problems()).isNotEmpty();
			}
		}
	}

	@Property(tries = 300)
	void arbitraryTextOnlyThrowsTopologyException(@ForAll @StringLength(max = 200) String text) {
		for (Format format : Format.values()) {
			try {
				TopologyParser.parse(text, format);
			}
			catch (TopologyException expected) {
				assertThat(expected.problems()).isNotEmpty();
			}
		}
	}

	static TopologyDocument randomDocument(SplittableRandom r) {
		List<Node> nodes = new ArrayList<>();
		List<DeviceRef> nics = new ArrayList<>();
		int nodeCount = 1 + r.nextInt(3);
		for (int n = 0; n < nodeCount; n++) {
			String nodeName = "node" + n;
			int cpus = 1 + r.nextInt(8);
			Sysctl sysctl = r.nextBoolean() ? Sysctl.DEFAULTS
					: new Sysctl(1 + r.nextInt(5000), 1 + r.nextInt(600), 1 + r.nextInt(4000), 1 + r.nextInt(128),
							1 + r.nextInt(20), 1 + r.nextLong(5_000_000), pick(r, Sysctl.SoftirqPolicy.values()));
			List<Namespace> namespaces = new ArrayList<>();
			List<Device> hostDevices = new ArrayList<>();
			NicDevice nic = new NicDevice("eth0", List.of(IpPrefix.of("192.0.2." + (n + 1) + "/24")),
					r.nextBoolean() ? Optional.empty() : Optional.of(new MacAddress(r.nextLong(1L << 48))),
					68 + r.nextInt(9000), pick(r, NicDevice.Qdisc.values()), 1 + r.nextInt(5000), 1 + r.nextInt(4096),
					r.nextBoolean() ? OptionalLong.empty() : OptionalLong.of(1 + r.nextLong(1 << 20)),
					1 + r.nextLong(400_000_000_000L), 1 + r.nextInt(4096), r.nextInt(cpus), mask(r, cpus));
			hostDevices.add(nic);
			nics.add(new DeviceRef(nodeName, "host", "eth0"));
			int pods = r.nextInt(3);
			List<Namespace> podNamespaces = new ArrayList<>();
			for (int p = 0; p < pods; p++) {
				String pod = "pod" + p;
				IpPrefix podAddress = IpPrefix.of(r.nextBoolean() ? "10.244." + n + "." + (p + 10) + "/32"
						: "2001:db8:" + n + "::" + (p + 10) + "/128");
				if (r.nextBoolean()) {
					BpfnetDevice.Mode mode = pick(r, BpfnetDevice.Mode.values());
					Optional<MacAddress> mac = mode == BpfnetDevice.Mode.L2 && r.nextBoolean()
							? Optional.of(new MacAddress(r.nextLong(1L << 48))) : Optional.empty();
					hostDevices.add(new BpfnetDevice("nk" + p, List.of(), mac, 68 + r.nextInt(9000), mode,
							pick(r, BpfnetDevice.Policy.values()), pick(r, BpfnetDevice.Policy.values()),
							pick(r, BpfnetDevice.Scrub.values()), pick(r, BpfnetDevice.Scrub.values()), r.nextInt(256),
							r.nextInt(256), mask(r, cpus),
							new BpfnetDevice.Peer(pod, "eth0", List.of(podAddress), Optional.empty(), mask(r, cpus))));
				}
				else {
					// gro (NAPI mode) only with rx_delivery: backlog, as the parser
					// requires
					VethDevice.RxDelivery rx = pick(r, VethDevice.RxDelivery.values());
					VethDevice.RxDelivery peerRx = pick(r, VethDevice.RxDelivery.values());
					hostDevices.add(new VethDevice("lxc" + p, List.of(), Optional.empty(), 1500, rx,
							rx == VethDevice.RxDelivery.BACKLOG && r.nextBoolean(), mask(r, cpus),
							new VethDevice.Peer(pod, "eth0", List.of(podAddress),
									r.nextBoolean() ? Optional.empty()
											: Optional.of(new MacAddress(r.nextLong(1L << 48))),
									peerRx, peerRx == VethDevice.RxDelivery.BACKLOG && r.nextBoolean(),
									mask(r, cpus))));
				}
				IpPrefix defaultRoute = IpPrefix
					.of(podAddress.family() == IpAddress.Family.IPV4 ? "0.0.0.0/0" : "::/0");
				podNamespaces.add(new Namespace(pod, false, List.of(),
						List.of(new Route(defaultRoute, Optional.empty(), "eth0")), List.of()));
			}
			namespaces.add(new Namespace("host", r.nextBoolean(), hostDevices,
					List.of(new Route(IpPrefix.of("0.0.0.0/0"), Optional.of(IpAddress.of("192.0.2.254")), "eth0")),
					r.nextBoolean() ? List.of() : List
						.of(new Neighbour(IpAddress.of("192.0.2.254"), new MacAddress(r.nextLong(1L << 48)), "eth0"))));
			namespaces.addAll(podNamespaces);
			nodes.add(new Node(nodeName, cpus, sysctl, namespaces));
		}
		List<Wire> wires = new ArrayList<>();
		for (int i = 0; i + 1 < nics.size(); i += 2) {
			wires.add(new Wire(nics.get(i), nics.get(i + 1), r.nextLong(10_000_000),
					r.nextBoolean() ? OptionalLong.empty() : OptionalLong.of(1 + r.nextLong(100_000_000_000L))));
		}
		List<ProgramRef> programs = new ArrayList<>();
		List<Attach> attach = new ArrayList<>();
		if (r.nextBoolean()) {
			programs.add(ProgramRef.object("prog", "programs/p.o", r.nextBoolean() ? null : "tcx/ingress", java.util.Map
				.of("a", new RodataValue.Number(r.nextLong()), "b", new RodataValue.Ifindex(nics.get(0)))));
			programs.add(ProgramRef.asm("inline", "r0 = 0\nexit\n"));
			attach.add(new Attach("prog", nics.get(0),
					pick(r, new Attach.Hook[] { Attach.Hook.TCX_INGRESS, Attach.Hook.TCX_EGRESS }),
					r.nextBoolean() ? OptionalInt.empty() : OptionalInt.of(r.nextInt(10))));
		}
		List<Traffic> traffic = new ArrayList<>();
		NamespaceRef from = new NamespaceRef("node0", "host");
		int cpu = r.nextInt(nodes.get(0).cpus());
		IpEndpoint to = new IpEndpoint(IpAddress.of("192.0.2." + nodeCount), 1 + r.nextInt(65535));
		OptionalLong count = r.nextBoolean() ? OptionalLong.empty() : OptionalLong.of(1 + r.nextLong(1_000_000));
		Traffic.Rate rate = r.nextBoolean() ? Traffic.Rate.pps(1 + r.nextLong(10_000_000))
				: Traffic.Rate.bits(1 + r.nextLong(100_000_000_000L));
		long start = r.nextLong(1_000_000_000L);
		traffic.add(new Traffic.ConstantRate("c", from, to, r.nextInt(1500), rate, count, cpu, start));
		traffic.add(new Traffic.Poisson("p", from, to, r.nextInt(1500), rate, count, cpu, start));
		traffic.add(new Traffic.Burst("b", from, to, r.nextInt(1500), 1 + r.nextInt(64), 1 + r.nextLong(1_000_000),
				count, cpu, start));
		traffic.add(new Traffic.RequestResponse("rr", from, to, r.nextInt(1500), r.nextInt(1500),
				1 + r.nextLong(100_000), cpu, 0, start));
		java.util.Map<String, CostOverride> costs = new java.util.TreeMap<>();
		if (r.nextBoolean()) {
			costs.put("enqueue_to_backlog", CostOverride.ofNs(r.nextLong(10_000)));
			costs.put("copy_user",
					new CostOverride(r.nextBoolean() ? OptionalLong.empty() : OptionalLong.of(r.nextLong(1000)),
							OptionalDouble.of(r.nextInt(1000) / 100.0)));
		}
		TopologyDocument doc = TopologyDocument.of("random-" + r.nextInt(1000), r.nextLong(), nodes, wires, programs,
				attach, traffic, costs);
		assertThat(TopologyValidator.validate(doc)).as("generator makes valid documents").isEmpty();
		return doc;
	}

	/** RPS off half of the time, else a random non-empty subset of the node's CPUs. */
	private static CpuMask mask(SplittableRandom r, int cpus) {
		if (r.nextBoolean()) {
			return CpuMask.NONE;
		}
		List<Integer> set = new ArrayList<>();
		for (int c = 0; c < cpus; c++) {
			if (r.nextBoolean()) {
				set.add(c);
			}
		}
		return set.isEmpty() ? CpuMask.of(cpus - 1) : new CpuMask(set);
	}

	private static <T> T pick(SplittableRandom r, T[] values) {
		return values[r.nextInt(values.length)];
	}

}

package dev.bpfnet.engine.topology;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Writes a {@link TopologyDocument} as YAML or JSON in the format {@link TopologyParser}
 * reads. Knobs at their default are left out, units are written in their largest whole
 * unit ({@code 2000} ns → {@code 2us}); {@code parse(toYaml(doc))} equals {@code doc}.
 */
public final class TopologyWriter {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private static final YAMLMapper YAML = YAMLMapper
		.builder(YAMLFactory.builder()
			.disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
			.enable(YAMLWriteFeature.MINIMIZE_QUOTES)
			.enable(YAMLWriteFeature.LITERAL_BLOCK_STYLE)
			.build())
		.build();

	private TopologyWriter() {
	}

	/** The document as YAML. */
	public static String toYaml(TopologyDocument doc) {
		return YAML.writeValueAsString(tree(doc));
	}

	/** The document as indented JSON. */
	public static String toJson(TopologyDocument doc) {
		return JSON.writeValueAsString(tree(doc));
	}

	/** The document in {@code format}. */
	public static String write(TopologyDocument doc, Format format) {
		return format == Format.JSON ? toJson(doc) : toYaml(doc);
	}

	static ObjectNode tree(TopologyDocument doc) {
		ObjectNode root = NODES.objectNode();
		root.put("name", doc.name());
		root.put("seed", doc.seed());
		ArrayNode nodes = root.putArray("nodes");
		for (Node node : doc.nodes()) {
			nodes.add(node(node));
		}
		if (!doc.wires().isEmpty()) {
			ArrayNode wires = root.putArray("wires");
			for (Wire w : doc.wires()) {
				ObjectNode o = wires.addObject();
				o.put("a", w.a().toString());
				o.put("b", w.b().toString());
				o.put("latency", Units.formatDuration(w.latencyNs()));
				w.rate().ifPresent(r -> o.put("rate", Units.formatRate(r)));
			}
		}
		if (!doc.programs().isEmpty()) {
			ArrayNode programs = root.putArray("programs");
			for (ProgramRef p : doc.programs()) {
				ObjectNode o = programs.addObject();
				o.put("name", p.name());
				p.object().ifPresent(v -> o.put("object", v));
				p.asm().ifPresent(v -> o.put("asm", v));
				p.section().ifPresent(v -> o.put("section", v));
				if (!p.rodata().isEmpty()) {
					ObjectNode rodata = o.putObject("rodata");
					for (Map.Entry<String, RodataValue> e : p.rodata().entrySet()) {
						if (e.getValue() instanceof RodataValue.Number n) {
							rodata.put(e.getKey(), n.value());
						}
						else {
							rodata.put(e.getKey(), e.getValue().toString());
						}
					}
				}
			}
		}
		if (!doc.attach().isEmpty()) {
			ArrayNode attach = root.putArray("attach");
			for (Attach a : doc.attach()) {
				ObjectNode o = attach.addObject();
				o.put("program", a.program());
				o.put("device", a.device().toString());
				o.put("hook", a.hook().key());
				a.order().ifPresent(v -> o.put("order", v));
			}
		}
		if (!doc.traffic().isEmpty()) {
			ArrayNode traffic = root.putArray("traffic");
			for (Traffic t : doc.traffic()) {
				traffic.add(traffic(t));
			}
		}
		if (!doc.costs().isEmpty()) {
			ObjectNode costs = root.putObject("costs");
			for (Map.Entry<String, CostOverride> e : doc.costs().entrySet()) {
				CostOverride c = e.getValue();
				if (c.nsPerByte().isEmpty()) {
					costs.put(e.getKey(), Units.formatDuration(c.ns().getAsLong()));
				}
				else {
					ObjectNode o = costs.putObject(e.getKey());
					c.ns().ifPresent(v -> o.put("ns", Units.formatDuration(v)));
					o.put("ns_per_byte", c.nsPerByte().getAsDouble());
				}
			}
		}
		return root;
	}

	private static ObjectNode node(Node node) {
		ObjectNode o = NODES.objectNode();
		o.put("name", node.name());
		o.put("cpus", node.cpus());
		Sysctl s = node.sysctl();
		Sysctl d = Sysctl.DEFAULTS;
		if (!s.equals(d)) {
			ObjectNode so = o.putObject("sysctl");
			putIf(so, "netdev_max_backlog", s.netdevMaxBacklog(), d.netdevMaxBacklog());
			putIf(so, "netdev_budget", s.netdevBudget(), d.netdevBudget());
			putIf(so, "netdev_budget_usecs", s.netdevBudgetUsecs(), d.netdevBudgetUsecs());
			putIf(so, "dev_weight", s.devWeight(), d.devWeight());
			putIf(so, "softirq_restart_limit", s.softirqRestartLimit(), d.softirqRestartLimit());
			if (s.softirqTimeLimitNs() != d.softirqTimeLimitNs()) {
				so.put("softirq_time_limit", Units.formatDuration(s.softirqTimeLimitNs()));
			}
			if (s.softirqPolicy() != d.softirqPolicy()) {
				so.put("softirq_policy", s.softirqPolicy().key());
			}
		}
		ArrayNode namespaces = o.putArray("namespaces");
		for (Namespace ns : node.namespaces()) {
			ObjectNode no = namespaces.addObject();
			no.put("name", ns.name());
			if (ns.forwarding()) {
				no.put("forwarding", true);
			}
			if (!ns.devices().isEmpty()) {
				ArrayNode devices = no.putArray("devices");
				for (Device dev : ns.devices()) {
					devices.add(device(dev));
				}
			}
			if (!ns.routes().isEmpty()) {
				ArrayNode routes = no.putArray("routes");
				for (Route r : ns.routes()) {
					ObjectNode ro = routes.addObject();
					ro.put("to", r.to().toString());
					r.via().ifPresent(v -> ro.put("via", v.toString()));
					ro.put("dev", r.dev());
				}
			}
			if (!ns.neighbours().isEmpty()) {
				ArrayNode neighbours = no.putArray("neighbours");
				for (Neighbour n : ns.neighbours()) {
					ObjectNode nn = neighbours.addObject();
					nn.put("ip", n.ip().toString());
					nn.put("mac", n.mac().toString());
					nn.put("dev", n.dev());
				}
			}
		}
		return o;
	}

	private static ObjectNode device(Device dev) {
		ObjectNode o = NODES.objectNode();
		o.put("name", dev.name());
		o.put("kind", dev.kind());
		common(o, dev.addresses(), dev.mac().map(MacAddress::toString).orElse(null));
		putIf(o, "mtu", dev.mtu(), Device.DEFAULT_MTU);
		if (dev instanceof NicDevice nic) {
			if (nic.qdisc() != NicDevice.Qdisc.PFIFO_FAST) {
				o.put("qdisc", nic.qdisc().key());
			}
			putIf(o, "txqueuelen", nic.txqueuelen(), NicDevice.DEFAULT_TXQUEUELEN);
			putIf(o, "tx_ring", nic.txRing(), NicDevice.DEFAULT_TX_RING);
			nic.bqlLimit().ifPresent(v -> o.put("bql", Units.formatSize(v)));
			o.put("rate", Units.formatRate(nic.rate()));
			putIf(o, "rx_ring", nic.rxRing(), NicDevice.DEFAULT_RX_RING);
			o.put("irq_cpu", nic.irqCpu());
			rpsCpus(o, nic.rpsCpus());
		}
		else if (dev instanceof VethDevice veth) {
			if (veth.rxDelivery() != VethDevice.RxDelivery.BACKLOG) {
				o.put("rx_delivery", veth.rxDelivery().key());
			}
			if (veth.gro()) {
				o.put("gro", true);
			}
			rpsCpus(o, veth.rpsCpus());
			ObjectNode peer = o.putObject("peer");
			peer.put("namespace", veth.peer().namespace());
			peer.put("name", veth.peer().name());
			common(peer, veth.peer().addresses(), veth.peer().mac().map(MacAddress::toString).orElse(null));
			if (veth.peer().rxDelivery() != VethDevice.RxDelivery.BACKLOG) {
				peer.put("rx_delivery", veth.peer().rxDelivery().key());
			}
			if (veth.peer().gro()) {
				peer.put("gro", true);
			}
			rpsCpus(peer, veth.peer().rpsCpus());
		}
		else if (dev instanceof BpfnetDevice nk) {
			o.put("mode", nk.mode().key());
			o.put("policy", nk.policy().key());
			o.put("peer_policy", nk.peerPolicy().key());
			if (nk.scrub() != BpfnetDevice.Scrub.DEFAULT) {
				o.put("scrub", nk.scrub().key());
			}
			if (nk.peerScrub() != BpfnetDevice.Scrub.DEFAULT) {
				o.put("peer_scrub", nk.peerScrub().key());
			}
			putIf(o, "headroom", nk.headroom(), 0);
			putIf(o, "tailroom", nk.tailroom(), 0);
			rpsCpus(o, nk.rpsCpus());
			ObjectNode peer = o.putObject("peer");
			peer.put("namespace", nk.peer().namespace());
			peer.put("name", nk.peer().name());
			common(peer, nk.peer().addresses(), nk.peer().mac().map(MacAddress::toString).orElse(null));
			rpsCpus(peer, nk.peer().rpsCpus());
		}
		return o;
	}

	/** {@code rps_cpus} as a list of CPUs, when RPS is on. */
	private static void rpsCpus(ObjectNode o, CpuMask mask) {
		if (!mask.isEmpty()) {
			ArrayNode a = o.putArray("rps_cpus");
			mask.cpus().forEach(a::add);
		}
	}

	private static void common(ObjectNode o, List<IpPrefix> addresses, String mac) {
		if (!addresses.isEmpty()) {
			ArrayNode a = o.putArray("addresses");
			addresses.forEach(p -> a.add(p.toString()));
		}
		if (mac != null) {
			o.put("mac", mac);
		}
	}

	private static ObjectNode traffic(Traffic t) {
		ObjectNode o = NODES.objectNode();
		o.put("name", t.name());
		o.put("kind", t.kind());
		if (t instanceof Traffic.Replay r) {
			o.put("device", r.device().toString());
			o.put("file", r.file());
			o.put("timing", r.timing());
			if (r.timing().equals("scale")) {
				o.put("factor", r.factor());
			}
			if (r.rate() != null) {
				o.put("rate", r.rate().toString());
			}
			if (r.truncate()) {
				o.put("truncate", true);
			}
		}
		else {
			o.put("from", t.from().toString());
			o.put("to", t.to().toString());
			o.put("size", t.size());
		}
		if (t instanceof Traffic.ConstantRate c) {
			o.put("rate", c.rate().toString());
			c.count().ifPresent(v -> o.put("count", v));
		}
		else if (t instanceof Traffic.Poisson p) {
			o.put("rate", p.rate().toString());
			p.count().ifPresent(v -> o.put("count", v));
		}
		else if (t instanceof Traffic.Burst b) {
			o.put("burst", b.burst());
			o.put("interval", Units.formatDuration(b.intervalNs()));
			b.count().ifPresent(v -> o.put("count", v));
		}
		else if (t instanceof Traffic.RequestResponse rr) {
			putIf(o, "response_size", rr.responseSize(), rr.size());
			o.put("transactions", rr.transactions());
			putIf(o, "server_cpu", rr.serverCpu(), 0);
		}
		o.put("cpu", t.cpu());
		if (t.startNs() != 0) {
			o.put("start", Units.formatDuration(t.startNs()));
		}
		return o;
	}

	private static void putIf(ObjectNode o, String key, long value, long dflt) {
		if (value != dflt) {
			o.put(key, value);
		}
	}

}

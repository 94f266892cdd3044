package dev.bpfnet.engine.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Cross-reference checks over a whole {@link TopologyDocument}: unique names, references
 * that resolve, hooks that exist on their device, CPUs that exist on their node.
 * Field-level checks (syntax, ranges) are done by the record constructors and the parser.
 * Problems are reported in document order with their paths; nothing here iterates a hash
 * map to produce output.
 */
public final class TopologyValidator {

	private TopologyValidator() {
	}

	/** Every cross-reference problem of {@code doc}; empty if it holds together. */
	public static List<Problem> validate(TopologyDocument doc) {
		List<Problem> problems = new ArrayList<>();
		Map<String, String> firstNode = new HashMap<>();
		for (int n = 0; n < doc.nodes().size(); n++) {
			Node node = doc.nodes().get(n);
			String np = "nodes[" + n + "]";
			String seen = firstNode.putIfAbsent(node.name(), np);
			if (seen != null) {
				problems.add(Problem.at(np + ".name",
						"duplicate node name \"" + node.name() + "\" (first at " + seen + ")"));
				continue;
			}
			validateNode(doc, node, np, problems);
		}
		validateWires(doc, problems);
		Map<String, String> firstProgram = new HashMap<>();
		for (int p = 0; p < doc.programs().size(); p++) {
			ProgramRef program = doc.programs().get(p);
			String pp = "programs[" + p + "]";
			String seen = firstProgram.putIfAbsent(program.name(), pp);
			if (seen != null) {
				problems.add(Problem.at(pp + ".name",
						"duplicate program name \"" + program.name() + "\" (first at " + seen + ")"));
			}
			for (Map.Entry<String, RodataValue> e : program.rodata().entrySet()) {
				if (e.getValue() instanceof RodataValue.Ifindex ifindex) {
					checkDevice(doc, ifindex.device(), pp + ".rodata." + e.getKey(), problems);
				}
			}
		}
		validateAttach(doc, problems);
		validateTraffic(doc, problems);
		return problems;
	}

	private static void validateNode(TopologyDocument doc, Node node, String np, List<Problem> problems) {
		Map<String, String> firstNs = new HashMap<>();
		for (int s = 0; s < node.namespaces().size(); s++) {
			Namespace ns = node.namespaces().get(s);
			String sp = np + ".namespaces[" + s + "]";
			String seen = firstNs.putIfAbsent(ns.name(), sp);
			if (seen != null) {
				problems.add(Problem.at(sp + ".name", "duplicate namespace name \"" + ns.name() + "\" on node "
						+ node.name() + " (first at " + seen + ")"));
			}
		}
		// Device names per namespace, declared ends and peer ends together, in document
		// order.
		Map<String, String> firstDevice = new HashMap<>();
		for (int s = 0; s < node.namespaces().size(); s++) {
			Namespace ns = node.namespaces().get(s);
			String sp = np + ".namespaces[" + s + "]";
			for (int d = 0; d < ns.devices().size(); d++) {
				Device device = ns.devices().get(d);
				String dp = sp + ".devices[" + d + "]";
				claimDeviceName(firstDevice, node, ns.name(), device.name(), dp + ".name", problems);
				if (device instanceof NicDevice nic && nic.irqCpu() >= node.cpus()) {
					problems.add(Problem.at(dp + ".irq_cpu", cpuMessage(node, nic.irqCpu())));
				}
				checkRpsCpus(node, device.rpsCpus(), dp + ".rps_cpus", problems);
				if (device instanceof VethDevice v) {
					checkRpsCpus(node, v.peer().rpsCpus(), dp + ".peer.rps_cpus", problems);
				}
				else if (device instanceof BpfnetDevice b) {
					checkRpsCpus(node, b.peer().rpsCpus(), dp + ".peer.rps_cpus", problems);
				}
				String peerNs = device instanceof VethDevice v ? v.peer().namespace()
						: device instanceof BpfnetDevice b ? b.peer().namespace() : null;
				String peerName = device instanceof VethDevice v ? v.peer().name()
						: device instanceof BpfnetDevice b ? b.peer().name() : null;
				if (peerNs != null) {
					if (!firstNs.containsKey(peerNs)) {
						problems.add(Problem.at(dp + ".peer.namespace", "no namespace \"" + peerNs + "\" on node "
								+ node.name() + " (namespaces: " + namespaceNames(node) + ")"));
					}
					else {
						claimDeviceName(firstDevice, node, peerNs, peerName, dp + ".peer.name", problems);
					}
				}
			}
		}
		for (int s = 0; s < node.namespaces().size(); s++) {
			Namespace ns = node.namespaces().get(s);
			String sp = np + ".namespaces[" + s + "]";
			NamespaceRef ref = new NamespaceRef(node.name(), ns.name());
			List<TopologyDocument.DeviceView> devices = doc.devicesIn(ref);
			Set<String> names = devices.stream().map(TopologyDocument.DeviceView::name).collect(Collectors.toSet());
			for (int r = 0; r < ns.routes().size(); r++) {
				String dev = ns.routes().get(r).dev();
				if (!names.contains(dev)) {
					problems.add(Problem.at(sp + ".routes[" + r + "].dev", noDevice(dev, ref, devices)));
				}
			}
			for (int r = 0; r < ns.neighbours().size(); r++) {
				String dev = ns.neighbours().get(r).dev();
				if (!names.contains(dev)) {
					problems.add(Problem.at(sp + ".neighbours[" + r + "].dev", noDevice(dev, ref, devices)));
				}
			}
		}
	}

	private static void checkRpsCpus(Node node, CpuMask mask, String path, List<Problem> problems) {
		if (mask.max() >= node.cpus()) {
			problems.add(Problem.at(path, cpuMessage(node, mask.max())));
		}
	}

	private static void claimDeviceName(Map<String, String> first, Node node, String ns, String name, String path,
			List<Problem> problems) {
		String seen = first.putIfAbsent(ns + "/" + name, path);
		if (seen != null) {
			problems.add(Problem.at(path, "duplicate device name \"" + name + "\" in " + node.name() + "/" + ns
					+ " (first at " + seen + ")"));
		}
	}

	private static void validateWires(TopologyDocument doc, List<Problem> problems) {
		Map<DeviceRef, String> wired = new HashMap<>();
		for (int w = 0; w < doc.wires().size(); w++) {
			Wire wire = doc.wires().get(w);
			String wp = "wires[" + w + "]";
			boolean aOk = checkNic(doc, wire.a(), wp + ".a", problems);
			boolean bOk = checkNic(doc, wire.b(), wp + ".b", problems);
			if (aOk && bOk && wire.a().equals(wire.b())) {
				problems.add(Problem.at(wp + ".b", "a wire cannot join " + wire.a() + " to itself"));
				continue;
			}
			for (String end : List.of("a", "b")) {
				DeviceRef ref = end.equals("a") ? wire.a() : wire.b();
				String seen = wired.putIfAbsent(ref, wp + "." + end);
				if (seen != null && (end.equals("a") ? aOk : bOk)) {
					problems.add(Problem.at(wp + "." + end, ref + " is already wired at " + seen));
				}
			}
		}
	}

	private static boolean checkNic(TopologyDocument doc, DeviceRef ref, String path, List<Problem> problems) {
		Optional<TopologyDocument.DeviceView> device = checkDevice(doc, ref, path, problems);
		if (device.isPresent() && !(device.get().declaration() instanceof NicDevice)) {
			problems.add(Problem.at(path, "expected a nic, but " + ref + " is a " + (device.get().peerEnd()
					? device.get().declaration().kind() + " peer" : device.get().declaration().kind())));
			return false;
		}
		return device.isPresent();
	}

	private static Optional<TopologyDocument.DeviceView> checkDevice(TopologyDocument doc, DeviceRef ref, String path,
			List<Problem> problems) {
		Optional<Node> node = doc.node(ref.node());
		if (node.isEmpty()) {
			problems.add(Problem.at(path, "no node \"" + ref.node() + "\" (nodes: "
					+ doc.nodes().stream().map(Node::name).collect(Collectors.joining(", ")) + ")"));
			return Optional.empty();
		}
		if (doc.namespace(ref.namespaceRef()).isEmpty()) {
			problems.add(Problem.at(path, "no namespace \"" + ref.namespace() + "\" on node " + ref.node()
					+ " (namespaces: " + namespaceNames(node.get()) + ")"));
			return Optional.empty();
		}
		Optional<TopologyDocument.DeviceView> device = doc.device(ref);
		if (device.isEmpty()) {
			problems
				.add(Problem.at(path, noDevice(ref.device(), ref.namespaceRef(), doc.devicesIn(ref.namespaceRef()))));
		}
		return device;
	}

	private static void validateAttach(TopologyDocument doc, List<Problem> problems) {
		Map<String, String> orders = new HashMap<>();
		for (int a = 0; a < doc.attach().size(); a++) {
			Attach attach = doc.attach().get(a);
			String ap = "attach[" + a + "]";
			if (doc.program(attach.program()).isEmpty()) {
				problems.add(Problem.at(ap + ".program", "no program \"" + attach.program() + "\" (programs: "
						+ doc.programs().stream().map(ProgramRef::name).collect(Collectors.joining(", ")) + ")"));
			}
			Optional<TopologyDocument.DeviceView> device = checkDevice(doc, attach.device(), ap + ".device", problems);
			if (device.isPresent() && (attach.hook() == Attach.Hook.PRIMARY || attach.hook() == Attach.Hook.PEER)
					&& !device.get().isBpfnetPrimary()) {
				TopologyDocument.DeviceView view = device.get();
				String what = view.declaration() instanceof BpfnetDevice ? "the peer end of bpfnet "
						+ view.declaration().name() + "; netkit programs attach through the primary"
						: "a " + view.declaration().kind();
				problems.add(Problem.at(ap + ".hook",
						"hook " + attach.hook().key() + " exists only on a bpfnet primary, but " + attach.device()
								+ " is " + what + " (use tcx-ingress or tcx-egress)"));
			}
			if (attach.order().isPresent()) {
				String key = attach.device() + " " + attach.hook().key() + " " + attach.order().getAsInt();
				String seen = orders.putIfAbsent(key, ap);
				if (seen != null) {
					problems.add(Problem.at(ap + ".order", "order " + attach.order().getAsInt() + " on "
							+ attach.device() + " " + attach.hook().key() + " is already taken by " + seen));
				}
			}
		}
	}

	private static void validateTraffic(TopologyDocument doc, List<Problem> problems) {
		Map<String, String> first = new HashMap<>();
		for (int t = 0; t < doc.traffic().size(); t++) {
			Traffic traffic = doc.traffic().get(t);
			String tp = "traffic[" + t + "]";
			String seen = first.putIfAbsent(traffic.name(), tp);
			if (seen != null) {
				problems.add(Problem.at(tp + ".name",
						"duplicate traffic name \"" + traffic.name() + "\" (first at " + seen + ")"));
			}
			if (traffic instanceof Traffic.Packets pk) {
				NamespaceRef ns = pk.from();
				Optional<Node> node = doc.node(ns.node());
				if (pk.device() != null && doc.device(pk.device()).isEmpty()) {
					problems.add(Problem.at(tp + ".device", "no device " + pk.device()));
				}
				else if (pk.namespace() != null && (node.isEmpty() || doc.namespace(ns).isEmpty())) {
					problems.add(Problem.at(tp + ".from", "no namespace " + ns));
				}
				else if (pk.cpu() >= node.get().cpus()) {
					problems.add(Problem.at(tp + ".cpu", cpuMessage(node.get(), pk.cpu())));
				}
				continue;
			}
			if (traffic instanceof Traffic.Replay r) {
				Optional<Node> node = doc.node(r.device().node());
				if (doc.device(r.device()).isEmpty()) {
					problems.add(Problem.at(tp + ".device", "no device " + r.device()));
				}
				else if (r.cpu() >= node.get().cpus()) {
					problems.add(Problem.at(tp + ".cpu", cpuMessage(node.get(), r.cpu())));
				}
				continue;
			}
			Optional<Node> node = doc.node(traffic.from().node());
			if (node.isEmpty()) {
				problems.add(Problem.at(tp + ".from", "no node \"" + traffic.from().node() + "\""));
			}
			else {
				if (doc.namespace(traffic.from()).isEmpty()) {
					problems.add(Problem.at(tp + ".from", "no namespace \"" + traffic.from().namespace() + "\" on node "
							+ node.get().name() + " (namespaces: " + namespaceNames(node.get()) + ")"));
				}
				if (traffic.cpu() >= node.get().cpus()) {
					problems.add(Problem.at(tp + ".cpu", cpuMessage(node.get(), traffic.cpu())));
				}
			}
			if (!(traffic instanceof Traffic.RequestResponse) && owner(doc, traffic.to().address()).isEmpty()) {
				problems.add(Problem.at(tp + ".to", "no device has address " + traffic.to().address()
						+ ", so there is no namespace for the flow's receiving socket (give the address to a device)"));
			}
			if (traffic instanceof Traffic.RequestResponse rr) {
				Optional<NamespaceRef> owner = owner(doc, rr.to().address());
				if (owner.isEmpty()) {
					problems.add(Problem.at(tp + ".to",
							"no device has address " + rr.to().address() + ", so there is nothing to answer requests"));
				}
				else {
					Node serverNode = doc.node(owner.get().node()).orElseThrow();
					if (rr.serverCpu() >= serverNode.cpus()) {
						problems.add(Problem.at(tp + ".server_cpu", cpuMessage(serverNode, rr.serverCpu())));
					}
				}
			}
		}
	}

	/** The first namespace (document order) with a device end holding {@code address}. */
	static Optional<NamespaceRef> owner(TopologyDocument doc, IpAddress address) {
		for (Node node : doc.nodes()) {
			for (Namespace ns : node.namespaces()) {
				NamespaceRef ref = new NamespaceRef(node.name(), ns.name());
				for (TopologyDocument.DeviceView view : doc.devicesIn(ref)) {
					if (view.addresses().stream().anyMatch(p -> p.address().equals(address))) {
						return Optional.of(ref);
					}
				}
			}
		}
		return Optional.empty();
	}

	private static String cpuMessage(Node node, int cpu) {
		return "CPU " + cpu + " does not exist on node " + node.name() + " (cpus: " + node.cpus() + ", expected 0.."
				+ (node.cpus() - 1) + ")";
	}

	private static String namespaceNames(Node node) {
		return node.namespaces().stream().map(Namespace::name).collect(Collectors.joining(", "));
	}

	private static String noDevice(String dev, NamespaceRef ref, List<TopologyDocument.DeviceView> devices) {
		Set<String> seen = new HashSet<>();
		String names = devices.stream()
			.map(TopologyDocument.DeviceView::name)
			.filter(seen::add)
			.collect(Collectors.joining(", "));
		return "no device \"" + dev + "\" in " + ref + " (devices: " + (names.isEmpty() ? "none" : names) + ")";
	}

}

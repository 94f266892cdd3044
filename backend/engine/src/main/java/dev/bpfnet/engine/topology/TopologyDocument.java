package dev.bpfnet.engine.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import static java.util.Collections.unmodifiableSortedMap;

/**
 * A whole topology: machines, their namespaces and devices, wires between NICs, programs
 * and where they attach, traffic and the seed of the run. Immutable; built by
 * {@link TopologyParser} or {@link Topology#builder()}, both of which run
 * {@link TopologyValidator} so that every reference resolves. Lists keep document order;
 * {@code costs} is sorted by function name.
 *
 * @param name topology name
 * @param seed seed of the run's random generator, default 1
 * @param nodes machines
 * @param wires cables between NICs
 * @param programs programs to load
 * @param attach where programs run
 * @param traffic traffic sources
 * @param costs per-function cost overrides, by the cost table's function name
 */
public record TopologyDocument(String name, long seed, List<Node> nodes, List<Wire> wires, List<ProgramRef> programs,
		List<Attach> attach, List<Traffic> traffic, SortedMap<String, CostOverride> costs) {

	/** Default {@link #seed()}. */
	public static final long DEFAULT_SEED = 1;

	public TopologyDocument {
		Names.require("name", name);
		nodes = List.copyOf(nodes);
		wires = List.copyOf(wires);
		programs = List.copyOf(programs);
		attach = List.copyOf(attach);
		traffic = List.copyOf(traffic);
		costs = unmodifiableSortedMap(new TreeMap<>(costs));
	}

	/** A document with the given parts; costs are copied into name order. */
	public static TopologyDocument of(String name, long seed, List<Node> nodes, List<Wire> wires,
			List<ProgramRef> programs, List<Attach> attach, List<Traffic> traffic, Map<String, CostOverride> costs) {
		return new TopologyDocument(name, seed, nodes, wires, programs, attach, traffic, new TreeMap<>(costs));
	}

	/** The node called {@code name}. */
	public Optional<Node> node(String name) {
		return this.nodes.stream().filter(n -> n.name().equals(name)).findFirst();
	}

	/** The namespace {@code ref}. */
	public Optional<Namespace> namespace(NamespaceRef ref) {
		return node(ref.node())
			.flatMap(n -> n.namespaces().stream().filter(ns -> ns.name().equals(ref.namespace())).findFirst());
	}

	/** The program called {@code name}. */
	public Optional<ProgramRef> program(String name) {
		return this.programs.stream().filter(p -> p.name().equals(name)).findFirst();
	}

	/**
	 * Every device present in namespace {@code ref}, in a deterministic order: first the
	 * devices declared there, then peer ends declared in other namespaces of the node (in
	 * document order).
	 */
	public List<DeviceView> devicesIn(NamespaceRef ref) {
		List<DeviceView> out = new ArrayList<>();
		Optional<Node> node = node(ref.node());
		if (node.isEmpty()) {
			return out;
		}
		for (Namespace ns : node.get().namespaces()) {
			for (Device d : ns.devices()) {
				if (ns.name().equals(ref.namespace())) {
					out.add(new DeviceView(d.name(), d.addresses(), d, false));
				}
			}
		}
		for (Namespace ns : node.get().namespaces()) {
			for (Device d : ns.devices()) {
				if (d instanceof VethDevice v && v.peer().namespace().equals(ref.namespace())) {
					out.add(new DeviceView(v.peer().name(), v.peer().addresses(), d, true));
				}
				else if (d instanceof BpfnetDevice b && b.peer().namespace().equals(ref.namespace())) {
					out.add(new DeviceView(b.peer().name(), b.peer().addresses(), d, true));
				}
			}
		}
		return out;
	}

	/** The device {@code ref} resolves to, declared or peer end. */
	public Optional<DeviceView> device(DeviceRef ref) {
		return devicesIn(ref.namespaceRef()).stream().filter(d -> d.name().equals(ref.device())).findFirst();
	}

	/**
	 * A device as seen from a namespace: a declared device, or the peer end of a pair.
	 *
	 * @param name name in this namespace
	 * @param addresses addresses of this end
	 * @param declaration the declaring device (for a peer end, the pair's declared end)
	 * @param peerEnd whether this is the peer end of {@code declaration}
	 */
	public record DeviceView(String name, List<IpPrefix> addresses, Device declaration, boolean peerEnd) {

		/** Whether this end is a bpfnet primary (where netkit hooks attach). */
		public boolean isBpfnetPrimary() {
			return this.declaration instanceof BpfnetDevice && !this.peerEnd;
		}

	}

}

package dev.bpfnet.engine.netns;

import dev.bpfnet.engine.sim.SimRandom;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.bpfnet.engine.topology.BpfnetDevice;
import dev.bpfnet.engine.topology.Device;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.topology.IpPrefix;
import dev.bpfnet.engine.topology.MacAddress;
import dev.bpfnet.engine.topology.Namespace;
import dev.bpfnet.engine.topology.NamespaceRef;
import dev.bpfnet.engine.topology.Neighbour;
import dev.bpfnet.engine.topology.Node;
import dev.bpfnet.engine.topology.NicDevice;
import dev.bpfnet.engine.topology.Route;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.VethDevice;

/**
 * The network namespaces of one node, built from a topology document.
 *
 * <p>
 * Numbering is deterministic and follows document order. Namespaces get ids 0, 1, ... in
 * the node's order. Within each namespace, {@code lo} is ifindex 1, then come the devices
 * of {@link TopologyDocument#devicesIn} (declared ones, then peer ends declared
 * elsewhere), ifindex 2, 3, ... (the kernel numbers per namespace too, but in creation
 * order; a real setup may differ). Device ids are node-wide and dense: namespace by
 * namespace, in the same order, {@code lo} included.
 *
 * <p>
 * MACs left empty in the document are chosen like {@code eth_hw_addr_random} (locally
 * administered, unicast) but derived from the document seed, the node name and the device
 * id, so the same document always gives the same addresses. bpfnet ends in mode l3 have a
 * zero MAC and {@code IFF_NOARP}; all devices are up.
 */
public final class Netns {

	private final String node;

	private final List<NetNamespace> namespaces;

	private final NetDeviceInfo[] byId;

	private final NetNamespace[] nsOfDevice;

	private Netns(String node, List<NetNamespace> namespaces) {
		this.node = node;
		this.namespaces = List.copyOf(namespaces);
		int count = 0;
		for (NetNamespace ns : namespaces) {
			count += ns.deviceCount();
		}
		this.byId = new NetDeviceInfo[count];
		this.nsOfDevice = new NetNamespace[count];
		for (NetNamespace ns : namespaces) {
			for (NetDeviceInfo d : ns.devices()) {
				this.byId[d.deviceId()] = d;
				this.nsOfDevice[d.deviceId()] = ns;
			}
		}
	}

	/**
	 * Builds the namespaces of {@code nodeName}: devices, addresses (with their local and
	 * connected routes), routes and static neighbours.
	 * @throws IllegalArgumentException if the node is not in the document
	 */
	public static Netns fromTopology(TopologyDocument doc, String nodeName) {
		Node node = doc.node(nodeName)
			.orElseThrow(() -> new IllegalArgumentException("node: no node called " + nodeName + " in " + doc.name()));
		// pass 1: ids and ifindexes
		List<List<TopologyDocument.DeviceView>> views = new ArrayList<>();
		List<int[]> ids = new ArrayList<>();
		int nextId = 0;
		for (Namespace ns : node.namespaces()) {
			List<TopologyDocument.DeviceView> v = doc.devicesIn(new NamespaceRef(nodeName, ns.name()));
			int[] idsHere = new int[v.size() + 1];
			for (int i = 0; i < idsHere.length; i++) {
				idsHere[i] = nextId++;
			}
			views.add(v);
			ids.add(idsHere);
		}
		// pass 2: devices, with the peer ids resolved through the declarations
		List<NetNamespace> out = new ArrayList<>();
		for (int n = 0; n < node.namespaces().size(); n++) {
			Namespace decl = node.namespaces().get(n);
			int[] idsHere = ids.get(n);
			NetNamespace ns = new NetNamespace(n, decl.name(), decl.forwarding(), idsHere[0]);
			List<TopologyDocument.DeviceView> v = views.get(n);
			for (int i = 0; i < v.size(); i++) {
				TopologyDocument.DeviceView view = v.get(i);
				int id = idsHere[i + 1];
				int peer = peerId(node, views, ids, view);
				ns.addDevice(info(doc.seed(), nodeName, id, i + 2, view, peer));
			}
			for (Route r : decl.routes()) {
				ns.addRoute(r.to(), r.via().orElse(null), ifindex(ns, r.dev()));
			}
			for (Neighbour nb : decl.neighbours()) {
				ns.neighbours().addPermanent(ifindex(ns, nb.dev()), nb.ip(), nb.mac());
			}
			out.add(ns);
		}
		return new Netns(nodeName, out);
	}

	private static int ifindex(NetNamespace ns, String dev) {
		return ns.device(dev)
			.orElseThrow(() -> new IllegalArgumentException("dev: no device " + dev + " in namespace " + ns.name()))
			.ifindex();
	}

	/** The id of the other end of a pair: same declaration, opposite {@code peerEnd}. */
	private static int peerId(Node node, List<List<TopologyDocument.DeviceView>> views, List<int[]> ids,
			TopologyDocument.DeviceView view) {
		if (view.declaration() instanceof NicDevice) {
			return -1;
		}
		for (int n = 0; n < views.size(); n++) {
			List<TopologyDocument.DeviceView> v = views.get(n);
			for (int i = 0; i < v.size(); i++) {
				TopologyDocument.DeviceView other = v.get(i);
				if (other.declaration() == view.declaration() && other.peerEnd() != view.peerEnd()) {
					return ids.get(n)[i + 1];
				}
			}
		}
		throw new IllegalStateException("no peer end for " + view.name() + " on node " + node.name());
	}

	private static NetDeviceInfo info(long seed, String nodeName, int id, int ifindex, TopologyDocument.DeviceView view,
			int peer) {
		Device d = view.declaration();
		Optional<MacAddress> mac;
		NetDeviceInfo.Kind kind;
		boolean noArp = false;
		if (d instanceof VethDevice veth) {
			kind = NetDeviceInfo.Kind.VETH;
			mac = view.peerEnd() ? veth.peer().mac() : veth.mac();
		}
		else if (d instanceof BpfnetDevice nk) {
			kind = NetDeviceInfo.Kind.BPFNET;
			noArp = nk.mode() == BpfnetDevice.Mode.L3;
			mac = noArp ? Optional.of(new MacAddress(0)) : (view.peerEnd() ? nk.peer().mac() : nk.mac());
		}
		else {
			kind = NetDeviceInfo.Kind.NIC;
			mac = d.mac();
		}
		MacAddress chosen = mac.orElseGet(() -> randomMac(seed, nodeName, id));
		List<IpPrefix> addresses = view.addresses();
		return new NetDeviceInfo(id, ifindex, view.name(), kind, chosen, d.mtu(), addresses, true, noArp, peer,
				view.isBpfnetPrimary());
	}

	/**
	 * A locally administered unicast MAC ({@code eth_random_addr}) drawn from the run's
	 * seeded stream {@code netns/mac/<node>/<device id>} ({@link SimRandom}).
	 */
	static MacAddress randomMac(long seed, String nodeName, int id) {
		long mac = new SimRandom(seed).stream("netns/mac/" + nodeName + "/" + id).nextLong() & 0xFFFF_FFFF_FFFFL;
		mac &= ~(0x01L << 40); // clear multicast
		mac |= 0x02L << 40; // set local assignment
		return new MacAddress(mac);
	}

	/** The node name. */
	public String node() {
		return this.node;
	}

	/** The namespaces in document order (index = namespace id). */
	public List<NetNamespace> namespaces() {
		return this.namespaces;
	}

	/** The namespace called {@code name}. */
	public Optional<NetNamespace> namespace(String name) {
		return this.namespaces.stream().filter(ns -> ns.name().equals(name)).findFirst();
	}

	/** Number of devices on the node ({@code lo}s included); ids are 0..count-1. */
	public int deviceCount() {
		return this.byId.length;
	}

	/** The device with node-wide id {@code deviceId}. */
	public NetDeviceInfo device(int deviceId) {
		return this.byId[deviceId];
	}

	/** The namespace holding device {@code deviceId}. */
	public NetNamespace namespaceOf(int deviceId) {
		return this.nsOfDevice[deviceId];
	}

	/** The device {@code ref} names (its node must be this one). */
	public Optional<NetDeviceInfo> device(DeviceRef ref) {
		if (!ref.node().equals(this.node)) {
			return Optional.empty();
		}
		return namespace(ref.namespace()).flatMap(ns -> ns.device(ref.device()));
	}

}

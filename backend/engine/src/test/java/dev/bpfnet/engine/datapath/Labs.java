package dev.bpfnet.engine.datapath;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.bpfnet.engine.topology.Attach;
import dev.bpfnet.engine.topology.BpfnetDevice;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.topology.NicDevice;
import dev.bpfnet.engine.topology.ProgramRef;
import dev.bpfnet.engine.topology.RodataValue;
import dev.bpfnet.engine.topology.Topology;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.VethDevice;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;

/** Small topologies and helpers for the datapath tests. */
final class Labs {

	/** The C objects built by backend/bpf, relative to the engine module. */
	static final Path OBJECTS = Path.of("../bpf/src/test/resources/bpf");

	static final String GATEWAY_MAC = "02:00:00:00:00:fe";

	static final String REMOTE = "192.0.2.2:7000";

	static final String REMOTE_MAC = "02:00:00:00:00:02";

	private Labs() {
	}

	/** (function, context, device) of one step. */
	record Hop(Function fn, Context ctx, int device) {

		@Override
		public String toString() {
			return this.fn.kernelName() + "[" + this.ctx + (this.device >= 0 ? " dev " + this.device : "") + "]";
		}

	}

	/**
	 * A bpfnet pod: host namespace with eth0 (NIC, {@code qdisc}) and nk0 (primary), pod1
	 * with the peer eth0. Routes as in pod-egress-bpfnet.yaml, plus a static neighbour
	 * for the gateway. {@code program}: the ref attached to the PEER slot, or
	 * {@code null}.
	 */
	static TopologyDocument bpfnet(BpfnetDevice.Policy peerPolicy, ProgramRef program, NicDevice.Qdisc qdisc) {
		Topology.Builder b = Topology.builder()
			.name("datapath-bpfnet")
			.seed(42)
			.node("node1",
					n -> n.cpus(2)
						.namespace("host", ns -> ns.forwarding(true)
							.nic("eth0", nic -> nic.address("192.0.2.1/24").rate("25Gbit").qdisc(qdisc))
							.bpfnet("nk0", nk -> nk.peerPolicy(peerPolicy).peer("pod1", "eth0", "10.244.1.10/32"))
							.route("10.244.1.10/32", "nk0")
							.route("0.0.0.0/0", "192.0.2.254", "eth0")
							.neighbour("192.0.2.254", GATEWAY_MAC, "eth0")
							.neighbour("192.0.2.2", REMOTE_MAC, "eth0"))
						.namespace("pod1", ns -> ns.route("0.0.0.0/0", "eth0")));
		if (program != null) {
			b.program(program).attach(program.name(), "node1/host/nk0", Attach.Hook.PEER);
		}
		return b.build();
	}

	/** pod_egress.o's {@code pod_egress} with {@code nic_ifindex} = node1/host/eth0. */
	static ProgramRef podEgress() {
		return ProgramRef.object("to-nic", "pod_egress.o", "netkit/peer",
				new TreeMap<>(Map.of("nic_ifindex", new RodataValue.Ifindex(DeviceRef.of("node1/host/eth0")))));
	}

	/**
	 * A veth pod: host lxc0 (tcx ingress: {@code bpf_redirect(eth0 ifindex, 0)}), pod1
	 * eth0 its peer. The pod's default route has no gateway, so it needs a static
	 * neighbour for the destination: lxc0's MAC.
	 */
	static TopologyDocument veth(VethDevice.RxDelivery rx, boolean program) {
		Topology.Builder b = Topology.builder()
			.name("datapath-veth")
			.seed(42)
			.node("node1", n -> n.cpus(2)
				.namespace("host", ns -> ns.forwarding(true)
					.nic("eth0", nic -> nic.address("192.0.2.1/24").rate("25Gbit").qdisc(NicDevice.Qdisc.FQ_CODEL))
					.veth("lxc0", v -> v.mac("02:00:00:00:01:01")
						.rxDelivery(rx)
						.peer(new VethDevice.Peer("pod1", "eth0",
								List.of(dev.bpfnet.engine.topology.IpPrefix.of("10.244.1.10/32")),
								java.util.Optional.of(dev.bpfnet.engine.topology.MacAddress.of("02:00:00:00:02:02")),
								VethDevice.RxDelivery.BACKLOG, false)))
					.route("10.244.1.10/32", "lxc0")
					.route("0.0.0.0/0", "192.0.2.254", "eth0")
					.neighbour("192.0.2.254", GATEWAY_MAC, "eth0")
					.neighbour("10.244.1.10", "02:00:00:00:02:02", "lxc0")
					.neighbour("192.0.2.2", REMOTE_MAC, "eth0"))
				.namespace("pod1",
						ns -> ns.route("0.0.0.0/0", "eth0").neighbour("192.0.2.2", "02:00:00:00:01:01", "eth0")));
		if (program) {
			// eth0 is ifindex 2 in host (lo = 1, then declared devices in order)
			b.program(ProgramRef.asm("to-nic", """
					r1 = 2
					r2 = 0
					call 23
					exit
					""")).attach("to-nic", "node1/host/lxc0", Attach.Hook.TCX_INGRESS);
		}
		return b.build();
	}

	/** Every recorded step, as (function, context, device), minus scheduler events. */
	static List<Hop> hops(PathRecorder rec) {
		List<Hop> out = new ArrayList<>();
		for (Step s : rec.steps(0, rec.size()).items()) {
			if (s.fn() == Function.SCHEDULE || s.fn() == Function.TRY_TO_WAKE_UP) {
				continue;
			}
			out.add(new Hop(s.fn(), s.ctx(), s.deviceId()));
		}
		return out;
	}

	static List<Step> steps(PathRecorder rec) {
		return rec.steps(0, rec.size()).items();
	}

}

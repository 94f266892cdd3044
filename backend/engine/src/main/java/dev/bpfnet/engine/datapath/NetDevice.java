package dev.bpfnet.engine.datapath;

import java.util.Objects;

import dev.bpfnet.engine.hook.NetkitSlot;
import dev.bpfnet.engine.hook.TcxChain;
import dev.bpfnet.engine.netns.NetDeviceInfo;
import dev.bpfnet.engine.qdisc.Qdisc;
import dev.bpfnet.engine.qdisc.TxRing;
import dev.bpfnet.engine.topology.BpfnetDevice;

/**
 * A device of the datapath ({@code struct net_device} with its driver): its namespace
 * view ({@link NetDeviceInfo}), its tcx chains and what its {@code ndo_start_xmit} does,
 * by {@link Kind}:
 * <ul>
 * <li>{@link Kind#VETH}: {@code veth_xmit} → {@code __dev_forward_skb} →
 * {@code __netif_rx} into the current CPU's backlog, or with {@code rx_delivery: direct}
 * an inline {@code netif_receive_skb} on the peer (drivers/net/veth.c, datapath.md §2.1).
 * With {@code gro: true} on the receiving end, NAPI/GRO mode instead: {@code veth_xdp_rx}
 * into that end's 256-entry {@code ptr_ring} ({@link VethRq}) and {@code veth_poll} in
 * NET_RX softirq.</li>
 * <li>{@link Kind#BPFNET}: {@code netkit_xmit} with the pair's shared {@link NetkitSlot}:
 * the PEER slot runs when the peer end (pod side) transmits, the PRIMARY slot when the
 * primary (host side) transmits (drivers/net/netkit.c, datapath.md §1.2).</li>
 * <li>{@link Kind#NIC}: the TX side only: root qdisc ({@code noqueue},
 * {@code pfifo_fast}, {@code fq_codel}) from the topology, {@code __qdisc_run}, the
 * driver's TX ring and the link at its rate; frames leaving the wire are traced as
 * {@code phy_tx}. The RX side (RX ring, hard IRQ, NAPI poll, GRO) and TX completion by
 * NAPI are not modelled yet: the ring is cleaned when each frame has left, at no CPU
 * cost.</li>
 * <li>{@link Kind#LOOPBACK}: {@code loopback_xmit} → {@code __netif_rx} on
 * {@code lo}.</li>
 * </ul>
 * Virtual devices have {@code noqueue} (IFF_NO_QUEUE, datapath.md §2.6). Counters are
 * plain fields read by tests and views. Not thread-safe.
 */
public final class NetDevice {

	/** What the device's driver is. */
	public enum Kind {

		/** {@code lo}. */
		LOOPBACK,
		/** A physical NIC (TX side). */
		NIC,
		/** One end of a veth pair. */
		VETH,
		/** One end of a bpfnet (netkit) pair. */
		BPFNET

	}

	final NetDeviceInfo info;

	final Kind kind;

	final int nsId;

	final String path;

	final TcxChain tcxIngress;

	final TcxChain tcxEgress;

	// veth
	final boolean rxDirect;

	/**
	 * {@code rps_map->cpus} of the receive queue ({@code rps_cpus}), or {@code null} when
	 * RPS is off.
	 */
	int[] rpsMap;

	/** veth in NAPI/GRO mode: the receive queue this end's peer produces into. */
	VethRq rq;

	// bpfnet
	final NetkitSlot slot;

	final BpfnetDevice.Scrub scrub;

	// nic
	final Qdisc<Packet> qdisc;

	final TxRing<Packet> ring;

	final int qdiscQueueId;

	final int ringQueueId;

	final int irqCpu;

	final int qdiscCostId;

	boolean txScheduled;

	boolean txWoken;

	/** Time of the pending qdisc arrival interrupt, or {@code Long.MAX_VALUE}. */
	long qdiscArrivalIrqAt = Long.MAX_VALUE;

	/** The wire of a NIC that has one (set by {@link Engine}), else {@code null}. */
	dev.bpfnet.engine.nic.Wire<Packet> wire;

	/** This NIC's side of {@link #wire}. */
	int wireSide;

	/** The receive side of a wired NIC, else {@code null}. */
	dev.bpfnet.engine.nic.NicRx<Packet> nicRx;

	long txPackets;

	long txDropped;

	long rxPackets;

	long rxDropped;

	long phyTxPackets;

	long phyTxBytes;

	NetDevice(NetDeviceInfo info, Kind kind, int nsId, String path, boolean rxDirect, NetkitSlot slot,
			BpfnetDevice.Scrub scrub, Qdisc<Packet> qdisc, TxRing<Packet> ring, int qdiscQueueId, int ringQueueId,
			int irqCpu, int qdiscCostId) {
		this.info = Objects.requireNonNull(info, "info");
		this.kind = Objects.requireNonNull(kind, "kind");
		this.nsId = nsId;
		this.path = path;
		this.tcxIngress = new TcxChain(path, TcxChain.Direction.INGRESS);
		this.tcxEgress = new TcxChain(path, TcxChain.Direction.EGRESS);
		this.rxDirect = rxDirect;
		this.slot = slot;
		this.scrub = scrub;
		this.qdisc = qdisc;
		this.ring = ring;
		this.qdiscQueueId = qdiscQueueId;
		this.ringQueueId = ringQueueId;
		this.irqCpu = irqCpu;
		this.qdiscCostId = qdiscCostId;
		if (kind == Kind.BPFNET && slot == null) {
			throw new IllegalArgumentException("slot: a bpfnet device needs its netkit slot (" + path + ")");
		}
		if (kind == Kind.NIC && (qdisc == null || ring == null)) {
			throw new IllegalArgumentException("qdisc/ring: a NIC needs both (" + path + ")");
		}
	}

	/** The node-wide device id (trace events carry it). */
	public int id() {
		return this.info.deviceId();
	}

	/** {@code dev->ifindex} in its namespace. */
	public int ifindex() {
		return this.info.ifindex();
	}

	/** The device's kind. */
	public Kind kind() {
		return this.kind;
	}

	/** The namespace view of the device. */
	public NetDeviceInfo info() {
		return this.info;
	}

	/** {@code node/namespace/device}. */
	public String path() {
		return this.path;
	}

	/** The tcx ingress chain. */
	public TcxChain tcxIngress() {
		return this.tcxIngress;
	}

	/** The tcx egress chain. */
	public TcxChain tcxEgress() {
		return this.tcxEgress;
	}

	/** The netkit slots of a bpfnet pair (shared by both ends), or {@code null}. */
	public NetkitSlot netkitSlot() {
		return this.slot;
	}

	/** The root qdisc of a NIC, or {@code null}. */
	public Qdisc<Packet> qdisc() {
		return this.qdisc;
	}

	/** The TX ring of a NIC, or {@code null}. */
	public TxRing<Packet> txRing() {
		return this.ring;
	}

	/** Packets this device's {@code ndo_start_xmit} accepted. */
	public long txPackets() {
		return this.txPackets;
	}

	/** Packets dropped on transmit ({@code tx_dropped}). */
	public long txDropped() {
		return this.txDropped;
	}

	/** Packets received ({@code __netif_receive_skb_core} passes on this device). */
	public long rxPackets() {
		return this.rxPackets;
	}

	/** Packets dropped on receive ({@code rx_dropped}). */
	public long rxDropped() {
		return this.rxDropped;
	}

	/** The receive side of a wired NIC ({@link Engine}), or {@code null}. */
	public dev.bpfnet.engine.nic.NicRx<Packet> nicRx() {
		return this.nicRx;
	}

	/**
	 * NIC: descriptors of the TX ring in use (posted, not yet reclaimed); 0 otherwise.
	 */
	public int txRingInUse() {
		return (this.ring == null) ? 0 : this.ring.inUse();
	}

	/** NIC: frames that left on the wire. */
	public long phyTxPackets() {
		return this.phyTxPackets;
	}

	/** NIC: bytes ({@code skb->len}) of the frames that left on the wire. */
	public long phyTxBytes() {
		return this.phyTxBytes;
	}

	@Override
	public String toString() {
		return "NetDevice[" + this.path + " " + this.kind + " ifindex " + ifindex() + "]";
	}

}

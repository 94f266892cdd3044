package dev.bpfnet.engine.datapath;

import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.Napi;

/**
 * The NAPI receive queue of a veth end in GRO/NAPI mode ({@code struct veth_rq},
 * drivers/net/veth.c, datapath.md §2.1): the {@code xdp_ring} {@code ptr_ring} of
 * {@link #VETH_RING_SIZE} entries the peer's {@code veth_xmit} produces into
 * ({@code veth_xdp_rx}), and the {@code xdp_napi} instance whose poll ({@code veth_poll})
 * consumes it. Only rx queue 0 exists ({@code real_num_rx_queues} = 1, the veth default).
 *
 * <p>
 * {@link #scheduled} is {@code rq->rx_notify_masked} together with the instance's
 * {@code NAPI_STATE_SCHED}: set by {@code __veth_xdp_flush} when it schedules the NAPI on
 * the producing CPU, cleared by {@code napi_complete_done} in {@code veth_poll}. It is
 * kept here, not in a CPU's {@code softnet_data}, because a NAPI instance is scheduled on
 * one CPU at a time whichever CPU produces next. The poll itself is {@link Datapath}'s
 * ({@code veth_poll} → {@code veth_xdp_rcv}).
 *
 * <p>
 * Allocation-free after construction. Not thread-safe.
 */
final class VethRq implements Napi {

	/** {@code VETH_RING_SIZE}. */
	static final int VETH_RING_SIZE = 256;

	/** The poll ({@code veth_poll}). */
	interface Poller {

		int poll(Cpu cpu, VethRq rq, int budget);

	}

	/** The receiving device (the end with GRO on). */
	final NetDevice dev;

	/** Run-wide queue id of {@code xdp_ring} (trace events). */
	final int queueId;

	private final Poller poller;

	private final Packet[] ring = new Packet[VETH_RING_SIZE];

	private int head;

	private int count;

	/** {@code rx_notify_masked} / {@code NAPI_STATE_SCHED}. */
	boolean scheduled;

	long produced;

	long ringFull;

	long polls;

	VethRq(NetDevice dev, int queueId, Poller poller) {
		this.dev = dev;
		this.queueId = queueId;
		this.poller = poller;
	}

	/**
	 * {@code ptr_ring_produce}: appends, or fails when the ring holds
	 * {@link #VETH_RING_SIZE} entries.
	 * @return {@code false} when the ring is full
	 */
	boolean produce(Packet p) {
		if (this.count == VETH_RING_SIZE) {
			this.ringFull++;
			return false;
		}
		this.ring[(this.head + this.count) & (VETH_RING_SIZE - 1)] = p;
		this.count++;
		this.produced++;
		return true;
	}

	/** {@code __ptr_ring_consume}: the oldest entry, or {@code null}. */
	Packet consume() {
		if (this.count == 0) {
			return null;
		}
		Packet p = this.ring[this.head];
		this.ring[this.head] = null;
		this.head = (this.head + 1) & (VETH_RING_SIZE - 1);
		this.count--;
		return p;
	}

	/** Entries in the ring. */
	int size() {
		return this.count;
	}

	@Override
	public int poll(Cpu cpu, int budget) {
		this.polls++;
		return this.poller.poll(cpu, this, budget);
	}

	@Override
	public String toString() {
		return "veth xdp_napi of " + this.dev.path;
	}

}

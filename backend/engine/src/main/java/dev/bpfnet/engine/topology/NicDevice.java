package dev.bpfnet.engine.topology;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A physical NIC: root qdisc, driver TX ring (optionally BQL-limited), link rate, RX ring
 * and the CPU its hard IRQ (and so its NAPI poll) runs on. Two NICs are joined by a
 * {@link Wire}. The NIC is single-queue; multiqueue ({@code mq} root) is not modelled.
 *
 * @param name device name
 * @param addresses interface addresses
 * @param mac hardware address (random when empty)
 * @param mtu MTU in bytes, default 1500
 * @param qdisc root qdisc: {@code noqueue}, {@code pfifo_fast} (3 bands, default, as
 * {@code default_qdisc_ops}) or {@code fq_codel} (limit 10240, target 5 ms, interval 100
 * ms)
 * @param txqueuelen {@code dev->tx_queue_len}: per-band limit of pfifo_fast in packets,
 * default 1000 ({@code DEFAULT_TX_QUEUE_LEN}); unused by noqueue and fq_codel
 * @param txRing driver TX descriptor ring entries ({@code ethtool -g} tx); default 256
 * (driver specific, no kernel default; 256 is common for 10-25G NICs)
 * @param bqlLimit Byte Queue Limits
 * ({@code /sys/class/net/DEV/queues/tx-0/byte_queue_limits/
 * limit_max}) in bytes; empty = BQL off
 * @param rate line rate in bit/s; default 10 Gbit/s
 * @param rxRing driver RX descriptor ring entries ({@code ethtool -g} rx); default 1024
 * (driver specific); a full ring drops on the wire side
 * @param irqCpu CPU that takes the hard IRQ and runs the NAPI poll; default 0
 * @param rpsCpus RPS mask of this end's receive queue ({@code queues/rx-0/rps_cpus});
 * empty (default) = RPS off
 */
public record NicDevice(String name, List<IpPrefix> addresses, Optional<MacAddress> mac, int mtu, Qdisc qdisc,
		int txqueuelen, int txRing, OptionalLong bqlLimit, long rate, int rxRing, int irqCpu,
		CpuMask rpsCpus) implements Device {

	/** Default {@link #txqueuelen()}. */
	public static final int DEFAULT_TXQUEUELEN = 1000;

	/** Default {@link #txRing()}. */
	public static final int DEFAULT_TX_RING = 256;

	/** Default {@link #rxRing()}. */
	public static final int DEFAULT_RX_RING = 1024;

	/** Default {@link #rate()}: 10 Gbit/s. */
	public static final long DEFAULT_RATE = 10_000_000_000L;

	/** Root qdisc kinds (net/sched). */
	public enum Qdisc implements Keyed {

		/** No queue: {@code noqueue_qdisc_ops}, transmit directly or drop. */
		NOQUEUE("noqueue"),
		/** {@code pfifo_fast}: 3 priority bands of {@code txqueuelen} each. */
		PFIFO_FAST("pfifo_fast"),
		/** {@code fq_codel} with its kernel defaults. */
		FQ_CODEL("fq_codel");

		private final String key;

		Qdisc(String key) {
			this.key = key;
		}

		@Override
		public String key() {
			return this.key;
		}

	}

	public NicDevice {
		Device.checkCommon(name, addresses, mac, mtu);
		addresses = List.copyOf(addresses);
		if (qdisc == null) {
			throw new IllegalArgumentException("qdisc must not be null");
		}
		if (txqueuelen < 1 || txRing < 1 || rxRing < 1) {
			throw new IllegalArgumentException(
					"txqueuelen, tx_ring and rx_ring must be >= 1, got " + txqueuelen + ", " + txRing + ", " + rxRing);
		}
		if (bqlLimit == null || (bqlLimit.isPresent() && bqlLimit.getAsLong() < 1)) {
			throw new IllegalArgumentException("bql must be empty or >= 1 byte, got " + bqlLimit);
		}
		if (rate < 1) {
			throw new IllegalArgumentException("rate must be >= 1 bit/s, got " + rate);
		}
		if (irqCpu < 0) {
			throw new IllegalArgumentException("irq_cpu must be >= 0, got " + irqCpu);
		}
		if (rpsCpus == null) {
			throw new IllegalArgumentException("rps_cpus must not be null (use CpuMask.NONE)");
		}
	}

	/** A NIC without RPS. */
	public NicDevice(String name, List<IpPrefix> addresses, Optional<MacAddress> mac, int mtu, Qdisc qdisc,
			int txqueuelen, int txRing, OptionalLong bqlLimit, long rate, int rxRing, int irqCpu) {
		this(name, addresses, mac, mtu, qdisc, txqueuelen, txRing, bqlLimit, rate, rxRing, irqCpu, CpuMask.NONE);
	}

	/** A NIC with every knob at its default. */
	public static NicDevice defaults(String name) {
		return new NicDevice(name, List.of(), Optional.empty(), DEFAULT_MTU, Qdisc.PFIFO_FAST, DEFAULT_TXQUEUELEN,
				DEFAULT_TX_RING, OptionalLong.empty(), DEFAULT_RATE, DEFAULT_RX_RING, 0);
	}

	@Override
	public String kind() {
		return "nic";
	}

}

package dev.bpfnet.engine.topology;

import java.util.OptionalLong;

/**
 * A traffic source. Each runs as a task on CPU {@code cpu} of the node owning
 * {@code from}, starting at simulated time {@code start}. UDP kinds send datagrams of
 * {@code size} payload bytes to {@code to}; a UDP sink on {@code to} is implied.
 * {@link Replay} sends the frames of a pcap/pcapng file into a device ({@code to()} is
 * {@code null} and {@code size()} 0 for it).
 */
public sealed interface Traffic
		permits Traffic.ConstantRate, Traffic.Poisson, Traffic.Burst, Traffic.RequestResponse, Traffic.Replay {

	/** Largest accepted payload size (bytes). */
	int MAX_SIZE = 65507;

	/** Unique traffic name (the flow name in results). */
	String name();

	/** Namespace the sending task runs in. */
	NamespaceRef from();

	/** Destination address and port ({@code null} for {@link Replay}). */
	IpEndpoint to();

	/** Payload bytes per datagram (per request for request-response). */
	int size();

	/** CPU of the sending task, 0..cpus-1 of its node. */
	int cpu();

	/** Start time in ns. */
	long startNs();

	/** The {@code kind} spelling in the document. */
	String kind();

	private static void check(String name, NamespaceRef from, IpEndpoint to, int size, int cpu, long startNs) {
		Names.require("name", name);
		if (from == null || to == null) {
			throw new IllegalArgumentException("from and to must not be null");
		}
		if (size < 0 || size > MAX_SIZE) {
			throw new IllegalArgumentException("size must be 0.." + MAX_SIZE + " bytes, got " + size);
		}
		if (cpu < 0) {
			throw new IllegalArgumentException("cpu must be >= 0, got " + cpu);
		}
		if (startNs < 0) {
			throw new IllegalArgumentException("start must be >= 0 ns, got " + startNs);
		}
	}

	private static void checkCount(String field, OptionalLong count) {
		if (count == null || (count.isPresent() && count.getAsLong() < 1)) {
			throw new IllegalArgumentException(field + " must be empty or >= 1, got " + count);
		}
	}

	/**
	 * A send rate: packets per second, or bits per second of payload-carrying frames (the
	 * generator converts with the datagram size).
	 *
	 * @param perSecond packets or bits per second, >= 1
	 * @param unit what is counted
	 */
	record Rate(long perSecond, Unit unit) {

		/** What a rate counts. */
		public enum Unit {

			/** Packets per second ({@code 100kpps}). */
			PACKETS,
			/** Bits per second ({@code 1Gbit}). */
			BITS

		}

		public Rate {
			if (perSecond < 1 || unit == null) {
				throw new IllegalArgumentException("rate must be >= 1 per second with a unit, got " + perSecond);
			}
		}

		/** {@code n} packets per second. */
		public static Rate pps(long n) {
			return new Rate(n, Unit.PACKETS);
		}

		/** {@code n} bits per second. */
		public static Rate bits(long n) {
			return new Rate(n, Unit.BITS);
		}

		@Override
		public String toString() {
			return this.unit == Unit.PACKETS ? Units.formatPacketRate(this.perSecond)
					: Units.formatRate(this.perSecond);
		}

	}

	/**
	 * UDP at a constant rate ({@code kind: constant-rate}).
	 *
	 * @param name flow name
	 * @param from sending namespace
	 * @param to destination
	 * @param size payload bytes
	 * @param rate send rate
	 * @param count datagrams to send; empty = until the run ends
	 * @param cpu sender CPU
	 * @param startNs start time
	 */
	record ConstantRate(String name, NamespaceRef from, IpEndpoint to, int size, Rate rate, OptionalLong count, int cpu,
			long startNs) implements Traffic {

		public ConstantRate {
			check(name, from, to, size, cpu, startNs);
			checkCount("count", count);
			if (rate == null) {
				throw new IllegalArgumentException("rate must not be null");
			}
		}

		@Override
		public String kind() {
			return "constant-rate";
		}

	}

	/**
	 * UDP with exponentially distributed gaps of mean 1/rate, drawn from the run's seeded
	 * generator ({@code kind: poisson}).
	 *
	 * @param name flow name
	 * @param from sending namespace
	 * @param to destination
	 * @param size payload bytes
	 * @param rate mean send rate
	 * @param count datagrams to send; empty = until the run ends
	 * @param cpu sender CPU
	 * @param startNs start time
	 */
	record Poisson(String name, NamespaceRef from, IpEndpoint to, int size, Rate rate, OptionalLong count, int cpu,
			long startNs) implements Traffic {

		public Poisson {
			check(name, from, to, size, cpu, startNs);
			checkCount("count", count);
			if (rate == null) {
				throw new IllegalArgumentException("rate must not be null");
			}
		}

		@Override
		public String kind() {
			return "poisson";
		}

	}

	/**
	 * UDP bursts: {@code burst} datagrams back to back every {@code interval}
	 * ({@code kind: burst}).
	 *
	 * @param name flow name
	 * @param from sending namespace
	 * @param to destination
	 * @param size payload bytes
	 * @param burst datagrams per burst, >= 1
	 * @param intervalNs time between burst starts, > 0
	 * @param count bursts to send; empty = until the run ends
	 * @param cpu sender CPU
	 * @param startNs start time
	 */
	record Burst(String name, NamespaceRef from, IpEndpoint to, int size, int burst, long intervalNs,
			OptionalLong count, int cpu, long startNs) implements Traffic {

		public Burst {
			check(name, from, to, size, cpu, startNs);
			checkCount("count", count);
			if (burst < 1 || intervalNs < 1) {
				throw new IllegalArgumentException(
						"burst must be >= 1 and interval > 0 ns, got " + burst + ", " + intervalNs);
			}
		}

		@Override
		public String kind() {
			return "burst";
		}

	}

	/**
	 * A netperf TCP_RR-like ping-pong ({@code kind: request-response}): one request of
	 * {@code size} bytes, wait for the {@code responseSize}-byte answer, repeat; measures
	 * round trips. The responder runs in the namespace owning {@code to.address}, on
	 * {@code serverCpu}.
	 *
	 * @param name flow name
	 * @param from client namespace
	 * @param to responder address
	 * @param size request bytes
	 * @param responseSize response bytes
	 * @param transactions round trips to run, >= 1
	 * @param cpu client CPU
	 * @param serverCpu responder CPU on its node
	 * @param startNs start time
	 */
	record RequestResponse(String name, NamespaceRef from, IpEndpoint to, int size, int responseSize, long transactions,
			int cpu, int serverCpu, long startNs) implements Traffic {

		public RequestResponse {
			check(name, from, to, size, cpu, startNs);
			if (responseSize < 0 || responseSize > MAX_SIZE || transactions < 1 || serverCpu < 0) {
				throw new IllegalArgumentException(
						"response_size must be 0.." + MAX_SIZE + ", transactions >= 1 and server_cpu >= 0, got "
								+ responseSize + ", " + transactions + ", " + serverCpu);
			}
		}

		@Override
		public String kind() {
			return "request-response";
		}

	}

	/**
	 * The frames of a capture file sent into a device, as {@code tcpreplay -i DEV} does
	 * ({@code kind: replay}): an {@code AF_PACKET} socket of a task on {@code cpu} of the
	 * device's node ({@code packet_snd} → {@code __dev_queue_xmit}).
	 *
	 * @param name flow name
	 * @param device the device the frames leave through
	 * @param file the pcap or pcapng file, relative to the document's directory
	 * @param timing {@code original} (the file's gaps), {@code scale} (gaps times
	 * {@code factor}) or {@code rate} (one frame every 1/{@code rate})
	 * @param factor the scale factor ({@code timing: scale}), {@code > 0}
	 * @param rate packets per second ({@code timing: rate}), or {@code null}
	 * @param truncate replay frames captured shorter than they were (snaplen) instead of
	 * refusing the file
	 * @param cpu sender CPU
	 * @param startNs time of the first frame
	 */
	record Replay(String name, DeviceRef device, String file, String timing, double factor, Rate rate, boolean truncate,
			int cpu, long startNs) implements Traffic {

		/** The timing spellings. */
		public static final java.util.List<String> TIMINGS = java.util.List.of("original", "scale", "rate");

		public Replay {
			Names.require("name", name);
			if (device == null || file == null || file.isBlank()) {
				throw new IllegalArgumentException("device and file must be given");
			}
			if (!TIMINGS.contains(timing)) {
				throw new IllegalArgumentException("timing must be original, scale or rate, got " + timing);
			}
			if (timing.equals("scale") && !(factor > 0 && factor < 1e6)) {
				throw new IllegalArgumentException("factor must be > 0 with timing scale, got " + factor);
			}
			if (timing.equals("rate") && (rate == null || rate.unit() != Rate.Unit.PACKETS)) {
				throw new IllegalArgumentException("rate must be a packet rate like 10kpps with timing rate");
			}
			if (cpu < 0) {
				throw new IllegalArgumentException("cpu must be >= 0, got " + cpu);
			}
			if (startNs < 0) {
				throw new IllegalArgumentException("start must be >= 0 ns, got " + startNs);
			}
		}

		/** The namespace of the device (where the sending socket lives). */
		@Override
		public NamespaceRef from() {
			return new NamespaceRef(this.device.node(), this.device.namespace());
		}

		@Override
		public IpEndpoint to() {
			return null;
		}

		@Override
		public int size() {
			return 0;
		}

		@Override
		public String kind() {
			return "replay";
		}

	}

}

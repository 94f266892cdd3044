package dev.bpfnet.engine.traffic;

import java.util.List;
import java.util.Objects;

import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.Task;
import dev.bpfnet.engine.cpu.TaskBody;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.topology.NamespaceRef;

/**
 * A task that sends prepared frames at given absolute times (a replayed capture, crafted
 * packets): each step sends the next frame through a {@link FrameSender} and sleeps until
 * the next frame's time ({@code clock_nanosleep} with {@code TIMER_ABSTIME}); when the
 * CPU is late, the next frame follows immediately, as {@code tcpreplay} does. The frames
 * are copied at each send, so the same list can be replayed again.
 */
public final class FrameSource implements TaskBody {

	/**
	 * Where the frames go: exactly one of {@code device} and {@code namespace}.
	 *
	 * @param device into this device ({@code packet_snd}), or {@code null}
	 * @param namespace from this namespace ({@code raw_sendmsg}), or {@code null}
	 */
	public record Target(DeviceRef device, NamespaceRef namespace) {

		public Target {
			if ((device == null) == (namespace == null)) {
				throw new IllegalArgumentException("target: expected exactly one of a device and a namespace");
			}
		}

		/** Into a device. */
		public static Target device(DeviceRef device) {
			return new Target(device, null);
		}

		/** From a namespace. */
		public static Target namespace(NamespaceRef ns) {
			return new Target(null, ns);
		}

		/** The node the sending task runs on. */
		public String node() {
			return (this.device != null) ? this.device.node() : this.namespace.node();
		}

		@Override
		public String toString() {
			return (this.device != null) ? this.device.toString() : this.namespace.toString();
		}

	}

	private final FrameSender sender;

	private final Target target;

	private final long[] timesNs;

	private final List<byte[]> frames;

	private final CpuSet cpus;

	private final Task task;

	private int next;

	/**
	 * Creates the source and its blocked task; {@link #start()} schedules it.
	 * @param name the task name
	 * @param cpus the sending node's CPUs
	 * @param cpu the CPU index of the task
	 * @param sender where frames go
	 * @param target the device or namespace
	 * @param timesNs absolute send times, non-decreasing, one per frame
	 * @param frames the frames (Ethernet)
	 */
	public FrameSource(String name, CpuSet cpus, int cpu, FrameSender sender, Target target, long[] timesNs,
			List<byte[]> frames) {
		this.sender = Objects.requireNonNull(sender, "sender");
		this.target = Objects.requireNonNull(target, "target");
		this.cpus = Objects.requireNonNull(cpus, "cpus");
		this.frames = List.copyOf(frames);
		this.timesNs = timesNs.clone();
		if (this.timesNs.length != this.frames.size()) {
			throw new IllegalArgumentException(
					"timesNs: " + this.timesNs.length + " times for " + this.frames.size() + " frames");
		}
		for (int i = 0; i < this.timesNs.length; i++) {
			if (this.timesNs[i] < 0 || (i > 0 && this.timesNs[i] < this.timesNs[i - 1])) {
				throw new IllegalArgumentException("timesNs[" + i + "]: times must be >= 0 and non-decreasing, got "
						+ this.timesNs[i] + ((i > 0) ? " after " + this.timesNs[i - 1] : ""));
			}
		}
		this.task = cpus.createTask(cpu, name, this);
	}

	/**
	 * The longest frame {@code packet_snd} (net/packet/af_packet.c) takes on an Ethernet
	 * device of MTU {@code mtu}: {@code dev->mtu + dev->hard_header_len}, 4 bytes more
	 * for an 802.1Q-tagged frame ({@code packet_extra_vlan_len_allowed}); a longer one
	 * fails with {@code EMSGSIZE} ({@code tcpreplay}: "Message too long"). No GSO ({@code
	 * PACKET_VNET_HDR}) here.
	 * @param frame an Ethernet frame
	 * @param mtu the device's MTU
	 * @return the limit for this frame
	 */
	public static int packetSndLimit(byte[] frame, int mtu) {
		boolean tagged = frame.length >= 14 && (frame[12] & 0xFF) == 0x81 && frame[13] == 0;
		return mtu + 14 + (tagged ? 4 : 0);
	}

	/**
	 * Checks, before anything is sent, that every frame fits the device the way
	 * {@link #packetSndLimit} says: a capture taken on loopback (MTU 65536) or on a NIC
	 * with GRO/TSO (frames of tens of kB) cannot be sent as is into a 1500-byte device.
	 * @param frames the frames, in order
	 * @param device the device's name, for the message
	 * @param mtu its MTU
	 * @throws IllegalArgumentException naming the first frame that does not fit, its
	 * length and the limit
	 */
	public static void requireFits(List<byte[]> frames, String device, int mtu) {
		int tooLong = 0;
		int first = -1;
		for (int i = 0; i < frames.size(); i++) {
			if (frames.get(i).length > packetSndLimit(frames.get(i), mtu)) {
				tooLong++;
				first = (first < 0) ? i : first;
			}
		}
		if (first >= 0) {
			byte[] f = frames.get(first);
			throw new IllegalArgumentException("frame " + first + ": " + f.length + " bytes, more than " + device
					+ " sends (MTU " + mtu + " + " + (packetSndLimit(f, mtu) - mtu) + "-byte header): packet_snd"
					+ " would fail with EMSGSIZE" + ((tooLong > 1) ? " (" + tooLong + " frames are too long)" : "")
					+ "; raise the device's mtu, or capture with offloads off (ethtool -K DEV gro off tso off)");
		}
	}

	/** Wakes the task at the first frame's time (nothing to do without frames). */
	public void start() {
		if (this.timesNs.length > 0) {
			this.cpus.wakeAt(this.task, Math.max(this.timesNs[0], this.cpus.simulator().now()));
		}
	}

	@Override
	public long step(Cpu cpu, Task self) {
		if (this.next >= this.frames.size()) {
			return BLOCK;
		}
		byte[] frame = this.frames.get(this.next++).clone();
		if (this.target.device() != null) {
			this.sender.packetXmit(cpu, this.target.device(), frame);
		}
		else {
			this.sender.rawIpSend(cpu, this.target.namespace(), frame);
		}
		return (this.next < this.timesNs.length) ? this.timesNs[this.next] : BLOCK;
	}

	/** Frames sent so far. */
	public int sent() {
		return this.next;
	}

	/**
	 * When the next frame is due, or {@code -1} when all were sent.
	 * @return simulated ns
	 */
	public long nextTimeNs() {
		return (this.next < this.timesNs.length) ? this.timesNs[this.next] : -1;
	}

	/** Frames in total. */
	public int size() {
		return this.frames.size();
	}

	/** The sending task. */
	public Task task() {
		return this.task;
	}

	/** Where the frames go. */
	public Target target() {
		return this.target;
	}

}

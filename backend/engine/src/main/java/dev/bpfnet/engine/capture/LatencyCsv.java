package dev.bpfnet.engine.capture;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Arrays;

import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.Names;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * Per-packet latency as CSV: for every skb, its first and last trace event, the time
 * between them, the number of steps, the first and last device and its fate:
 * {@code delivered} (last step {@code consume_skb}, {@code udp_rcv},
 * {@code sock_def_readable}, {@code udp_recvmsg} or {@code __udp_enqueue_schedule_skb}),
 * {@code dropped} (with the kernel's drop reason), {@code left} (last step {@code phy_tx}
 * or {@code ndo_start_xmit}: it left the node into nothing or onto a wire not followed
 * further), or {@code in-flight} at the end of the run.
 *
 * <p>
 * A {@link TraceSink}: it keeps five numbers per skb in arrays indexed by skb id (the
 * engine numbers skbs densely from 0), and writes the CSV in skb id order on
 * {@link #write}. Columns:
 * {@code skb_id,first_ns,last_ns,latency_ns,steps,first_device,last_device,last_function,fate,drop_reason}.
 */
public final class LatencyCsv implements TraceSink {

	/** The CSV header line. */
	public static final String HEADER = "skb_id,first_ns,last_ns,latency_ns,steps,first_device,last_device,"
			+ "last_function,fate,drop_reason";

	private long[] first = new long[1024];

	private long[] last = new long[1024];

	private int[] steps = new int[1024];

	/** device ids: first in the low 32 bits, last in the high 32 (+1, 0 = none). */
	private long[] devices = new long[1024];

	/** last function id in the low 16 bits, drop reason id + 1 in the next 16. */
	private int[] fate = new int[1024];

	private long maxSkb = -1;

	@Override
	public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId, int netnsId,
			int queueId, int queueDepth, int verdict, DropReason drop) {
		if (skbId < 0 || skbId > Integer.MAX_VALUE - 8) {
			return;
		}
		int i = (int) skbId;
		if (i >= this.first.length) {
			int n = Math.max(i + 1, this.first.length * 2);
			this.first = Arrays.copyOf(this.first, n);
			this.last = Arrays.copyOf(this.last, n);
			this.steps = Arrays.copyOf(this.steps, n);
			this.devices = Arrays.copyOf(this.devices, n);
			this.fate = Arrays.copyOf(this.fate, n);
		}
		if (this.steps[i] == 0) {
			this.first[i] = timeNs;
			this.devices[i] = (deviceId >= 0) ? deviceId + 1 : 0;
		}
		else if ((this.devices[i] & 0xFFFF_FFFFL) == 0 && deviceId >= 0) {
			this.devices[i] = deviceId + 1;
		}
		this.steps[i]++;
		this.last[i] = timeNs;
		if (deviceId >= 0) {
			this.devices[i] = (this.devices[i] & 0xFFFF_FFFFL) | ((long) (deviceId + 1) << 32);
		}
		int dropBits = (this.fate[i] >>> 16);
		if (drop.isDrop()) {
			dropBits = drop.id() + 1;
		}
		this.fate[i] = (dropBits << 16) | fn.id();
		this.maxSkb = Math.max(this.maxSkb, skbId);
	}

	/** Number of skbs seen. */
	public long packets() {
		long n = 0;
		for (int i = 0; i <= this.maxSkb; i++) {
			n += (this.steps[i] > 0) ? 1 : 0;
		}
		return n;
	}

	/**
	 * Writes the CSV (header and one line per skb, by id).
	 * @param out where to
	 * @param names device names
	 */
	public void write(Writer out, Names names) {
		try {
			BufferedWriter w = new BufferedWriter(out, 1 << 16);
			w.write(HEADER);
			w.write('\n');
			for (int i = 0; i <= this.maxSkb; i++) {
				if (this.steps[i] == 0) {
					continue;
				}
				Function fn = Function.ofId(this.fate[i] & 0xFFFF);
				int dropBits = this.fate[i] >>> 16;
				DropReason reason = (dropBits == 0) ? null : DropReason.ofId(dropBits - 1);
				w.write(i + "," + this.first[i] + "," + this.last[i] + "," + (this.last[i] - this.first[i]) + ","
						+ this.steps[i] + "," + device(names, (int) this.devices[i]) + ","
						+ device(names, (int) (this.devices[i] >>> 32)) + "," + fn.kernelName() + ","
						+ fateOf(fn, reason) + "," + ((reason == null) ? "" : reason.name()) + "\n");
			}
			w.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String device(Names names, int idPlusOne) {
		return (idPlusOne == 0) ? "" : names.name(Names.Kind.DEVICE, idPlusOne - 1);
	}

	private static String fateOf(Function fn, DropReason reason) {
		if (reason != null) {
			return "dropped";
		}
		return switch (fn) {
			case CONSUME_SKB, UDP_RCV, SOCK_DEF_READABLE, UDP_RECVMSG, UDP_ENQUEUE_SCHEDULE_SKB -> "delivered";
			case PHY_TX, NDO_START_XMIT -> "left";
			default -> "in-flight";
		};
	}

}

package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.Task;
import dev.bpfnet.engine.cpu.TaskBody;

/**
 * A UDP traffic generator: a task on one CPU that sends datagrams through a
 * {@link DatagramWriter} on a schedule (pktgen-like, but from user space through
 * {@code sendmsg}, as iperf/sockperf do). Each step sends one datagram and returns the
 * absolute time of the next send (the task sleeps, {@code clock_nanosleep} with
 * {@code TIMER_ABSTIME}); sends are scheduled from the start time, not from the previous
 * send's end, so the send cost does not make the rate drift. When the CPU cannot keep up,
 * the next send follows immediately.
 */
public abstract sealed class UdpSource implements TaskBody permits ConstantRateUdp, PoissonUdp, BurstUdp {

	/** Where and when. */
	protected final SourceConfig config;

	/** The send path. */
	protected final DatagramWriter writer;

	private final CpuSet cpus;

	private final Task task;

	private long finishNs = -1;

	/**
	 * Creates the source and its (blocked) task; {@link #start()} schedules it.
	 * @param config where and when
	 * @param cpus the sending node's CPUs
	 * @param writer the send path
	 */
	protected UdpSource(SourceConfig config, CpuSet cpus, DatagramWriter writer) {
		if (config == null || cpus == null || writer == null) {
			throw new IllegalArgumentException("config, cpus and writer must not be null");
		}
		this.config = config;
		this.cpus = cpus;
		this.writer = writer;
		this.task = cpus.createTask(config.cpu(), config.name() + "/tx", this);
	}

	/** Wakes the task at the start time (call before the simulator reaches it). */
	public void start() {
		this.cpus.wakeAt(this.task, this.config.startNs());
	}

	/**
	 * Ends the source: the task blocks for good.
	 * @param cpu its CPU
	 * @return {@link TaskBody#BLOCK}
	 */
	protected final long finish(Cpu cpu) {
		this.finishNs = cpu.now();
		return TaskBody.BLOCK;
	}

	/** Whether the source has ended. */
	public final boolean finished() {
		return this.finishNs >= 0;
	}

	/** When the source ended, or -1. */
	public final long finishNs() {
		return this.finishNs;
	}

	/** The sending task. */
	public final Task task() {
		return this.task;
	}

	/** Where and when. */
	public final SourceConfig config() {
		return this.config;
	}

	/** Datagrams sent. */
	public final long sent() {
		return this.writer.sent();
	}

	/** Payload bytes sent. */
	public final long bytes() {
		return this.writer.bytes();
	}

	/** The send path. */
	public final DatagramWriter writer() {
		return this.writer;
	}

}

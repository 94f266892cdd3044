package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.Task;

/**
 * UDP bursts: {@code burst} datagrams back to back (one {@code sendmsg} per step, the
 * task staying runnable between them), burst {@code k} (from 0) starting at
 * {@code startNs + k × periodNs}; {@link SourceConfig#limit()} counts bursts. A period of
 * 0 sends one burst.
 */
public final class BurstUdp extends UdpSource {

	private final int burst;

	private final long periodNs;

	private int inBurst;

	private long bursts;

	/**
	 * @param config where and when ({@code limit} = bursts)
	 * @param cpus the node's CPUs
	 * @param writer the send path
	 * @param burst datagrams per burst, {@code >= 1}
	 * @param periodNs time between burst starts, {@code >= 0} (0: a single burst)
	 */
	public BurstUdp(SourceConfig config, CpuSet cpus, DatagramWriter writer, int burst, long periodNs) {
		super(config, cpus, writer);
		if (burst < 1) {
			throw new IllegalArgumentException("burst must be >= 1, was " + burst);
		}
		if (periodNs < 0) {
			throw new IllegalArgumentException("periodNs must be >= 0, was " + periodNs);
		}
		this.burst = burst;
		this.periodNs = periodNs;
	}

	/** Bursts completed. */
	public long bursts() {
		return this.bursts;
	}

	@Override
	public long step(Cpu cpu, Task self) {
		if (finished()) {
			return BLOCK;
		}
		if (this.inBurst == 0 && this.config.startNs() + this.bursts * this.periodNs >= this.config.untilNs()) {
			return finish(cpu);
		}
		this.writer.send(cpu, this.writer.sent());
		if (++this.inBurst < this.burst) {
			return RUN_AGAIN;
		}
		this.inBurst = 0;
		this.bursts++;
		long next = this.config.startNs() + this.bursts * this.periodNs;
		if (this.periodNs == 0 || this.bursts >= this.config.limit() || next >= this.config.untilNs()) {
			return finish(cpu);
		}
		return next;
	}

}

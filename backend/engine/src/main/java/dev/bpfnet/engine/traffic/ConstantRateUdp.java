package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.Task;

/**
 * UDP at a constant rate: datagram {@code i} (from 0) is sent at
 * {@code startNs + round(i × intervalNs)} (or as soon as the CPU allows), until
 * {@link SourceConfig#limit()} datagrams or {@link SourceConfig#untilNs()}.
 */
public final class ConstantRateUdp extends UdpSource {

	private final double intervalNs;

	/**
	 * @param config where and when
	 * @param cpus the node's CPUs
	 * @param writer the send path
	 * @param intervalNs time between sends in ns (fractional allowed), {@code > 0}
	 */
	public ConstantRateUdp(SourceConfig config, CpuSet cpus, DatagramWriter writer, double intervalNs) {
		super(config, cpus, writer);
		if (!(intervalNs > 0) || Double.isInfinite(intervalNs)) {
			throw new IllegalArgumentException("intervalNs must be positive and finite, was " + intervalNs);
		}
		this.intervalNs = intervalNs;
	}

	/** The interval between sends in ns. */
	public double intervalNs() {
		return this.intervalNs;
	}

	/** The scheduled time of datagram {@code i}. */
	public long dueNs(long i) {
		return this.config.startNs() + Math.round(i * this.intervalNs);
	}

	@Override
	public long step(Cpu cpu, Task self) {
		long i = this.writer.sent();
		if (finished() || i >= this.config.limit() || dueNs(i) >= this.config.untilNs()) {
			return finished() ? BLOCK : finish(cpu);
		}
		this.writer.send(cpu, i);
		long next = dueNs(i + 1);
		if (i + 1 >= this.config.limit() || next >= this.config.untilNs()) {
			return finish(cpu);
		}
		return next;
	}

}

package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.Task;
import dev.bpfnet.engine.sim.RandomStream;

/**
 * UDP with Poisson arrivals: the first datagram at the start time, then gaps drawn from
 * {@link RandomStream#exponential(long)} with mean {@code meanIntervalNs}, from the
 * source's own named stream (so that adding a flow does not change another flow's draws).
 * Gaps are added to the scheduled times, not to the send ends.
 */
public final class PoissonUdp extends UdpSource {

	private final long meanIntervalNs;

	private final RandomStream random;

	private long dueNs;

	/**
	 * @param config where and when
	 * @param cpus the node's CPUs
	 * @param writer the send path
	 * @param meanIntervalNs the mean gap, {@code > 0}
	 * @param random the source's stream, e.g. {@code simRandom.stream("traffic/" + name)}
	 */
	public PoissonUdp(SourceConfig config, CpuSet cpus, DatagramWriter writer, long meanIntervalNs,
			RandomStream random) {
		super(config, cpus, writer);
		if (meanIntervalNs <= 0) {
			throw new IllegalArgumentException("meanIntervalNs must be > 0, was " + meanIntervalNs);
		}
		if (random == null) {
			throw new IllegalArgumentException("random must not be null");
		}
		this.meanIntervalNs = meanIntervalNs;
		this.random = random;
		this.dueNs = config.startNs();
	}

	/** The mean gap in ns. */
	public long meanIntervalNs() {
		return this.meanIntervalNs;
	}

	@Override
	public long step(Cpu cpu, Task self) {
		long i = this.writer.sent();
		if (finished() || i >= this.config.limit() || this.dueNs >= this.config.untilNs()) {
			return finished() ? BLOCK : finish(cpu);
		}
		this.writer.send(cpu, i);
		this.dueNs += this.random.exponential(this.meanIntervalNs);
		if (i + 1 >= this.config.limit() || this.dueNs >= this.config.untilNs()) {
			return finish(cpu);
		}
		return this.dueNs;
	}

}

package dev.bpfnet.engine.cost;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One row of the cost table: the CPU time a modelled kernel function takes per call.
 *
 * <p>
 * The cost of one call is {@code ns + round(nsPerByte × bytes)}. The variable term counts
 * bytes of payload touched (socket copies, checksums); for {@code bpf_insn} it counts
 * executed eBPF instructions instead (see {@link CostModel.Id#BPF_INSN}). Functions that
 * never touch payload (veth, netkit, backlog, qdisc, redirects) have
 * {@code nsPerByte == 0}.
 *
 * @param function the kernel function name (or the documented pseudo-name) the engine
 * charges
 * @param ns fixed cost per call, in nanoseconds, {@code >= 0}
 * @param nsPerByte variable cost per byte (per instruction for {@code bpf_insn}),
 * {@code >= 0}
 * @param basis how the number was obtained
 * @param source the citation or the reasoning, short
 */
public record CostEntry(String function, long ns, double nsPerByte, Basis basis, String source) {

	/** Largest accepted fixed cost: one second; anything larger is a unit mistake. */
	public static final long MAX_NS = 1_000_000_000L;

	/** Largest accepted variable cost per byte (or instruction). */
	public static final double MAX_NS_PER_BYTE = 1_000.0;

	private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	public CostEntry {
		Objects.requireNonNull(function, "function");
		Objects.requireNonNull(basis, "basis of " + function);
		Objects.requireNonNull(source, "source of " + function);
		if (!NAME.matcher(function).matches()) {
			throw new IllegalArgumentException(
					"function must be a C identifier ([A-Za-z_][A-Za-z0-9_]*), was '" + function + "'");
		}
		if (ns < 0 || ns > MAX_NS) {
			throw new IllegalArgumentException("ns of " + function + " must be in [0, " + MAX_NS + "], was " + ns);
		}
		if (!(nsPerByte >= 0 && nsPerByte <= MAX_NS_PER_BYTE)) {
			throw new IllegalArgumentException(
					"nsPerByte of " + function + " must be in [0, " + MAX_NS_PER_BYTE + "], was " + nsPerByte);
		}
		if (source.isBlank()) {
			throw new IllegalArgumentException("source of " + function + " must not be blank");
		}
	}

	/**
	 * The cost of one call touching {@code bytes} bytes (or running {@code bytes}
	 * instructions for {@code bpf_insn}), in nanoseconds.
	 * @param bytes the size, {@code >= 0}
	 * @return {@code ns + round(nsPerByte × bytes)}
	 */
	public long cost(int bytes) {
		if (bytes < 0) {
			throw new IllegalArgumentException("bytes for " + this.function + " must be >= 0, was " + bytes);
		}
		return this.ns + Math.round(this.nsPerByte * bytes);
	}

}

package dev.bpfnet.engine.hook;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

import dev.bpfnet.bpf.helpers.BpfHost;
import dev.bpfnet.bpf.helpers.FibLookupParams;

/**
 * The {@link BpfHost} of the engine: {@code bpf_ktime_get_ns} reads the simulated clock,
 * {@code bpf_trace_printk} lines go to a sink (the trace), {@code bpf_fib_lookup} and
 * device checks are answered by callbacks of the namespace model. All callbacks run on
 * the engine thread during a program run and must not run programs themselves.
 */
public final class HookHost implements BpfHost {

	/** {@code bpf_fib_lookup} as {@link BpfHost#fibLookup} describes it. */
	@FunctionalInterface
	public interface FibLookup {

		/**
		 * Routes {@code params} and fills in the result fields.
		 * @return a {@code BPF_FIB_LKUP_RET_*} code
		 */
		int lookup(FibLookupParams params, int flags);

	}

	/** A FIB that never forwards ({@code BPF_FIB_LKUP_RET_NOT_FWDED}). */
	public static final FibLookup NO_ROUTES = (params, flags) -> FibLookupParams.RET_NOT_FWDED;

	private final LongSupplier clock;

	private final Consumer<String> traceSink;

	private final FibLookup fib;

	private final IntPredicate deviceExists;

	/**
	 * @param clock the simulated time in ns ({@code Simulator::now})
	 * @param traceSink receives each {@code bpf_trace_printk} line
	 * @param fib answers {@code bpf_fib_lookup}
	 * @param deviceExists whether an ifindex names a device ({@code bpf_clone_redirect})
	 */
	public HookHost(LongSupplier clock, Consumer<String> traceSink, FibLookup fib, IntPredicate deviceExists) {
		this.clock = Objects.requireNonNull(clock, "clock");
		this.traceSink = Objects.requireNonNull(traceSink, "traceSink");
		this.fib = Objects.requireNonNull(fib, "fib");
		this.deviceExists = Objects.requireNonNull(deviceExists, "deviceExists");
	}

	/** A host with a clock, no trace sink, no routes and every positive ifindex valid. */
	public static HookHost of(LongSupplier clock) {
		return new HookHost(clock, line -> {
		}, NO_ROUTES, ifindex -> ifindex > 0);
	}

	@Override
	public long ktimeGetNs() {
		return this.clock.getAsLong();
	}

	@Override
	public void tracePrintk(String line) {
		this.traceSink.accept(line);
	}

	@Override
	public int fibLookup(FibLookupParams params, int flags) {
		return this.fib.lookup(params, flags);
	}

	@Override
	public boolean deviceExists(int ifindex) {
		return this.deviceExists.test(ifindex);
	}

}

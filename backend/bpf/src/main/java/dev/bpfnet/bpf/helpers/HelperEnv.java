package dev.bpfnet.bpf.helpers;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.ctx.SkBuffContext;
import dev.bpfnet.bpf.ctx.XdpContext;
import dev.bpfnet.bpf.interp.Executor;
import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.interp.Vm;
import dev.bpfnet.bpf.maps.RingBuf;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.ContextAccess;
import dev.bpfnet.bpf.mem.Memory;
import dev.bpfnet.bpf.prog.ProgramType;

/**
 * Everything the {@linkplain Helpers standard helpers} reach during a run, attached to a
 * {@link Vm} with {@link Vm#setEnv(Object)}: the {@link BpfHost}, the current
 * {@link SkBuff} and its {@link SkBuffContext}, the {@link RedirectInfo} of the run, the
 * PRNG of {@code bpf_get_prandom_u32} (seeded: a run is reproducible), the captured
 * {@code bpf_trace_printk} lines and the ring buffer records reserved and not yet
 * committed.
 *
 * <p>
 * Use {@link #run(Vm, LoadedProgram, SkBuff)} (or {@link #beginRun} / {@link #endRun}
 * around {@code vm.run}) so that the context, the packet region and the per-run state are
 * set up as the helpers expect.
 *
 * <p>
 * Threading: one per {@code Vm}, used by the thread that runs it.
 */
public final class HelperEnv {

	private final BpfHost host;

	private final SkBuffContext ctx = new SkBuffContext();

	private final XdpContext xdp = new XdpContext();

	private final RedirectInfo redirect = new RedirectInfo();

	private final SplittableRandom random;

	private final List<String> trace = new ArrayList<>();

	private int traceLimit = 10_000;

	private long traceDropped;

	/** Reserved ring buffer records: ring, record; released on commit or at run end. */
	private final List<Object> pending = new ArrayList<>();

	private long leakedReservations;

	public HelperEnv(BpfHost host, long seed) {
		if (host == null) {
			throw new IllegalArgumentException("a HelperEnv needs a host");
		}
		this.host = host;
		this.random = new SplittableRandom(seed);
	}

	/**
	 * Creates the env, attaches it to {@code vm} and gives the vm the
	 * {@linkplain Helpers#standard() standard helpers}.
	 */
	public static HelperEnv attach(Vm vm, BpfHost host, long seed) {
		HelperEnv env = new HelperEnv(host, seed);
		vm.setEnv(env);
		vm.setHelpers(Helpers.standard());
		return env;
	}

	/** The env of {@code vm}, or a fault naming the helper that needs it. */
	static HelperEnv of(Vm vm, String helper) throws BpfFault {
		if (vm.env() instanceof HelperEnv env) {
			return env;
		}
		throw new BpfFault(vm.pc(), "helper " + helper + " needs a HelperEnv attached to the Vm");
	}

	/** The env's skb, or a fault when the run has none. */
	SkBuff skb(Vm vm, String helper) throws BpfFault {
		SkBuff s = this.ctx.skb();
		if (s == null) {
			throw new BpfFault(vm.pc(), "helper " + helper + " needs a __sk_buff context");
		}
		return s;
	}

	public BpfHost host() {
		return this.host;
	}

	/** The packet of the current (or last) run. */
	public SkBuff skb() {
		return this.ctx.skb();
	}

	public SkBuffContext context() {
		return this.ctx;
	}

	/** The redirect requested by the current (or last) run. */
	public RedirectInfo redirect() {
		return this.redirect;
	}

	/** The next value of {@code bpf_get_prandom_u32}. */
	public int prandomU32() {
		return this.random.nextInt();
	}

	/** Lines printed by {@code bpf_trace_printk} since the last {@link #clearTrace()}. */
	public List<String> traceLines() {
		return this.trace;
	}

	public void clearTrace() {
		this.trace.clear();
	}

	/** At most this many lines are kept (later ones are counted, not stored). */
	public void setTraceLimit(int limit) {
		this.traceLimit = limit;
	}

	/** Lines not stored because of the limit. */
	public long traceDropped() {
		return this.traceDropped;
	}

	void trace(String line) {
		if (this.trace.size() < this.traceLimit) {
			this.trace.add(line);
		}
		else {
			this.traceDropped++;
		}
		this.host.tracePrintk(line);
	}

	void reserved(RingBuf rb, byte[] record) {
		this.pending.add(rb);
		this.pending.add(record);
	}

	/** Re-installs the packet region after a helper changed the packet. */
	void refreshPacket(Vm vm) {
		if (this.ctx.skb() != null) {
			this.ctx.refreshPacket(vm.memory());
		}
	}

	void committed(byte[] record) {
		for (int i = 1; i < this.pending.size(); i += 2) {
			if (this.pending.get(i) == record) {
				this.pending.remove(i);
				this.pending.remove(i - 1);
				return;
			}
		}
	}

	/**
	 * Ring buffer records a program reserved and never submitted nor discarded (the
	 * kernel's verifier refuses such programs: "Unreleased reference"); they are
	 * discarded at the end of the run so that the ring keeps moving.
	 */
	public long leakedReservations() {
		return this.leakedReservations;
	}

	/**
	 * Prepares a run over {@code skb}: the context and packet of {@code mem}, a reset
	 * redirect.
	 */
	public void beginRun(SkBuff skb, Memory mem) {
		this.ctx.setSkb(skb);
		this.redirect.reset();
		if (skb != null) {
			this.ctx.install(mem);
		}
		else {
			mem.clearPacket();
		}
	}

	/** Ends a run: discards reservations left pending. */
	public void endRun() {
		for (int i = 0; i < this.pending.size(); i += 2) {
			((RingBuf) this.pending.get(i)).discard((byte[]) this.pending.get(i + 1));
			this.leakedReservations++;
		}
		this.pending.clear();
	}

	/**
	 * Runs {@code prog} over {@code skb} on {@code vm}, attaching this env to it: the
	 * context is {@code struct __sk_buff} ({@link SkBuffContext}), or
	 * {@code struct xdp_md} ({@link XdpContext}) for XDP programs, with the skb as the
	 * frame.
	 * @param skb the packet, or {@code null} for a run without context (r1 = 0)
	 * @return r0
	 */
	public long run(Vm vm, LoadedProgram prog, SkBuff skb) throws BpfFault {
		return run(vm, prog, skb, Executor.INTERPRETER);
	}

	/**
	 * As {@link #run(Vm, LoadedProgram, SkBuff)}, executed by {@code executor} (the
	 * interpreter or JIT-compiled code of {@code prog}).
	 */
	public long run(Vm vm, LoadedProgram prog, SkBuff skb, Executor executor) throws BpfFault {
		if (vm.env() != this) {
			vm.setEnv(this);
		}
		beginRun(skb, vm.memory());
		ContextAccess context = null;
		if (skb != null) {
			if (prog.type() == ProgramType.XDP) {
				this.xdp.setSkb(skb);
				this.xdp.install(vm.memory());
				context = this.xdp;
			}
			else {
				context = this.ctx;
			}
		}
		try {
			return executor.execute(vm, prog, context, skb);
		}
		finally {
			endRun();
		}
	}

}

package dev.bpfnet.engine.hook;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.helpers.BpfHost;
import dev.bpfnet.bpf.helpers.HelperEnv;
import dev.bpfnet.bpf.helpers.Helpers;
import dev.bpfnet.bpf.interp.HelperFunction;
import dev.bpfnet.bpf.interp.HelperTable;
import dev.bpfnet.bpf.interp.Vm;
import dev.bpfnet.bpf.isa.HelperIds;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.engine.cost.CostModel;

/**
 * The per-CPU execution environment of the hooks: one {@link Vm} (memory, stack,
 * registers; {@code bpf_get_smp_processor_id()} answers {@link #cpu()}), its
 * {@link HelperEnv} (the {@code struct bpf_redirect_info}, PRNG and trace of the runs)
 * over the engine's {@link BpfHost}, the {@link CostModel} and the {@link HookResult}
 * every hook run on this CPU fills. Models the per-CPU state around
 * {@code bpf_prog_run()} ({@code bpf_net_context} since 6.11). Create one per simulated
 * CPU ({@link #perCpu}) and reuse it for every packet: a warm run allocates nothing
 * beyond what the toolchain's helpers do.
 *
 * <p>
 * <b>Helper accounting.</b> The toolchain does not count helper calls, so the env
 * installs a copy of the standard helper table whose entries count and price each call
 * before delegating (the interpreter and the JIT both call helpers through the table):
 * {@code bpf_map_lookup_elem} costs the lookup row of the map's type
 * ({@code array_map_lookup_elem}, {@code htab_map_lookup_elem},
 * {@code trie_lookup_elem}), {@code bpf_fib_lookup} the {@code fib_table_lookup} row, any
 * other helper {@code bpf_helper_call}. {@code bpf_tail_call} is executed by the
 * interpreter itself and is not counted (its instructions are).
 *
 * <p>
 * Threading: single-threaded, one per CPU of one engine.
 */
public final class HookEnv {

	private final int cpu;

	private final Vm vm;

	private final HelperEnv helperEnv;

	private final CostModel costs;

	private final HookResult result = new HookResult();

	/** Fixed price of each helper id (the map lookup is priced by map type). */
	private final long[] helperPrice = new long[HelperTable.MAX_ID + 1];

	private long helperCalls;

	private long helperNs;

	/**
	 * @param cpu the CPU number, {@code >= 0}
	 * @param host the clock, trace sink and FIB of the node
	 * @param seed seed of {@code bpf_get_prandom_u32} on this CPU
	 * @param costs the cost model the runs are priced with
	 */
	public HookEnv(int cpu, BpfHost host, long seed, CostModel costs) {
		if (cpu < 0) {
			throw new IllegalArgumentException("cpu must be >= 0, got " + cpu);
		}
		this.cpu = cpu;
		this.costs = Objects.requireNonNull(costs, "costs");
		this.vm = new Vm();
		this.vm.setCpu(cpu);
		this.helperEnv = new HelperEnv(Objects.requireNonNull(host, "host"), seed);
		this.helperEnv.setTraceLimit(64);
		this.vm.setEnv(this.helperEnv);
		this.vm.setHelpers(countingHelpers(Helpers.standard()));
	}

	/**
	 * One env per CPU {@code 0 .. numCpus-1}, sharing {@code host}, with PRNG seeds
	 * derived from {@code seed} and the CPU number.
	 */
	public static List<HookEnv> perCpu(int numCpus, BpfHost host, long seed, CostModel costs) {
		if (numCpus < 1) {
			throw new IllegalArgumentException("numCpus must be >= 1, got " + numCpus);
		}
		List<HookEnv> envs = new ArrayList<>(numCpus);
		for (int c = 0; c < numCpus; c++) {
			envs.add(new HookEnv(c, host, seed ^ (0x9E3779B97F4A7C15L * (c + 1)), costs));
		}
		return List.copyOf(envs);
	}

	private HelperTable countingHelpers(HelperTable standard) {
		HelperTable t = standard.copy();
		long call = this.costs.cost(CostModel.Id.BPF_HELPER_CALL);
		for (int id = 0; id <= HelperTable.MAX_ID; id++) {
			HelperFunction f = t.get(id);
			if (f == null || id == HelperTable.TAIL_CALL) {
				continue;
			}
			this.helperPrice[id] = (id == HelperIds.FIB_LOOKUP) ? this.costs.cost(CostModel.Id.FIB_TABLE_LOOKUP) : call;
			final int helper = id;
			HelperFunction counted;
			if (id == HelperIds.MAP_LOOKUP_ELEM) {
				counted = (vm, r1, r2, r3, r4, r5) -> {
					this.helperCalls++;
					this.helperNs += lookupPrice(vm.memory().mapOf(r1));
					return f.call(vm, r1, r2, r3, r4, r5);
				};
			}
			else {
				counted = (vm, r1, r2, r3, r4, r5) -> {
					this.helperCalls++;
					this.helperNs += this.helperPrice[helper];
					return f.call(vm, r1, r2, r3, r4, r5);
				};
			}
			t.register(id, t.name(id), counted);
		}
		return t;
	}

	private long lookupPrice(BpfMap map) {
		if (map == null) {
			return this.costs.cost(CostModel.Id.BPF_HELPER_CALL);
		}
		return switch (map.type()) {
			case ARRAY, PERCPU_ARRAY -> this.costs.cost(CostModel.Id.ARRAY_MAP_LOOKUP_ELEM);
			case HASH, PERCPU_HASH, LRU_HASH, DEVMAP_HASH -> this.costs.cost(CostModel.Id.HTAB_MAP_LOOKUP_ELEM);
			default -> this.costs.cost(CostModel.Id.BPF_HELPER_CALL);
		};
	}

	/**
	 * Runs one program over {@code skb} on this CPU and records it in {@code result}:
	 * code, instructions, helper calls and the price of the run,
	 * {@code bpf_prog_run + bpf_insn × instructions + helpers}.
	 * @return r0 as the 32-bit {@code int} the kernel's {@code bpf_prog_run()} gives
	 * @throws BpfFault when the program faults (recorded in {@code result} first)
	 */
	int run(HookProgram p, SkBuff skb, HookResult result) throws BpfFault {
		this.helperCalls = 0;
		this.helperNs = 0;
		this.helperEnv.clearTrace();
		long r0 = 0;
		BpfFault fault = null;
		try {
			r0 = this.helperEnv.run(this.vm, p.program(), skb, p.executor());
		}
		catch (BpfFault f) {
			fault = f;
		}
		long insns = this.vm.instructionsExecuted();
		long ns = this.costs.cost(CostModel.Id.BPF_PROG_RUN)
				+ this.costs.cost(CostModel.Id.BPF_INSN, (int) Math.min(Integer.MAX_VALUE, insns)) + this.helperNs;
		result.addRun(p, (int) r0, insns, this.helperCalls, ns);
		if (fault != null) {
			throw fault;
		}
		return (int) r0;
	}

	/** The CPU number. */
	public int cpu() {
		return this.cpu;
	}

	/** The virtual machine of this CPU. */
	public Vm vm() {
		return this.vm;
	}

	/**
	 * The helper environment of this CPU (its {@code redirect()} is the last run's
	 * {@code bpf_redirect_info}).
	 */
	public HelperEnv helperEnv() {
		return this.helperEnv;
	}

	/** The cost model the runs are priced with. */
	public CostModel costs() {
		return this.costs;
	}

	/** The result every hook run on this CPU fills (valid until the next run). */
	public HookResult result() {
		return this.result;
	}

}

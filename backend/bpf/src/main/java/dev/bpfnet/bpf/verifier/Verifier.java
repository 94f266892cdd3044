package dev.bpfnet.bpf.verifier;

import dev.bpfnet.bpf.isa.HelperIds;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.maps.MapSpec;
import dev.bpfnet.bpf.prog.ProgramType;

/**
 * The eBPF verifier: decides, as Linux's {@code bpf_check()} in
 * {@code kernel/bpf/verifier.c} would for a privileged (root) loader, whether a program
 * may be loaded, and explains a rejection with the kernel's message and instruction
 * index.
 *
 * <p>
 * Shaped like ASM's analyzer: a generic depth-first path explorer ({@link PathExplorer})
 * with state pruning, separate from the value domain ({@link Checker} over
 * {@link VState}: register types, scalar bounds and tnums, the stack shadow).
 *
 * <pre>
 *  Insn[] ──► Phase A (Cfg): subprograms, jump ranges, last insn, opcode table, lddw
 *             pairing and map references, reachability, liveness
 *         ──► Phase B (PathExplorer + Checker): every path from insn 0, pruned at jump
 *             targets; types NOT_INIT, scalar, ctx, fp, pkt, pkt_end, pkt_meta, map_ptr,
 *             map_value(_or_null), ringbuf_mem(_or_null); 1M processed-insn budget
 *         ──► check_max_stack_depth: call depth and combined stack
 *         ──► VerifierResult (verdict, message, insn, log, per-insn states)
 * </pre>
 *
 * <p>
 * What it checks: everything of §5.1 of the reference for SCHED_CLS / SCHED_ACT, and the
 * same machinery for XDP and SOCKET_FILTER contexts; context accesses follow
 * {@code tc_cls_act_is_valid_access()}; helper arguments follow the prototypes in
 * {@link HelperProtos}; packet ranges come from comparisons with {@code data_end} (all
 * four comparison forms, both operand orders); maybe-null pointers are null-checked by
 * id; ring buffer records must be submitted or discarded.
 *
 * <p>
 * What it does <b>not</b> check yet:
 * <ul>
 * <li>unprivileged mode: back-edges, uninitialised stack reads, pointer leaks and pointer
 * comparisons are always allowed (as for root); no Spectre sanitation;</li>
 * <li>BTF: no global-function verification against BTF prototypes (every subprogram is
 * verified as static, in its callers' context), no {@code bpf_loop}/callbacks
 * ({@code lddw} of a function gives {@code missing btf func_info}), no kfuncs, kptrs,
 * spin locks, dynptrs, iterators or {@code may_goto};</li>
 * <li>precision tracking and register liveness marks: pruning compares every live scalar
 * exactly by range (static register liveness only), so it prunes less than the kernel and
 * the processed-instruction count differs from the kernel's;</li>
 * <li>32-bit bounds of 64-bit ALU results are recomputed rather than tracked; division,
 * modulo, negation and byte swaps give unknown values; branches whose condition
 * contradicts the known bounds are dropped rather than explored;</li>
 * <li>helpers outside the toolchain's set are refused ({@code program of this type cannot
 * use helper}); the GPL-only check of {@code bpf_trace_printk} needs the license and is
 * not made; {@code bpf_sock} fields behind {@code skb->sk} get a simplified check;</li>
 * <li>direct reads of {@code .rodata} values become constants only when the map spec has
 * an initial value and is read-only.</li>
 * </ul>
 * The verifier never throws for a program, however malformed: it returns a
 * {@link VerifierResult}. (A bug shows as a rejection whose message starts with
 * {@code verifier internal error}.)
 */
public final class Verifier {

	private Verifier() {
	}

	/**
	 * Tunables.
	 *
	 * @param insnLimit processed-instruction budget (BPF_COMPLEXITY_LIMIT_INSNS)
	 * @param logLines instruction lines kept in the log before it is truncated
	 * @param statesPerInsn distinct register states kept per instruction for the UI
	 */
	public record Options(int insnLimit, int logLines, int statesPerInsn) {

		public static final Options DEFAULT = new Options(1_000_000, 4096, 8);

		public Options {
			if (insnLimit <= 0) {
				throw new IllegalArgumentException("insnLimit must be positive: " + insnLimit);
			}
			if (logLines < 0 || statesPerInsn < 0) {
				throw new IllegalArgumentException("logLines and statesPerInsn must not be negative");
			}
		}

	}

	/** {@link #verify(Insn[], ProgramType, List, Options)} with the default options. */
	public static VerifierResult verify(Insn[] insns, ProgramType type, List<MapSpec> maps) {
		return verify(insns, type, maps, Options.DEFAULT);
	}

	/**
	 * Verifies a program.
	 * @param insns the instruction slots (an lddw takes two)
	 * @param type the program type (decides the context and the helpers)
	 * @param maps the maps the program's {@code lddw} instructions refer to: the
	 * {@code imm} of an lddw with src 1/2/5/6 is an index into this list
	 * @param options tunables
	 * @return the verdict; never throws for a malformed program
	 */
	public static VerifierResult verify(Insn[] insns, ProgramType type, List<MapSpec> maps, Options options) {
		Objects.requireNonNull(insns, "insns");
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(maps, "maps");
		Objects.requireNonNull(options, "options");
		List<MapSpec> mapList = List.copyOf(maps);
		if (insns.length == 0 || insns.length > 1_000_000) {
			String msg = "BPF program has " + insns.length + " instructions; must be 1.." + 1_000_000;
			return new VerifierResult(false, msg, VerifyException.E2BIG, -1, msg + "\n", 0, 0, 0, List.of(), List.of());
		}
		for (int i = 0; i < insns.length; i++) {
			if (insns[i] == null) {
				String msg = "insn " + i + " is missing";
				return new VerifierResult(false, msg, VerifyException.EINVAL, i, msg + "\n", 0, 0, 0, List.of(),
						List.of());
			}
		}
		Checker checker = null;
		PathExplorer<VState> explorer = null;
		try {
			Cfg cfg = Cfg.check(insns, mapList);
			checker = new Checker(insns, type, mapList, cfg, options);
			explorer = new PathExplorer<>(checker, insns.length, options.insnLimit());
			checker.explorer = explorer;
			explorer.run(checker.initialState(), 0);
			checkMaxStackDepth(insns, cfg, checker.stackDepth);
			return result(true, null, checker, explorer, cfg);
		}
		catch (VerifyException e) {
			return result(false, e, checker, explorer, null);
		}
		catch (RuntimeException | StackOverflowError e) {
			VerifyException internal = new VerifyException(VerifyException.EFAULT, -1, "verifier internal error: " + e);
			return result(false, internal, checker, explorer, null);
		}
	}

	private static VerifierResult result(boolean accepted, VerifyException error, Checker checker,
			PathExplorer<VState> explorer, Cfg cfg) {
		StringBuilder log = new StringBuilder();
		List<List<String>> states = new ArrayList<>();
		List<Integer> depths = new ArrayList<>();
		PathExplorer.Stats stats = (explorer != null) ? explorer.stats() : new PathExplorer.Stats(0, 0, 0, 0);
		if (checker != null) {
			log.append(checker.log);
			if (checker.droppedLogLines() > 0) {
				log.append("... ").append(checker.droppedLogLines()).append(" more lines not shown\n");
			}
			for (List<String> s : checker.statesPerInsn) {
				states.add((s != null) ? List.copyOf(s) : List.of());
			}
			for (int d : checker.stackDepth) {
				depths.add(d);
			}
		}
		if (error != null) {
			if (checker != null && checker.pendingLine != null) {
				log.append(checker.pendingLine).append('\n');
			}
			log.append(error.getMessage()).append('\n');
		}
		log.append("processed ")
			.append(stats.processed())
			.append(" insns (limit 1000000) max_states_per_insn ")
			.append(stats.maxStatesPerInsn())
			.append(" total_states ")
			.append(stats.totalStates())
			.append(" peak_states ")
			.append(stats.peakStates())
			.append(" mark_read 0\n");
		if (accepted) {
			return new VerifierResult(true, null, 0, -1, log.toString(), stats.processed(), stats.totalStates(),
					stats.peakStates(), states, depths);
		}
		return new VerifierResult(false, error.getMessage(), error.errno, error.insn, log.toString(), stats.processed(),
				stats.totalStates(), stats.peakStates(), states, depths);
	}

	/**
	 * Stack bytes a frame costs in the combined-stack check (x86-64 JIT: round up to 16).
	 */
	private static int roundUpStackDepth(int depth) {
		return (depth + 15) & ~15;
	}

	private static final int TAIL_CALL_STACK_LIMIT = 256;

	/**
	 * {@code check_max_stack_depth()}: walks the static call graph from the main program;
	 * at most 8 frames deep, at most 512 bytes of stack over a call chain.
	 */
	private static void checkMaxStackDepth(Insn[] insns, Cfg cfg, int[] stackDepth) {
		int[] retInsn = new int[Opcodes.MAX_CALL_FRAMES];
		int[] retProg = new int[Opcodes.MAX_CALL_FRAMES];
		int depth = 0;
		int frame = 0;
		int idx = 0;
		int i = cfg.subprogStarts[0];
		boolean process = true;
		while (true) {
			if (process) {
				if (idx != 0 && hasTailCall(insns, cfg, idx) && depth >= TAIL_CALL_STACK_LIMIT) {
					throw new VerifyException(VerifyException.EACCES, -1,
							"tail_calls are not allowed when call stack of previous frames is " + depth
									+ " bytes. Too large");
				}
				depth += roundUpStackDepth(stackDepth[idx]);
				if (depth > Opcodes.STACK_SIZE) {
					throw new VerifyException(VerifyException.EACCES, -1,
							"combined stack size of " + (frame + 1) + " calls is " + depth + ". Too large");
				}
			}
			process = false;
			int end = cfg.subprogStarts[idx + 1];
			boolean called = false;
			for (; i < end; i++) {
				Insn insn = insns[i];
				if (insn.opcode() != Opcodes.CALL || insn.src() != Opcodes.PSEUDO_CALL_LOCAL) {
					continue;
				}
				retInsn[frame] = i + 1;
				retProg[frame] = idx;
				int target = i + insn.imm() + 1;
				idx = cfg.subprogOf[target];
				i = target;
				frame++;
				if (frame >= Opcodes.MAX_CALL_FRAMES) {
					throw new VerifyException(VerifyException.E2BIG, -1,
							"the call stack of " + frame + " frames is too deep !");
				}
				called = true;
				break;
			}
			if (called) {
				process = true;
				continue;
			}
			if (frame == 0) {
				return;
			}
			depth -= roundUpStackDepth(stackDepth[idx]);
			frame--;
			i = retInsn[frame];
			idx = retProg[frame];
		}
	}

	private static boolean hasTailCall(Insn[] insns, Cfg cfg, int subprog) {
		for (int i = cfg.subprogStarts[subprog]; i < cfg.subprogStarts[subprog + 1]; i++) {
			Insn insn = insns[i];
			if (insn.opcode() == Opcodes.CALL && insn.src() == 0 && insn.imm() == HelperIds.TAIL_CALL) {
				return true;
			}
		}
		return false;
	}

}

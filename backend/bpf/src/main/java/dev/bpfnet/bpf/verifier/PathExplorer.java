package dev.bpfnet.bpf.verifier;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Depth-first exploration of every path through a program, independent of what a state
 * is: the loop of {@code do_check()}, {@code push_stack()}/{@code pop_stack()} and the
 * state pruning of {@code is_state_visited()} in {@code kernel/bpf/verifier.c}.
 *
 * <p>
 * The {@link Domain} executes one instruction on a state and says where the path goes;
 * this class keeps the stack of pending branches, counts processed instructions against
 * the budget, and at prune points compares the current state with the states already seen
 * there:
 * <ul>
 * <li>a finished state (every path from it explored) that {@linkplain Domain#subsumes
 * subsumes} the current one ends the current path (it is safe by induction);</li>
 * <li>an unfinished state still on the current path that is {@linkplain Domain#sameState
 * identical} means the path can loop forever:
 * {@code infinite loop detected at insn N};</li>
 * <li>otherwise the current state is remembered (inside loops only every 20 jumps or 100
 * instructions, as the kernel does, so that a long bounded loop does not keep one state
 * per iteration) and states that keep failing to prune are evicted.</li>
 * </ul>
 * The parent/branch-count bookkeeping ({@code update_branch_counts()}) decides which
 * remembered states are finished.
 *
 * @param <S> the abstract state
 */
final class PathExplorer<S> {

	/** The value domain and transfer function. */
	interface Domain<S> {

		S copy(S state);

		/** Whether states are compared and remembered before executing {@code pc}. */
		boolean isPrunePoint(int pc);

		/**
		 * {@code states_equal()} in range-within mode: every execution from {@code cur}
		 * is covered by one already verified from {@code old} at {@code pc}.
		 */
		boolean subsumes(S old, S cur, int pc);

		/** Exact equality, for loop detection. */
		boolean sameState(S old, S cur);

		/**
		 * Executes the instruction at {@code pc} on {@code state} (in place).
		 * @return the next instruction of this path, or -1 when the path ends
		 * @throws VerifyException when the instruction is rejected
		 */
		int step(S state, int pc, Fork<S> fork) throws VerifyException;

		/** Called when a pending branch is resumed ({@code from N to M:} in the log). */
		void resumed(S state, int fromPc, int pc);

	}

	/** Where a domain pushes the other side of a branch. */
	interface Fork<S> {

		void push(S state, int pc);

	}

	/** Counters of one exploration ({@code processed N insns ...}). */
	record Stats(int processed, int maxStatesPerInsn, int totalStates, int peakStates) {
	}

	/** BPF_COMPLEXITY_LIMIT_JMP_SEQ. */
	static final int JMP_SEQ_LIMIT = 8192;

	private static final class Checkpoint<S> {

		final S state;

		Checkpoint<S> parent;

		int branches = 1;

		int hits;

		int misses;

		Checkpoint(S state, Checkpoint<S> parent) {
			this.state = state;
			this.parent = parent;
		}

	}

	private record Pending<S>(S state, int pc, int fromPc, Checkpoint<S> parent) {
	}

	private final Domain<S> domain;

	private final int insnLimit;

	private final List<List<Checkpoint<S>>> explored;

	private int processed;

	private int stepPc;

	private int jmpsProcessed;

	private int prevJmps;

	private int prevInsns;

	private int totalStates;

	private int curStates;

	private int peakStates;

	private int maxStatesPerInsn;

	PathExplorer(Domain<S> domain, int programLength, int insnLimit) {
		this.domain = domain;
		this.insnLimit = insnLimit;
		this.explored = new ArrayList<>(programLength);
		for (int i = 0; i < programLength; i++) {
			this.explored.add(null);
		}
	}

	Stats stats() {
		return new Stats(this.processed, this.maxStatesPerInsn, this.totalStates, this.peakStates);
	}

	/** Counts a jump for the state-adding heuristic. */
	void jumped() {
		this.jmpsProcessed++;
	}

	/** Explores every path from {@code start}; returns normally when all are safe. */
	void run(S start, int startPc) throws VerifyException {
		ArrayDeque<Pending<S>> stack = new ArrayDeque<>();
		S cur = start;
		int pc = startPc;
		Checkpoint<S>[] parent = newParentHolder();
		Fork<S> fork = (state, target) -> {
			if (stack.size() >= JMP_SEQ_LIMIT) {
				throw new VerifyException(VerifyException.E2BIG, this.stepPc,
						"The sequence of " + (stack.size() + 1) + " jumps is too complex.");
			}
			if (parent[0] != null) {
				parent[0].branches++;
			}
			stack.push(new Pending<>(state, target, this.stepPc, parent[0]));
		};
		while (true) {
			boolean pathEnds;
			if (++this.processed > this.insnLimit) {
				throw new VerifyException(VerifyException.E2BIG, pc,
						"BPF program is too large. Processed " + this.processed + " insn");
			}
			if (this.domain.isPrunePoint(pc) && visited(cur, pc, parent)) {
				pathEnds = true;
			}
			else {
				this.stepPc = pc;
				int next = this.domain.step(cur, pc, fork);
				pathEnds = next < 0;
				pc = next;
			}
			if (pathEnds) {
				finishPath(parent[0]);
				if (stack.isEmpty()) {
					return;
				}
				Pending<S> p = stack.pop();
				cur = p.state();
				pc = p.pc();
				parent[0] = p.parent();
				this.domain.resumed(cur, p.fromPc(), pc);
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static <S> Checkpoint<S>[] newParentHolder() {
		return (Checkpoint<S>[]) new Checkpoint<?>[1];
	}

	/** {@code update_branch_counts()}. */
	private static <S> void finishPath(Checkpoint<S> cp) {
		while (cp != null) {
			if (--cp.branches > 0) {
				break;
			}
			cp = cp.parent;
		}
	}

	/**
	 * {@code is_state_visited()}: true when the current path can stop here.
	 */
	private boolean visited(S cur, int pc, Checkpoint<S>[] parent) throws VerifyException {
		List<Checkpoint<S>> list = this.explored.get(pc);
		boolean addNew = true;
		if (list != null) {
			for (int i = 0; i < list.size(); i++) {
				Checkpoint<S> cp = list.get(i);
				if (cp.branches > 0) {
					if (this.domain.sameState(cp.state, cur)) {
						throw new VerifyException(VerifyException.EINVAL, pc, "infinite loop detected at insn " + pc);
					}
					if (this.jmpsProcessed - this.prevJmps < 20 && this.processed - this.prevInsns < 100) {
						addNew = false;
					}
					cp.misses++;
				}
				else if (this.domain.subsumes(cp.state, cur, pc)) {
					cp.hits++;
					return true;
				}
				else {
					cp.misses++;
				}
				if (cp.misses > cp.hits * 3 + 3) {
					list.remove(i);
					i--;
					this.curStates--;
				}
			}
		}
		if (!addNew) {
			return false;
		}
		if (list == null) {
			list = new ArrayList<>(2);
			this.explored.set(pc, list);
		}
		Checkpoint<S> cp = new Checkpoint<>(this.domain.copy(cur), parent[0]);
		parent[0] = cp;
		list.add(cp);
		this.totalStates++;
		this.curStates++;
		this.peakStates = Math.max(this.peakStates, this.curStates);
		this.maxStatesPerInsn = Math.max(this.maxStatesPerInsn, list.size());
		this.prevJmps = this.jmpsProcessed;
		this.prevInsns = this.processed;
		return false;
	}

}

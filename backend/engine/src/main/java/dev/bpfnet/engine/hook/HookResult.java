package dev.bpfnet.engine.hook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.bpfnet.bpf.helpers.RedirectInfo;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.TraceSink;
import dev.bpfnet.engine.trace.Verdict;

/**
 * What one hook run ({@link TcxChain#run}, {@link NetkitSlot#xmit}) decided, as the
 * kernel acts on it. Owned by a {@link HookEnv} and overwritten by its next run: read it
 * at once, or keep a {@link #snapshot()}.
 *
 * <ul>
 * <li>{@link #verdict()}: tcx: {@code PASS}, {@code DROP}, {@code REDIRECT}, or
 * {@code NEXT} when no program decided ({@code TC_ACT_UNSPEC}: the legacy clsact chain
 * runs next, then the packet continues). netkit: {@code PASS} (also for a final
 * {@code NETKIT_NEXT}, which takes the same switch arm), {@code DROP} (also for unknown
 * codes), {@code REDIRECT}.</li>
 * <li>{@link #dropped()} / {@link #dropReason()}: the packet dies in this hook: a
 * {@code DROP} verdict, a program fault, or a {@code REDIRECT} that
 * {@code skb_do_redirect()} is certain to drop ({@code kfree_skb}, NOT_SPECIFIED) because
 * no redirect target was set, or because {@code bpf_redirect_peer} was used outside tc
 * ingress. Whether the target ifindex exists is left to the caller's
 * {@code skb_do_redirect}.</li>
 * <li>{@link #redirect()}: the {@code bpf_redirect_info} in effect at the end of the
 * chain when the verdict is {@code REDIRECT} (the last redirect helper called by any
 * program of the chain, as the kernel's per-CPU {@code ri}), else "no redirect".</li>
 * <li>{@link #clones()}: packets sent by {@code bpf_clone_redirect} in any program of the
 * chain; they leave whatever the verdict.</li>
 * <li>{@link #instructions()}, {@link #helperCalls()}, {@link #cpuNs()}: summed over the
 * programs that ran (tail-called programs included). {@code cpuNs} covers the programs
 * only; the hook wrapper rows ({@code tcx_ingress}, {@code netkit_xmit}) are the caller's
 * to charge.</li>
 * </ul>
 */
public final class HookResult {

	/** The redirect of a result without one. */
	private static final RedirectInfo NO_REDIRECT = new RedirectInfo();

	private Verdict verdict = Verdict.NEXT;

	private int code = TraceSink.NO_VERDICT;

	private boolean policyApplied;

	private int count;

	private HookProgram[] programs = new HookProgram[4];

	private int[] codes = new int[4];

	private long[] programInsns = new long[4];

	private long instructions;

	private long helperCalls;

	private long cpuNs;

	private RedirectInfo redirect = NO_REDIRECT;

	private final List<RedirectInfo.Clone> clones = new ArrayList<>(0);

	private BpfFault fault;

	private DropReason dropReason = DropReason.NOT_DROPPED_YET;

	private String dropDetail = "";

	HookResult() {
	}

	void reset() {
		this.verdict = Verdict.NEXT;
		this.code = TraceSink.NO_VERDICT;
		this.policyApplied = false;
		Arrays.fill(this.programs, 0, this.count, null);
		this.count = 0;
		this.instructions = 0;
		this.helperCalls = 0;
		this.cpuNs = 0;
		this.redirect = NO_REDIRECT;
		if (!this.clones.isEmpty()) {
			this.clones.clear();
		}
		this.fault = null;
		this.dropReason = DropReason.NOT_DROPPED_YET;
		this.dropDetail = "";
	}

	void addRun(HookProgram p, int r0, long insns, long helpers, long ns) {
		if (this.count == this.programs.length) {
			int n = this.count * 2;
			this.programs = Arrays.copyOf(this.programs, n);
			this.codes = Arrays.copyOf(this.codes, n);
			this.programInsns = Arrays.copyOf(this.programInsns, n);
		}
		this.programs[this.count] = p;
		this.codes[this.count] = r0;
		this.programInsns[this.count] = insns;
		this.count++;
		this.code = r0;
		this.instructions += insns;
		this.helperCalls += helpers;
		this.cpuNs += ns;
	}

	void setRedirect(RedirectInfo ri) {
		this.redirect = ri;
	}

	void addClones(List<RedirectInfo.Clone> more) {
		this.clones.addAll(more);
	}

	void finish(Verdict v) {
		this.verdict = v;
		if (v != Verdict.REDIRECT) {
			this.redirect = NO_REDIRECT;
		}
	}

	void drop(DropReason reason, String detail) {
		this.dropReason = reason;
		this.dropDetail = detail;
	}

	void fault(BpfFault f) {
		this.fault = f;
	}

	void policy(int policyCode) {
		this.policyApplied = true;
		this.code = policyCode;
	}

	/** The verdict the hook's caller acts on (see the class comment). */
	public Verdict verdict() {
		return this.verdict;
	}

	/**
	 * The raw return value of the last program that ran (unknown values included), the
	 * netkit policy's code when {@link #policyApplied()}, or {@link TraceSink#NO_VERDICT}
	 * when nothing ran.
	 */
	public int code() {
		return this.code;
	}

	/** netkit only: no program was attached and the device policy decided. */
	public boolean policyApplied() {
		return this.policyApplied;
	}

	/** Programs that ran, in order (the last one decided, or all returned NEXT). */
	public int programsRun() {
		return this.count;
	}

	/** The {@code i}-th program that ran. */
	public HookProgram program(int i) {
		check(i);
		return this.programs[i];
	}

	/** The raw return value of the {@code i}-th program that ran. */
	public int programCode(int i) {
		check(i);
		return this.codes[i];
	}

	/** Instructions executed by the {@code i}-th program that ran. */
	public long programInstructions(int i) {
		check(i);
		return this.programInsns[i];
	}

	private void check(int i) {
		if (i < 0 || i >= this.count) {
			throw new IndexOutOfBoundsException("program " + i + " of " + this.count + " that ran");
		}
	}

	/** Instructions executed by all programs of the run. */
	public long instructions() {
		return this.instructions;
	}

	/** Helper calls made ({@code bpf_tail_call} excluded). */
	public long helperCalls() {
		return this.helperCalls;
	}

	/** CPU time of the programs in ns, from the cost model. */
	public long cpuNs() {
		return this.cpuNs;
	}

	/** The redirect request when the verdict is REDIRECT, else an unset one. */
	public RedirectInfo redirect() {
		return this.redirect;
	}

	/** {@code bpf_clone_redirect} copies made during the run. */
	public List<RedirectInfo.Clone> clones() {
		return this.clones;
	}

	/** The fault that stopped a program, or {@code null}. */
	public BpfFault fault() {
		return this.fault;
	}

	/** Whether the packet dies in this hook. */
	public boolean dropped() {
		return this.dropReason != DropReason.NOT_DROPPED_YET;
	}

	/** Why it dies ({@link DropReason#NOT_DROPPED_YET} when it does not). */
	public DropReason dropReason() {
		return this.dropReason;
	}

	/** A short explanation of the drop, {@code ""} when not dropped. */
	public String dropDetail() {
		return this.dropDetail;
	}

	/** An immutable copy of this result. */
	public Snapshot snapshot() {
		List<String> names = new ArrayList<>(this.count);
		List<Integer> rcs = new ArrayList<>(this.count);
		for (int i = 0; i < this.count; i++) {
			names.add(this.programs[i].name());
			rcs.add(this.codes[i]);
		}
		return new Snapshot(this.verdict, this.code, this.policyApplied, names, rcs, this.instructions,
				this.helperCalls, this.cpuNs, this.redirect.toString(), this.clones.size(),
				this.fault == null ? "" : this.fault.getMessage(), this.dropReason, this.dropDetail);
	}

	@Override
	public String toString() {
		return snapshot().toString();
	}

	/**
	 * An immutable copy of a {@link HookResult}, comparable with {@code equals}.
	 *
	 * @param verdict the verdict
	 * @param code the raw code
	 * @param policyApplied whether the netkit policy decided
	 * @param programs names of the programs that ran
	 * @param codes their raw return values
	 * @param instructions instructions executed
	 * @param helperCalls helper calls
	 * @param cpuNs CPU time in ns
	 * @param redirect the redirect request, as text
	 * @param clones number of clones
	 * @param fault the fault message, {@code ""} without one
	 * @param dropReason the drop reason
	 * @param dropDetail its explanation
	 */
	public record Snapshot(Verdict verdict, int code, boolean policyApplied, List<String> programs, List<Integer> codes,
			long instructions, long helperCalls, long cpuNs, String redirect, int clones, String fault,
			DropReason dropReason, String dropDetail) {

		public Snapshot {
			programs = List.copyOf(programs);
			codes = List.copyOf(codes);
		}

	}

}

package dev.bpfnet.engine.hook;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.helpers.RedirectInfo;
import dev.bpfnet.bpf.helpers.TcAct;
import dev.bpfnet.bpf.mem.BpfFault;

/**
 * An ordered multi-program attachment ({@code struct bpf_mprog_entry},
 * kernel/bpf/mprog.c) and its run loop ({@code bpf_mprog_foreach_prog}, shared by
 * {@code tcx_run} and {@code netkit_run}): programs with an explicit {@code order} run
 * first, lowest first; the others follow in attach order. At most {@value #MAX_PROGS}
 * programs ({@code BPF_MPROG_MAX}); the same program cannot be attached twice
 * ({@code -EEXIST}).
 */
final class Mprog {

	/** {@code BPF_MPROG_MAX}. */
	static final int MAX_PROGS = 64;

	private record Entry(HookProgram program, long rank, long seq) {
	}

	private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::rank).thenComparingLong(Entry::seq);

	private final String where;

	private final List<Entry> entries = new ArrayList<>();

	private HookProgram[] active = new HookProgram[0];

	private long seq;

	Mprog(String where) {
		this.where = where;
	}

	void attach(HookProgram program, OptionalInt order) {
		if (program == null || order == null) {
			throw new IllegalArgumentException("program and order must not be null on " + this.where);
		}
		for (Entry e : this.entries) {
			if (e.program().name().equals(program.name())) {
				throw new IllegalArgumentException(
						"program '" + program.name() + "' is already attached to " + this.where + " (-EEXIST)");
			}
		}
		if (this.entries.size() >= MAX_PROGS) {
			throw new IllegalArgumentException("cannot attach '" + program.name() + "' to " + this.where + ": "
					+ MAX_PROGS + " programs already (BPF_MPROG_MAX, -ERANGE)");
		}
		long rank = order.isPresent() ? order.getAsInt() : Long.MAX_VALUE;
		this.entries.add(new Entry(program, rank, this.seq++));
		this.entries.sort(ORDER);
		rebuild();
	}

	boolean detach(String name) {
		boolean removed = this.entries.removeIf(e -> e.program().name().equals(name));
		if (removed) {
			rebuild();
		}
		return removed;
	}

	private void rebuild() {
		HookProgram[] a = new HookProgram[this.entries.size()];
		for (int i = 0; i < a.length; i++) {
			a[i] = this.entries.get(i).program();
		}
		this.active = a;
	}

	List<HookProgram> programs() {
		return List.of(this.active);
	}

	boolean isEmpty() {
		return this.active.length == 0;
	}

	/**
	 * {@code bpf_mprog_foreach_prog(entry, fp, prog) { ret = bpf_prog_run(prog, skb); if
	 * (ret != TCX_NEXT) break; }}, recording each run in {@code r}; the redirect request
	 * persists from program to program as the per-CPU {@code bpf_redirect_info} does.
	 * @return the last program's code; when a program faulted, {@code r.fault()} is set
	 * and the loop stopped
	 */
	int run(SkBuff skb, HookEnv env, HookResult r) {
		int ret = TcAct.TCX_NEXT;
		HookProgram[] progs = this.active;
		for (HookProgram p : progs) {
			try {
				ret = env.run(p, skb, r);
			}
			catch (BpfFault f) {
				r.fault(f);
				return ret;
			}
			finally {
				RedirectInfo ri = env.helperEnv().redirect();
				if (ri.isSet()) {
					r.setRedirect(ri.copy());
				}
				if (!ri.clones().isEmpty()) {
					r.addClones(ri.clones());
				}
			}
			if (ret != TcAct.TCX_NEXT) {
				break;
			}
		}
		return ret;
	}

	@Override
	public String toString() {
		return this.where + " " + programs();
	}

}

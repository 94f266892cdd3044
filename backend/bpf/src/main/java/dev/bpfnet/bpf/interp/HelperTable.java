package dev.bpfnet.bpf.interp;

import dev.bpfnet.bpf.isa.HelperIds;

import java.util.Arrays;

/**
 * The helpers a program may call, indexed by helper id ({@code enum bpf_func_id} in
 * include/uapi/linux/bpf.h), as the kernel's {@code bpf_base_func_proto()} /
 * {@code tc_cls_act_func_proto()} tables.
 *
 * <p>
 * Two ids are special to the interpreter: {@link #TAIL_CALL} (12) is executed by the
 * interpreter itself whenever it is registered (the registered function is never invoked:
 * register {@link #TAIL_CALL_MARKER}); and the {@link #unwindId() unwind} helper of uBPF
 * ({@code ubpf_set_unwind_function_index}): when it returns 0 the program stops at once
 * with r0 = 0.
 *
 * <p>
 * Mutable while being built; share a built table between {@link Vm}s only if nobody
 * registers afterwards ({@link #copy()} first).
 */
public final class HelperTable {

	/** Largest helper id accepted. */
	public static final int MAX_ID = 1023;

	/** {@code BPF_FUNC_tail_call}. */
	public static final int TAIL_CALL = HelperIds.TAIL_CALL;

	/** The id of the "unwind" helper of the conformance suite (uBPF's convention). */
	public static final int CONFORMANCE_UNWIND = 5;

	/** Placeholder registered at {@link #TAIL_CALL}; the interpreter never calls it. */
	public static final HelperFunction TAIL_CALL_MARKER = (vm, r1, r2, r3, r4, r5) -> {
		throw new IllegalStateException("bpf_tail_call is executed by the interpreter");
	};

	private HelperFunction[] functions = new HelperFunction[256];

	private String[] names = new String[256];

	private int unwindId = -1;

	public static HelperTable empty() {
		return new HelperTable();
	}

	/**
	 * The table of the bpf_conformance suite: only id 5 = "unwind", which returns r1 and
	 * stops the program with r0 = 0 when that is 0 ({@code call_unwind_fail.data}).
	 */
	public static HelperTable conformance() {
		HelperTable t = new HelperTable();
		t.register(CONFORMANCE_UNWIND, "unwind", (vm, r1, r2, r3, r4, r5) -> r1);
		t.setUnwindId(CONFORMANCE_UNWIND);
		return t;
	}

	public HelperTable register(int id, HelperFunction f) {
		return register(id, "helper#" + id, f);
	}

	/**
	 * @throws IllegalArgumentException if {@code id} is outside {@code [0, MAX_ID]}
	 */
	public HelperTable register(int id, String name, HelperFunction f) {
		if (id < 0 || id > MAX_ID) {
			throw new IllegalArgumentException("helper id " + id + " out of range [0, " + MAX_ID + "]");
		}
		if (id >= this.functions.length) {
			int n = Math.max(id + 1, this.functions.length * 2);
			this.functions = Arrays.copyOf(this.functions, Math.min(n, MAX_ID + 1));
			this.names = Arrays.copyOf(this.names, this.functions.length);
		}
		this.functions[id] = f;
		this.names[id] = name;
		return this;
	}

	/** Registers {@code bpf_tail_call} (id 12), executed by the interpreter. */
	public HelperTable enableTailCalls() {
		return register(TAIL_CALL, "tail_call", TAIL_CALL_MARKER);
	}

	/** The helper registered at {@code id}, or {@code null}. */
	public HelperFunction get(int id) {
		return id >= 0 && id < this.functions.length ? this.functions[id] : null;
	}

	public boolean has(int id) {
		return get(id) != null;
	}

	/** The registered name of {@code id}, or {@code null}. */
	public String name(int id) {
		return id >= 0 && id < this.names.length ? this.names[id] : null;
	}

	/** The unwind helper id, or -1 when there is none. */
	public int unwindId() {
		return this.unwindId;
	}

	public HelperTable setUnwindId(int id) {
		this.unwindId = id;
		return this;
	}

	public HelperTable copy() {
		HelperTable t = new HelperTable();
		t.functions = this.functions.clone();
		t.names = this.names.clone();
		t.unwindId = this.unwindId;
		return t;
	}

}

package dev.bpfnet.bpf.jit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;

import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import org.objectweb.asm.ClassTooLargeException;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.MethodVisitor;

import static org.objectweb.asm.Opcodes.AALOAD;
import static org.objectweb.asm.Opcodes.ACC_FINAL;
import static org.objectweb.asm.Opcodes.ACC_PRIVATE;
import static org.objectweb.asm.Opcodes.ACC_STATIC;
import static org.objectweb.asm.Opcodes.ACC_SUPER;
import static org.objectweb.asm.Opcodes.ACC_SYNTHETIC;
import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.ASTORE;
import static org.objectweb.asm.Opcodes.ATHROW;
import static org.objectweb.asm.Opcodes.BALOAD;
import static org.objectweb.asm.Opcodes.BASTORE;
import static org.objectweb.asm.Opcodes.BIPUSH;
import static org.objectweb.asm.Opcodes.DUP;
import static org.objectweb.asm.Opcodes.DUP2;
import static org.objectweb.asm.Opcodes.GETFIELD;
import static org.objectweb.asm.Opcodes.GETSTATIC;
import static org.objectweb.asm.Opcodes.GOTO;
import static org.objectweb.asm.Opcodes.H_INVOKESTATIC;
import static org.objectweb.asm.Opcodes.I2B;
import static org.objectweb.asm.Opcodes.I2L;
import static org.objectweb.asm.Opcodes.I2S;
import static org.objectweb.asm.Opcodes.IADD;
import static org.objectweb.asm.Opcodes.IALOAD;
import static org.objectweb.asm.Opcodes.IAND;
import static org.objectweb.asm.Opcodes.ICONST_0;
import static org.objectweb.asm.Opcodes.ICONST_M1;
import static org.objectweb.asm.Opcodes.IFEQ;
import static org.objectweb.asm.Opcodes.IFGE;
import static org.objectweb.asm.Opcodes.IFGT;
import static org.objectweb.asm.Opcodes.IFLE;
import static org.objectweb.asm.Opcodes.IFLT;
import static org.objectweb.asm.Opcodes.IFNE;
import static org.objectweb.asm.Opcodes.IF_ICMPEQ;
import static org.objectweb.asm.Opcodes.IF_ICMPGE;
import static org.objectweb.asm.Opcodes.IF_ICMPGT;
import static org.objectweb.asm.Opcodes.IF_ICMPLE;
import static org.objectweb.asm.Opcodes.IF_ICMPLT;
import static org.objectweb.asm.Opcodes.IF_ICMPNE;
import static org.objectweb.asm.Opcodes.ILOAD;
import static org.objectweb.asm.Opcodes.IMUL;
import static org.objectweb.asm.Opcodes.INEG;
import static org.objectweb.asm.Opcodes.INVOKESPECIAL;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.INVOKEVIRTUAL;
import static org.objectweb.asm.Opcodes.IOR;
import static org.objectweb.asm.Opcodes.IRETURN;
import static org.objectweb.asm.Opcodes.ISHL;
import static org.objectweb.asm.Opcodes.ISHR;
import static org.objectweb.asm.Opcodes.ISTORE;
import static org.objectweb.asm.Opcodes.ISUB;
import static org.objectweb.asm.Opcodes.IUSHR;
import static org.objectweb.asm.Opcodes.IXOR;
import static org.objectweb.asm.Opcodes.L2I;
import static org.objectweb.asm.Opcodes.LADD;
import static org.objectweb.asm.Opcodes.LALOAD;
import static org.objectweb.asm.Opcodes.LAND;
import static org.objectweb.asm.Opcodes.LASTORE;
import static org.objectweb.asm.Opcodes.LCMP;
import static org.objectweb.asm.Opcodes.LCONST_0;
import static org.objectweb.asm.Opcodes.LCONST_1;
import static org.objectweb.asm.Opcodes.LDIV;
import static org.objectweb.asm.Opcodes.LLOAD;
import static org.objectweb.asm.Opcodes.LMUL;
import static org.objectweb.asm.Opcodes.LNEG;
import static org.objectweb.asm.Opcodes.LOR;
import static org.objectweb.asm.Opcodes.LREM;
import static org.objectweb.asm.Opcodes.LRETURN;
import static org.objectweb.asm.Opcodes.LSHL;
import static org.objectweb.asm.Opcodes.LSHR;
import static org.objectweb.asm.Opcodes.LSTORE;
import static org.objectweb.asm.Opcodes.LSUB;
import static org.objectweb.asm.Opcodes.LUSHR;
import static org.objectweb.asm.Opcodes.LXOR;
import static org.objectweb.asm.Opcodes.POP2;
import static org.objectweb.asm.Opcodes.PUTFIELD;
import static org.objectweb.asm.Opcodes.RETURN;
import static org.objectweb.asm.Opcodes.SIPUSH;
import static org.objectweb.asm.Opcodes.SWAP;
import static org.objectweb.asm.Opcodes.V17;

/**
 * Compiles a {@link LoadedProgram} to JVM bytecode with OW2 ASM, in the spirit of the
 * kernel's {@code bpf_int_jit_compile()} (arch/x86/net/bpf_jit_comp.c) and uBPF's x86
 * JIT, with the JVM as the target machine: one hidden class per program
 * ({@link MethodHandles.Lookup#defineHiddenClassWithClassData}), one static method per
 * BPF function (instruction 0 and every target of a {@code call} with src 1), registers
 * r0..r10 as {@code long} locals, jumps as {@code GOTO}/{@code IF*} to labels, helpers
 * through {@link JitRuntime#callHelper}, local calls as {@code INVOKESTATIC} at call
 * depth + 1 on the {@link dev.bpfnet.bpf.mem.Memory}'s own stack frames (so pointers are
 * the interpreter's), tail calls through {@link JitRuntime#tailCall}. Every load and
 * store calls {@code Memory}'s checked accessors, so faults are the interpreter's (pc and
 * text).
 *
 * <p>
 * <b>Semantics</b> are those of {@code Interpreter} for every instruction, including
 * programs the verifier would reject: a function's method holds every instruction
 * reachable from its entry (shared code is duplicated), r0..r9 are passed to a callee and
 * r0..r5 come back, instructions that cannot run are compiled to the interpreter's trap.
 *
 * <p>
 * <b>Instruction budget.</b> The code is cut into blocks: a block starts at a jump target
 * or after an instruction with an effect and ends with the first instruction that may
 * fault, touch memory, call, jump or exit (or after {@value #MAX_BLOCK} instructions, or
 * at an {@code lddw}). Entering a block charges its instruction count to a budget local;
 * when that goes negative, the block's prefix that the interpreter would still have run
 * has no observable effect, so the fault can be raised at once with the exact pc. Counts,
 * pcs and texts therefore equal the interpreter's.
 *
 * <p>
 * <b>Size limits.</b> HotSpot never compiles a method of more than 8000 bytes of bytecode
 * ({@code -XX:HugeMethodLimit}, {@code DontCompileHugeMethods}) and inlines less into
 * large ones. A function whose method would exceed {@value #REGION_TARGET} bytes is split
 * into region methods of about that size (never more than {@value #METHOD_LIMIT}): each
 * region (a run of blocks in pc order) is a static method that loads the registers from a
 * per-depth array, runs until it leaves the region, stores them back and returns the next
 * pc to a small dispatch loop. A program is refused ({@link JitException}) only when a
 * function needs more than {@value #MAX_REGIONS} regions (roughly 100,000 instructions)
 * or when the class cannot be defined; callers then fall back to the interpreter.
 *
 * <p>
 * Threading: {@link #compile} is thread-safe.
 */
public final class JitCompiler {

	/** Largest bytecode size of one generated method (HotSpot's limit is 8000). */
	static final int METHOD_LIMIT = 7800;

	/**
	 * Size above which a function is split, and the target size of its regions. C2 stops
	 * inlining into a compilation once the root method plus what it inlined reaches 8000
	 * bytes ({@code -XX:DesiredMethodLimit}), so methods near the hard limit lose the
	 * inlining of Memory's accessors; a region change costs about 7 ns (registers go
	 * through an array). Measured on loops of 120 to 900 instructions, 4000 bytes was the
	 * best compromise (stack-heavy code about 0.1 ns/insn; code calling Memory's
	 * accessors about 1.2 to 1.5 ns/insn once its method is too large for full inlining).
	 */
	static final int REGION_TARGET = 4000;

	/** Largest number of instructions in one charged block. */
	static final int MAX_BLOCK = 128;

	/** Largest number of region methods of one function. */
	static final int MAX_REGIONS = 500;

	private static final long M32 = 0xffffffffL;

	private static final String STATE = "dev/bpfnet/bpf/jit/JitState";

	private static final String RUNTIME = "dev/bpfnet/bpf/jit/JitRuntime";

	private static final String CODE = "dev/bpfnet/bpf/jit/JitCode";

	private static final String MEMORY = "dev/bpfnet/bpf/mem/Memory";

	private static final String FAULT = "dev/bpfnet/bpf/mem/BpfFault";

	private static final String FUNC_DESC = "(L" + STATE + ";IJJJJJJJJJJ)J";

	private static final String REGION_DESC = "(L" + STATE + ";II)I";

	private static final Handle CLASS_DATA_AT = new Handle(H_INVOKESTATIC, "java/lang/invoke/MethodHandles",
			"classDataAt",
			"(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;I)Ljava/lang/Object;", false);

	private static final Map<LoadedProgram, WeakReference<JitProgram>> CACHE = Collections
		.synchronizedMap(new WeakHashMap<>());

	private final LoadedProgram prog;

	private final Insn[] insns;

	private final int n;

	/** Entry pc -> function, in discovery order (entry 0 first). */
	private final Map<Integer, Function> functions = new LinkedHashMap<>();

	/** The class data: [0] the program, then maps and region tables. */
	private final List<Object> classData = new ArrayList<>();

	private final Map<Object, Integer> classDataIndex = new HashMap<>();

	private String owner;

	private JitCompiler(LoadedProgram prog) {
		this.prog = prog;
		this.insns = prog.insns();
		this.n = this.insns.length;
	}

	/**
	 * Compiles {@code program}.
	 * @throws JitException when the program cannot be compiled (the reason says why); it
	 * still runs on the interpreter
	 */
	public static JitProgram compile(LoadedProgram program) throws JitException {
		if (program == null) {
			throw new IllegalArgumentException("program is null");
		}
		try {
			return new JitCompiler(program).build();
		}
		catch (RuntimeException | LinkageError ex) {
			throw new JitException(program.name(), "internal JIT error: " + ex, ex);
		}
	}

	/** {@link #compile}, shared for tail-call targets while anyone holds the result. */
	static JitProgram compileCached(LoadedProgram program) throws JitException {
		WeakReference<JitProgram> ref = CACHE.get(program);
		JitProgram p = ref == null ? null : ref.get();
		if (p == null) {
			p = compile(program);
			CACHE.put(program, new WeakReference<>(p));
		}
		return p;
	}

	// ====================================================================== analysis

	/** One BPF function: the blocks reachable from its entry without following calls. */
	private static final class Function {

		final int entry;

		/** Blocks by start pc, in pc order. */
		final TreeMap<Integer, Block> blocks = new TreeMap<>();

		/** 0 = one method; otherwise the partition target in bytes. */
		int splitTarget;

		/** Bytecode size of each block (by start pc) when compiled as one method. */
		final Map<Integer, Integer> blockSize = new HashMap<>();

		Function(int entry) {
			this.entry = entry;
		}

		String name() {
			return "f" + this.entry;
		}

	}

	/** Straight-line instructions charged together; only the last may have an effect. */
	private record Block(int start, int[] pcs) {

		int last() {
			return this.pcs[this.pcs.length - 1];
		}

	}

	/** The interpreter's trap at pc (falling off the end included), or null. */
	private String trapAt(int pc) {
		String t = this.prog.trapAt(pc);
		return t == null && pc >= this.n ? "last insn is not an exit or jump" : t;
	}

	private boolean isLddw(int pc) {
		return pc < this.n && this.insns[pc].opcode() == Opcodes.LDDW;
	}

	private int nextPc(int pc) {
		return pc + (isLddw(pc) ? 2 : 1);
	}

	/** Pure instructions have no effect besides registers and cannot fault. */
	private boolean isPure(int pc) {
		if (pc >= this.n || trapAt(pc) != null) {
			return false;
		}
		int cls = this.insns[pc].opcode() & 0x07;
		return cls == Opcodes.CLASS_ALU || cls == Opcodes.CLASS_ALU64;
	}

	private boolean isJump(int op) {
		int cls = op & 0x07;
		return (cls == Opcodes.CLASS_JMP || cls == Opcodes.CLASS_JMP32) && op != Opcodes.CALL
				&& op != (Opcodes.CALL | Opcodes.SRC_X) && op != Opcodes.EXIT;
	}

	/** The jump target of the (untrapped) jump at pc. */
	private int jumpTarget(int pc) {
		Insn in = this.insns[pc];
		return pc + 1 + (in.opcode() == (Opcodes.CLASS_JMP32 | Opcodes.JMP_JA) ? in.imm() : in.off());
	}

	/** Successors inside the function of the instruction at pc. */
	private int[] successors(int pc) {
		if (pc >= this.n || trapAt(pc) != null) {
			return new int[0];
		}
		int op = this.insns[pc].opcode();
		if (op == Opcodes.EXIT) {
			return new int[0];
		}
		if (isJump(op)) {
			int t = jumpTarget(pc);
			if ((op & 0xf0) == Opcodes.JMP_JA) {
				return new int[] { t };
			}
			return new int[] { pc + 1, t };
		}
		return new int[] { nextPc(pc) };
	}

	private boolean isLocalCall(int pc) {
		Insn in = this.insns[pc];
		return trapAt(pc) == null && in.opcode() == Opcodes.CALL && in.src() == Opcodes.PSEUDO_CALL_LOCAL;
	}

	private void analyze() {
		List<Integer> work = new ArrayList<>();
		work.add(0);
		while (!work.isEmpty()) {
			int entry = work.remove(work.size() - 1);
			if (this.functions.containsKey(entry)) {
				continue;
			}
			Function f = new Function(entry);
			this.functions.put(entry, f);
			BitSet reach = new BitSet(this.n + 1);
			BitSet leader = new BitSet(this.n + 1);
			leader.set(entry);
			List<Integer> stack = new ArrayList<>();
			stack.add(entry);
			reach.set(entry);
			while (!stack.isEmpty()) {
				int pc = stack.remove(stack.size() - 1);
				if (pc < this.n && isLocalCall(pc)) {
					int callee = pc + 1 + this.insns[pc].imm();
					if (!this.functions.containsKey(callee)) {
						work.add(callee);
					}
				}
				boolean jump = pc < this.n && trapAt(pc) == null && isJump(this.insns[pc].opcode());
				for (int s : successors(pc)) {
					if (jump || !isPure(pc) || isLddw(pc)) {
						leader.set(s);
					}
					if (!reach.get(s)) {
						reach.set(s);
						stack.add(s);
					}
				}
			}
			int start = -1;
			int[] pcs = new int[MAX_BLOCK];
			int len = 0;
			int prev = -1;
			for (int pc = reach.nextSetBit(0); pc >= 0; pc = reach.nextSetBit(pc + 1)) {
				boolean newBlock = len == 0 || leader.get(pc) || len == MAX_BLOCK || nextPc(prev) != pc || !isPure(prev)
						|| isLddw(prev);
				if (newBlock && len > 0) {
					f.blocks.put(start, new Block(start, Arrays.copyOf(pcs, len)));
					len = 0;
				}
				if (len == 0) {
					start = pc;
				}
				pcs[len++] = pc;
				prev = pc;
			}
			if (len > 0) {
				f.blocks.put(start, new Block(start, Arrays.copyOf(pcs, len)));
			}
		}
	}

	// ====================================================================== class
	// assembly

	private JitProgram build() throws JitException {
		analyze();
		this.owner = className(this.prog.name());
		// measure every function as one method (in a scratch class: nothing is written)
		for (Function f : this.functions.values()) {
			ClassWriter scratch = newWriter();
			int size = new MethodGen(scratch, f, f.name(), FUNC_DESC, -1, null).emitFunction(f.blocks.values());
			f.splitTarget = size > REGION_TARGET ? REGION_TARGET : 0;
		}
		for (int attempt = 0;; attempt++) {
			this.classData.clear();
			this.classDataIndex.clear();
			constant(this.prog);
			Map<String, Integer> sizes = new HashMap<>();
			ClassWriter cw = generate(sizes);
			boolean again = false;
			for (Function f : this.functions.values()) {
				if (sizes.get(f.name()) > METHOD_LIMIT) {
					throw new JitException(this.prog.name(), "function at insn " + f.entry
							+ " is too large: it needs more than " + MAX_REGIONS + " region methods");
				}
				if (f.splitTarget == 0) {
					continue;
				}
				boolean tooBig = false;
				for (Map.Entry<String, Integer> e : sizes.entrySet()) {
					if (e.getKey().startsWith(f.name() + "_") && e.getValue() > METHOD_LIMIT) {
						tooBig = true;
					}
				}
				if (tooBig) {
					f.splitTarget -= f.splitTarget / 4;
					if (f.splitTarget < 1000) {
						throw new JitException(this.prog.name(), "function at insn " + f.entry
								+ " cannot be cut into methods of at most " + METHOD_LIMIT + " bytes");
					}
					again = true;
				}
			}
			if (!again) {
				byte[] bytes;
				try {
					bytes = cw.toByteArray();
				}
				catch (ClassTooLargeException | MethodTooLargeException ex) {
					throw new JitException(this.prog.name(),
							"program too large for one class file (" + ex.getMessage() + ")", ex);
				}
				int total = 0;
				for (int s : sizes.values()) {
					total += s;
				}
				return define(bytes, total, sizes.size());
			}
			if (attempt > 8) {
				throw new JitException(this.prog.name(), "code size did not converge");
			}
		}
	}

	private JitProgram define(byte[] bytes, int total, int methods) throws JitException {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup()
				.defineHiddenClassWithClassData(bytes, Collections.unmodifiableList(new ArrayList<>(this.classData)),
						true);
			JitCode code = (JitCode) lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class))
				.invoke();
			return new JitProgram(this.prog, code, total, methods);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new JitException(this.prog.name(), "cannot define the generated class: " + ex, ex);
		}
	}

	private int constant(Object value) {
		Integer i = this.classDataIndex.get(value);
		if (i == null) {
			i = this.classData.size();
			this.classData.add(value);
			this.classDataIndex.put(value, i);
		}
		return i;
	}

	private ConstantDynamic condy(Object value, String desc) {
		int i = constant(value);
		return new ConstantDynamic("_", desc, CLASS_DATA_AT, i);
	}

	private static String className(String name) {
		StringBuilder sb = new StringBuilder("dev/bpfnet/bpf/jit/Bpf_");
		for (int i = 0; i < name.length() && i < 40; i++) {
			char c = name.charAt(i);
			sb.append(Character.isLetterOrDigit(c) && c < 128 ? c : '_');
		}
		return sb.toString();
	}

	private ClassWriter newWriter() {
		ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
			@Override
			protected String getCommonSuperClass(String type1, String type2) {
				return "java/lang/Object";
			}
		};
		cw.visit(V17, ACC_FINAL | ACC_SUPER | ACC_SYNTHETIC, this.owner, null, CODE, null);
		return cw;
	}

	private ClassWriter generate(Map<String, Integer> sizes) {
		ClassWriter cw = newWriter();
		MethodVisitor init = cw.visitMethod(0, "<init>", "()V", null, null);
		init.visitCode();
		init.visitVarInsn(ALOAD, 0);
		init.visitMethodInsn(INVOKESPECIAL, CODE, "<init>", "()V", false);
		init.visitInsn(RETURN);
		init.visitMaxs(0, 0);
		init.visitEnd();
		MethodVisitor enter = cw.visitMethod(0, "enter", "(L" + STATE + ";IJJJJJJJJJJ)J", null, new String[] { FAULT });
		enter.visitCode();
		enter.visitVarInsn(ALOAD, 1);
		enter.visitVarInsn(ILOAD, 2);
		for (int r = 0; r < 10; r++) {
			enter.visitVarInsn(LLOAD, 3 + 2 * r);
		}
		enter.visitMethodInsn(INVOKESTATIC, this.owner, "f0", FUNC_DESC, false);
		enter.visitInsn(LRETURN);
		enter.visitMaxs(0, 0);
		enter.visitEnd();
		for (Function f : this.functions.values()) {
			if (f.splitTarget == 0) {
				MethodGen g = new MethodGen(cw, f, f.name(), FUNC_DESC, -1, null);
				sizes.put(f.name(), g.emitFunction(f.blocks.values()));
			}
			else {
				emitSplit(cw, f, sizes);
			}
		}
		cw.visitEnd();
		return cw;
	}

	// ====================================================================== splitting

	/** Bytes of a stub that leaves a region for one target pc. */
	private static final int LEAVE_STUB = 72;

	/** Bytes of the budget stub of one block, and of its lookupswitch entry. */
	private static final int BLOCK_EXTRA = 14 + 8;

	/** Bytes of a region's prologue, exit, entry switch header and handler. */
	private static final int REGION_FIXED = 320;

	/** Successors of b that would need a new leave stub if b joined the region. */
	private int newTargets(Block b, Set<Integer> inRegion, Set<Integer> out) {
		int count = 0;
		for (int t : successors(b.last())) {
			if (t != b.start() && !inRegion.contains(t) && !out.contains(t)) {
				count++;
			}
		}
		return count;
	}

	private void emitSplit(ClassWriter cw, Function f, Map<String, Integer> sizes) {
		// greedy in pc order; a successor not (yet) in the region counts as a leave stub
		List<List<Block>> regions = new ArrayList<>();
		Map<Integer, Integer> regionOf = new HashMap<>();
		List<Block> cur = new ArrayList<>();
		Set<Integer> inRegion = new HashSet<>();
		Set<Integer> out = new HashSet<>();
		int size = REGION_FIXED;
		for (Block b : f.blocks.values()) {
			int own = f.blockSize.getOrDefault(b.start(), METHOD_LIMIT) + BLOCK_EXTRA;
			int grown = size + own + LEAVE_STUB * newTargets(b, inRegion, out)
					- (out.contains(b.start()) ? LEAVE_STUB : 0);
			if (!cur.isEmpty() && grown > f.splitTarget) {
				regions.add(cur);
				cur = new ArrayList<>();
				inRegion.clear();
				out.clear();
				size = REGION_FIXED;
				grown = size + own + LEAVE_STUB * newTargets(b, inRegion, out);
			}
			size = grown;
			cur.add(b);
			inRegion.add(b.start());
			out.remove(b.start());
			for (int t : successors(b.last())) {
				if (!inRegion.contains(t)) {
					out.add(t);
				}
			}
			regionOf.put(b.start(), regions.size());
		}
		regions.add(cur);
		if (regions.size() > MAX_REGIONS) {
			sizes.put(f.name(), Integer.MAX_VALUE);
			return;
		}
		// entries: the function entry and every block reached from another region
		List<TreeMap<Integer, Boolean>> entries = new ArrayList<>();
		for (int i = 0; i < regions.size(); i++) {
			entries.add(new TreeMap<>());
		}
		entries.get(regionOf.get(f.entry)).put(f.entry, true);
		for (Block b : f.blocks.values()) {
			int from = regionOf.get(b.start());
			for (int s : successors(b.last())) {
				int to = regionOf.get(s);
				if (to != from) {
					entries.get(to).put(s, true);
				}
			}
		}
		int[] table = new int[this.n + 1];
		Arrays.fill(table, -1);
		for (int i = 0; i < regions.size(); i++) {
			for (int pc : entries.get(i).keySet()) {
				table[pc] = i;
			}
			String name = f.name() + "_" + i;
			MethodGen g = new MethodGen(cw, f, name, REGION_DESC, i, regionOf);
			sizes.put(name, g.emitRegion(regions.get(i), entries.get(i).keySet()));
		}
		sizes.put(f.name(), emitDispatch(cw, f, regions.size(), table));
	}

	/**
	 * The method of a split function: saves r0..r9 to the frame's register array, then
	 * runs region methods until one returns -1 (exit); r0 is then in the array.
	 */
	private int emitDispatch(ClassWriter cw, Function f, int regions, int[] table) {
		MethodVisitor mv = cw.visitMethod(ACC_PRIVATE | ACC_STATIC, f.name(), FUNC_DESC, null, new String[] { FAULT });
		mv.visitCode();
		final int fr = 22;
		final int pcSlot = 23;
		mv.visitVarInsn(ALOAD, 0);
		mv.visitFieldInsn(GETFIELD, STATE, "frames", "[[J");
		mv.visitVarInsn(ILOAD, 1);
		mv.visitInsn(AALOAD);
		mv.visitVarInsn(ASTORE, fr);
		for (int r = 0; r < 10; r++) {
			mv.visitVarInsn(ALOAD, fr);
			pushInt(mv, r);
			mv.visitVarInsn(LLOAD, 2 + 2 * r);
			mv.visitInsn(LASTORE);
		}
		pushInt(mv, f.entry);
		mv.visitVarInsn(ISTORE, pcSlot);
		Label loop = new Label();
		Label done = new Label();
		Label bad = new Label();
		Label[] calls = new Label[regions];
		for (int i = 0; i < regions; i++) {
			calls[i] = new Label();
		}
		mv.visitLabel(loop);
		mv.visitLdcInsn(condy(table, "[I"));
		mv.visitVarInsn(ILOAD, pcSlot);
		mv.visitInsn(IALOAD);
		mv.visitTableSwitchInsn(0, regions - 1, bad, calls);
		for (int i = 0; i < regions; i++) {
			mv.visitLabel(calls[i]);
			mv.visitVarInsn(ALOAD, 0);
			mv.visitVarInsn(ILOAD, 1);
			mv.visitVarInsn(ILOAD, pcSlot);
			mv.visitMethodInsn(INVOKESTATIC, this.owner, f.name() + "_" + i, REGION_DESC, false);
			mv.visitInsn(DUP);
			mv.visitVarInsn(ISTORE, pcSlot);
			mv.visitJumpInsn(IFGE, loop);
			mv.visitJumpInsn(GOTO, done);
		}
		mv.visitLabel(bad);
		pushInt(mv, -1);
		mv.visitLdcInsn("internal JIT error: no region for this pc");
		mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "trap", "(ILjava/lang/String;)L" + FAULT + ";", false);
		mv.visitInsn(ATHROW);
		mv.visitLabel(done);
		mv.visitVarInsn(ALOAD, fr);
		mv.visitInsn(ICONST_0);
		mv.visitInsn(LALOAD);
		mv.visitInsn(LRETURN);
		Label end = new Label();
		mv.visitLabel(end);
		mv.visitMaxs(0, 0);
		mv.visitEnd();
		return end.getOffset();
	}

	static void pushInt(MethodVisitor mv, int v) {
		if (v >= -1 && v <= 5) {
			mv.visitInsn(ICONST_0 + v);
		}
		else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
			mv.visitIntInsn(BIPUSH, v);
		}
		else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
			mv.visitIntInsn(SIPUSH, v);
		}
		else {
			mv.visitLdcInsn(v);
		}
	}

	static void pushLong(MethodVisitor mv, long v) {
		if (v == 0) {
			mv.visitInsn(LCONST_0);
		}
		else if (v == 1) {
			mv.visitInsn(LCONST_1);
		}
		else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
			pushInt(mv, (int) v);
			mv.visitInsn(I2L);
		}
		else {
			mv.visitLdcInsn(v);
		}
	}

	// ====================================================================== one method

	/**
	 * Emits one method: a whole function (params {@code st, depth, r0..r9}, returns r0)
	 * or one region of a split function (params {@code st, depth, entryPc}, returns the
	 * next pc or -1).
	 */
	private final class MethodGen {

		final MethodVisitor mv;

		final Function f;

		final boolean region;

		final int regionIndex;

		final Map<Integer, Integer> regionOf;

		final int regBase;

		final int left;

		final int mem;

		final int fr;

		/** The current stack frame's bytes ({@code Memory.frame(depth)}). */
		final int stk;

		final Map<Integer, Label> labels = new HashMap<>();

		final Map<Integer, Label> leaves = new TreeMap<>();

		final List<Runnable> stubs = new ArrayList<>();

		final Label exit = new Label();

		boolean exitUsed;

		MethodGen(ClassWriter cw, Function f, String name, String desc, int regionIndex,
				Map<Integer, Integer> regionOf) {
			this.mv = cw.visitMethod(ACC_PRIVATE | ACC_STATIC, name, desc, null, new String[] { FAULT });
			this.f = f;
			this.region = regionIndex >= 0;
			this.regionIndex = regionIndex;
			this.regionOf = regionOf;
			this.regBase = this.region ? 3 : 2;
			this.left = this.regBase + 22;
			this.mem = this.left + 2;
			this.fr = this.mem + 1;
			this.stk = this.fr + 1;
		}

		int reg(int r) {
			return this.regBase + 2 * r;
		}

		void load(int r) {
			this.mv.visitVarInsn(LLOAD, reg(r));
		}

		void store(int r) {
			this.mv.visitVarInsn(LSTORE, reg(r));
		}

		void pushI(int v) {
			pushInt(this.mv, v);
		}

		void pushL(long v) {
			pushLong(this.mv, v);
		}

		/**
		 * The label to jump to for pc: its block here, or the stub leaving the region.
		 */
		Label target(int pc) {
			Label l = this.labels.get(pc);
			if (l != null) {
				return l;
			}
			if (!this.region) {
				throw new IllegalStateException("no block at " + pc + " in function " + this.f.entry);
			}
			return this.leaves.computeIfAbsent(pc, k -> new Label());
		}

		void prologue(Label tryStart, Label handler) {
			MethodVisitor m = this.mv;
			m.visitCode();
			m.visitTryCatchBlock(tryStart, handler, handler, "java/lang/Throwable");
			if (this.region) {
				m.visitVarInsn(ALOAD, 0);
				m.visitFieldInsn(GETFIELD, STATE, "frames", "[[J");
				m.visitVarInsn(ILOAD, 1);
				m.visitInsn(AALOAD);
				m.visitVarInsn(ASTORE, this.fr);
				for (int r = 0; r < 10; r++) {
					m.visitVarInsn(ALOAD, this.fr);
					pushI(r);
					m.visitInsn(LALOAD);
					store(r);
				}
			}
			m.visitVarInsn(ILOAD, 1);
			m.visitMethodInsn(INVOKESTATIC, MEMORY, "framePointer", "(I)J", false);
			store(10);
			m.visitVarInsn(ALOAD, 0);
			m.visitFieldInsn(GETFIELD, STATE, "left", "J");
			m.visitVarInsn(LSTORE, this.left);
			m.visitVarInsn(ALOAD, 0);
			m.visitFieldInsn(GETFIELD, STATE, "mem", "L" + MEMORY + ";");
			m.visitVarInsn(ASTORE, this.mem);
			m.visitVarInsn(ALOAD, this.mem);
			m.visitVarInsn(ILOAD, 1);
			m.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "frame", "(I)[B", false);
			m.visitVarInsn(ASTORE, this.stk);
			m.visitLabel(tryStart);
		}

		int emitFunction(Iterable<Block> blocks) {
			Label tryStart = new Label();
			Label handler = new Label();
			prologue(tryStart, handler);
			return body(blocks, tryStart, handler);
		}

		int emitRegion(List<Block> blocks, Iterable<Integer> entries) {
			Label tryStart = new Label();
			Label handler = new Label();
			prologue(tryStart, handler);
			for (Block b : blocks) {
				this.labels.put(b.start(), new Label());
			}
			List<Integer> keys = new ArrayList<>();
			for (int e : entries) {
				keys.add(e);
			}
			int[] k = keys.stream().mapToInt(Integer::intValue).toArray();
			Label[] ls = new Label[k.length];
			for (int i = 0; i < k.length; i++) {
				ls[i] = this.labels.get(k[i]);
			}
			Label bad = new Label();
			this.mv.visitVarInsn(ILOAD, 2);
			this.mv.visitLookupSwitchInsn(bad, k, ls);
			this.stubs.add(() -> {
				this.mv.visitLabel(bad);
				pushI(-1);
				this.mv.visitLdcInsn("internal JIT error: bad region entry");
				this.mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "trap", "(ILjava/lang/String;)L" + FAULT + ";", false);
				this.mv.visitInsn(ATHROW);
			});
			return body(blocks, tryStart, handler);
		}

		int body(Iterable<Block> blocks, Label tryStart, Label handler) {
			MethodVisitor m = this.mv;
			List<Block> list = new ArrayList<>();
			for (Block b : blocks) {
				list.add(b);
				this.labels.computeIfAbsent(b.start(), k -> new Label());
			}
			Label[] starts = new Label[list.size() + 1];
			for (int i = 0; i < list.size(); i++) {
				Block b = list.get(i);
				starts[i] = this.labels.get(b.start());
				m.visitLabel(starts[i]);
				charge(b);
				boolean falls = false;
				for (int pc : b.pcs()) {
					falls = insn(pc);
				}
				if (falls) {
					int next = nextPc(b.last());
					if (i + 1 >= list.size() || list.get(i + 1).start() != next) {
						m.visitJumpInsn(GOTO, target(next));
					}
				}
			}
			starts[list.size()] = new Label();
			m.visitLabel(starts[list.size()]);
			if (!this.region) {
				for (int i = 0; i < list.size(); i++) {
					this.f.blockSize.put(list.get(i).start(), starts[i + 1].getOffset() - starts[i].getOffset());
				}
			}
			for (int i = 0; i < this.stubs.size(); i++) {
				this.stubs.get(i).run();
			}
			for (Map.Entry<Integer, Label> e : this.leaves.entrySet()) {
				m.visitLabel(e.getValue());
				saveRegisters();
				storeLeft();
				pushI(e.getKey());
				m.visitInsn(IRETURN);
			}
			if (this.exitUsed) {
				m.visitLabel(this.exit);
				for (int r = 1; r <= 5; r++) {
					m.visitVarInsn(ALOAD, 0);
					load(r);
					m.visitFieldInsn(PUTFIELD, STATE, "ret" + r, "J");
				}
				storeLeft();
				returnR0();
			}
			m.visitLabel(handler);
			m.visitVarInsn(ALOAD, 0);
			m.visitInsn(SWAP);
			m.visitVarInsn(LLOAD, this.left);
			m.visitMethodInsn(INVOKEVIRTUAL, STATE, "unwind", "(Ljava/lang/Throwable;J)Ljava/lang/Throwable;", false);
			m.visitInsn(ATHROW);
			Label end = new Label();
			m.visitLabel(end);
			m.visitMaxs(0, 0);
			m.visitEnd();
			return end.getOffset();
		}

		void saveRegisters() {
			for (int r = 0; r < 10; r++) {
				this.mv.visitVarInsn(ALOAD, this.fr);
				pushI(r);
				load(r);
				this.mv.visitInsn(LASTORE);
			}
		}

		/** Returns r0 from the function (the exit path without the r1..r5 copies). */
		void returnR0() {
			if (this.region) {
				this.mv.visitVarInsn(ALOAD, this.fr);
				this.mv.visitInsn(ICONST_0);
				load(0);
				this.mv.visitInsn(LASTORE);
				this.mv.visitInsn(ICONST_M1);
				this.mv.visitInsn(IRETURN);
			}
			else {
				load(0);
				this.mv.visitInsn(LRETURN);
			}
		}

		void storeLeft() {
			this.mv.visitVarInsn(ALOAD, 0);
			this.mv.visitVarInsn(LLOAD, this.left);
			this.mv.visitFieldInsn(PUTFIELD, STATE, "left", "J");
		}

		void charge(Block b) {
			MethodVisitor m = this.mv;
			int count = b.pcs().length;
			Label out = new Label();
			m.visitVarInsn(LLOAD, this.left);
			pushL(count);
			m.visitInsn(LSUB);
			m.visitInsn(DUP2);
			m.visitVarInsn(LSTORE, this.left);
			m.visitInsn(LCONST_0);
			m.visitInsn(LCMP);
			m.visitJumpInsn(IFLT, out);
			this.stubs.add(() -> {
				m.visitLabel(out);
				m.visitVarInsn(ALOAD, 0);
				pushI(b.start());
				pushI(count);
				m.visitVarInsn(LLOAD, this.left);
				m.visitMethodInsn(INVOKESTATIC, RUNTIME, "budgetExhausted", "(L" + STATE + ";IIJ)L" + FAULT + ";",
						false);
				m.visitInsn(ATHROW);
			});
		}

		void trap(int pc, String text) {
			pushI(pc);
			this.mv.visitLdcInsn(text);
			this.mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "trap", "(ILjava/lang/String;)L" + FAULT + ";", false);
			this.mv.visitInsn(ATHROW);
		}

		/**
		 * Emits the instruction at pc.
		 * @return whether control may fall through to {@code nextPc(pc)}
		 */
		boolean insn(int pc) {
			String trap = trapAt(pc);
			if (trap != null) {
				trap(pc, trap);
				return false;
			}
			Insn in = JitCompiler.this.insns[pc];
			int op = in.opcode();
			switch (op & 0x07) {
				case Opcodes.CLASS_ALU64 -> {
					alu64(op, in.dst(), in.src(), in.off(), in.imm());
					return true;
				}
				case Opcodes.CLASS_ALU -> {
					alu32(op, in.dst(), in.src(), in.off(), in.imm());
					return true;
				}
				case Opcodes.CLASS_JMP, Opcodes.CLASS_JMP32 -> {
					return jmp(pc, in);
				}
				case Opcodes.CLASS_LDX -> {
					return ldx(pc, in);
				}
				case Opcodes.CLASS_ST, Opcodes.CLASS_STX -> {
					return st(pc, in);
				}
				default -> {
					return ld(pc, in);
				}
			}
		}

		void unknown(int pc, int op) {
			trap(pc, String.format("unknown opcode %02x", op));
		}

		// ------------------------------------------------------------------ ALU

		void movsx(int bits) {
			this.mv.visitInsn(L2I);
			if (bits == 8) {
				this.mv.visitInsn(I2B);
			}
			else if (bits == 16) {
				this.mv.visitInsn(I2S);
			}
			this.mv.visitInsn(I2L);
		}

		void bswap(int width) {
			switch (width) {
				case 16 -> this.mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "bswap16", "(J)J", false);
				case 32 -> this.mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "bswap32", "(J)J", false);
				default -> this.mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "reverseBytes", "(J)J", false);
			}
		}

		void zext() {
			this.mv.visitInsn(I2L);
			pushL(M32);
			this.mv.visitInsn(LAND);
		}

		void alu64(int op, int d, int s, int off, int k) {
			MethodVisitor m = this.mv;
			boolean x = (op & Opcodes.SRC_X) != 0;
			int code = op & 0xf0;
			switch (code) {
				case Opcodes.ALU_MOV -> {
					if (x) {
						load(s);
						if (off != 0) {
							movsx(off);
						}
					}
					else {
						pushL(k);
					}
					store(d);
				}
				case Opcodes.ALU_NEG -> {
					load(d);
					m.visitInsn(LNEG);
					store(d);
				}
				case Opcodes.ALU_END -> {
					load(d);
					bswap(k);
					store(d);
				}
				case Opcodes.ALU_DIV, Opcodes.ALU_MOD -> {
					boolean div = code == Opcodes.ALU_DIV;
					boolean signed = off == 1;
					if (x) {
						load(d);
						load(s);
						m.visitMethodInsn(INVOKESTATIC, RUNTIME, (signed ? "s" : "u") + (div ? "div64" : "mod64"),
								"(JJ)J", false);
						store(d);
					}
					else if (k == 0) {
						if (div) {
							pushL(0);
							store(d);
						}
					}
					else {
						load(d);
						pushL(k);
						if (signed) {
							m.visitInsn(div ? LDIV : LREM);
						}
						else {
							m.visitMethodInsn(INVOKESTATIC, "java/lang/Long",
									div ? "divideUnsigned" : "remainderUnsigned", "(JJ)J", false);
						}
						store(d);
					}
				}
				case Opcodes.ALU_LSH, Opcodes.ALU_RSH, Opcodes.ALU_ARSH -> {
					load(d);
					if (x) {
						load(s);
						m.visitInsn(L2I);
					}
					else {
						pushI(k);
					}
					m.visitInsn(code == Opcodes.ALU_LSH ? LSHL : code == Opcodes.ALU_RSH ? LUSHR : LSHR);
					store(d);
				}
				default -> {
					load(d);
					if (x) {
						load(s);
					}
					else {
						pushL(k);
					}
					m.visitInsn(switch (code) {
						case Opcodes.ALU_ADD -> LADD;
						case Opcodes.ALU_SUB -> LSUB;
						case Opcodes.ALU_MUL -> LMUL;
						case Opcodes.ALU_OR -> LOR;
						case Opcodes.ALU_AND -> LAND;
						default -> LXOR;
					});
					store(d);
				}
			}
		}

		void alu32(int op, int d, int s, int off, int k) {
			MethodVisitor m = this.mv;
			boolean x = (op & Opcodes.SRC_X) != 0;
			int code = op & 0xf0;
			switch (code) {
				case Opcodes.ALU_MOV -> {
					if (x) {
						load(s);
						if (off != 0) {
							movsx(off);
						}
						pushL(M32);
						m.visitInsn(LAND);
					}
					else {
						pushL(k & M32);
					}
					store(d);
				}
				case Opcodes.ALU_NEG -> {
					load(d);
					m.visitInsn(L2I);
					m.visitInsn(INEG);
					zext();
					store(d);
				}
				case Opcodes.ALU_END -> {
					if (x) {
						load(d);
						bswap(k);
						store(d);
					}
					else if (k == 16 || k == 32) {
						load(d);
						pushL(k == 16 ? 0xffffL : M32);
						m.visitInsn(LAND);
						store(d);
					}
				}
				case Opcodes.ALU_DIV, Opcodes.ALU_MOD -> {
					load(d);
					m.visitInsn(L2I);
					if (x) {
						load(s);
						m.visitInsn(L2I);
					}
					else {
						pushI(k);
					}
					m.visitMethodInsn(INVOKESTATIC, RUNTIME,
							(off == 1 ? "s" : "u") + (code == Opcodes.ALU_DIV ? "div32" : "mod32"), "(II)J", false);
					store(d);
				}
				default -> {
					load(d);
					m.visitInsn(L2I);
					if (x) {
						load(s);
						m.visitInsn(L2I);
					}
					else {
						pushI(k);
					}
					m.visitInsn(switch (code) {
						case Opcodes.ALU_ADD -> IADD;
						case Opcodes.ALU_SUB -> ISUB;
						case Opcodes.ALU_MUL -> IMUL;
						case Opcodes.ALU_OR -> IOR;
						case Opcodes.ALU_AND -> IAND;
						case Opcodes.ALU_LSH -> ISHL;
						case Opcodes.ALU_RSH -> IUSHR;
						case Opcodes.ALU_ARSH -> ISHR;
						default -> IXOR;
					});
					zext();
					store(d);
				}
			}
		}

		// ------------------------------------------------------------------ jumps and
		// calls

		boolean jmp(int pc, Insn in) {
			MethodVisitor m = this.mv;
			int op = in.opcode();
			int d = in.dst();
			int s = in.src();
			int k = in.imm();
			switch (op) {
				case Opcodes.CLASS_JMP | Opcodes.JMP_JA, Opcodes.CLASS_JMP32 | Opcodes.JMP_JA -> {
					m.visitJumpInsn(GOTO, target(jumpTarget(pc)));
					return false;
				}
				case Opcodes.EXIT -> {
					this.exitUsed = true;
					m.visitJumpInsn(GOTO, this.exit);
					return false;
				}
				case Opcodes.CALL -> {
					if (s == Opcodes.PSEUDO_CALL_LOCAL) {
						localCall(pc, pc + 1 + k);
						return true;
					}
					if (k == 12) {
						tailCall(pc);
						return false;
					}
					helperCall(pc, k, -1);
					return true;
				}
				case Opcodes.CALL | Opcodes.SRC_X -> {
					helperCall(pc, 0, d);
					return true;
				}
				default -> {
				}
			}
			if (!isJump(op)) {
				unknown(pc, op);
				return false;
			}
			boolean x = (op & Opcodes.SRC_X) != 0;
			int code = op & 0xf0;
			Label t = target(jumpTarget(pc));
			if ((op & 0x07) == Opcodes.CLASS_JMP) {
				boolean unsigned = code == Opcodes.JMP_JGT || code == Opcodes.JMP_JGE || code == Opcodes.JMP_JLT
						|| code == Opcodes.JMP_JLE;
				load(d);
				if (unsigned) {
					pushL(Long.MIN_VALUE);
					m.visitInsn(LADD);
				}
				if (x) {
					load(s);
					if (unsigned) {
						pushL(Long.MIN_VALUE);
						m.visitInsn(LADD);
					}
				}
				else {
					pushL(unsigned ? k + Long.MIN_VALUE : k);
				}
				if (code == Opcodes.JMP_JSET) {
					m.visitInsn(LAND);
					m.visitInsn(LCONST_0);
				}
				m.visitInsn(LCMP);
				m.visitJumpInsn(switch (code) {
					case Opcodes.JMP_JEQ -> IFEQ;
					case Opcodes.JMP_JNE, Opcodes.JMP_JSET -> IFNE;
					case Opcodes.JMP_JGT, Opcodes.JMP_JSGT -> IFGT;
					case Opcodes.JMP_JGE, Opcodes.JMP_JSGE -> IFGE;
					case Opcodes.JMP_JLT, Opcodes.JMP_JSLT -> IFLT;
					default -> IFLE;
				}, t);
				return true;
			}
			boolean unsigned = code == Opcodes.JMP_JGT || code == Opcodes.JMP_JGE || code == Opcodes.JMP_JLT
					|| code == Opcodes.JMP_JLE;
			load(d);
			m.visitInsn(L2I);
			if (unsigned) {
				pushI(Integer.MIN_VALUE);
				m.visitInsn(IADD);
			}
			if (x) {
				load(s);
				m.visitInsn(L2I);
				if (unsigned) {
					pushI(Integer.MIN_VALUE);
					m.visitInsn(IADD);
				}
			}
			else {
				pushI(unsigned ? k + Integer.MIN_VALUE : k);
			}
			if (code == Opcodes.JMP_JSET) {
				m.visitInsn(IAND);
				m.visitJumpInsn(IFNE, t);
				return true;
			}
			m.visitJumpInsn(switch (code) {
				case Opcodes.JMP_JEQ -> IF_ICMPEQ;
				case Opcodes.JMP_JNE -> IF_ICMPNE;
				case Opcodes.JMP_JGT, Opcodes.JMP_JSGT -> IF_ICMPGT;
				case Opcodes.JMP_JGE, Opcodes.JMP_JSGE -> IF_ICMPGE;
				case Opcodes.JMP_JLT, Opcodes.JMP_JSLT -> IF_ICMPLT;
				default -> IF_ICMPLE;
			}, t);
			return true;
		}

		void helperCall(int pc, int id, int idReg) {
			MethodVisitor m = this.mv;
			m.visitVarInsn(ALOAD, 0);
			pushI(pc);
			if (idReg >= 0) {
				load(idReg);
				m.visitInsn(L2I);
			}
			else {
				pushI(id);
			}
			for (int r = 1; r <= 5; r++) {
				load(r);
			}
			m.visitMethodInsn(INVOKESTATIC, RUNTIME, "callHelper", "(L" + STATE + ";IIJJJJJ)J", false);
			store(0);
		}

		void localCall(int pc, int callee) {
			MethodVisitor m = this.mv;
			storeLeft();
			m.visitVarInsn(ALOAD, 0);
			m.visitVarInsn(ALOAD, 0);
			m.visitVarInsn(ILOAD, 1);
			pushI(pc);
			m.visitMethodInsn(INVOKESTATIC, RUNTIME, "enterCall", "(L" + STATE + ";II)I", false);
			for (int r = 0; r < 10; r++) {
				load(r);
			}
			m.visitMethodInsn(INVOKESTATIC, JitCompiler.this.owner, "f" + callee, FUNC_DESC, false);
			store(0);
			m.visitVarInsn(ALOAD, 0);
			m.visitFieldInsn(GETFIELD, STATE, "left", "J");
			m.visitVarInsn(LSTORE, this.left);
			for (int r = 1; r <= 5; r++) {
				m.visitVarInsn(ALOAD, 0);
				m.visitFieldInsn(GETFIELD, STATE, "ret" + r, "J");
				store(r);
			}
		}

		void tailCall(int pc) {
			MethodVisitor m = this.mv;
			storeLeft();
			m.visitVarInsn(ALOAD, 0);
			m.visitLdcInsn(condy(JitCompiler.this.prog, "Ldev/bpfnet/bpf/interp/LoadedProgram;"));
			pushI(pc);
			m.visitVarInsn(ILOAD, 1);
			for (int r = 1; r < 10; r++) {
				load(r);
			}
			m.visitMethodInsn(INVOKESTATIC, RUNTIME, "tailCall",
					"(L" + STATE + ";Ldev/bpfnet/bpf/interp/LoadedProgram;IIJJJJJJJJJ)J", false);
			store(0);
			m.visitVarInsn(ALOAD, 0);
			m.visitFieldInsn(GETFIELD, STATE, "tailTaken", "Z");
			m.visitJumpInsn(IFEQ, target(pc + 1));
			m.visitVarInsn(ALOAD, 0);
			m.visitInsn(ICONST_0);
			m.visitFieldInsn(PUTFIELD, STATE, "tailTaken", "Z");
			returnR0();
		}

		// ------------------------------------------------------------------ memory

		void address(int base, int off) {
			load(base);
			if (off != 0) {
				pushL(off);
				this.mv.visitInsn(LADD);
			}
		}

		boolean ldx(int pc, Insn in) {
			MethodVisitor m = this.mv;
			int op = in.opcode();
			int size = Opcodes.sizeBytes(op);
			int mode = op & 0xe0;
			if (mode != Opcodes.MODE_MEM && !(mode == Opcodes.MODE_MEMSX && size != 8)) {
				unknown(pc, op);
				return false;
			}
			if (onStack(in.src(), in.off(), size)) {
				stackLoad(Opcodes.STACK_SIZE + in.off(), size, mode == Opcodes.MODE_MEMSX);
				store(in.dst());
				return true;
			}
			m.visitVarInsn(ALOAD, this.mem);
			address(in.src(), in.off());
			pushI(pc);
			m.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "load" + size * 8, "(JI)J", false);
			if (mode == Opcodes.MODE_MEMSX) {
				movsx(size * 8);
			}
			store(in.dst());
			return true;
		}

		boolean st(int pc, Insn in) {
			MethodVisitor m = this.mv;
			int op = in.opcode();
			int size = Opcodes.sizeBytes(op);
			int mode = op & 0xe0;
			boolean stx = (op & 0x07) == Opcodes.CLASS_STX;
			if (stx && mode == Opcodes.MODE_ATOMIC && (size == 4 || size == 8)) {
				atomic(pc, in, size);
				return true;
			}
			if (mode != Opcodes.MODE_MEM) {
				unknown(pc, op);
				return false;
			}
			if (onStack(in.dst(), in.off(), size)) {
				stackStore(Opcodes.STACK_SIZE + in.off(), size, stx ? in.src() : -1, in.imm());
				return true;
			}
			m.visitVarInsn(ALOAD, this.mem);
			address(in.dst(), in.off());
			if (stx) {
				load(in.src());
			}
			else {
				pushL(in.imm());
			}
			pushI(pc);
			m.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "store" + size * 8, "(JJI)V", false);
			return true;
		}

		/**
		 * Whether {@code [base + off, +size)} is always inside the current stack frame:
		 * r10 is read-only and always {@code Memory.framePointer(depth)}, so such an
		 * access is exactly Memory's fast path on {@code Memory.frame(depth)} and is done
		 * in place.
		 */
		boolean onStack(int base, int off, int size) {
			return base == Opcodes.FP && off >= -Opcodes.STACK_SIZE && off <= -size;
		}

		void stackLoad(int index, int size, boolean signed) {
			MethodVisitor m = this.mv;
			if (size == 1) {
				m.visitVarInsn(ALOAD, this.stk);
				pushI(index);
				m.visitInsn(BALOAD);
				if (!signed) {
					pushI(0xff);
					m.visitInsn(IAND);
				}
				m.visitInsn(I2L);
				return;
			}
			String view = size == 2 ? "SHORT" : size == 4 ? "INT" : "LONG";
			String type = size == 2 ? "S" : size == 4 ? "I" : "J";
			m.visitFieldInsn(GETSTATIC, RUNTIME, view, "Ljava/lang/invoke/VarHandle;");
			m.visitVarInsn(ALOAD, this.stk);
			pushI(index);
			m.visitMethodInsn(INVOKEVIRTUAL, "java/lang/invoke/VarHandle", "get", "([BI)" + type, false);
			if (size == 8) {
				return;
			}
			if (signed) {
				m.visitInsn(I2L);
			}
			else if (size == 2) {
				m.visitLdcInsn(0xffff);
				m.visitInsn(IAND);
				m.visitInsn(I2L);
			}
			else {
				zext();
			}
		}

		/** Stores register {@code src}, or the immediate when src is -1. */
		void stackStore(int index, int size, int src, int imm) {
			MethodVisitor m = this.mv;
			if (size == 1) {
				m.visitVarInsn(ALOAD, this.stk);
				pushI(index);
				pushValueInt(src, (byte) imm);
				m.visitInsn(BASTORE);
				return;
			}
			String view = size == 2 ? "SHORT" : size == 4 ? "INT" : "LONG";
			m.visitFieldInsn(GETSTATIC, RUNTIME, view, "Ljava/lang/invoke/VarHandle;");
			m.visitVarInsn(ALOAD, this.stk);
			pushI(index);
			if (size == 8) {
				if (src >= 0) {
					load(src);
				}
				else {
					pushL(imm);
				}
				m.visitMethodInsn(INVOKEVIRTUAL, "java/lang/invoke/VarHandle", "set", "([BIJ)V", false);
				return;
			}
			if (size == 2) {
				pushValueInt(src, (short) imm);
				if (src >= 0) {
					m.visitInsn(I2S);
				}
				m.visitMethodInsn(INVOKEVIRTUAL, "java/lang/invoke/VarHandle", "set", "([BIS)V", false);
				return;
			}
			pushValueInt(src, imm);
			m.visitMethodInsn(INVOKEVIRTUAL, "java/lang/invoke/VarHandle", "set", "([BII)V", false);
		}

		/** The low 32 bits of register src, or the constant when src is -1. */
		void pushValueInt(int src, int constant) {
			if (src >= 0) {
				load(src);
				this.mv.visitInsn(L2I);
			}
			else {
				pushI(constant);
			}
		}

		void atomic(int pc, Insn in, int size) {
			MethodVisitor m = this.mv;
			int k = in.imm();
			m.visitVarInsn(ALOAD, this.mem);
			address(in.dst(), in.off());
			pushI(size);
			pushI(k);
			load(in.src());
			if (k == Opcodes.ATOMIC_CMPXCHG) {
				load(0);
			}
			else {
				pushL(0);
			}
			pushI(pc);
			m.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "atomic", "(JIIJJI)J", false);
			if (k == Opcodes.ATOMIC_CMPXCHG) {
				store(0);
			}
			else if ((k & Opcodes.ATOMIC_FETCH) != 0) {
				store(in.src());
			}
			else {
				m.visitInsn(POP2);
			}
		}

		boolean ld(int pc, Insn in) {
			MethodVisitor m = this.mv;
			int op = in.opcode();
			if (op == Opcodes.LDDW) {
				Insn next = JitCompiler.this.insns[pc + 1];
				switch (in.src()) {
					case Opcodes.PSEUDO_MAP_FD, Opcodes.PSEUDO_MAP_IDX -> {
						m.visitVarInsn(ALOAD, this.mem);
						m.visitLdcInsn(condy(JitCompiler.this.prog.map(in.imm()), "Ldev/bpfnet/bpf/maps/BpfMap;"));
						m.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "mapPointer", "(Ldev/bpfnet/bpf/maps/BpfMap;)J",
								false);
					}
					case Opcodes.PSEUDO_MAP_VALUE, Opcodes.PSEUDO_MAP_IDX_VALUE -> {
						m.visitVarInsn(ALOAD, 0);
						m.visitLdcInsn(condy(JitCompiler.this.prog.map(in.imm()), "Ldev/bpfnet/bpf/maps/BpfMap;"));
						pushI(pc);
						pushL(next.imm());
						m.visitMethodInsn(INVOKESTATIC, RUNTIME, "mapValue",
								"(L" + STATE + ";Ldev/bpfnet/bpf/maps/BpfMap;IJ)J", false);
					}
					default -> pushL(in.imm64(next));
				}
				store(in.dst());
				return true;
			}
			int mode = op & 0xe0;
			int size = Opcodes.sizeBytes(op);
			if ((mode != Opcodes.MODE_ABS && mode != Opcodes.MODE_IND) || size == 8) {
				unknown(pc, op);
				return false;
			}
			m.visitVarInsn(ALOAD, 0);
			pushI(pc);
			if (mode == Opcodes.MODE_IND) {
				load(in.src());
				m.visitInsn(L2I);
				pushI(in.imm());
				m.visitInsn(IADD);
				m.visitInsn(I2L);
			}
			else {
				pushL(in.imm());
			}
			pushI(size);
			m.visitMethodInsn(INVOKESTATIC, RUNTIME, "loadPacket", "(L" + STATE + ";IJI)J", false);
			store(0);
			return true;
		}

	}

}

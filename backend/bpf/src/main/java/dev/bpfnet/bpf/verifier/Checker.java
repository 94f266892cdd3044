package dev.bpfnet.bpf.verifier;

import dev.bpfnet.bpf.isa.HelperIds;

import java.util.ArrayList;
import java.util.List;

import dev.bpfnet.bpf.ctx.SkBuffLayout.Access;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.maps.MapSpec;
import dev.bpfnet.bpf.maps.MapType;
import dev.bpfnet.bpf.prog.ProgramType;
import dev.bpfnet.bpf.verifier.HelperProtos.ArgType;
import dev.bpfnet.bpf.verifier.HelperProtos.Proto;
import dev.bpfnet.bpf.verifier.HelperProtos.RetType;

/**
 * Phase B transfer function: what {@code do_check()} does for one instruction, with the
 * kernel's checks and messages ({@code check_alu_op()}, {@code check_mem_access()},
 * {@code check_helper_call()}, {@code check_func_call()}, {@code check_cond_jmp_op()} ...
 * in {@code kernel/bpf/verifier.c}), as a {@link PathExplorer.Domain} over
 * {@link VState}. Also the state comparison used for pruning ({@code states_equal()}).
 *
 * <p>
 * Models a privileged (CAP_BPF + CAP_PERFMON) loader: pointer leaks, uninitialised stack
 * reads and pointer comparisons are allowed, Spectre sanitation is not modelled.
 */
final class Checker implements PathExplorer.Domain<VState> {

	private static final int MAX_PACKET_OFF = 0xffff;

	private static final int MAX_VAR_SIZ = 1 << 29;

	private final Insn[] insns;

	private final ProgramType progType;

	private final List<MapSpec> maps;

	private final Cfg cfg;

	private final Verifier.Options options;

	private final RegType[] auxPtrType;

	final int[] stackDepth;

	private int idGen;

	PathExplorer<VState> explorer;

	// log and per-instruction states
	final StringBuilder log = new StringBuilder();

	private int logLines;

	private int droppedLogLines;

	final List<List<String>> statesPerInsn;

	/** The line of the instruction being executed, logged with the error if it fails. */
	String pendingLine;

	Checker(Insn[] insns, ProgramType progType, List<MapSpec> maps, Cfg cfg, Verifier.Options options) {
		this.insns = insns;
		this.progType = progType;
		this.maps = maps;
		this.cfg = cfg;
		this.options = options;
		this.auxPtrType = new RegType[insns.length];
		this.stackDepth = new int[cfg.subprogCount()];
		this.statesPerInsn = new ArrayList<>(insns.length);
		for (int i = 0; i < insns.length; i++) {
			this.statesPerInsn.add(null);
		}
	}

	VState initialState() {
		VState st = new VState();
		st.frames[0] = new FuncState(-1, 0, 0);
		st.curframe = 0;
		st.frames[0].regs[1].markPointer(RegType.PTR_TO_CTX);
		return st;
	}

	// ------------------------------------------------------------------ logging

	void logLine(String line) {
		if (this.logLines < this.options.logLines()) {
			this.log.append(line).append('\n');
			this.logLines++;
		}
		else {
			this.droppedLogLines++;
		}
	}

	/** Lines that did not fit in the log; reported once at the end. */
	int droppedLogLines() {
		return this.droppedLogLines;
	}

	/** Appends a line past the cap (error and summary lines are always kept). */
	void logAlways(String line) {
		this.log.append(line).append('\n');
	}

	private boolean logging() {
		return this.logLines < this.options.logLines();
	}

	private void recordEntryState(VState st, int pc) {
		List<String> seen = this.statesPerInsn.get(pc);
		if (seen != null && seen.size() >= this.options.statesPerInsn()) {
			return;
		}
		String s = StatePrinter.print(st, this.maps).trim();
		if (seen == null) {
			seen = new ArrayList<>(2);
			this.statesPerInsn.set(pc, seen);
		}
		if (!seen.contains(s)) {
			seen.add(s);
		}
	}

	@Override
	public void resumed(VState state, int fromPc, int pc) {
		if (logging()) {
			logLine("from " + fromPc + " to " + pc + ":" + StatePrinter.print(state, this.maps));
		}
	}

	// ------------------------------------------------------------------ domain

	@Override
	public VState copy(VState state) {
		return state.copy();
	}

	@Override
	public boolean isPrunePoint(int pc) {
		return this.cfg.prunePoint[pc];
	}

	@Override
	public int step(VState st, int pc, PathExplorer.Fork<VState> fork) {
		recordEntryState(st, pc);
		boolean log = logging();
		this.pendingLine = log ? pc + ": " + InsnPrinter.print(this.insns, pc) : null;
		int next = execute(st, pc, fork);
		if (log) {
			logLine(this.pendingLine + " ;" + StatePrinter.print(st, this.maps));
		}
		else {
			this.droppedLogLines++;
		}
		this.pendingLine = null;
		return next;
	}

	private int execute(VState st, int pc, PathExplorer.Fork<VState> fork) {
		Insn insn = this.insns[pc];
		int code = insn.opcode();
		switch (code & 7) {
			case Opcodes.CLASS_ALU, Opcodes.CLASS_ALU64 -> {
				checkAlu(st, insn, pc);
				return pc + 1;
			}
			case Opcodes.CLASS_LDX -> {
				checkRegRead(st, insn.src(), pc);
				checkRegWrite(insn.dst(), pc);
				RegType srcType = st.reg(insn.src()).type;
				checkMemAccess(st, pc, insn.src(), insn.off(), Opcodes.sizeBytes(code), false, insn.dst(), false,
						(code & 0xe0) == Opcodes.MODE_MEMSX, null);
				saveAuxPtrType(pc, srcType);
				return pc + 1;
			}
			case Opcodes.CLASS_STX -> {
				if ((code & 0xe0) == Opcodes.MODE_ATOMIC) {
					checkAtomic(st, insn, pc);
					return pc + 1;
				}
				if ((code & 0xe0) != Opcodes.MODE_MEM || insn.imm() != 0) {
					throw err(pc, VerifyException.EINVAL, "BPF_STX uses reserved fields");
				}
				checkRegRead(st, insn.src(), pc);
				checkRegRead(st, insn.dst(), pc);
				RegType dstType = st.reg(insn.dst()).type;
				checkMemAccess(st, pc, insn.dst(), insn.off(), Opcodes.sizeBytes(code), true, insn.src(), false, false,
						insn);
				saveAuxPtrType(pc, dstType);
				return pc + 1;
			}
			case Opcodes.CLASS_ST -> {
				if ((code & 0xe0) != Opcodes.MODE_MEM || insn.src() != 0) {
					throw err(pc, VerifyException.EINVAL, "BPF_ST uses reserved fields");
				}
				checkRegRead(st, insn.dst(), pc);
				RegType dstType = st.reg(insn.dst()).type;
				checkMemAccess(st, pc, insn.dst(), insn.off(), Opcodes.sizeBytes(code), true, -1, false, false, insn);
				saveAuxPtrType(pc, dstType);
				return pc + 1;
			}
			case Opcodes.CLASS_LD -> {
				int mode = code & 0xe0;
				if (mode == Opcodes.MODE_ABS || mode == Opcodes.MODE_IND) {
					checkLdAbs(st, insn, pc);
					return pc + 1;
				}
				if (mode == Opcodes.MODE_IMM) {
					checkLdImm(st, insn, pc);
					return pc + 2;
				}
				throw err(pc, VerifyException.EINVAL, "invalid BPF_LD mode");
			}
			default -> {
				return checkJmp(st, insn, pc, fork);
			}
		}
	}

	private static VerifyException err(int pc, int errno, String msg) {
		return new VerifyException(errno, pc, msg);
	}

	private Reg checkRegRead(VState st, int r, int pc) {
		if (r > Opcodes.FP) {
			throw err(pc, VerifyException.EINVAL, "R" + r + " is invalid");
		}
		Reg reg = st.reg(r);
		if (reg.type == RegType.NOT_INIT) {
			throw err(pc, VerifyException.EACCES, "R" + r + " !read_ok");
		}
		return reg;
	}

	private void checkRegWrite(int r, int pc) {
		if (r > Opcodes.FP) {
			throw err(pc, VerifyException.EINVAL, "R" + r + " is invalid");
		}
		if (r == Opcodes.FP) {
			throw err(pc, VerifyException.EACCES, "frame pointer is read only");
		}
	}

	private MapSpec map(Reg r) {
		return this.maps.get(r.mapIndex);
	}

	// ------------------------------------------------------------------ ALU

	private static final String[] ALU_STR = { "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=",
			"s>>=", "endian", "?", "?" };

	/** {@code check_alu_op()}. */
	private void checkAlu(VState st, Insn insn, int pc) {
		int code = insn.opcode();
		int op = code & 0xf0;
		boolean alu64 = (code & 7) == Opcodes.CLASS_ALU64;
		boolean x = (code & Opcodes.SRC_X) != 0;
		int off = insn.off();
		if (op == Opcodes.ALU_END || op == Opcodes.ALU_NEG) {
			if (op == Opcodes.ALU_NEG) {
				if (x || insn.src() != 0 || off != 0 || insn.imm() != 0) {
					throw err(pc, VerifyException.EINVAL, "BPF_NEG uses reserved fields");
				}
			}
			else if (insn.src() != 0 || off != 0 || (insn.imm() != 16 && insn.imm() != 32 && insn.imm() != 64)
					|| (alu64 && x)) {
				throw err(pc, VerifyException.EINVAL, "BPF_END uses reserved fields");
			}
			checkRegRead(st, insn.dst(), pc);
			checkRegWrite(insn.dst(), pc);
			st.reg(insn.dst()).markUnknown();
			return;
		}
		if (op == Opcodes.ALU_MOV) {
			if (x) {
				boolean offOk = off == 0 || off == 8 || off == 16 || (alu64 && off == 32);
				if (!offOk || insn.imm() != 0) {
					throw err(pc, VerifyException.EINVAL, "BPF_MOV uses reserved fields");
				}
				checkRegRead(st, insn.src(), pc);
			}
			else if (insn.src() != 0 || off != 0) {
				throw err(pc, VerifyException.EINVAL, "BPF_MOV uses reserved fields");
			}
			checkRegWrite(insn.dst(), pc);
			Reg dst = st.reg(insn.dst());
			if (x) {
				Reg src = st.reg(insn.src());
				if (alu64) {
					if (off == 0) {
						assignScalarId(src);
						dst.copyFrom(src);
					}
					else if (src.type == RegType.SCALAR) {
						boolean noSext = Long.compareUnsigned(src.umax, 1L << (off - 1)) < 0;
						if (noSext) {
							assignScalarId(src);
						}
						dst.copyFrom(src);
						if (!noSext) {
							dst.id = 0;
						}
						dst.coerceToSizeSx(off >> 3);
					}
					else {
						dst.markUnknown();
					}
				}
				else {
					if (src.type == RegType.SCALAR) {
						if (off == 0) {
							boolean u32 = src.width() <= 32;
							if (u32) {
								assignScalarId(src);
							}
							dst.copyFrom(src);
							if (!u32) {
								dst.id = 0;
							}
						}
						else {
							dst.copyFrom(src);
							dst.id = 0;
							dst.coerceToSizeSx(off >> 3);
						}
					}
					else {
						dst.markUnknown();
					}
					dst.zext32to64();
					dst.sync();
				}
			}
			else {
				dst.markConst(alu64 ? insn.imm() : insn.imm() & Reg.U32_MAX);
			}
			return;
		}
		if (op > Opcodes.ALU_END) {
			throw err(pc, VerifyException.EINVAL, "invalid BPF_ALU opcode " + Integer.toHexString(op));
		}
		boolean divMod = op == Opcodes.ALU_MOD || op == Opcodes.ALU_DIV;
		if (x) {
			if (insn.imm() != 0 || (off != 0 && off != 1) || (off == 1 && !divMod)) {
				throw err(pc, VerifyException.EINVAL, "BPF_ALU uses reserved fields");
			}
			checkRegRead(st, insn.src(), pc);
		}
		else if (insn.src() != 0 || (off != 0 && off != 1) || (off == 1 && !divMod)) {
			throw err(pc, VerifyException.EINVAL, "BPF_ALU uses reserved fields");
		}
		checkRegRead(st, insn.dst(), pc);
		if (divMod && !x && insn.imm() == 0) {
			throw err(pc, VerifyException.EINVAL, "div by zero");
		}
		if ((op == Opcodes.ALU_LSH || op == Opcodes.ALU_RSH || op == Opcodes.ALU_ARSH) && !x) {
			int size = alu64 ? 64 : 32;
			if (insn.imm() < 0 || insn.imm() >= size) {
				throw err(pc, VerifyException.EINVAL, "invalid shift " + insn.imm());
			}
		}
		checkRegWrite(insn.dst(), pc);
		adjustRegMinMaxVals(st, insn, pc, op, alu64, x, divMod && off == 1);
	}

	/** {@code assign_scalar_id_before_mov()}. */
	private void assignScalarId(Reg src) {
		if (src.type == RegType.SCALAR && src.id == 0 && !src.varOff.isConst()) {
			src.id = ++this.idGen;
		}
	}

	/** {@code adjust_reg_min_max_vals()}. */
	private void adjustRegMinMaxVals(VState st, Insn insn, int pc, int op, boolean alu64, boolean x,
			boolean signedDivMod) {
		Reg dst = st.reg(insn.dst());
		Reg src;
		if (x) {
			src = st.reg(insn.src());
			if (src.type != RegType.SCALAR) {
				if (dst.type != RegType.SCALAR) {
					if (op == Opcodes.ALU_SUB) {
						dst.markUnknown();
						if (!alu64) {
							dst.zext32to64();
							dst.sync();
						}
						return;
					}
					throw err(pc, VerifyException.EACCES,
							"R" + insn.dst() + " pointer " + ALU_STR[op >> 4] + " pointer prohibited");
				}
				adjustPtr(st, insn, pc, op, alu64, src, dst);
				return;
			}
			if (dst.type != RegType.SCALAR) {
				adjustPtr(st, insn, pc, op, alu64, dst, src);
				return;
			}
			if (src == dst) {
				src = src.copy();
			}
		}
		else {
			src = new Reg();
			src.markConst(insn.imm());
			if (dst.type != RegType.SCALAR) {
				adjustPtr(st, insn, pc, op, alu64, dst, src);
				return;
			}
		}
		if (signedDivMod) {
			dst.markUnknown();
			if (!alu64) {
				dst.zext32to64();
				dst.sync();
			}
			dst.id = 0;
			return;
		}
		ScalarOps.alu(dst, src, op, !alu64);
	}

	/** {@code adjust_ptr_min_max_vals()}: pointer arithmetic, the result goes to dst. */
	private void adjustPtr(VState st, Insn insn, int pc, int op, boolean alu64, Reg ptrIn, Reg offIn) {
		int dstNo = insn.dst();
		Reg dst = st.reg(dstNo);
		boolean dstIsOff = dst == offIn;
		Reg ptr = ptrIn.copy();
		Reg offReg = offIn.copy();
		boolean known = offReg.varOff.isConst();
		long sminVal = offReg.smin;
		long smaxVal = offReg.smax;
		long uminVal = offReg.umin;
		long umaxVal = offReg.umax;
		if ((known && (sminVal != smaxVal || uminVal != umaxVal)) || sminVal > smaxVal
				|| Long.compareUnsigned(uminVal, umaxVal) > 0) {
			dst.markUnknown();
			return;
		}
		if (!alu64) {
			if (op == Opcodes.ALU_SUB) {
				dst.markUnknown();
				dst.zext32to64();
				dst.sync();
				return;
			}
			throw err(pc, VerifyException.EACCES, "R" + dstNo + " 32-bit pointer arithmetic prohibited");
		}
		if (ptr.type.maybeNull()) {
			throw err(pc, VerifyException.EACCES, "R" + dstNo + " pointer arithmetic on " + ptr.type.kernelName()
					+ " prohibited, null-check it first");
		}
		switch (ptr.type) {
			case PTR_TO_CTX, PTR_TO_MAP_VALUE, PTR_TO_STACK, PTR_TO_PACKET_META, PTR_TO_PACKET, PTR_TO_MEM,
					PTR_TO_FUNC ->
				{
				}
			case CONST_PTR_TO_MAP -> {
				if (!(known && sminVal == 0 && op == Opcodes.ALU_ADD)) {
					throw err(pc, VerifyException.EACCES,
							"R" + dstNo + " pointer arithmetic on " + ptr.type.kernelName() + " prohibited");
				}
			}
			default -> throw err(pc, VerifyException.EACCES,
					"R" + dstNo + " pointer arithmetic on " + ptr.type.kernelName() + " prohibited");
		}
		checkRegSaneOffset(offReg, ptr.type, pc);
		checkRegSaneOffset(ptr, ptr.type, pc);
		// in 'scalar += pointer' dst inherits everything from the pointer
		dst.copyFrom(ptr);
		dst.mark32Unbounded();
		switch (op) {
			case Opcodes.ALU_ADD -> {
				long sum = (long) ptr.off + sminVal;
				if (known && sum == (int) sum) {
					dst.off = (int) sum;
					break;
				}
				long smin = ptr.smin + sminVal;
				long smax = ptr.smax + smaxVal;
				if (((ptr.smin ^ smin) & (sminVal ^ smin)) < 0 || ((ptr.smax ^ smax) & (smaxVal ^ smax)) < 0) {
					dst.smin = Long.MIN_VALUE;
					dst.smax = Long.MAX_VALUE;
				}
				else {
					dst.smin = smin;
					dst.smax = smax;
				}
				long umin = ptr.umin + uminVal;
				long umax = ptr.umax + umaxVal;
				if (Long.compareUnsigned(umin, ptr.umin) < 0 || Long.compareUnsigned(umax, ptr.umax) < 0) {
					dst.umin = 0;
					dst.umax = -1L;
				}
				else {
					dst.umin = umin;
					dst.umax = umax;
				}
				dst.varOff = ptr.varOff.add(offReg.varOff);
				dst.off = ptr.off;
				if (ptr.type.isPkt()) {
					dst.id = ++this.idGen;
					dst.range = 0;
				}
			}
			case Opcodes.ALU_SUB -> {
				if (dstIsOff) {
					throw err(pc, VerifyException.EACCES, "R" + dstNo + " tried to subtract pointer from scalar");
				}
				if (ptr.type == RegType.PTR_TO_STACK) {
					throw err(pc, VerifyException.EACCES, "R" + dstNo + " subtraction from stack pointer prohibited");
				}
				long diff = (long) ptr.off - sminVal;
				if (known && diff == (int) diff) {
					dst.off = (int) diff;
					break;
				}
				long smin = ptr.smin - smaxVal;
				long smax = ptr.smax - sminVal;
				if (((ptr.smin ^ smaxVal) & (ptr.smin ^ smin)) < 0 || ((ptr.smax ^ sminVal) & (ptr.smax ^ smax)) < 0) {
					dst.smin = Long.MIN_VALUE;
					dst.smax = Long.MAX_VALUE;
				}
				else {
					dst.smin = smin;
					dst.smax = smax;
				}
				if (Long.compareUnsigned(ptr.umin, umaxVal) < 0) {
					dst.umin = 0;
					dst.umax = -1L;
				}
				else {
					dst.umin = ptr.umin - umaxVal;
					dst.umax = ptr.umax - uminVal;
				}
				dst.varOff = ptr.varOff.sub(offReg.varOff);
				dst.off = ptr.off;
				if (ptr.type.isPkt()) {
					dst.id = ++this.idGen;
					if (sminVal < 0) {
						dst.range = 0;
					}
				}
			}
			case Opcodes.ALU_AND, Opcodes.ALU_OR, Opcodes.ALU_XOR -> throw err(pc, VerifyException.EACCES,
					"R" + dstNo + " bitwise operator " + ALU_STR[op >> 4] + " on pointer prohibited");
			default -> throw err(pc, VerifyException.EACCES,
					"R" + dstNo + " pointer arithmetic with " + ALU_STR[op >> 4] + " operator prohibited");
		}
		checkRegSaneOffset(dst, ptr.type, pc);
		dst.sync();
	}

	/** {@code check_reg_sane_offset()}. */
	private void checkRegSaneOffset(Reg reg, RegType type, int pc) {
		boolean known = reg.varOff.isConst();
		long val = reg.varOff.value();
		long smin = reg.smin;
		String t = type.kernelName();
		if (known && (val >= Cfg.MAX_VAR_OFF || val <= -Cfg.MAX_VAR_OFF)) {
			throw err(pc, VerifyException.EACCES, "math between " + t + " pointer and " + val + " is not allowed");
		}
		if (reg.off >= Cfg.MAX_VAR_OFF || reg.off <= -Cfg.MAX_VAR_OFF) {
			throw err(pc, VerifyException.EACCES, t + " pointer offset " + reg.off + " is not allowed");
		}
		if (smin == Long.MIN_VALUE) {
			throw err(pc, VerifyException.EACCES,
					"math between " + t + " pointer and register with unbounded min value is not allowed");
		}
		if (smin >= Cfg.MAX_VAR_OFF || smin <= -Cfg.MAX_VAR_OFF) {
			throw err(pc, VerifyException.EACCES, "value " + smin + " makes " + t + " pointer be out of bounds");
		}
	}

	// ------------------------------------------------------------------ memory

	/** {@code save_aux_ptr_type()}. */
	private void saveAuxPtrType(int pc, RegType type) {
		RegType prev = this.auxPtrType[pc];
		if (prev == null) {
			this.auxPtrType[pc] = type;
		}
		else if (prev != type && (mismatchSensitive(prev) || mismatchSensitive(type))) {
			throw err(pc, VerifyException.EINVAL, "same insn cannot be used with different pointers");
		}
	}

	private static boolean mismatchSensitive(RegType t) {
		return t == RegType.PTR_TO_CTX || t == RegType.PTR_TO_SOCK_COMMON;
	}

	/**
	 * {@code check_mem_access()}.
	 * @param valueRegno the register loaded into (read) or stored from (write), -1 if
	 * none
	 * @param insn the instruction for BPF_ST (immediate stores), else null
	 */
	private void checkMemAccess(VState st, int pc, int regno, int off, int size, boolean write, int valueRegno,
			boolean strictAlignment, boolean isLdsx, Insn insn) {
		Reg reg = st.reg(regno);
		checkPtrAlignment(reg, off, size, strictAlignment, pc);
		off += reg.off;
		Reg value = (valueRegno >= 0) ? st.reg(valueRegno) : null;
		switch (reg.type) {
			case PTR_TO_MAP_VALUE -> {
				checkMapAccessType(reg, off, size, write, pc);
				checkMemRegionAccess(st, regno, off, size, map(reg).valueSize(), false, pc);
				if (!write && value != null) {
					MapSpec m = map(reg);
					if (reg.varOff.isConst() && m.readOnly() && m.initialValue() != null) {
						long v = readConst(m.initialValue(), off + (int) reg.varOff.value(), size, isLdsx);
						value.markConst(v);
					}
					else {
						value.markUnknown();
					}
				}
			}
			case PTR_TO_MEM, PTR_TO_MEM_OR_NULL -> {
				if (reg.type.maybeNull()) {
					throw err(pc, VerifyException.EACCES,
							"R" + regno + " invalid mem access '" + reg.type.kernelName() + "'");
				}
				checkMemRegionAccess(st, regno, off, size, reg.memSize, false, pc);
				if (!write && value != null) {
					value.markUnknown();
				}
			}
			case PTR_TO_CTX -> {
				checkPtrOffReg(reg, regno, false, pc);
				Access a = CtxRules.check(this.progType, off, size, write);
				if (!a.valid()) {
					throw err(pc, VerifyException.EACCES, "invalid bpf_context access off=" + off + " size=" + size);
				}
				if (!write && value != null) {
					switch (a) {
						case PKT -> value.markPointer(RegType.PTR_TO_PACKET);
						case PKT_END -> value.markPointer(RegType.PTR_TO_PACKET_END);
						case PKT_META -> value.markPointer(RegType.PTR_TO_PACKET_META);
						case SOCK_COMMON_OR_NULL -> {
							value.markPointer(RegType.PTR_TO_SOCK_COMMON_OR_NULL);
							value.id = ++this.idGen;
						}
						default -> value.markUnknown();
					}
				}
			}
			case PTR_TO_STACK -> {
				checkStackAccessWithinBounds(st, regno, off, size, write, false, pc);
				if (write) {
					checkStackWrite(st, regno, off, size, valueRegno, insn, pc);
				}
				else {
					checkStackRead(st, regno, off, size, valueRegno, pc);
				}
			}
			case PTR_TO_PACKET, PTR_TO_PACKET_META -> {
				checkPacketAccess(st, regno, off, size, false, pc);
				if (!write && value != null) {
					value.markUnknown();
				}
			}
			case PTR_TO_SOCK_COMMON -> {
				if (write) {
					throw err(pc, VerifyException.EACCES, "R" + regno + " cannot write into " + reg.type.kernelName());
				}
				// bpf_sock_common_is_valid_access(), simplified: aligned narrow reads of
				// struct bpf_sock
				if (off < 0 || off >= 80 || size > 4 || off % size != 0 || !reg.varOff.isConst()) {
					throw err(pc, VerifyException.EACCES,
							"R" + regno + " invalid " + reg.type.kernelName() + " access off=" + off + " size=" + size);
				}
				if (value != null) {
					value.markUnknown();
				}
			}
			default -> throw err(pc, VerifyException.EACCES,
					"R" + regno + " invalid mem access '" + reg.type.kernelName() + "'");
		}
		if (!write && value != null && size < 8 && value.type == RegType.SCALAR) {
			if (isLdsx) {
				value.coerceToSizeSx(size);
			}
			else {
				value.coerceToSize(size);
			}
		}
	}

	private static long readConst(byte[] data, int off, int size, boolean signExtend) {
		long v = 0;
		for (int i = size - 1; i >= 0; i--) {
			int idx = off + i;
			int b = (idx >= 0 && idx < data.length) ? data[idx] & 0xff : 0;
			v = (v << 8) | b;
		}
		if (signExtend && size < 8) {
			int shift = 64 - size * 8;
			v = (v << shift) >> shift;
		}
		return v;
	}

	/** {@code check_ptr_alignment()}: strict for the stack and for atomics. */
	private void checkPtrAlignment(Reg reg, int off, int size, boolean strict, int pc) {
		String desc;
		switch (reg.type) {
			case PTR_TO_PACKET, PTR_TO_PACKET_META -> {
				if (!strict || size == 1) {
					return;
				}
				// NET_IP_ALIGN is 2 on most architectures
				Tnum regOff = reg.varOff.add(Tnum.constant(2L + reg.off + off));
				if (!regOff.isAligned(size)) {
					throw err(pc, VerifyException.EACCES, "misaligned packet access off 2+" + varOffString(reg.varOff)
							+ "+" + reg.off + "+" + off + " size " + size);
				}
				return;
			}
			case PTR_TO_MAP_VALUE -> desc = "value ";
			case PTR_TO_CTX -> desc = "context ";
			case PTR_TO_STACK -> {
				desc = "stack ";
				strict = true;
			}
			default -> desc = "";
		}
		if (!strict || size == 1) {
			return;
		}
		Tnum regOff = reg.varOff.add(Tnum.constant((long) reg.off + off));
		if (!regOff.isAligned(size)) {
			throw err(pc, VerifyException.EACCES, "misaligned " + desc + "access off " + varOffString(reg.varOff) + "+"
					+ reg.off + "+" + off + " size " + size);
		}
	}

	private static String varOffString(Tnum t) {
		return t.isConst() ? Long.toString(t.value()) : t.toString();
	}

	/** {@code __check_ptr_off_reg()}. */
	private void checkPtrOffReg(Reg reg, int regno, boolean fixedOffOk, int pc) {
		String t = reg.type.kernelName();
		if (reg.off < 0) {
			throw err(pc, VerifyException.EACCES,
					"negative offset " + t + " ptr R" + regno + " off=" + reg.off + " disallowed");
		}
		if (!fixedOffOk && reg.off != 0) {
			throw err(pc, VerifyException.EACCES,
					"dereference of modified " + t + " ptr R" + regno + " off=" + reg.off + " disallowed");
		}
		if (!reg.varOff.isConst() || reg.varOff.value() != 0) {
			throw err(pc, VerifyException.EACCES, "variable " + t + " access var_off=" + reg.varOff + " disallowed");
		}
	}

	/** {@code check_map_access_type()}: stores into a read-only (.rodata) map value. */
	private void checkMapAccessType(Reg reg, int off, int size, boolean write, int pc) {
		MapSpec m = map(reg);
		if (write && m.readOnly()) {
			throw err(pc, VerifyException.EACCES,
					"write into map forbidden, value_size=" + m.valueSize() + " off=" + off + " size=" + size);
		}
	}

	private static boolean memAccessOk(long off, long size, long memSize, boolean zeroSizeAllowed) {
		boolean sizeOk = size > 0 || (size == 0 && zeroSizeAllowed);
		return off >= 0 && sizeOk && off + size <= memSize;
	}

	private String memAccessMessage(Reg reg, int regno, long off, int size, long memSize) {
		int o = (int) off;
		return switch (reg.type) {
			case PTR_TO_MAP_VALUE ->
				"invalid access to map value, value_size=" + memSize + " off=" + o + " size=" + size;
			case PTR_TO_PACKET, PTR_TO_PACKET_META, PTR_TO_PACKET_END -> "invalid access to packet, off=" + o + " size="
					+ size + ", R" + regno + "(id=" + reg.id + ",off=" + o + ",r=" + memSize + ")";
			default -> "invalid access to memory, mem_size=" + memSize + " off=" + o + " size=" + size;
		};
	}

	/**
	 * {@code check_mem_region_access()}: map values and PTR_TO_MEM, variable offsets
	 * included.
	 */
	private void checkMemRegionAccess(VState st, int regno, int off, int size, int memSize, boolean zeroSizeAllowed,
			int pc) {
		Reg reg = st.reg(regno);
		if (reg.smin < 0
				&& (reg.smin == Long.MIN_VALUE || (off + reg.smin != (int) (off + reg.smin)) || reg.smin + off < 0)) {
			throw err(pc, VerifyException.EACCES,
					"R" + regno + " min value is negative, either use unsigned index or do a if (index >=0) check.");
		}
		long lo = (int) (reg.smin + off);
		if (!memAccessOk(lo, size, memSize, zeroSizeAllowed)) {
			throw err(pc, VerifyException.EACCES, memAccessMessage(reg, regno, lo, size, memSize) + "\nR" + regno
					+ " min value is outside of the allowed memory range");
		}
		if (Long.compareUnsigned(reg.umax, Cfg.MAX_VAR_OFF) >= 0) {
			throw err(pc, VerifyException.EACCES,
					"R" + regno + " unbounded memory access, make sure to bounds check any such access");
		}
		long hi = (int) (reg.umax + off);
		if (!memAccessOk(hi, size, memSize, zeroSizeAllowed)) {
			throw err(pc, VerifyException.EACCES, memAccessMessage(reg, regno, hi, size, memSize) + "\nR" + regno
					+ " max value is outside of the allowed memory range");
		}
	}

	/**
	 * {@code check_packet_access()}: within the range proven by a data_end comparison.
	 */
	private void checkPacketAccess(VState st, int regno, int off, int size, boolean zeroSizeAllowed, int pc) {
		Reg reg = st.reg(regno);
		if (reg.smin < 0) {
			throw err(pc, VerifyException.EACCES,
					"R" + regno + " min value is negative, either use unsigned index or do a if (index >=0) check.");
		}
		if (reg.range < 0) {
			throw err(pc, VerifyException.EACCES, "R" + regno + " offset is outside of the packet");
		}
		if (!memAccessOk(off, size, reg.range, zeroSizeAllowed)) {
			throw err(pc, VerifyException.EACCES, memAccessMessage(reg, regno, off, size, reg.range) + "\nR" + regno
					+ " offset is outside of the packet");
		}
	}

	// ------------------------------------------------------------------ stack

	/** {@code check_stack_access_within_bounds()}; grows the frame's stack. */
	private void checkStackAccessWithinBounds(VState st, int regno, int off, int size, boolean write, boolean helper,
			int pc) {
		Reg reg = st.reg(regno);
		FuncState state = st.frames[reg.frameNo];
		// helpers may read or write: the kernel does not say which
		String extra = helper ? " indirect access to" : write ? " write to" : " read from";
		long minOff;
		long maxOff;
		if (reg.varOff.isConst()) {
			minOff = reg.varOff.value() + off;
			maxOff = minOff + size;
		}
		else {
			if (reg.smax >= Cfg.MAX_VAR_OFF || reg.smin <= -Cfg.MAX_VAR_OFF) {
				throw err(pc, VerifyException.EACCES, "invalid unbounded variable-offset" + extra + " stack R" + regno);
			}
			minOff = reg.smin + off;
			maxOff = reg.smax + off + size;
		}
		// check_stack_slot_within_bounds() fails with EACCES, the other cases with EINVAL
		int errno = (minOff < -Opcodes.STACK_SIZE || minOff > -1) ? VerifyException.EACCES
				: (maxOff > 0 || size < 0) ? VerifyException.EINVAL : 0;
		if (errno != 0) {
			if (reg.varOff.isConst()) {
				throw err(pc, errno, "invalid" + extra + " stack R" + regno + " off=" + off + " size=" + size);
			}
			throw err(pc, errno, "invalid variable-offset" + extra + " stack R" + regno + " var_off=" + reg.varOff
					+ " off=" + off + " size=" + size);
		}
		state.growStack((int) -minOff);
		if (state.allocatedStack > this.stackDepth[state.subprog]) {
			this.stackDepth[state.subprog] = state.allocatedStack;
		}
	}

	private void checkStackWrite(VState st, int regno, int off, int size, int valueRegno, Insn insn, int pc) {
		Reg reg = st.reg(regno);
		FuncState state = st.frames[reg.frameNo];
		if (reg.varOff.isConst()) {
			writeStackFixed(st, state, (int) (off + reg.varOff.value()), size, valueRegno, insn, pc);
		}
		else {
			writeStackVar(st, state, regno, off, size, valueRegno, insn);
		}
	}

	private static boolean isStMem(Insn insn) {
		return insn != null && (insn.opcode() & 7) == Opcodes.CLASS_ST;
	}

	/** {@code check_stack_write_fixed_off()}. */
	private void writeStackFixed(VState st, FuncState state, int off, int size, int valueRegno, Insn insn, int pc) {
		int slot = -off - 1;
		int spi = slot / 8;
		Reg reg = (valueRegno >= 0) ? st.reg(valueRegno) : null;
		if (reg != null && off % 8 == 0 && reg.type == RegType.SCALAR) {
			boolean fits = reg.width() <= 8 * size;
			if (fits) {
				assignScalarId(reg);
			}
			saveRegisterState(state, spi, reg, size);
			if (!fits) {
				state.spilled[spi].id = 0;
			}
		}
		else if (reg == null && off % 8 == 0 && isStMem(insn)) {
			Reg tmp = new Reg();
			tmp.markConst(insn.imm());
			saveRegisterState(state, spi, tmp, size);
		}
		else if (reg != null && reg.type.isPointer()) {
			if (size != 8) {
				throw err(pc, VerifyException.EACCES, "invalid size of register spill");
			}
			if (state != st.cur() && reg.type == RegType.PTR_TO_STACK) {
				throw err(pc, VerifyException.EINVAL, "cannot spill pointers to stack into stack frame of the caller");
			}
			saveRegisterState(state, spi, reg, size);
		}
		else {
			byte type = FuncState.STACK_MISC;
			scrubSlot(state, spi);
			if ((reg != null && reg.isNull()) || (reg == null && isStMem(insn) && insn.imm() == 0)) {
				type = FuncState.STACK_ZERO;
			}
			for (int i = 0; i < size; i++) {
				state.stype[slot - i] = type;
			}
		}
	}

	/** A plain write destroys a spilled register: its bytes become STACK_MISC. */
	private static void scrubSlot(FuncState state, int spi) {
		if (state.isSpilled(spi)) {
			for (int j = 0; j < 8; j++) {
				if (state.stype[spi * 8 + j] != FuncState.STACK_INVALID) {
					state.stype[spi * 8 + j] = FuncState.STACK_MISC;
				}
			}
		}
		state.spilled[spi] = null;
	}

	/** {@code save_register_state()}. */
	private static void saveRegisterState(FuncState state, int spi, Reg reg, int size) {
		state.spilled[spi] = reg.copy();
		int i;
		for (i = 8; i > 8 - size; i--) {
			state.stype[spi * 8 + i - 1] = FuncState.STACK_SPILL;
		}
		for (; i > 0; i--) {
			byte t = state.stype[spi * 8 + i - 1];
			if (t != FuncState.STACK_ZERO && t != FuncState.STACK_INVALID) {
				state.stype[spi * 8 + i - 1] = FuncState.STACK_MISC;
			}
		}
	}

	/** {@code check_stack_write_var_off()}. */
	private void writeStackVar(VState st, FuncState state, int ptrRegno, int off, int size, int valueRegno, Insn insn) {
		Reg ptr = st.reg(ptrRegno);
		int minOff = (int) (ptr.smin + off);
		int maxOff = (int) (ptr.smax + off + size);
		Reg value = (valueRegno >= 0) ? st.reg(valueRegno) : null;
		boolean writingZero = (value != null && value.isNull()) || (value == null && isStMem(insn) && insn.imm() == 0);
		for (int i = minOff; i < maxOff; i++) {
			int slot = -i - 1;
			int spi = slot / 8;
			if (writingZero && state.stype[slot] == FuncState.STACK_SPILL && state.isSpilled(spi)
					&& state.spilled[spi].isNull()) {
				continue;
			}
			if (state.spilled[spi] != null) {
				scrubSlot(state, spi);
			}
			byte nt = (writingZero && state.stype[slot] == FuncState.STACK_ZERO) ? FuncState.STACK_ZERO
					: FuncState.STACK_MISC;
			state.stype[slot] = nt;
		}
	}

	private void checkStackRead(VState st, int regno, int off, int size, int dstRegno, int pc) {
		Reg reg = st.reg(regno);
		FuncState state = st.frames[reg.frameNo];
		if (dstRegno < 0 && !reg.varOff.isConst()) {
			throw err(pc, VerifyException.EACCES,
					"variable offset stack pointer cannot be passed into helper function; var_off=" + reg.varOff
							+ " off=" + off + " size=" + size);
		}
		if (reg.varOff.isConst()) {
			readStackFixed(st, state, (int) (off + reg.varOff.value()), size, dstRegno, pc);
		}
		else {
			int minOff = (int) (reg.smin + off);
			int maxOff = (int) (reg.smax + off);
			markRegStackRead(st, state, minOff, maxOff + size, dstRegno);
		}
	}

	/** {@code check_stack_read_fixed_off()}. */
	private void readStackFixed(VState st, FuncState state, int off, int size, int dstRegno, int pc) {
		int slot = -off - 1;
		int spi = slot / 8;
		if (state.isSpilled(spi)) {
			Reg sreg = state.spilled[spi];
			int spillSize = 1;
			for (int i = 7; i > 0 && state.stype[spi * 8 + i - 1] == FuncState.STACK_SPILL; i--) {
				spillSize++;
			}
			if (size != 8 || spillSize != 8) {
				if (sreg.type != RegType.SCALAR) {
					throw err(pc, VerifyException.EACCES, "invalid size of register fill");
				}
				if (dstRegno < 0) {
					return;
				}
				Reg dst = st.reg(dstRegno);
				if (size <= spillSize && off % 8 == 0) {
					dst.copyFrom(sreg);
					if (sreg.width() > size * 8) {
						dst.id = 0;
					}
				}
				else {
					int spillCnt = 0;
					int zeroCnt = 0;
					for (int i = 0; i < size; i++) {
						byte t = state.stype[slot - i];
						if (t == FuncState.STACK_SPILL) {
							spillCnt++;
						}
						else if (t == FuncState.STACK_ZERO) {
							zeroCnt++;
						}
					}
					if ((spillCnt == size && sreg.isNull()) || zeroCnt == size) {
						dst.markConst(0);
					}
					else {
						dst.markUnknown();
					}
				}
			}
			else if (dstRegno >= 0) {
				st.reg(dstRegno).copyFrom(sreg);
			}
		}
		else if (dstRegno >= 0) {
			markRegStackRead(st, state, off, off + size, dstRegno);
		}
	}

	/** {@code mark_reg_stack_read()}: all-zero bytes read as 0, anything else unknown. */
	private static void markRegStackRead(VState st, FuncState state, int minOff, int maxOff, int dstRegno) {
		int zeros = 0;
		for (int i = minOff; i < maxOff; i++) {
			if (state.stype[-i - 1] != FuncState.STACK_ZERO) {
				break;
			}
			zeros++;
		}
		if (zeros == maxOff - minOff) {
			st.reg(dstRegno).markConst(0);
		}
		else {
			st.reg(dstRegno).markUnknown();
		}
	}

	// ------------------------------------------------------------------ atomics, LD

	/** {@code check_atomic()}. */
	private void checkAtomic(VState st, Insn insn, int pc) {
		int imm = insn.imm();
		switch (imm) {
			case Opcodes.ATOMIC_ADD, Opcodes.ATOMIC_ADD | Opcodes.ATOMIC_FETCH, Opcodes.ATOMIC_AND,
					Opcodes.ATOMIC_AND | Opcodes.ATOMIC_FETCH, Opcodes.ATOMIC_OR,
					Opcodes.ATOMIC_OR | Opcodes.ATOMIC_FETCH, Opcodes.ATOMIC_XOR,
					Opcodes.ATOMIC_XOR | Opcodes.ATOMIC_FETCH, Opcodes.ATOMIC_XCHG, Opcodes.ATOMIC_CMPXCHG ->
				{
				}
			default ->
				throw err(pc, VerifyException.EINVAL, String.format("BPF_ATOMIC uses invalid atomic opcode %02x", imm));
		}
		int size = Opcodes.sizeBytes(insn.opcode());
		if (size != 4 && size != 8) {
			throw err(pc, VerifyException.EINVAL, "invalid atomic operand size");
		}
		checkRegRead(st, insn.src(), pc);
		checkRegRead(st, insn.dst(), pc);
		if (imm == Opcodes.ATOMIC_CMPXCHG) {
			checkRegRead(st, 0, pc);
		}
		Reg dst = st.reg(insn.dst());
		if (dst.type == RegType.PTR_TO_CTX || dst.type.isPktAny() || dst.type == RegType.PTR_TO_SOCK_COMMON
				|| dst.type == RegType.PTR_TO_SOCK_COMMON_OR_NULL) {
			throw err(pc, VerifyException.EACCES,
					"BPF_ATOMIC stores into R" + insn.dst() + " " + dst.type.kernelName() + " is not allowed");
		}
		int loadReg = -1;
		if ((imm & Opcodes.ATOMIC_FETCH) != 0) {
			loadReg = (imm == Opcodes.ATOMIC_CMPXCHG) ? 0 : insn.src();
			checkRegWrite(loadReg, pc);
			// as in the kernel, the loaded register is clobbered before the address is
			// checked: fetching into the address register leaves a scalar there
			st.reg(loadReg).markUnknown();
		}
		checkMemAccess(st, pc, insn.dst(), insn.off(), size, false, -1, true, false, null);
		if (loadReg >= 0) {
			checkMemAccess(st, pc, insn.dst(), insn.off(), size, false, loadReg, true, false, null);
		}
		checkMemAccess(st, pc, insn.dst(), insn.off(), size, true, -1, true, false, null);
	}

	/** {@code check_ld_abs()}: legacy packet loads, allowed for socket filters and tc. */
	private void checkLdAbs(VState st, Insn insn, int pc) {
		if (this.progType != ProgramType.SOCKET_FILTER && this.progType != ProgramType.SCHED_CLS
				&& this.progType != ProgramType.SCHED_ACT) {
			throw err(pc, VerifyException.EINVAL, "BPF_LD_[ABS|IND] instructions not allowed for this program type");
		}
		boolean abs = (insn.opcode() & 0xe0) == Opcodes.MODE_ABS;
		if (insn.dst() != 0 || insn.off() != 0 || (insn.opcode() & 0x18) == Opcodes.SIZE_DW
				|| (abs && insn.src() != 0)) {
			throw err(pc, VerifyException.EINVAL, "BPF_LD_[ABS|IND] uses reserved fields");
		}
		checkRegRead(st, 6, pc);
		if (st.refIds.length > 0) {
			throw err(pc, VerifyException.EINVAL, "BPF_LD_[ABS|IND] would lead to reference leak");
		}
		if (st.reg(6).type != RegType.PTR_TO_CTX) {
			throw err(pc, VerifyException.EINVAL, "at the time of BPF_LD_ABS|IND R6 != pointer to skb");
		}
		if (!abs) {
			checkRegRead(st, insn.src(), pc);
		}
		checkPtrOffReg(st.reg(6), 6, false, pc);
		for (int r = 0; r <= 5; r++) {
			st.reg(r).markNotInit();
		}
		st.reg(0).markUnknown();
	}

	/** {@code check_ld_imm()}. */
	private void checkLdImm(VState st, Insn insn, int pc) {
		if (insn.off() != 0) {
			throw err(pc, VerifyException.EINVAL, "BPF_LD_IMM64 uses reserved fields");
		}
		checkRegWrite(insn.dst(), pc);
		Reg dst = st.reg(insn.dst());
		Insn next = this.insns[pc + 1];
		switch (insn.src()) {
			case Opcodes.PSEUDO_IMM64 -> dst.markConst(insn.imm64(next));
			case Opcodes.PSEUDO_FUNC -> throw err(pc, VerifyException.EINVAL, "missing btf func_info");
			case Opcodes.PSEUDO_MAP_VALUE, Opcodes.PSEUDO_MAP_IDX_VALUE -> {
				dst.markPointer(RegType.PTR_TO_MAP_VALUE);
				dst.mapIndex = insn.imm();
				dst.off = next.imm();
			}
			case Opcodes.PSEUDO_MAP_FD, Opcodes.PSEUDO_MAP_IDX -> {
				dst.markPointer(RegType.CONST_PTR_TO_MAP);
				dst.mapIndex = insn.imm();
			}
			default -> throw err(pc, VerifyException.EINVAL, "bpf verifier is misconfigured");
		}
	}

	// ------------------------------------------------------------------ jumps

	private int checkJmp(VState st, Insn insn, int pc, PathExplorer.Fork<VState> fork) {
		int code = insn.opcode();
		int cls = code & 7;
		int op = code & 0xf0;
		boolean x = (code & Opcodes.SRC_X) != 0;
		if (op == Opcodes.JMP_CALL) {
			this.explorer.jumped();
			if (x || (insn.src() != Opcodes.PSEUDO_CALL_KFUNC && insn.off() != 0)
					|| (insn.src() != 0 && insn.src() != Opcodes.PSEUDO_CALL_LOCAL
							&& insn.src() != Opcodes.PSEUDO_CALL_KFUNC)
					|| insn.dst() != 0 || cls == Opcodes.CLASS_JMP32) {
				throw err(pc, VerifyException.EINVAL, "BPF_CALL uses reserved fields");
			}
			if (insn.src() == Opcodes.PSEUDO_CALL_LOCAL) {
				return checkFuncCall(st, insn, pc);
			}
			checkHelperCall(st, insn, pc);
			return pc + 1;
		}
		if (op == Opcodes.JMP_JA) {
			this.explorer.jumped();
			if (x || insn.src() != 0 || insn.dst() != 0 || (cls == Opcodes.CLASS_JMP && insn.imm() != 0)
					|| (cls == Opcodes.CLASS_JMP32 && insn.off() != 0)) {
				throw err(pc, VerifyException.EINVAL, "BPF_JA uses reserved fields");
			}
			return (cls == Opcodes.CLASS_JMP) ? pc + insn.off() + 1 : pc + insn.imm() + 1;
		}
		if (op == Opcodes.JMP_EXIT) {
			if (x || insn.imm() != 0 || insn.src() != 0 || insn.dst() != 0 || cls == Opcodes.CLASS_JMP32) {
				throw err(pc, VerifyException.EINVAL, "BPF_EXIT uses reserved fields");
			}
			return checkExit(st, pc);
		}
		this.explorer.jumped();
		return checkCondJmp(st, insn, pc, fork);
	}

	private int checkExit(VState st, int pc) {
		if (st.curframe == 0 && st.refIds.length > 0) {
			StringBuilder sb = new StringBuilder();
			for (int i = 0; i < st.refIds.length; i++) {
				if (i > 0) {
					sb.append('\n');
				}
				sb.append("Unreleased reference id=")
					.append(st.refIds[i])
					.append(" alloc_insn=")
					.append(st.refInsns[i]);
			}
			throw err(pc, VerifyException.EINVAL, sb.toString());
		}
		if (st.curframe > 0) {
			FuncState callee = st.cur();
			Reg r0 = callee.regs[0];
			if (r0.type == RegType.PTR_TO_STACK) {
				throw err(pc, VerifyException.EINVAL, "cannot return stack pointer to the caller");
			}
			FuncState caller = st.frames[st.curframe - 1];
			caller.regs[0].copyFrom(r0);
			st.frames[st.curframe] = null;
			st.curframe--;
			return callee.callsite + 1;
		}
		checkRegRead(st, 0, pc);
		return -1;
	}

	/** {@code check_func_call()}: a bpf-to-bpf call gets a new frame with r1-r5. */
	private int checkFuncCall(VState st, Insn insn, int pc) {
		if (st.curframe + 1 >= Opcodes.MAX_CALL_FRAMES) {
			throw err(pc, VerifyException.E2BIG, "the call stack of " + (st.curframe + 2) + " frames is too deep");
		}
		int target = pc + insn.imm() + 1;
		int subprog = this.cfg.subprogOf[target];
		FuncState caller = st.cur();
		FuncState callee = new FuncState(pc, st.curframe + 1, subprog);
		for (int r = 1; r <= 5; r++) {
			callee.regs[r] = caller.regs[r].copy();
		}
		for (int r = 0; r <= 5; r++) {
			caller.regs[r].markNotInit();
		}
		st.curframe++;
		st.frames[st.curframe] = callee;
		return target;
	}

	/** {@code check_cond_jmp_op()}. */
	private int checkCondJmp(VState st, Insn insn, int pc, PathExplorer.Fork<VState> fork) {
		int code = insn.opcode();
		int op = code & 0xf0;
		boolean is32 = (code & 7) == Opcodes.CLASS_JMP32;
		boolean x = (code & Opcodes.SRC_X) != 0;
		if (op > Opcodes.JMP_JSLE) {
			throw err(pc, VerifyException.EINVAL, "invalid BPF_JMP/JMP32 opcode " + Integer.toHexString(op));
		}
		checkRegRead(st, insn.dst(), pc);
		Reg dst = st.reg(insn.dst());
		Reg src;
		if (x) {
			if (insn.imm() != 0) {
				throw err(pc, VerifyException.EINVAL, "BPF_JMP/JMP32 uses reserved fields");
			}
			checkRegRead(st, insn.src(), pc);
			src = st.reg(insn.src());
		}
		else {
			if (insn.src() != 0) {
				throw err(pc, VerifyException.EINVAL, "BPF_JMP/JMP32 uses reserved fields");
			}
			src = new Reg();
			src.markConst(insn.imm());
		}
		int taken = pc + insn.off() + 1;
		int pred;
		if (x && insn.src() == insn.dst()) {
			pred = sameRegBranch(dst, op, is32);
		}
		else {
			pred = branchTaken(dst, src, op, is32);
		}
		if (pred == 1) {
			return taken;
		}
		if (pred == 0) {
			return pc + 1;
		}
		VState other = st.copy();
		Reg odst = other.reg(insn.dst());
		Reg osrc = x ? other.reg(insn.src()) : src.copy();
		boolean fallOk = true;
		boolean takenOk = true;
		if (dst.type == RegType.SCALAR && src.type == RegType.SCALAR && !(x && insn.src() == insn.dst())) {
			fallOk = ScalarOps.refine(dst, src, ScalarOps.reverse(op), is32);
			takenOk = ScalarOps.refine(odst, osrc, op, is32);
			if (x && src.id != 0) {
				syncLinkedRegs(st, src);
				syncLinkedRegs(other, osrc);
			}
			if (dst.id != 0) {
				syncLinkedRegs(st, dst);
				syncLinkedRegs(other, odst);
			}
		}
		if (!is32 && !x && insn.imm() == 0 && (op == Opcodes.JMP_JEQ || op == Opcodes.JMP_JNE)
				&& dst.type.maybeNull()) {
			markPtrOrNullRegs(st, insn.dst(), op == Opcodes.JMP_JNE);
			markPtrOrNullRegs(other, insn.dst(), op == Opcodes.JMP_JEQ);
		}
		else if (!is32 && x && dst.type.isPointer() && src.type.isPointer()
				&& dst.type.maybeNull() != src.type.maybeNull()) {
			// comparing a maybe-null pointer with a valid one proves it non-null on the
			// equal side
			int nullable = dst.type.maybeNull() ? insn.dst() : insn.src();
			if (op == Opcodes.JMP_JEQ) {
				markPtrOrNullRegs(other, nullable, false);
			}
			else if (op == Opcodes.JMP_JNE) {
				markPtrOrNullRegs(st, nullable, false);
			}
		}
		else {
			tryMatchPktPointers(insn, op, is32, x, st, other);
		}
		if (takenOk) {
			fork.push(other, taken);
		}
		return fallOk ? pc + 1 : -1;
	}

	/** A register compared with itself. */
	private static int sameRegBranch(Reg r, int op, boolean is32) {
		switch (op) {
			case Opcodes.JMP_JEQ, Opcodes.JMP_JGE, Opcodes.JMP_JLE, Opcodes.JMP_JSGE, Opcodes.JMP_JSLE -> {
				return 1;
			}
			case Opcodes.JMP_JNE, Opcodes.JMP_JGT, Opcodes.JMP_JLT, Opcodes.JMP_JSGT, Opcodes.JMP_JSLT -> {
				return 0;
			}
			default -> {
				if (r.type != RegType.SCALAR) {
					return -1;
				}
				Reg zero = new Reg();
				zero.markConst(0);
				return ScalarOps.branchTaken(r, zero, Opcodes.JMP_JNE, is32);
			}
		}
	}

	/** {@code is_branch_taken()}. */
	private static int branchTaken(Reg r1, Reg r2, int op, boolean is32) {
		if (r1.type.isPktAny() && r2.type.isPktAny() && !is32) {
			return pktPtrBranchTaken(r1, r2, op);
		}
		if (r1.type.isPointer() || r2.type.isPointer()) {
			if (!r2.isConst(is32)) {
				op = ScalarOps.flip(op);
				Reg t = r1;
				r1 = r2;
				r2 = t;
			}
			if (!r2.isConst(is32) || !r1.notNull() || r2.constValue(is32) != 0) {
				return -1;
			}
			return switch (op) {
				case Opcodes.JMP_JEQ -> 0;
				case Opcodes.JMP_JNE -> 1;
				default -> -1;
			};
		}
		return ScalarOps.branchTaken(r1, r2, op, is32);
	}

	/** {@code is_pkt_ptr_branch_taken()}. */
	private static int pktPtrBranchTaken(Reg dst, Reg src, int op) {
		Reg pkt;
		if (src.type == RegType.PTR_TO_PACKET_END) {
			pkt = dst;
		}
		else if (dst.type == RegType.PTR_TO_PACKET_END) {
			pkt = src;
			op = ScalarOps.flip(op);
		}
		else {
			return -1;
		}
		if (pkt.range >= 0) {
			return -1;
		}
		switch (op) {
			case Opcodes.JMP_JLE, Opcodes.JMP_JGT -> {
				if (pkt.range == Reg.BEYOND_PKT_END) {
					return (op == Opcodes.JMP_JGT) ? 1 : 0;
				}
			}
			case Opcodes.JMP_JLT, Opcodes.JMP_JGE -> {
				if (pkt.range == Reg.BEYOND_PKT_END || pkt.range == Reg.AT_PKT_END) {
					return (op == Opcodes.JMP_JGE) ? 1 : 0;
				}
			}
			default -> {
			}
		}
		return -1;
	}

	/** {@code sync_linked_regs()}: copies of a scalar learn what a comparison proved. */
	private static void syncLinkedRegs(VState st, Reg known) {
		for (int f = 0; f <= st.curframe; f++) {
			FuncState fs = st.frames[f];
			for (Reg r : fs.regs) {
				if (r != known && r.type == RegType.SCALAR && r.id == known.id) {
					r.copyFrom(known);
				}
			}
			for (int spi = 0; spi < FuncState.SLOTS; spi++) {
				Reg r = fs.spilledReg(spi);
				if (r != null && r.type == RegType.SCALAR && r.id == known.id) {
					r.copyFrom(known);
				}
			}
		}
	}

	/** {@code mark_ptr_or_null_regs()}. */
	private static void markPtrOrNullRegs(VState st, int regno, boolean isNull) {
		Reg reg = st.reg(regno);
		int id = reg.id;
		if (reg.refObjId != 0 && reg.refObjId == id && isNull) {
			st.release(id);
		}
		for (int f = 0; f <= st.curframe; f++) {
			FuncState fs = st.frames[f];
			for (Reg r : fs.regs) {
				markPtrOrNull(r, id, isNull);
			}
			for (int spi = 0; spi < FuncState.SLOTS; spi++) {
				Reg r = fs.spilledReg(spi);
				if (r != null) {
					markPtrOrNull(r, id, isNull);
				}
			}
		}
	}

	private static void markPtrOrNull(Reg r, int id, boolean isNull) {
		if (!r.type.maybeNull() || r.id != id) {
			return;
		}
		if (isNull) {
			r.markConst(0);
			return;
		}
		r.type = r.type.nonNull();
		r.id = 0;
	}

	/** {@code try_match_pkt_pointers()}. */
	private void tryMatchPktPointers(Insn insn, int op, boolean is32, boolean x, VState thisBranch,
			VState otherBranch) {
		if (!x || is32) {
			return;
		}
		Reg dst = thisBranch.reg(insn.dst());
		Reg src = thisBranch.reg(insn.src());
		boolean dstPkt = (dst.type == RegType.PTR_TO_PACKET && src.type == RegType.PTR_TO_PACKET_END)
				|| (dst.type == RegType.PTR_TO_PACKET_META && isInitPkt(src));
		boolean srcPkt = (dst.type == RegType.PTR_TO_PACKET_END && src.type == RegType.PTR_TO_PACKET)
				|| (isInitPkt(dst) && src.type == RegType.PTR_TO_PACKET_META);
		Reg dstCopy = dst.copy();
		Reg srcCopy = src.copy();
		switch (op) {
			case Opcodes.JMP_JGT -> {
				if (dstPkt) {
					findGoodPktPointers(thisBranch, dstCopy, false);
					markPktEnd(otherBranch, insn.dst(), true);
				}
				else if (srcPkt) {
					findGoodPktPointers(otherBranch, srcCopy, true);
					markPktEnd(thisBranch, insn.src(), false);
				}
			}
			case Opcodes.JMP_JLT -> {
				if (dstPkt) {
					findGoodPktPointers(otherBranch, dstCopy, true);
					markPktEnd(thisBranch, insn.dst(), false);
				}
				else if (srcPkt) {
					findGoodPktPointers(thisBranch, srcCopy, false);
					markPktEnd(otherBranch, insn.src(), true);
				}
			}
			case Opcodes.JMP_JGE -> {
				if (dstPkt) {
					findGoodPktPointers(thisBranch, dstCopy, true);
					markPktEnd(otherBranch, insn.dst(), false);
				}
				else if (srcPkt) {
					findGoodPktPointers(otherBranch, srcCopy, false);
					markPktEnd(thisBranch, insn.src(), true);
				}
			}
			case Opcodes.JMP_JLE -> {
				if (dstPkt) {
					findGoodPktPointers(otherBranch, dstCopy, false);
					markPktEnd(thisBranch, insn.dst(), true);
				}
				else if (srcPkt) {
					findGoodPktPointers(thisBranch, srcCopy, true);
					markPktEnd(otherBranch, insn.src(), false);
				}
			}
			default -> {
			}
		}
	}

	/** {@code reg_is_init_pkt_pointer()}: PTR_TO_PACKET at offset 0. */
	private static boolean isInitPkt(Reg r) {
		return r.type == RegType.PTR_TO_PACKET && r.off == 0 && r.varOff.equalsConst(0);
	}

	/**
	 * {@code find_good_pkt_pointers()}: every packet pointer with the id gets the range.
	 */
	private static void findGoodPktPointers(VState st, Reg dst, boolean rangeRightOpen) {
		if (dst.off < 0 || (dst.off == 0 && rangeRightOpen)) {
			return;
		}
		if (Long.compareUnsigned(dst.umax, MAX_PACKET_OFF) > 0 || dst.umax + dst.off > MAX_PACKET_OFF) {
			return;
		}
		int newRange = dst.off + (rangeRightOpen ? 1 : 0);
		for (int f = 0; f <= st.curframe; f++) {
			FuncState fs = st.frames[f];
			for (Reg r : fs.regs) {
				if (r.type == dst.type && r.id == dst.id) {
					r.range = Math.max(r.range, newRange);
				}
			}
			for (int spi = 0; spi < FuncState.SLOTS; spi++) {
				Reg r = fs.spilledReg(spi);
				if (r != null && r.type == dst.type && r.id == dst.id) {
					r.range = Math.max(r.range, newRange);
				}
			}
		}
	}

	/** {@code mark_pkt_end()}. */
	private static void markPktEnd(VState st, int regno, boolean rangeOpen) {
		Reg r = st.reg(regno);
		if (r.type != RegType.PTR_TO_PACKET) {
			return;
		}
		r.range = rangeOpen ? Reg.BEYOND_PKT_END : Reg.AT_PKT_END;
	}

	// ------------------------------------------------------------------ helpers

	/**
	 * What check_func_arg() learns from the arguments ({@code struct bpf_call_arg_meta}).
	 */
	private static final class Meta {

		int mapIndex = -1;

		boolean rawMode;

		int accessSize;

		int regno = -1;

		int releaseRegno;

		int refObjId;

		int memSize;

	}

	/** {@code check_helper_call()}. */
	private void checkHelperCall(VState st, Insn insn, int pc) {
		int funcId = insn.imm();
		if (funcId < 0 || funcId >= HelperProtos.FUNC_MAX_ID) {
			throw err(pc, VerifyException.EINVAL, "invalid func " + HelperProtos.name(funcId) + "#" + funcId);
		}
		Proto fn = HelperProtos.proto(funcId, this.progType);
		if (fn == null) {
			throw err(pc, VerifyException.EINVAL,
					"program of this type cannot use helper " + HelperProtos.name(funcId) + "#" + funcId);
		}
		Meta meta = new Meta();
		for (int i = 0; i < 5; i++) {
			checkFuncArg(st, i, meta, fn, pc);
		}
		for (int i = 0; i < meta.accessSize; i++) {
			checkMemAccess(st, pc, meta.regno, i, 1, true, -1, false, false, null);
		}
		if (meta.releaseRegno != 0) {
			if (meta.refObjId != 0) {
				releaseReference(st, meta.refObjId, fn, pc);
			}
			else if (!st.reg(meta.releaseRegno).isNull()) {
				throw err(pc, VerifyException.EINVAL,
						"func " + fn.name() + "#" + funcId + " reference has not been acquired before");
			}
		}
		for (int r = 1; r <= 5; r++) {
			st.reg(r).markNotInit();
		}
		Reg r0 = st.reg(0);
		switch (fn.ret()) {
			case INTEGER -> r0.markUnknown();
			case VOID -> r0.markNotInit();
			case PTR_TO_MAP_VALUE_OR_NULL -> {
				r0.markPointer(RegType.PTR_TO_MAP_VALUE_OR_NULL);
				r0.mapIndex = meta.mapIndex;
				r0.id = ++this.idGen;
			}
			case PTR_TO_MEM_OR_NULL -> {
				r0.markPointer(RegType.PTR_TO_MEM_OR_NULL);
				r0.memSize = meta.memSize;
				r0.id = ++this.idGen;
			}
		}
		if (fn.acquires()) {
			int id = ++this.idGen;
			st.acquire(id, pc);
			r0.id = id;
			r0.refObjId = id;
		}
		checkMapFuncCompatibility(meta.mapIndex, funcId, fn, pc);
		if (fn.changesPktData()) {
			clearAllPktPointers(st);
		}
		if (fn.ret() == RetType.INTEGER && funcId == HelperIds.GET_SMP_PROCESSOR_ID) {
			// the CPU number is below nr_cpu_ids: at least non-negative and 32-bit
			r0.umax = Integer.MAX_VALUE;
			r0.sync();
		}
	}

	private static final String MEM_TYPES = "fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_";

	/** {@code check_func_arg()}. */
	private void checkFuncArg(VState st, int arg, Meta meta, Proto fn, int pc) {
		int regno = arg + 1;
		ArgType type = fn.arg(arg);
		if (type == ArgType.DONTCARE) {
			return;
		}
		checkRegRead(st, regno, pc);
		if (type == ArgType.ANYTHING) {
			return;
		}
		Reg reg = st.reg(regno);
		if (reg.type.isPkt() && !fn.pktAccess()) {
			throw err(pc, VerifyException.EACCES, "helper access to the packet is not allowed");
		}
		if (!(reg.isNull() && type.maybeNull())) {
			checkRegType(reg, regno, type, pc);
			checkFuncArgRegOff(reg, regno, type, pc);
		}
		if (fn.releases(arg)) {
			if (reg.refObjId == 0 && !reg.isNull()) {
				throw err(pc, VerifyException.EINVAL,
						"R" + regno + " must be referenced when passed to release function");
			}
			meta.releaseRegno = regno;
		}
		if (reg.refObjId != 0) {
			meta.refObjId = reg.refObjId;
		}
		switch (type) {
			case CONST_MAP_PTR -> meta.mapIndex = reg.mapIndex;
			case PTR_TO_MAP_KEY -> {
				if (meta.mapIndex < 0) {
					throw err(pc, VerifyException.EACCES, "invalid map_ptr to access map->key");
				}
				checkHelperMemAccess(st, regno, this.maps.get(meta.mapIndex).keySize(), false, false, null, pc);
			}
			case PTR_TO_MAP_VALUE -> {
				if (meta.mapIndex < 0) {
					throw err(pc, VerifyException.EACCES, "invalid map_ptr to access map->value");
				}
				meta.rawMode = false;
				checkHelperMemAccess(st, regno, this.maps.get(meta.mapIndex).valueSize(), false, false, meta, pc);
			}
			case PTR_TO_MEM, PTR_TO_MEM_RDONLY, PTR_TO_MEM_RDONLY_OR_NULL, PTR_TO_UNINIT_MEM ->
				meta.rawMode = type == ArgType.PTR_TO_UNINIT_MEM;
			case CONST_SIZE, CONST_SIZE_OR_ZERO -> {
				ArgType prev = fn.arg(arg - 1);
				boolean write = prev == ArgType.PTR_TO_UNINIT_MEM || prev == ArgType.PTR_TO_MEM;
				checkMemSizeReg(st, reg, regno, write, type == ArgType.CONST_SIZE_OR_ZERO, meta, pc);
			}
			case CONST_ALLOC_SIZE_OR_ZERO -> {
				if (!reg.varOff.isConst()) {
					throw err(pc, VerifyException.EACCES, "R" + regno + " is not a known constant'");
				}
				meta.memSize = (int) reg.varOff.value();
			}
			default -> {
			}
		}
	}

	/** {@code check_reg_type()}: {@code R1 type=scalar expected=map_ptr}. */
	private static void checkRegType(Reg reg, int regno, ArgType type, int pc) {
		RegType t = type.maybeNull() ? reg.type.nonNull() : reg.type;
		String expected;
		boolean ok;
		switch (type) {
			case PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, PTR_TO_MEM, PTR_TO_MEM_RDONLY, PTR_TO_MEM_RDONLY_OR_NULL,
					PTR_TO_UNINIT_MEM -> {
				ok = t == RegType.PTR_TO_STACK || t == RegType.PTR_TO_PACKET || t == RegType.PTR_TO_PACKET_META
						|| t == RegType.PTR_TO_MAP_VALUE || t == RegType.PTR_TO_MEM;
				expected = MEM_TYPES;
			}
			case CONST_SIZE, CONST_SIZE_OR_ZERO, CONST_ALLOC_SIZE_OR_ZERO -> {
				ok = t == RegType.SCALAR;
				expected = "scalar";
			}
			case CONST_MAP_PTR -> {
				ok = t == RegType.CONST_PTR_TO_MAP;
				expected = "map_ptr";
			}
			case PTR_TO_CTX -> {
				ok = t == RegType.PTR_TO_CTX;
				expected = "ctx";
			}
			case PTR_TO_ALLOC_MEM -> {
				ok = t == RegType.PTR_TO_MEM;
				expected = "ringbuf_mem";
			}
			default -> {
				ok = true;
				expected = "";
			}
		}
		if (!ok) {
			throw err(pc, VerifyException.EACCES,
					"R" + regno + " type=" + reg.type.kernelName() + " expected=" + expected);
		}
	}

	/** {@code check_func_arg_reg_off()}. */
	private void checkFuncArgRegOff(Reg reg, int regno, ArgType type, int pc) {
		if (type == ArgType.PTR_TO_ALLOC_MEM) {
			if (reg.off != 0) {
				throw err(pc, VerifyException.EINVAL,
						"R" + regno + " must have zero offset when passed to release func or trusted arg to kfunc");
			}
			checkPtrOffReg(reg, regno, false, pc);
			return;
		}
		switch (reg.type) {
			case PTR_TO_STACK, PTR_TO_PACKET, PTR_TO_PACKET_META, PTR_TO_MAP_VALUE, PTR_TO_MEM, SCALAR -> {
			}
			default -> checkPtrOffReg(reg, regno, false, pc);
		}
	}

	/** {@code check_helper_mem_access()}. */
	private void checkHelperMemAccess(VState st, int regno, int size, boolean write, boolean zeroSizeAllowed, Meta meta,
			int pc) {
		Reg reg = st.reg(regno);
		switch (reg.type) {
			case PTR_TO_PACKET, PTR_TO_PACKET_META -> checkPacketAccess(st, regno, reg.off, size, zeroSizeAllowed, pc);
			case PTR_TO_MAP_VALUE -> {
				checkMapAccessType(reg, reg.off, size, write, pc);
				checkMemRegionAccess(st, regno, reg.off, size, map(reg).valueSize(), zeroSizeAllowed, pc);
			}
			case PTR_TO_MEM -> checkMemRegionAccess(st, regno, reg.off, size, reg.memSize, zeroSizeAllowed, pc);
			case PTR_TO_STACK -> checkStackRangeInitialized(st, regno, reg.off, size, zeroSizeAllowed, write, meta, pc);
			default -> {
				if (zeroSizeAllowed && size == 0 && reg.isNull()) {
					return;
				}
				throw err(pc, VerifyException.EACCES, "R" + regno + " type=" + reg.type.kernelName() + " expected=fp");
			}
		}
	}

	/** {@code check_stack_range_initialized()} for a privileged loader. */
	private void checkStackRangeInitialized(VState st, int regno, int off, int size, boolean zeroSizeAllowed,
			boolean write, Meta meta, int pc) {
		Reg reg = st.reg(regno);
		if (size == 0 && !zeroSizeAllowed) {
			throw err(pc, VerifyException.EACCES, "invalid zero-sized read");
		}
		checkStackAccessWithinBounds(st, regno, off, size, write, true, pc);
		FuncState state = st.frames[reg.frameNo];
		int minOff;
		int maxOff;
		if (reg.varOff.isConst()) {
			minOff = (int) (reg.varOff.value() + off);
			maxOff = minOff;
		}
		else {
			if (meta != null && meta.rawMode) {
				meta = null;
			}
			minOff = (int) (reg.smin + off);
			maxOff = (int) (reg.smax + off);
		}
		if (meta != null && meta.rawMode) {
			meta.accessSize = size;
			meta.regno = regno;
			return;
		}
		if (!write) {
			return;
		}
		for (int i = minOff; i < maxOff + size; i++) {
			int slot = -i - 1;
			int spi = slot / 8;
			if (state.isSpilled(spi)) {
				scrubSlot(state, spi);
			}
			else if (state.stype[slot] == FuncState.STACK_ZERO || state.stype[slot] == FuncState.STACK_INVALID) {
				state.stype[slot] = FuncState.STACK_MISC;
			}
		}
	}

	/** {@code check_mem_size_reg()}. */
	private void checkMemSizeReg(VState st, Reg reg, int regno, boolean write, boolean zeroSizeAllowed, Meta meta,
			int pc) {
		if (!reg.varOff.isConst()) {
			meta = null;
		}
		if (reg.smin < 0) {
			throw err(pc, VerifyException.EACCES,
					"R" + regno + " min value is negative, either use unsigned or 'var &= const'");
		}
		if (reg.umin == 0 && !zeroSizeAllowed) {
			throw err(pc, VerifyException.EACCES,
					"R" + regno + " invalid zero-sized read: u64=[" + reg.umin + "," + reg.umax + "]");
		}
		if (Long.compareUnsigned(reg.umax, MAX_VAR_SIZ) >= 0) {
			throw err(pc, VerifyException.EACCES,
					"R" + regno + " unbounded memory access, use 'var &= const' or 'if (var < const)'");
		}
		checkHelperMemAccess(st, regno - 1, (int) reg.umax, write, zeroSizeAllowed, meta, pc);
	}

	private void releaseReference(VState st, int refObjId, Proto fn, int pc) {
		if (!st.release(refObjId)) {
			throw err(pc, VerifyException.EINVAL,
					"func " + fn.name() + "#" + fn.id() + " reference has not been acquired before");
		}
		for (int f = 0; f <= st.curframe; f++) {
			FuncState fs = st.frames[f];
			for (Reg r : fs.regs) {
				if (r.refObjId == refObjId) {
					r.markUnknown();
				}
			}
			for (int spi = 0; spi < FuncState.SLOTS; spi++) {
				Reg r = fs.spilledReg(spi);
				if (r != null && r.refObjId == refObjId) {
					r.markUnknown();
				}
			}
		}
	}

	private static void clearAllPktPointers(VState st) {
		for (int f = 0; f <= st.curframe; f++) {
			FuncState fs = st.frames[f];
			for (Reg r : fs.regs) {
				if (r.type.isPktAny()) {
					r.markUnknown();
				}
			}
			for (int spi = 0; spi < FuncState.SLOTS; spi++) {
				Reg r = fs.spilledReg(spi);
				if (r != null && r.type.isPktAny()) {
					r.markUnknown();
				}
			}
		}
	}

	/** {@code check_map_func_compatibility()}. */
	private void checkMapFuncCompatibility(int mapIndex, int funcId, Proto fn, int pc) {
		if (mapIndex < 0) {
			return;
		}
		MapSpec m = this.maps.get(mapIndex);
		MapType t = m.type();
		boolean ok = switch (t) {
			case PROG_ARRAY -> funcId == HelperIds.TAIL_CALL;
			case RINGBUF -> funcId == HelperIds.RINGBUF_OUTPUT || funcId == HelperIds.RINGBUF_RESERVE || funcId == 134;
			case DEVMAP, DEVMAP_HASH -> funcId == HelperIds.REDIRECT_MAP || funcId == HelperIds.MAP_LOOKUP_ELEM;
			default -> true;
		};
		if (ok) {
			ok = switch (funcId) {
				case HelperIds.TAIL_CALL -> t == MapType.PROG_ARRAY;
				case HelperIds.REDIRECT_MAP -> t == MapType.DEVMAP || t == MapType.DEVMAP_HASH;
				case HelperIds.RINGBUF_OUTPUT, HelperIds.RINGBUF_RESERVE -> t == MapType.RINGBUF;
				default -> true;
			};
		}
		if (!ok) {
			throw err(pc, VerifyException.EINVAL,
					"cannot pass map_type " + t.id() + " into func " + fn.name() + "#" + funcId);
		}
	}

	// ------------------------------------------------------------------ pruning

	/**
	 * Ids of the old state mapped to ids of the current one ({@code struct bpf_idmap}).
	 */
	private static final class IdMap {

		int[] old = new int[16];

		int[] cur = new int[16];

		int n;

		int tmp;

		void reset() {
			this.n = 0;
			this.tmp = 0;
		}

		/** {@code check_ids()}: the mapping stays a bijection. */
		boolean check(int oldId, int curId) {
			if ((oldId == 0) != (curId == 0)) {
				return false;
			}
			if (oldId == 0) {
				return true;
			}
			for (int i = 0; i < this.n; i++) {
				if (this.old[i] == oldId) {
					return this.cur[i] == curId;
				}
				if (this.cur[i] == curId) {
					return false;
				}
			}
			if (this.n == this.old.length) {
				this.old = java.util.Arrays.copyOf(this.old, this.n * 2);
				this.cur = java.util.Arrays.copyOf(this.cur, this.n * 2);
			}
			this.old[this.n] = oldId;
			this.cur[this.n] = curId;
			this.n++;
			return true;
		}

		/** {@code check_scalar_ids()}: an id of 0 is a fresh unique id. */
		boolean checkScalar(int oldId, int curId) {
			int o = (oldId != 0) ? oldId : -(++this.tmp);
			int c = (curId != 0) ? curId : -(++this.tmp);
			return check(o, c);
		}

	}

	private final IdMap idmap = new IdMap();

	private static final Reg UNBOUND = unbound();

	private static Reg unbound() {
		Reg r = new Reg();
		r.markUnknown();
		return r;
	}

	@Override
	public boolean subsumes(VState old, VState cur, int pc) {
		return statesEqual(old, cur, pc, false);
	}

	@Override
	public boolean sameState(VState old, VState cur) {
		return statesEqual(old, cur, -1, true);
	}

	/** {@code states_equal()}: RANGE_WITHIN (with static liveness) or EXACT. */
	private boolean statesEqual(VState old, VState cur, int pc, boolean exact) {
		if (old.curframe != cur.curframe) {
			return false;
		}
		this.idmap.reset();
		if (old.refIds.length != cur.refIds.length) {
			return false;
		}
		for (int i = 0; i < old.refIds.length; i++) {
			if (!this.idmap.check(old.refIds[i], cur.refIds[i])) {
				return false;
			}
		}
		for (int f = 0; f <= old.curframe; f++) {
			FuncState of = old.frames[f];
			FuncState cf = cur.frames[f];
			if (of.callsite != cf.callsite) {
				return false;
			}
			int live;
			if (exact) {
				live = -1;
			}
			else if (f == old.curframe) {
				live = this.cfg.liveIn[pc];
			}
			else {
				// caller frames resume after the call: r0-r5 are rewritten by then
				live = this.cfg.liveIn[old.frames[f + 1].callsite + 1] & ~0x3f;
			}
			if (!funcStatesEqual(of, cf, live, exact)) {
				return false;
			}
		}
		return true;
	}

	private boolean funcStatesEqual(FuncState old, FuncState cur, int live, boolean exact) {
		for (int r = 0; r < Opcodes.NUM_REGS; r++) {
			if ((live & (1 << r)) == 0) {
				continue;
			}
			if (!regsafe(old.regs[r], cur.regs[r], exact)) {
				return false;
			}
		}
		return exact ? stackExact(old, cur) : stacksafe(old, cur);
	}

	/** {@code regsafe()}. */
	private boolean regsafe(Reg rold, Reg rcur, boolean exact) {
		if (exact) {
			return regsExact(rold, rcur);
		}
		if (rold.type == RegType.NOT_INIT) {
			return true;
		}
		if (rold.type != rcur.type) {
			return false;
		}
		switch (rold.type) {
			case SCALAR -> {
				return rold.rangeWithin(rcur) && rold.varOff.contains(rcur.varOff)
						&& this.idmap.checkScalar(rold.id, rcur.id);
			}
			case PTR_TO_MAP_VALUE, PTR_TO_MEM -> {
				return rold.off == rcur.off && rold.mapIndex == rcur.mapIndex && rold.memSize == rcur.memSize
						&& rold.rangeWithin(rcur) && rold.varOff.contains(rcur.varOff)
						&& this.idmap.check(rold.id, rcur.id) && this.idmap.check(rold.refObjId, rcur.refObjId);
			}
			case PTR_TO_PACKET, PTR_TO_PACKET_META -> {
				if (rold.range > rcur.range || rold.off != rcur.off || !this.idmap.check(rold.id, rcur.id)) {
					return false;
				}
				return rold.rangeWithin(rcur) && rold.varOff.contains(rcur.varOff);
			}
			case PTR_TO_STACK -> {
				return regsExact(rold, rcur) && rold.frameNo == rcur.frameNo;
			}
			default -> {
				return regsExact(rold, rcur);
			}
		}
	}

	/** {@code regs_exact()}: every field equal, ids up to renaming. */
	private boolean regsExact(Reg a, Reg b) {
		return a.type == b.type && a.off == b.off && a.varOff.equals(b.varOff) && a.smin == b.smin && a.smax == b.smax
				&& a.umin == b.umin && a.umax == b.umax && a.s32min == b.s32min && a.s32max == b.s32max
				&& a.u32min == b.u32min && a.u32max == b.u32max && a.range == b.range && a.mapIndex == b.mapIndex
				&& a.memSize == b.memSize && a.frameNo == b.frameNo && a.subprog == b.subprog
				&& this.idmap.check(a.id, b.id) && this.idmap.check(a.refObjId, b.refObjId);
	}

	/**
	 * {@code stacksafe()} for a privileged loader (uninitialised bytes read as unknown).
	 */
	private boolean stacksafe(FuncState old, FuncState cur) {
		for (int i = 0; i < old.allocatedStack; i++) {
			int spi = i / 8;
			byte ot = old.stype[i];
			if (ot == FuncState.STACK_INVALID || ot == FuncState.STACK_MISC) {
				// reading it gave an unknown scalar on the old path; a spilled pointer
				// here would behave differently
				if (i < cur.allocatedStack && cur.isSpilled(spi) && cur.spilled[spi].type != RegType.SCALAR) {
					return false;
				}
				continue;
			}
			if (i >= cur.allocatedStack) {
				return false;
			}
			Reg oldReg = scalarRegForStack(old, spi);
			Reg curReg = scalarRegForStack(cur, spi);
			if (oldReg != null && curReg != null) {
				if (!regsafe(oldReg, curReg, false)) {
					return false;
				}
				i += 7 - (i % 8);
				continue;
			}
			byte ct = cur.stype[i];
			if (ot != ct) {
				return false;
			}
			if (i % 8 != 7) {
				continue;
			}
			if (ot == FuncState.STACK_SPILL) {
				if (!cur.isSpilled(spi) || !old.isSpilled(spi) || !regsafe(old.spilled[spi], cur.spilled[spi], false)) {
					return false;
				}
			}
		}
		return true;
	}

	/** {@code scalar_reg_for_stack()}: a 64-bit scalar spill, or all-unknown bytes. */
	private static Reg scalarRegForStack(FuncState f, int spi) {
		boolean allSpill = true;
		boolean allMisc = true;
		for (int j = 0; j < 8; j++) {
			byte t = f.stype[spi * 8 + j];
			allSpill &= t == FuncState.STACK_SPILL;
			allMisc &= t == FuncState.STACK_MISC || t == FuncState.STACK_INVALID;
		}
		if (allSpill && f.spilled[spi] != null && f.spilled[spi].type == RegType.SCALAR) {
			return f.spilled[spi];
		}
		return allMisc ? UNBOUND : null;
	}

	private boolean stackExact(FuncState old, FuncState cur) {
		if (old.allocatedStack != cur.allocatedStack) {
			return false;
		}
		for (int i = 0; i < old.allocatedStack; i++) {
			if (old.stype[i] != cur.stype[i]) {
				return false;
			}
		}
		for (int spi = 0; spi < old.allocatedStack / 8; spi++) {
			Reg a = old.spilledReg(spi);
			Reg b = cur.spilledReg(spi);
			if ((a == null) != (b == null) || (a != null && !regsExact(a, b))) {
				return false;
			}
		}
		return true;
	}

}

package dev.bpfnet.bpf.interp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.mem.BpfFault;

/**
 * The plugin protocol of the bpf_conformance runner ({@code bpf_conformance.cc}): the
 * program arrives as base16 bytes on stdin, the memory as base16 bytes in the first
 * argument (arguments starting with {@code --} are runner options and are ignored, except
 * {@code --elf} which this plugin refuses). On success r0 is printed in hex on stdout and
 * the exit code is 0; a rejected program or a fault prints the message on stderr and
 * exits with 1.
 *
 * <p>
 * The program is checked by {@link ProgramCheck} first, then run by a fresh {@link Vm}
 * with {@link HelperTable#conformance()} (helper 5 = unwind) and the default budget.
 */
public final class ConformancePlugin {

	private ConformancePlugin() {
	}

	/**
	 * @return the process exit code
	 */
	public static int main(String[] args, InputStream in, PrintStream out, PrintStream err) {
		byte[] mem = new byte[0];
		boolean memSeen = false;
		for (int i = 0; i < args.length; i++) {
			String a = args[i];
			if (a.equals("--elf")) {
				if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
					i++;
					if (!args[i].equalsIgnoreCase("true")) {
						continue;
					}
				}
				err.println("--elf is not supported by this plugin: send raw bytecode");
				return 1;
			}
			if (a.startsWith("--")) {
				if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
					i++; // option value
				}
				continue;
			}
			if (memSeen) {
				err.println("unexpected argument '" + a + "'");
				return 1;
			}
			memSeen = true;
			try {
				mem = parseHex(a);
			}
			catch (IllegalArgumentException ex) {
				err.println("invalid memory argument: " + ex.getMessage());
				return 1;
			}
		}
		byte[] code;
		try {
			code = parseHex(new String(readAll(in), StandardCharsets.US_ASCII));
		}
		catch (IOException | IllegalArgumentException ex) {
			err.println("invalid program on stdin: " + ex.getMessage());
			return 1;
		}
		if (code.length % Insn.SIZE != 0) {
			err.println("program length " + code.length + " is not a multiple of 8");
			return 1;
		}
		Insn[] insns = Insn.decode(code);
		ProgramCheck.Problem problem = ProgramCheck.check(insns);
		if (problem != null) {
			err.println(problem);
			return 1;
		}
		Vm vm = new Vm(HelperTable.conformance());
		try {
			long r0 = vm.runRaw(LoadedProgram.of(insns), mem);
			out.println(Long.toHexString(r0));
			return 0;
		}
		catch (BpfFault fault) {
			err.println(fault.getMessage());
			return 1;
		}
	}

	private static byte[] readAll(InputStream in) throws IOException {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		in.transferTo(buf);
		return buf.toByteArray();
	}

	/**
	 * Parses base16 bytes; whitespace anywhere is ignored.
	 * @throws IllegalArgumentException naming the offending character
	 */
	static byte[] parseHex(String s) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int hi = -1;
		for (int i = 0; i < s.length(); i++) {
			char ch = s.charAt(i);
			if (Character.isWhitespace(ch)) {
				continue;
			}
			int v = Character.digit(ch, 16);
			if (v < 0) {
				throw new IllegalArgumentException("'" + ch + "' at index " + i + " is not a hex digit");
			}
			if (hi < 0) {
				hi = v;
			}
			else {
				out.write(hi << 4 | v);
				hi = -1;
			}
		}
		if (hi >= 0) {
			throw new IllegalArgumentException("odd number of hex digits");
		}
		return out.toByteArray();
	}

}

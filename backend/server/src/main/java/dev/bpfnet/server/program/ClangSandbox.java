package dev.bpfnet.server.program;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Compiles untrusted C to a BPF object with clang, confined as far as an unprivileged
 * process can confine it. Plain Java (no Spring), one instance per server.
 *
 * <p>
 * Each {@link #compile} call:
 * <ol>
 * <li>checks the source lexically: every {@code #include}, {@code #include_next} and
 * {@code #import} (also spelled {@code %:include}) whose name is absolute or has a
 * {@code ..} segment is refused with its line, before clang runs;</li>
 * <li>writes the source, alone, into a fresh temporary directory (deleted afterwards);
 * </li>
 * <li>runs a preprocessing pass ({@code clang -E -H -o /dev/null}), whose {@code -H}
 * lists every file the preprocessor opened, even when it fails later: if one of them
 * (after resolving symbolic links) is outside the temporary directory and the fixed
 * include directories, the compile is refused and none of clang's output is shown (it
 * could quote that file). This catches includes built by macros, which the lexical check
 * cannot see;</li>
 * <li>compiles:
 * {@code clang -target bpf -O2 -g -nostdinc -isystem <include root> -fno-caret-diagnostics -c}.
 * </li>
 * </ol>
 * Both clang runs get: an empty environment but {@code PATH} and {@code LANG=C}; stdin
 * from {@code /dev/null}; {@code prlimit --as} (address space), {@code --fsize} (largest
 * file written, so the object is capped at {@code maxOutputBytes}), {@code --cpu} and
 * {@code --nofile}; {@code unshare -n} (an empty network namespace) when this process may
 * create one, else {@code unshare -rn} (inside a user namespace), else nothing
 * ({@link #networkIsolation()} tells which; clang itself opens no sockets); a wall-clock
 * timeout after which the whole process tree is destroyed; output read up to
 * {@code maxOutputBytes}, after which the process tree is destroyed and the output is
 * reported as truncated.
 *
 * <p>
 * Diagnostics shown to the user quote only the user's file: clang runs in the temporary
 * directory on a relative file name, lines located in any other file (the fixed headers
 * included) are dropped and counted, and any remaining occurrence of the temporary path
 * is rewritten to the user's file name.
 *
 * <p>
 * The include root is a directory extracted once from the server's resources
 * ({@code bpfnet/tc.h}) plus symbolic links {@code bpf}, {@code linux}, {@code asm},
 * {@code asm-generic} to the libbpf and kernel uapi headers when present, so that
 * {@code <bpf/bpf_helpers.h>} and {@code <linux/bpf.h>} resolve but {@code <stdio.h>}
 * does not. Known limit: {@code __has_include} can still probe whether a path exists
 * anywhere (it opens nothing and shows no contents).
 */
public final class ClangSandbox {

	/**
	 * Settings.
	 *
	 * @param command the clang binary (a name on {@code PATH} or a path)
	 * @param timeout wall-clock limit of each clang run
	 * @param maxMemoryBytes address-space limit ({@code prlimit --as})
	 * @param maxOutputBytes most bytes of diagnostics kept and largest object written
	 */
	public record Settings(String command, Duration timeout, long maxMemoryBytes, long maxOutputBytes) {

		public Settings {
			Objects.requireNonNull(command, "command");
			Objects.requireNonNull(timeout, "timeout");
			if (timeout.isNegative() || timeout.isZero() || maxMemoryBytes <= 0 || maxOutputBytes <= 0) {
				throw new IllegalArgumentException("clang limits must be positive");
			}
		}

	}

	/** One diagnostic located in the user's file. */
	public record Diagnostic(int line, int column, String severity, String message) {
	}

	/**
	 * A successful compile.
	 *
	 * @param object the ELF object
	 * @param diagnostics warnings in the user's file
	 * @param hiddenDiagnostics diagnostic lines located in other files, not shown
	 */
	public record Result(byte[] object, List<Diagnostic> diagnostics, int hiddenDiagnostics) {
	}

	/** Why a compile failed. */
	public enum Failure {

		/** clang is not installed. */
		NO_COMPILER,
		/** An {@code #include} names an absolute path or goes up with {@code ..}. */
		FORBIDDEN_INCLUDE,
		/** The preprocessor opened a file outside the allowed directories. */
		OUTSIDE_FILE,
		/** Past the wall-clock limit. */
		TIMEOUT,
		/** Diagnostics or object larger than {@code maxOutputBytes}. */
		OUTPUT_LIMIT,
		/** clang reported errors (or died, e.g. out of memory). */
		COMPILE_ERROR

	}

	/** A compile that produced no object; the message is safe to show. */
	public static final class CompileException extends Exception {

		private static final long serialVersionUID = 1L;

		private final Failure failure;

		private final transient List<Diagnostic> diagnostics;

		private final int hiddenDiagnostics;

		CompileException(Failure failure, String message, List<Diagnostic> diagnostics, int hidden) {
			super(message);
			this.failure = failure;
			this.diagnostics = List.copyOf(diagnostics);
			this.hiddenDiagnostics = hidden;
		}

		public Failure failure() {
			return this.failure;
		}

		/** The diagnostics in the user's file (line, column, severity, message). */
		public List<Diagnostic> diagnostics() {
			return this.diagnostics;
		}

		public int hiddenDiagnostics() {
			return this.hiddenDiagnostics;
		}

	}

	/** File name the user's source gets when none (or an unusable one) is given. */
	public static final String DEFAULT_FILE = "program.c";

	private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}\\.c");

	private static final Pattern INCLUDE = Pattern
		.compile("^\\s*(?:#|%:)\\s*(include_next|include|import)\\s*([<\"])([^>\"]*)[>\"]?");

	private static final Pattern DIAG = Pattern
		.compile("^(.*?):(\\d+):(\\d+): (error|warning|note|remark|fatal error): (.*)$");

	/** {@code clang -H}: dots by depth, a blank, the path. */
	private static final Pattern HEADER = Pattern.compile("^\\.+ (.+)$");

	private final Settings settings;

	private final Path includeRoot;

	private final List<Path> allowedRoots;

	private final List<String> networkPrefix;

	private final String clangVersion;

	private final boolean prlimit;

	private ClangSandbox(Settings settings, Path includeRoot, List<Path> allowedRoots, List<String> networkPrefix,
			String clangVersion, boolean prlimit) {
		this.settings = settings;
		this.includeRoot = includeRoot;
		this.allowedRoots = List.copyOf(allowedRoots);
		this.networkPrefix = List.copyOf(networkPrefix);
		this.clangVersion = clangVersion;
		this.prlimit = prlimit;
	}

	/**
	 * Probes the machine: whether clang runs ({@code clang --version}), whether
	 * {@code prlimit} is there, which {@code unshare} form works; extracts the project's
	 * headers into {@code includeRoot} (created if needed) and links the system header
	 * directories that exist.
	 */
	public static ClangSandbox create(Settings settings, Path includeRoot) {
		try {
			Files.createDirectories(includeRoot.resolve("bpfnet"));
			try (InputStream in = ClangSandbox.class.getResourceAsStream("/bpfnet-include/bpfnet/tc.h")) {
				Files.write(includeRoot.resolve("bpfnet/tc.h"),
						Objects.requireNonNull(in, "tc.h resource").readAllBytes());
			}
			List<Path> allowed = new ArrayList<>();
			allowed.add(includeRoot.toRealPath());
			for (Map.Entry<String, Path> e : systemHeaderDirs().entrySet()) {
				Path link = includeRoot.resolve(e.getKey());
				Files.deleteIfExists(link);
				Files.createSymbolicLink(link, e.getValue());
				allowed.add(e.getValue().toRealPath());
			}
			String version = firstLine(probe(List.of(settings.command(), "--version")));
			List<String> net = List.of();
			if (probe(List.of("unshare", "-n", "true")) != null) {
				net = List.of("unshare", "-n");
			}
			else if (probe(List.of("unshare", "-r", "-n", "true")) != null) {
				net = List.of("unshare", "-r", "-n");
			}
			boolean prlimit = probe(List.of("prlimit", "--version")) != null;
			return new ClangSandbox(settings, includeRoot, allowed, net, version, prlimit);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot prepare the clang include directory " + includeRoot, ex);
		}
	}

	/**
	 * The system header directories linked into the include root when they exist:
	 * {@code bpf} (libbpf-dev), {@code linux}, {@code asm-generic} and the architecture's
	 * {@code asm} (linux-libc-dev).
	 */
	static Map<String, Path> systemHeaderDirs() {
		Map<String, Path> dirs = new LinkedHashMap<>();
		Path inc = Path.of("/usr/include");
		for (String d : List.of("bpf", "linux", "asm-generic")) {
			if (Files.isDirectory(inc.resolve(d))) {
				dirs.put(d, inc.resolve(d));
			}
		}
		Path asm = inc.resolve("asm");
		if (!Files.isDirectory(asm)) {
			asm = null;
			try (Stream<Path> s = Files.list(inc)) {
				asm = s.filter((p) -> p.getFileName().toString().endsWith("-linux-gnu"))
					.map((p) -> p.resolve("asm"))
					.filter(Files::isDirectory)
					.sorted()
					.findFirst()
					.orElse(null);
			}
			catch (IOException ex) {
				// no /usr/include: no asm headers
			}
		}
		if (asm != null) {
			dirs.put("asm", asm);
		}
		return dirs;
	}

	/** Whether clang answered {@code --version}. */
	public boolean available() {
		return this.clangVersion != null;
	}

	/**
	 * The first line of {@code clang --version}, or {@code null} when clang is absent.
	 */
	public String clangVersion() {
		return this.clangVersion;
	}

	/**
	 * How the network is cut: {@code "unshare -n"}, {@code "unshare -r -n"} or
	 * {@code "none"}.
	 */
	public String networkIsolation() {
		return this.networkPrefix.isEmpty() ? "none" : String.join(" ", this.networkPrefix);
	}

	/** Whether {@code prlimit} enforces the memory, file size and CPU limits. */
	public boolean resourceLimits() {
		return this.prlimit;
	}

	/** The directory passed with {@code -isystem}. */
	public Path includeRoot() {
		return this.includeRoot;
	}

	/** The real directories files may be opened from (besides the temporary one). */
	public List<Path> allowedRoots() {
		return this.allowedRoots;
	}

	public Settings settings() {
		return this.settings;
	}

	/** {@code name} if it is a plain {@code .c} file name, else {@link #DEFAULT_FILE}. */
	public static String safeFileName(String name) {
		if (name != null) {
			String n = name.endsWith(".c") ? name : name + ".c";
			if (SAFE_NAME.matcher(n).matches() && !n.contains("..")) {
				return n;
			}
		}
		return DEFAULT_FILE;
	}

	/**
	 * The lexical include check alone: the first {@code #include} of an absolute path or
	 * with a {@code ..} segment.
	 * @throws CompileException {@link Failure#FORBIDDEN_INCLUDE} with the line
	 */
	public static void checkIncludes(String fileName, String source) throws CompileException {
		String[] lines = source.split("\n", -1);
		for (int i = 0; i < lines.length; i++) {
			// join backslash-continued lines, reported at the first line
			StringBuilder logical = new StringBuilder(stripCr(lines[i]));
			int first = i;
			while (logical.length() > 0 && logical.charAt(logical.length() - 1) == '\\' && i + 1 < lines.length) {
				logical.setLength(logical.length() - 1);
				logical.append(stripCr(lines[++i]));
			}
			String text = logical.toString().replaceAll("/\\*.*?\\*/", " ");
			Matcher m = INCLUDE.matcher(text);
			if (m.find()) {
				String target = m.group(3);
				boolean absolute = target.startsWith("/") || target.startsWith("\\");
				boolean up = target.equals("..") || target.startsWith("../") || target.contains("/../")
						|| target.endsWith("/..") || target.contains("\\..") || target.contains("..\\");
				if (absolute || up) {
					int line = first + 1;
					String why = absolute ? "an absolute path" : "a '..' path";
					List<Diagnostic> d = List.of(new Diagnostic(line, m.start(3) + 1, "error", "#" + m.group(1) + " of "
							+ why + " is not allowed; use <bpf/...>, <linux/...> or <bpfnet/tc.h>"));
					throw new CompileException(Failure.FORBIDDEN_INCLUDE,
							fileName + ":" + line + ": #" + m.group(1) + " of " + why + " is not allowed", d, 0);
				}
			}
		}
	}

	private static String stripCr(String s) {
		return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
	}

	/**
	 * Compiles {@code source} to a BPF object.
	 * @param fileName the name shown in diagnostics ({@link #safeFileName} is applied)
	 * @param source the C source
	 * @throws CompileException with a message that is safe to show
	 */
	public Result compile(String fileName, String source) throws CompileException {
		String name = safeFileName(fileName);
		if (!available()) {
			throw new CompileException(Failure.NO_COMPILER,
					"C upload needs clang ('" + this.settings.command() + "'), which is not installed on this server",
					List.of(), 0);
		}
		checkIncludes(name, source);
		Path dir = null;
		try {
			dir = Files.createTempDirectory("bpfnet-clang-");
			Path src = dir.resolve(name);
			Files.writeString(src, source, StandardCharsets.UTF_8);
			Path realDir = dir.toRealPath();

			// pass 1: which files does the preprocessor open?
			Run pre = run(dir, List.of("-E", "-H", "-o", "/dev/null", name));
			List<String> opened = new ArrayList<>();
			for (String line : pre.lines()) {
				Matcher h = HEADER.matcher(line);
				if (h.matches()) {
					opened.add(h.group(1));
				}
			}
			for (String file : opened) {
				if (!allowed(dir, realDir, file)) {
					throw new CompileException(Failure.OUTSIDE_FILE, name
							+ ": an #include (possibly built by a macro) opened a file outside the allowed include directories; "
							+ "the compile was refused and clang's output is not shown", List.of(), 0);
				}
			}
			if (pre.truncated()) {
				throw new CompileException(Failure.OUTPUT_LIMIT, name + ": the preprocessor's output passed "
						+ this.settings.maxOutputBytes() + " bytes; the compile was refused", List.of(), 0);
			}
			if (pre.timedOut()) {
				throw timeout(name);
			}
			if (pre.exitCode() != 0) {
				throw failed(name, pre, realDir, "preprocessing failed");
			}

			// pass 2: compile
			Path obj = dir.resolve("out.o");
			Run cc = run(dir, List.of("-c", name, "-o", "out.o"));
			if (cc.timedOut()) {
				throw timeout(name);
			}
			Filtered f = filter(cc.lines(), realDir, name);
			if (cc.truncated()) {
				throw new CompileException(Failure.OUTPUT_LIMIT, name + ": clang's diagnostics passed "
						+ this.settings.maxOutputBytes() + " bytes and were cut; the first ones follow",
						f.diagnostics(), f.hidden());
			}
			// 128 + SIGXFSZ: the object passed the file size limit
			if (cc.exitCode() == 128 + 25 || (Files.exists(obj) && Files.size(obj) >= this.settings.maxOutputBytes())) {
				throw new CompileException(Failure.OUTPUT_LIMIT,
						name + ": the object would be larger than " + this.settings.maxOutputBytes() + " bytes",
						f.diagnostics(), f.hidden());
			}
			if (cc.exitCode() != 0 || !Files.isRegularFile(obj, LinkOption.NOFOLLOW_LINKS)) {
				throw failed(name, cc, realDir, "compile failed");
			}
			return new Result(Files.readAllBytes(obj), f.diagnostics(), f.hidden());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("clang sandbox: " + ex.getMessage(), ex);
		}
		finally {
			deleteTree(dir);
		}
	}

	private CompileException timeout(String name) {
		return new CompileException(Failure.TIMEOUT,
				name + ": clang did not finish within " + this.settings.timeout().toMillis() + " ms and was stopped",
				List.of(), 0);
	}

	private CompileException failed(String name, Run run, Path realDir, String what) {
		Filtered f = filter(run.lines(), realDir, name);
		String first = f.diagnostics()
			.stream()
			.filter((d) -> !d.severity().equals("warning") && !d.severity().equals("note"))
			.findFirst()
			.map((d) -> ": line " + d.line() + ": " + d.message())
			.orElse("");
		String death = "";
		if (run.exitCode() > 128) {
			death = " (clang was killed by signal " + (run.exitCode() - 128) + "; memory limit "
					+ this.settings.maxMemoryBytes() + " bytes)";
		}
		else if (first.isEmpty() && f.hidden() > 0) {
			death = " (its errors are located in files outside your source and are not shown)";
		}
		return new CompileException(Failure.COMPILE_ERROR, name + ": " + what + first + death, f.diagnostics(),
				f.hidden());
	}

	private boolean allowed(Path dir, Path realDir, String file) {
		try {
			Path p = dir.resolve(file).toRealPath();
			if (p.startsWith(realDir)) {
				return true;
			}
			for (Path root : this.allowedRoots) {
				if (p.startsWith(root)) {
					return true;
				}
			}
			return false;
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	private record Filtered(List<Diagnostic> diagnostics, int hidden) {
	}

	/**
	 * Keeps the diagnostics located in the user's file ({@code name}, relative, as clang
	 * was given it) and counts the other diagnostic lines.
	 */
	private static Filtered filter(List<String> lines, Path realDir, String name) {
		List<Diagnostic> out = new ArrayList<>();
		int hidden = 0;
		String abs = realDir.resolve(name).toString();
		for (String line : lines) {
			if (HEADER.matcher(line).matches()) {
				continue;
			}
			Matcher m = DIAG.matcher(line);
			if (!m.matches()) {
				continue;
			}
			String file = m.group(1);
			if (file.equals(name) || file.equals("./" + name) || file.equals(abs)) {
				String msg = m.group(5).replace(abs, name).replace(realDir.toString(), ".");
				out.add(new Diagnostic(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4), msg));
			}
			else {
				hidden++;
			}
		}
		return new Filtered(out, hidden);
	}

	private record Run(int exitCode, boolean timedOut, boolean truncated, List<String> lines) {
	}

	private Run run(Path dir, List<String> args) throws IOException {
		List<String> cmd = new ArrayList<>(this.networkPrefix);
		if (this.prlimit) {
			long cpu = Math.max(1, (this.settings.timeout().toMillis() + 999) / 1000);
			cmd.addAll(List.of("prlimit", "--as=" + this.settings.maxMemoryBytes(),
					"--fsize=" + this.settings.maxOutputBytes(), "--cpu=" + cpu, "--nofile=256", "--core=0", "--"));
		}
		cmd.addAll(List.of(this.settings.command(), "-target", "bpf", "-O2", "-g", "-nostdinc", "-isystem",
				this.includeRoot.toString(), "-fno-caret-diagnostics", "-fno-color-diagnostics",
				"-fno-crash-diagnostics", "-fdebug-compilation-dir=.", "-Wall"));
		cmd.addAll(args);
		ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
			.redirectErrorStream(true)
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
		pb.environment().clear();
		pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
		pb.environment().put("LANG", "C");
		Process p = pb.start();
		long max = this.settings.maxOutputBytes();
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		boolean[] truncated = { false };
		Thread reader = new Thread(() -> {
			byte[] b = new byte[8192];
			try (InputStream in = p.getInputStream()) {
				int n;
				while ((n = in.read(b)) >= 0) {
					int room = (int) Math.max(0, max - buf.size());
					buf.write(b, 0, Math.min(n, room));
					if (n > room) {
						truncated[0] = true;
						destroyTree(p);
						break;
					}
				}
			}
			catch (IOException ex) {
				// the process was destroyed
			}
		}, "clang-output");
		reader.setDaemon(true);
		reader.start();
		boolean finished;
		try {
			finished = p.waitFor(this.settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
			if (!finished) {
				destroyTree(p);
				p.waitFor(5, TimeUnit.SECONDS);
			}
			reader.join(5000);
		}
		catch (InterruptedException ex) {
			destroyTree(p);
			Thread.currentThread().interrupt();
			throw new IOException("interrupted while clang ran", ex);
		}
		boolean cut;
		byte[] bytes;
		synchronized (buf) {
			cut = truncated[0];
			bytes = buf.toByteArray();
		}
		String text = new String(bytes, StandardCharsets.UTF_8);
		return new Run(finished ? p.exitValue() : -1, !finished && !cut, cut, List.of(text.split("\n")));
	}

	/** Destroys {@code p} and every process it started (clang's cc1, if spawned). */
	static void destroyTree(Process p) {
		List<ProcessHandle> all = new ArrayList<>();
		p.toHandle().descendants().forEach(all::add);
		p.destroyForcibly();
		all.forEach(ProcessHandle::destroyForcibly);
	}

	private static String probe(List<String> cmd) {
		try {
			ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
			Process p = pb.start();
			byte[] out = p.getInputStream().readNBytes(4096);
			if (!p.waitFor(10, TimeUnit.SECONDS)) {
				destroyTree(p);
				return null;
			}
			return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private static String firstLine(String s) {
		if (s == null) {
			return null;
		}
		int nl = s.indexOf('\n');
		return (nl < 0 ? s : s.substring(0, nl)).strip();
	}

	private static void deleteTree(Path dir) {
		if (dir == null) {
			return;
		}
		try (Stream<Path> s = Files.walk(dir)) {
			s.sorted(Comparator.reverseOrder()).forEach((f) -> {
				try {
					Files.deleteIfExists(f);
				}
				catch (IOException ex) {
					// best effort
				}
			});
		}
		catch (IOException ex) {
			// best effort
		}
	}

}

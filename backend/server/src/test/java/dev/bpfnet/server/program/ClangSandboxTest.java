package dev.bpfnet.server.program;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import dev.bpfnet.bpf.elf.BpfObject;
import dev.bpfnet.bpf.elf.ElfLoader;
import dev.bpfnet.bpf.verifier.Verifier;
import dev.bpfnet.server.program.ClangSandbox.CompileException;
import dev.bpfnet.server.program.ClangSandbox.Failure;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The clang sandbox with the real clang (skipped with a message when clang is absent) and
 * the hostile inputs of issue 4.
 */
class ClangSandboxTest {

	static final String TC_PROGRAM = """
			#include <bpfnet/tc.h>

			struct {
				__uint(type, BPF_MAP_TYPE_ARRAY);
				__uint(max_entries, 1);
				__type(key, __u32);
				__type(value, __u64);
			} packets SEC(".maps");

			SEC("tcx/ingress")
			int count(struct __sk_buff *skb)
			{
				__u32 key = 0;
				__u64 *n = bpf_map_lookup_elem(&packets, &key);
				if (n)
					__sync_fetch_and_add(n, 1);
				return TCX_PASS;
			}

			char LICENSE[] SEC("license") = "GPL";
			""";

	@TempDir
	Path tmp;

	ClangSandbox sandbox;

	@BeforeEach
	void setUp() {
		this.sandbox = sandbox(Duration.ofSeconds(60), 4 << 20);
	}

	ClangSandbox sandbox(Duration timeout, long maxOutput) {
		return ClangSandbox.create(new ClangSandbox.Settings("clang", timeout, 1L << 30, maxOutput),
				this.tmp.resolve("include"));
	}

	void needClang() {
		Assumptions.assumeTrue(this.sandbox.available(), "clang is not installed: skipping the real-clang tests");
	}

	@Test
	void compilesATcProgramThatLoadsAndVerifies() throws Exception {
		needClang();
		ClangSandbox.Result r = this.sandbox.compile("count.c", TC_PROGRAM);
		BpfObject obj = ElfLoader.load(r.object(), "count.o");
		assertThat(obj.programs()).singleElement().satisfies((p) -> {
			assertThat(p.name()).isEqualTo("count");
			assertThat(p.section()).isEqualTo("tcx/ingress");
			assertThat(Verifier.verify(p.insns(), p.type(), obj.maps()).accepted()).isTrue();
		});
		assertThat(obj.mapIndex("packets")).isGreaterThanOrEqualTo(0);
		assertThat(r.diagnostics()).isEmpty();
	}

	@Test
	void everyLabProgramCompilesWithItsIncludeLineChangedToTheSandboxHeader() throws Exception {
		needClang();
		Path labs = Path.of("../../labs");
		Assumptions.assumeTrue(Files.isDirectory(labs), "no labs folder");
		java.util.List<Path> sources;
		try (Stream<Path> s = Files.walk(labs)) {
			sources = s.filter((p) -> p.toString().endsWith(".c")).sorted().toList();
		}
		assertThat(sources).isNotEmpty();
		for (Path src : sources) {
			String c = Files.readString(src)
				.replace("#include \"../../include/bpfnet_lab.h\"", "#include <bpfnet/tc.h>");
			ClangSandbox.Result r = this.sandbox.compile(src.getFileName().toString(), c);
			BpfObject obj = ElfLoader.load(r.object(), src.getFileName().toString());
			assertThat(obj.programs()).as(src.toString())
				.isNotEmpty()
				.allSatisfy((p) -> assertThat(Verifier.verify(p.insns(), p.type(), obj.maps()).accepted())
					.as(src + " " + p.name())
					.isTrue());
		}
	}

	@Test
	void theTemporaryDirectoryIsDeletedAfterEachCompile() throws Exception {
		needClang();
		Path sysTmp = Path.of(System.getProperty("java.io.tmpdir"));
		long before = countSandboxDirs(sysTmp);
		this.sandbox.compile("a.c", TC_PROGRAM);
		assertThatThrownBy(() -> this.sandbox.compile("b.c", "int f( {")).isInstanceOf(CompileException.class);
		assertThat(countSandboxDirs(sysTmp)).isEqualTo(before);
	}

	private static long countSandboxDirs(Path dir) throws Exception {
		try (Stream<Path> s = Files.list(dir)) {
			return s.filter((p) -> p.getFileName().toString().startsWith("bpfnet-clang-")).count();
		}
	}

	@Test
	void absoluteIncludeIsRefusedWithItsLineBeforeClangRuns() {
		// no clang needed: the lexical check runs first
		CompileException ex = catchThrowableOfType(CompileException.class,
				() -> ClangSandbox.checkIncludes("x.c", "int a;\n  #  include \"/etc/passwd\"\n"));
		assertThat(ex.failure()).isEqualTo(Failure.FORBIDDEN_INCLUDE);
		assertThat(ex.getMessage()).isEqualTo("x.c:2: #include of an absolute path is not allowed");
		assertThat(ex.diagnostics()).singleElement().satisfies((d) -> {
			assertThat(d.line()).isEqualTo(2);
			assertThat(d.column()).isEqualTo(15);
		});
	}

	@Test
	void dotDotIncludeIsRefusedInEverySpelling() {
		for (String src : new String[] { "#include \"../../etc/passwd\"", "#include <bpf/../../../etc/passwd>",
				"%:include <..>", "#include_next \"a/..\"", "#import \"../x.h\"", "#/* c */include \"../x\"",
				"#inc\\\nlude \"../x\"" }) {
			CompileException ex = catchThrowableOfType(CompileException.class,
					() -> ClangSandbox.checkIncludes("x.c", "\n" + src + "\n"));
			assertThat(ex).as(src).isNotNull();
			assertThat(ex.failure()).isEqualTo(Failure.FORBIDDEN_INCLUDE);
			assertThat(ex.diagnostics().get(0).line()).as(src).isEqualTo(2);
		}
	}

	@Test
	void allowedIncludesPassTheLexicalCheck() throws Exception {
		ClangSandbox.checkIncludes("x.c", "#include <bpf/bpf_helpers.h>\n#include \"a..b.h\"\n// #include </etc/x>\n");
	}

	@Test
	void macroBuiltIncludeOfEtcPasswdIsRefusedWithoutShowingIt() throws Exception {
		needClang();
		String src = "#define P </etc/passwd>\n#include P\nint x;\n";
		CompileException ex = catchThrowableOfType(CompileException.class, () -> this.sandbox.compile("m.c", src));
		assertThat(ex.failure()).isEqualTo(Failure.OUTSIDE_FILE);
		assertThat(ex.diagnostics()).isEmpty();
		String passwd = Files.readString(Path.of("/etc/passwd"));
		String firstLine = passwd.lines().findFirst().orElseThrow();
		assertThat(ex.getMessage()).doesNotContain(firstLine).doesNotContain("root");
	}

	@Test
	void stringizedIncludeOfAProcFileIsRefused() throws Exception {
		needClang();
		String src = "#define S(x) #x\n#define F(x) S(x)\n#include F(/proc/self/environ)\n";
		CompileException ex = catchThrowableOfType(CompileException.class, () -> this.sandbox.compile("m.c", src));
		assertThat(ex.failure()).isEqualTo(Failure.OUTSIDE_FILE);
	}

	@Test
	void symlinkedSystemHeadersAreAllowedButNotTheRestOfUsrInclude() throws Exception {
		needClang();
		CompileException ex = catchThrowableOfType(CompileException.class,
				() -> this.sandbox.compile("s.c", "#include <stdio.h>\nint x;\n"));
		assertThat(ex.failure()).isEqualTo(Failure.COMPILE_ERROR);
		assertThat(ex.diagnostics()).first().satisfies((d) -> {
			assertThat(d.line()).isEqualTo(1);
			assertThat(d.message()).contains("'stdio.h' file not found");
		});
	}

	@Test
	void recursiveSelfIncludeEndsWithTheDepthErrorShownSafely() throws Exception {
		needClang();
		CompileException ex = catchThrowableOfType(CompileException.class,
				() -> this.sandbox.compile("self.c", "#include \"self.c\"\nint x;\n"));
		assertThat(ex.failure()).isEqualTo(Failure.COMPILE_ERROR);
		assertThat(ex.diagnostics()).anySatisfy((d) -> {
			assertThat(d.severity()).isEqualTo("error");
			assertThat(d.message()).contains("nested too deeply");
		});
		assertThat(ex.getMessage()).contains("nested too deeply").doesNotContain("/tmp");
	}

	@Test
	void aCompileThatNeverEndsIsStoppedAtTheTimeLimit() throws Exception {
		needClang();
		// 2^40 tokens through the preprocessor, in constant memory: days of work
		StringBuilder src = new StringBuilder("#define B0 +1\n");
		for (int i = 1; i <= 40; i++) {
			src.append("#define B").append(i).append(" B").append(i - 1).append(" B").append(i - 1).append('\n');
		}
		src.append("int v = 0 B40;\n");
		ClangSandbox quick = sandbox(Duration.ofSeconds(2), 4 << 20);
		CompileException ex = catchThrowableOfType(CompileException.class,
				() -> quick.compile("slow.c", src.toString()));
		assertThat(ex.failure()).isEqualTo(Failure.TIMEOUT);
		assertThat(ex.getMessage()).isEqualTo("slow.c: clang did not finish within 2000 ms and was stopped");
		assertThat(ProcessHandle.current().descendants().filter((p) -> p.isAlive())).isEmpty();
	}

	@Test
	void anExplodingMacroHitsTheMemoryLimit() throws Exception {
		needClang();
		Assumptions.assumeTrue(this.sandbox.resourceLimits(), "prlimit is not installed");
		String src = """
				#define A0(x) x x
				#define A1(x) A0(A0(x))
				#define A2(x) A1(A1(x))
				#define A3(x) A2(A2(x))
				#define A4(x) A3(A3(x))
				#define A5(x) A4(A4(x))
				#define A6(x) A5(A5(x))
				int v = 0 A6(A2(+1));
				""";
		ClangSandbox small = ClangSandbox.create(
				new ClangSandbox.Settings("clang", Duration.ofSeconds(60), 256L << 20, 4 << 20),
				this.tmp.resolve("include2"));
		CompileException ex = catchThrowableOfType(CompileException.class, () -> small.compile("boom.c", src));
		assertThat(ex.failure()).isIn(Failure.COMPILE_ERROR, Failure.TIMEOUT);
		if (ex.failure() == Failure.COMPILE_ERROR) {
			assertThat(ex.getMessage()).contains("killed by signal").contains("memory limit 268435456 bytes");
		}
	}

	@Test
	void hugeDiagnosticOutputIsCut() throws Exception {
		needClang();
		StringBuilder src = new StringBuilder();
		for (int i = 0; i < 2000; i++) {
			src.append("int f").append(i).append("(void) { int unused").append(i).append("; return 0; }\n");
		}
		ClangSandbox small = sandbox(Duration.ofSeconds(60), 4096);
		CompileException ex = catchThrowableOfType(CompileException.class,
				() -> small.compile("noisy.c", src.toString()));
		assertThat(ex.failure()).isEqualTo(Failure.OUTPUT_LIMIT);
		assertThat(ex.getMessage()).contains("passed 4096 bytes");
		assertThat(ex.diagnostics()).isNotEmpty().allSatisfy((d) -> assertThat(d.message()).contains("unused"));
		assertThat(ex.diagnostics().size()).isLessThan(100);
	}

	@Test
	void diagnosticsNameTheUsersFileAndLine() throws Exception {
		needClang();
		CompileException ex = catchThrowableOfType(CompileException.class,
				() -> this.sandbox.compile("bad.c", "int ok;\nint f(void) { return undefined_thing; }\n"));
		assertThat(ex.failure()).isEqualTo(Failure.COMPILE_ERROR);
		assertThat(ex.getMessage())
			.isEqualTo("bad.c: compile failed: line 2: use of undeclared identifier 'undefined_thing'");
		assertThat(ex.diagnostics()).first().satisfies((d) -> {
			assertThat(d.line()).isEqualTo(2);
			assertThat(d.column()).isEqualTo(22);
			assertThat(d.severity()).isEqualTo("error");
		});
	}

	@Test
	void diagnosticsLocatedInHeadersAreHiddenAndCounted() throws Exception {
		needClang();
		// redefining a macro of bpf_helpers.h: the note points into the header
		String src = "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n#define SEC(x) x\nint y;\n";
		ClangSandbox.Result r = this.sandbox.compile("w.c", src);
		assertThat(r.diagnostics()).singleElement().satisfies((d) -> {
			assertThat(d.line()).isEqualTo(3);
			assertThat(d.message()).contains("'SEC' macro redefined");
		});
		assertThat(r.hiddenDiagnostics()).isEqualTo(1);
	}

	@Test
	void withoutClangTheErrorNamesTheMissingCompiler() {
		ClangSandbox none = ClangSandbox.create(
				new ClangSandbox.Settings("no-such-clang-bpfnet", Duration.ofSeconds(5), 1L << 30, 4096),
				this.tmp.resolve("include3"));
		assertThat(none.available()).isFalse();
		CompileException ex = catchThrowableOfType(CompileException.class, () -> none.compile("a.c", "int x;"));
		assertThat(ex.failure()).isEqualTo(Failure.NO_COMPILER);
		assertThat(ex.getMessage()).contains("'no-such-clang-bpfnet'").contains("not installed");
	}

	@Test
	void fileNamesAreSanitised() {
		assertThat(ClangSandbox.safeFileName("nat")).isEqualTo("nat.c");
		assertThat(ClangSandbox.safeFileName("../../x.c")).isEqualTo("program.c");
		assertThat(ClangSandbox.safeFileName("/etc/x.c")).isEqualTo("program.c");
		assertThat(ClangSandbox.safeFileName("a b.c")).isEqualTo("program.c");
		assertThat(ClangSandbox.safeFileName(null)).isEqualTo("program.c");
	}

}

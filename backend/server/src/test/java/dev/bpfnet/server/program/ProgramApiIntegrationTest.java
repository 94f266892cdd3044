package dev.bpfnet.server.program;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.bpfnet.bpf.elf.BpfObject;
import dev.bpfnet.bpf.elf.ElfLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

/**
 * {@code /api/programs} in the full application on the real H2 file database: the three
 * upload forms, the committed test objects, hostile C, malformed objects, oversized
 * uploads (each: its precise error and no row stored), and ownership.
 */
@SpringBootTest
@AutoConfigureWebTestClient
class ProgramApiIntegrationTest {

	static final Path OBJECTS = Path.of("../bpf/src/test/resources/bpf");

	static final int MAX_UPLOAD = 64 * 1024;

	@TempDir
	static Path dataDir;

	@DynamicPropertySource
	static void props(DynamicPropertyRegistry r) {
		r.add("bpfnet.data-dir", () -> dataDir.toString());
		r.add("bpfnet.limits.max-upload-bytes", () -> MAX_UPLOAD);
	}

	@Autowired
	WebTestClient anonymous;

	@Autowired
	ProgramService service;

	@Autowired
	ClangSandbox clang;

	WebTestClient alice;

	WebTestClient bob;

	@BeforeEach
	void users() {
		this.alice = this.anonymous.mutateWith(mockUser("alice")).mutateWith(csrf());
		this.bob = this.anonymous.mutateWith(mockUser("bob")).mutateWith(csrf());
	}

	long rows() {
		return this.service.count().block();
	}

	static Stream<String> committedObjects() throws Exception {
		try (Stream<Path> s = Files.list(OBJECTS)) {
			return s.map((p) -> p.getFileName().toString())
				.filter((n) -> n.endsWith(".o") && !n.equals("allowlist_nobtf.o"))
				.sorted()
				.toList()
				.stream();
		}
	}

	WebTestClient.ResponseSpec uploadObject(WebTestClient client, String fileName, byte[] bytes) {
		MultipartBodyBuilder mb = new MultipartBodyBuilder();
		mb.part("file", new ByteArrayResource(bytes) {
			@Override
			public String getFilename() {
				return fileName;
			}
		}).contentType(MediaType.APPLICATION_OCTET_STREAM);
		return client.post()
			.uri("/api/programs")
			.contentType(MediaType.MULTIPART_FORM_DATA)
			.body(BodyInserters.fromMultipartData(mb.build()))
			.exchange();
	}

	@ParameterizedTest
	@MethodSource("committedObjects")
	void everyCommittedObjectIsStoredWithSectionsMapsVerifierAndDisassembly(String file) throws Exception {
		byte[] bytes = Files.readAllBytes(OBJECTS.resolve(file));
		BpfObject expected = ElfLoader.load(bytes, file);
		ProgramView v = uploadObject(this.alice, file, bytes).expectStatus()
			.isCreated()
			.expectHeader()
			.valueMatches("Location", "/api/programs/[A-Za-z0-9_-]{22}")
			.expectBody(ProgramView.class)
			.returnResult()
			.getResponseBody();
		assertThat(v.kind()).isEqualTo("elf");
		assertThat(v.name()).isEqualTo(file.substring(0, file.length() - 2));
		assertThat(v.objectSize()).isEqualTo(bytes.length);
		assertThat(v.programs()).extracting(ProgramAnalyzer.ProgramInfo::section)
			.containsExactlyElementsOf(expected.programs().stream().map((p) -> p.section()).toList());
		assertThat(v.programs()).allSatisfy((p) -> {
			assertThat(p.insns()).isPositive();
			assertThat(p.disassembly()).isNotBlank();
			assertThat(p.verifier().log()).contains("processed");
		});
		assertThat(v.maps()).extracting(ProgramAnalyzer.MapInfo::name)
			.containsExactlyElementsOf(expected.maps().stream().map((m) -> m.name()).toList());
		assertThat(v.verified()).isEqualTo(v.programs().stream().allMatch((p) -> p.verifier().accepted()));

		byte[] downloaded = this.alice.get()
			.uri("/api/programs/{id}/object", v.id())
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.expectHeader()
			.valueEquals("Content-Disposition", "attachment; filename=\"" + file + "\"")
			.expectBody(byte[].class)
			.returnResult()
			.getResponseBody();
		assertThat(downloaded).isEqualTo(bytes);
		assertThat(this.service.object("alice", v.id()).block()).isEqualTo(bytes);
	}

	@Test
	void theCommittedTcObjectsAllPassTheVerifier() throws Exception {
		for (String file : List.of("nat.o", "pod_egress.o", "flow_counter.o", "allowlist.o")) {
			ProgramView v = uploadObject(this.alice, file, Files.readAllBytes(OBJECTS.resolve(file))).expectStatus()
				.isCreated()
				.expectBody(ProgramView.class)
				.returnResult()
				.getResponseBody();
			assertThat(v.verified()).as(file).isTrue();
		}
	}

	@Test
	void assemblyAsTextIsWrappedIntoAnObjectTheLoaderOpens() throws Exception {
		String asm = "r0 = 0\n# pass\nexit\n";
		ProgramView v = this.alice.post()
			.uri("/api/programs?name=pass all&section=tcx/ingress")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue(asm)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(ProgramView.class)
			.returnResult()
			.getResponseBody();
		assertThat(v.kind()).isEqualTo("asm");
		assertThat(v.source()).isEqualTo(asm);
		assertThat(v.verified()).isTrue();
		assertThat(v.programs()).singleElement().satisfies((p) -> {
			assertThat(p.function()).isEqualTo("pass_all");
			assertThat(p.section()).isEqualTo("tcx/ingress");
			assertThat(p.attachType()).isEqualTo("TCX_INGRESS");
			assertThat(p.insns()).isEqualTo(2);
			assertThat(p.disassembly()).contains("r0 = 0").contains("exit");
		});
		byte[] elf = this.service.object("alice", v.id()).block();
		BpfObject obj = ElfLoader.load(elf, "a.o");
		assertThat(obj.license()).isEqualTo("GPL");
		assertThat(obj.program("pass_all").insns()).hasSize(2);
	}

	@Test
	void assemblyErrorsNameLineAndColumnAndStoreNothing() {
		long before = rows();
		this.alice.post()
			.uri("/api/programs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "bad", "kind", "asm", "source", "r0 = 0\nr0 = frob r1\nexit\n"))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://bpfnet.dev/problems/invalid-assembly")
			.jsonPath("$.errors[0].line")
			.isEqualTo(2)
			.jsonPath("$.errors[0].column")
			.isNumber();
		assertThat(rows()).isEqualTo(before);
	}

	@Test
	void anUnknownAsmSectionIsNamed() {
		this.alice.post()
			.uri("/api/programs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "x", "kind", "asm", "source", "r0 = 0\nexit\n", "section", "kprobe/foo"))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].path")
			.isEqualTo("section");
	}

	@Test
	void aProgramTheVerifierRejectsIsStoredAndMarked() {
		ProgramView v = this.alice.post()
			.uri("/api/programs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "no r0", "kind", "asm", "source", "exit\n"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(ProgramView.class)
			.returnResult()
			.getResponseBody();
		assertThat(v.verified()).isFalse();
		assertThat(v.programs()).singleElement().satisfies((p) -> {
			assertThat(p.verifier().accepted()).isFalse();
			assertThat(p.verifier().error()).isEqualTo("R0 !read_ok");
			assertThat(p.verifier().errorInsn()).isEqualTo(0);
			assertThat(p.verifier().log()).contains("R0 !read_ok");
		});
	}

	@Test
	void malformedJsonNamesItsLine() {
		this.alice.post()
			.uri("/api/programs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"name\": \"x\",\n \"kind\": asm}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].line")
			.isEqualTo(2);
	}

	static Stream<byte[]> malformedObjects() throws Exception {
		byte[] nat = Files.readAllBytes(OBJECTS.resolve("nat.o"));
		byte[] badShoff = nat.clone();
		badShoff[0x28] = (byte) 0xff; // e_shoff far past the end
		badShoff[0x2f] = (byte) 0x7f;
		return Stream.of(Arrays.copyOf(nat, 100), "hello, not an ELF file".getBytes(), badShoff,
				Files.readAllBytes(OBJECTS.resolve("allowlist_nobtf.o")));
	}

	@ParameterizedTest
	@MethodSource("malformedObjects")
	void malformedObjectsGet422NamingThePlaceAndStoreNothing(byte[] bytes) {
		long before = rows();
		uploadObject(this.alice, "bad.o", bytes).expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://bpfnet.dev/problems/invalid-object")
			.jsonPath("$.errors[0].path")
			.isEqualTo("file")
			.jsonPath("$.errors[0].message")
			.isNotEmpty();
		assertThat(rows()).isEqualTo(before);
	}

	@Test
	void theLoadersSectionAndOffsetAreNamed() throws Exception {
		byte[] nat = Files.readAllBytes(OBJECTS.resolve("nat.o"));
		uploadObject(this.alice, "short.o", Arrays.copyOf(nat, nat.length - 600)).expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.detail")
			.value((String d) -> assertThat(d).startsWith("short.o: ").containsPattern("offset \\d+"));
		byte[] nobtf = Files.readAllBytes(OBJECTS.resolve("allowlist_nobtf.o"));
		uploadObject(this.alice, "nobtf.o", nobtf).expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].message")
			.value((String m) -> assertThat(m).contains(".maps"));
	}

	@Test
	void oversizedUploadsGet413AndStoreNothing() {
		long before = rows();
		byte[] big = new byte[MAX_UPLOAD + 1];
		big[0] = 0x7f;
		uploadObject(this.alice, "big.o", big).expectStatus()
			.isEqualTo(413)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://bpfnet.dev/problems/too-large")
			.jsonPath("$.detail")
			.value((String d) -> assertThat(d).startsWith("the upload is ").endsWith("; the limit is 65536 bytes"));
		this.alice.post()
			.uri("/api/programs")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("r0 = 0\n".repeat(MAX_UPLOAD / 7 + 1))
			.exchange()
			.expectStatus()
			.isEqualTo(413);
		this.alice.post()
			.uri("/api/programs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "big", "kind", "c", "source", "int x;\n".repeat(MAX_UPLOAD / 7 + 1)))
			.exchange()
			.expectStatus()
			.isEqualTo(413);
		assertThat(rows()).isEqualTo(before);
	}

	@Test
	void cCompiledByClangIsStoredVerified() {
		Assumptions.assumeTrue(this.clang.available(), "clang is not installed: skipping the C upload test");
		ProgramView v = this.alice.post()
			.uri("/api/programs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "counter", "kind", "c", "source", ClangSandboxTest.TC_PROGRAM))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(ProgramView.class)
			.returnResult()
			.getResponseBody();
		assertThat(v.kind()).isEqualTo("c");
		assertThat(v.fileName()).isEqualTo("counter.c");
		assertThat(v.verified()).isTrue();
		assertThat(v.license()).isEqualTo("GPL");
		assertThat(v.programs()).singleElement().satisfies((p) -> {
			assertThat(p.function()).isEqualTo("count");
			assertThat(p.section()).isEqualTo("tcx/ingress");
			assertThat(p.programType()).isEqualTo("SCHED_CLS");
			assertThat(p.attachType()).isEqualTo("TCX_INGRESS");
		});
		assertThat(v.maps()).singleElement().satisfies((m) -> {
			assertThat(m.name()).isEqualTo("packets");
			assertThat(m.type()).isEqualTo("ARRAY");
			assertThat(m.keySize()).isEqualTo(4);
			assertThat(m.valueSize()).isEqualTo(8);
			assertThat(m.maxEntries()).isEqualTo(1);
		});
	}

	static Stream<Arguments> hostileC() {
		return Stream.of(Arguments.of("#include \"/etc/passwd\"\n", "forbidden-include", "1"),
				Arguments.of("int a;\n#include \"../../etc/passwd\"\n", "forbidden-include", "2"),
				Arguments.of("#define P </etc/passwd>\n#include P\n", "forbidden-include", null),
				Arguments.of("#include \"evil.c\"\nint x;\n", "compile-error", "1"));
	}

	@ParameterizedTest
	@MethodSource("hostileC")
	void hostileCGetsItsPreciseErrorAndStoresNothing(String source, String type, String line) throws Exception {
		String[] c = { source, type, line };
		Assumptions.assumeTrue(this.clang.available() || c[2] != null, "clang is not installed");
		long before = rows();
		String body = this.alice.post()
			.uri("/api/programs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "evil", "kind", "c", "source", c[0]))
			.exchange()
			.expectStatus()
			.isEqualTo(this.clang.available() ? 422 : 503)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		if (this.clang.available()) {
			assertThat(body).contains("\"type\":\"https://bpfnet.dev/problems/" + c[1] + "\"");
			if (c[2] != null) {
				assertThat(body).contains("\"line\":" + c[2]);
			}
		}
		String passwd = Files.readString(Path.of("/etc/passwd"));
		assertThat(body).doesNotContain(passwd.lines().findFirst().orElseThrow()).doesNotContain(dataDir.toString());
		assertThat(rows()).isEqualTo(before);
	}

	@Test
	void anotherUsersProgramDoesNotExist() {
		ProgramView v = this.alice.post()
			.uri("/api/programs?name=mine")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("r0 = 0\nexit\n")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(ProgramView.class)
			.returnResult()
			.getResponseBody();
		this.bob.get()
			.uri("/api/programs/{id}", v.id())
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("program '" + v.id() + "' does not exist");
		this.bob.get().uri("/api/programs/{id}/object", v.id()).exchange().expectStatus().isNotFound();
		this.bob.delete().uri("/api/programs/{id}", v.id()).exchange().expectStatus().isNotFound();
		List<ProgramSummary> bobs = this.bob.get()
			.uri("/api/programs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<List<ProgramSummary>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(bobs).extracting(ProgramSummary::id).doesNotContain(v.id());
		assertThat(this.service.object("bob", v.id()).blockOptional()).isEmpty();
		// still there for alice
		this.alice.get().uri("/api/programs/{id}", v.id()).exchange().expectStatus().isOk();
		List<ProgramSummary> alices = this.alice.get()
			.uri("/api/programs")
			.exchange()
			.expectBody(new ParameterizedTypeReference<List<ProgramSummary>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(alices).filteredOn((s) -> s.id().equals(v.id())).singleElement().satisfies((s) -> {
			assertThat(s.name()).isEqualTo("mine");
			assertThat(s.sections()).singleElement().satisfies((sec) -> assertThat(sec.section()).isEqualTo("tc"));
		});
	}

	@Test
	void deleteRemovesTheProgram() {
		ProgramView v = this.alice.post()
			.uri("/api/programs")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("r0 = 2\nexit\n")
			.exchange()
			.expectBody(ProgramView.class)
			.returnResult()
			.getResponseBody();
		long before = rows();
		this.alice.delete().uri("/api/programs/{id}", v.id()).exchange().expectStatus().isNoContent();
		assertThat(rows()).isEqualTo(before - 1);
		this.alice.get().uri("/api/programs/{id}", v.id()).exchange().expectStatus().isNotFound();
		this.alice.delete().uri("/api/programs/{id}", v.id()).exchange().expectStatus().isNotFound();
	}

	@Test
	void malformedIdsAreNotFound() {
		this.alice.get().uri("/api/programs/{id}", "not*an*id*at*all*really!").exchange().expectStatus().isNotFound();
		this.alice.get().uri("/api/programs/{id}", "short").exchange().expectStatus().isNotFound();
	}

	@Test
	void withoutAUserTheApiAnswers401() {
		this.anonymous.get().uri("/api/programs").exchange().expectStatus().isUnauthorized();
	}

}

package dev.bpfnet.server.program;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.bpfnet.server.config.BpfnetProperties;
import dev.bpfnet.server.system.DatabaseConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.r2dbc.test.autoconfigure.AutoConfigureDataR2dbc;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
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
 * The controller slice with small limits ({@code max-program-insns 4}, uploads of 32 KiB,
 * clang stopped after 2 s or 4 KiB of output), on the real H2 file database: each limit
 * answers its problem detail and nothing is stored.
 */
@WebFluxTest(controllers = ProgramController.class)
@AutoConfigureDataR2dbc
@ImportAutoConfiguration(FlywayAutoConfiguration.class)
@EnableConfigurationProperties(BpfnetProperties.class)
@Import({ ProgramConfig.class, ProgramService.class, ProgramStore.class, DatabaseConfig.class })
class ProgramControllerSliceTest {

	@TempDir
	static Path dataDir;

	@DynamicPropertySource
	static void props(DynamicPropertyRegistry r) {
		r.add("bpfnet.data-dir", () -> dataDir.toString());
		r.add("bpfnet.limits.max-program-insns", () -> 4);
		r.add("bpfnet.limits.max-upload-bytes", () -> 32 * 1024);
		r.add("bpfnet.clang.timeout", () -> "2s");
		r.add("bpfnet.clang.max-output-bytes", () -> 4096);
	}

	@Autowired
	WebTestClient anonymous;

	@Autowired
	ProgramService service;

	@Autowired
	ClangSandbox clang;

	WebTestClient alice;

	@BeforeEach
	void user() {
		this.alice = this.anonymous.mutateWith(mockUser("alice")).mutateWith(csrf());
	}

	long rows() {
		return this.service.count().block();
	}

	WebTestClient.ResponseSpec postJson(Map<String, String> body) {
		return this.alice.post()
			.uri("/api/programs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	@Test
	void programOverTheInstructionLimitIs422NamingTheSection() {
		long before = rows();
		postJson(Map.of("name", "five", "kind", "asm", "source", "r0 = 0\nr0 = 1\nr0 = 2\nr0 = 3\nexit\n"))
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://bpfnet.dev/problems/program-too-large")
			.jsonPath("$.errors[0].section")
			.isEqualTo("tc")
			.jsonPath("$.detail")
			.isEqualTo("section tc, function five: 5 instructions, the limit is 4 (bpfnet.limits.max-program-insns)");
		assertThat(rows()).isEqualTo(before);
	}

	@Test
	void objectWithAProgramOverTheLimitIs422() throws Exception {
		long before = rows();
		byte[] nat = Files.readAllBytes(ProgramApiIntegrationTest.OBJECTS.resolve("nat.o"));
		MultipartBodyBuilder mb = new MultipartBodyBuilder();
		mb.part("file", new ByteArrayResource(nat) {
			@Override
			public String getFilename() {
				return "nat.o";
			}
		});
		mb.part("name", "nat");
		this.alice.post()
			.uri("/api/programs")
			.contentType(MediaType.MULTIPART_FORM_DATA)
			.body(BodyInserters.fromMultipartData(mb.build()))
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].section")
			.isNotEmpty()
			.jsonPath("$.errors[0].function")
			.isNotEmpty();
		assertThat(rows()).isEqualTo(before);
	}

	@Test
	void withinTheLimitItIsStored() {
		long before = rows();
		postJson(Map.of("name", "two", "kind", "asm", "source", "r0 = 0\nexit\n")).expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.verified")
			.isEqualTo(true);
		assertThat(rows()).isEqualTo(before + 1);
	}

	@Test
	void aMultipartFileOverTheUploadLimitIs413() {
		long before = rows();
		MultipartBodyBuilder mb = new MultipartBodyBuilder();
		mb.part("file", new ByteArrayResource(new byte[40 * 1024]) {
			@Override
			public String getFilename() {
				return "big.o";
			}
		});
		this.alice.post()
			.uri("/api/programs")
			.contentType(MediaType.MULTIPART_FORM_DATA)
			.body(BodyInserters.fromMultipartData(mb.build()))
			.exchange()
			.expectStatus()
			.isEqualTo(413)
			.expectBody()
			.jsonPath("$.detail")
			.value((String d) -> assertThat(d).endsWith("the limit is 32768 bytes"));
		assertThat(rows()).isEqualTo(before);
	}

	@Test
	void aCompileThatNeverEndsIs422AfterTheTimeout() {
		Assumptions.assumeTrue(this.clang.available(), "clang is not installed");
		long before = rows();
		StringBuilder src = new StringBuilder("#define B0 +1\n");
		for (int i = 1; i <= 40; i++) {
			src.append("#define B").append(i).append(" B").append(i - 1).append(" B").append(i - 1).append('\n');
		}
		src.append("int v = 0 B40;\n");
		postJson(Map.of("name", "slow", "kind", "c", "source", src.toString())).expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://bpfnet.dev/problems/compile-timeout")
			.jsonPath("$.detail")
			.isEqualTo("slow.c: clang did not finish within 2000 ms and was stopped");
		assertThat(rows()).isEqualTo(before);
	}

	@Test
	void hugeDiagnosticsAre422WithTheFirstOnes() {
		Assumptions.assumeTrue(this.clang.available(), "clang is not installed");
		long before = rows();
		StringBuilder src = new StringBuilder();
		for (int i = 0; i < 500; i++) {
			src.append("int f").append(i).append("(void) { int unused").append(i).append("; return 0; }\n");
		}
		postJson(Map.of("name", "noisy", "kind", "c", "source", src.toString())).expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://bpfnet.dev/problems/compile-output-too-large")
			.jsonPath("$.errors[0].line")
			.isEqualTo(1)
			.jsonPath("$.errors[0].message")
			.value((String m) -> assertThat(m).contains("unused0"));
		assertThat(rows()).isEqualTo(before);
	}

	@Test
	void anUnknownKindIsNamed() {
		postJson(Map.of("name", "x", "kind", "rust", "source", "fn main() {}")).expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].path")
			.isEqualTo("kind");
	}

	@Test
	void cWithoutANameIsNamed() {
		postJson(Map.of("kind", "c", "source", "int x;")).expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].path")
			.isEqualTo("name");
	}

}

package dev.bpfnet.server.program;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.bpfnet.server.BpfnetServerApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Programs survive a restart: stored in one application context on the H2 file database,
 * read back byte for byte from a second one on the same data directory.
 */
class ProgramRestartTest {

	@TempDir
	Path dataDir;

	private ConfigurableApplicationContext start() {
		return SpringApplication.run(BpfnetServerApplication.class, "--bpfnet.data-dir=" + this.dataDir,
				"--server.port=0", "--spring.main.banner-mode=off");
	}

	@Test
	void storedProgramsAreReadBackAfterARestart() throws Exception {
		byte[] nat = Files.readAllBytes(ProgramApiIntegrationTest.OBJECTS.resolve("nat.o"));
		ProgramView asm;
		ProgramView elf;
		try (ConfigurableApplicationContext first = start()) {
			ProgramService programs = first.getBean(ProgramService.class);
			asm = programs.uploadAsm("carol", "pass", "r0 = 0\nexit\n", "tcx/egress").block();
			elf = programs.uploadObject("carol", null, "nat.o", nat).block();
		}
		try (ConfigurableApplicationContext second = start()) {
			ProgramService programs = second.getBean(ProgramService.class);
			assertThat(programs.get("carol", asm.id()).block()).isEqualTo(asm);
			ProgramView readElf = programs.get("carol", elf.id()).block();
			assertThat(readElf).isEqualTo(elf);
			assertThat(programs.object("carol", elf.id()).block()).isEqualTo(nat);
			assertThat(programs.list("carol").collectList().block()).extracting(ProgramSummary::id)
				.containsExactlyInAnyOrder(asm.id(), elf.id());
		}
	}

}

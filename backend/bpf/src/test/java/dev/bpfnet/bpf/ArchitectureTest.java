package dev.bpfnet.bpf;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The layering rules of DESIGN.md §2 for the toolchain module. */
class ArchitectureTest {

	static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("dev.bpfnet.bpf");
	}

	@Test
	void toolchainIsPlainJava() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "reactor..", "jakarta.servlet..", "javax.servlet..",
					"io.netty..", "org.reactivestreams..")
			.because("the toolchain is a library usable from the engine, the CLI and tests without a server")
			.check(classes);
	}

	@Test
	void toolchainDoesNotReachUpwards() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.bpfnet.engine..", "dev.bpfnet.server..", "dev.bpfnet.cli..")
			.because("dependencies point one way: server -> engine -> bpf")
			.check(classes);
	}

	@Test
	void packagesHaveNoCycles() {
		slices().matching("dev.bpfnet.bpf.(*)..")
			.should()
			.beFreeOfCycles()
			.because("each toolchain stage must be understandable and testable on its own")
			.check(classes);
	}

}

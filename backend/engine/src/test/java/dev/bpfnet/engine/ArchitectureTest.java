package dev.bpfnet.engine;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The layering rules of DESIGN.md §2 for the engine module. */
class ArchitectureTest {

	static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("dev.bpfnet.engine");
	}

	@Test
	void engineIsPlainJava() {
		noClasses().that()
			.resideInAPackage("dev.bpfnet.engine..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "reactor..", "jakarta.servlet..", "javax.servlet..",
					"io.netty..", "org.reactivestreams..")
			.because("the engine is a library usable from the server, the CLI and tests without a server")
			.allowEmptyShould(true)
			.check(classes);
	}

	@Test
	void engineDoesNotReachUpwards() {
		noClasses().that()
			.resideInAPackage("dev.bpfnet.engine..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.bpfnet.server..", "dev.bpfnet.cli..")
			.because("dependencies point one way: server -> engine -> bpf, cli -> engine -> bpf")
			.allowEmptyShould(true)
			.check(classes);
	}

	@Test
	void packagesHaveNoCycles() {
		slices().matching("dev.bpfnet.engine.(*)..")
			.should()
			.beFreeOfCycles()
			.because("each engine component (sim, cpu, device kinds, qdisc, trace) must be understandable"
					+ " and testable on its own")
			.allowEmptyShould(true)
			.check(classes);
	}

	@Test
	void simulationCoreDependsOnNothingElseInTheEngine() {
		noClasses().that()
			.resideInAPackage("dev.bpfnet.engine.sim..")
			.should()
			.dependOnClassesThat(
					resideInAPackage("dev.bpfnet.engine..").and(not(resideInAPackage("dev.bpfnet.engine.sim.."))))
			.because("the simulation core is the bottom layer every other engine package builds on")
			.allowEmptyShould(true)
			.check(classes);
	}

}

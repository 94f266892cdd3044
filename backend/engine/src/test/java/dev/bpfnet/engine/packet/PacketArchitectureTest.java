package dev.bpfnet.engine.packet;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

class PacketArchitectureTest {

	private final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.bpfnet.engine.packet");

	@Test
	void buildingAndParsingNeverTouchLibpcap() {
		noClasses().that()
			.resideInAPackage("dev.bpfnet.engine.packet..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.pcap4j.core..", "com.sun.jna..")
			.because("crafting and decoding must work without libpcap or a capture device")
			.check(this.classes);
	}

	@Test
	void packetIsALeafOfTheEngine() {
		noClasses().that()
			.resideInAPackage("dev.bpfnet.engine.packet..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.bpfnet.engine.sim..", "dev.bpfnet.engine.topology..", "dev.bpfnet.engine.trace..",
					"dev.bpfnet.engine.cost..", "dev.bpfnet.engine.cpu..", "dev.bpfnet.engine.netns..",
					"dev.bpfnet.engine.qdisc..", "dev.bpfnet.engine.hook..")
			.because("topology and traffic code use packet specs; the reverse would be a cycle")
			.check(this.classes);
	}

}

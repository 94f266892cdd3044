package dev.bpfnet.bpf.load;

import dev.bpfnet.bpf.TestObjects;
import dev.bpfnet.bpf.elf.BpfObject;

/**
 * The C test programs of {@code src/test/c}: freshly built by the Maven build when clang
 * is there ({@code -Dbpfnet.bpf.objects}), else the committed copies.
 */
final class Objects {

	private Objects() {
	}

	static byte[] bytes(String name) {
		return TestObjects.bytes(name);
	}

	static BpfObject load(String name) {
		return TestObjects.load(name);
	}

	static BpfObjectInstance open(String name, int cpus) {
		return BpfObjectInstance.open(load(name), cpus);
	}

}

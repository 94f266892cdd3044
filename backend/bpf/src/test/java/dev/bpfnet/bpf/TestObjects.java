package dev.bpfnet.bpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.bpfnet.bpf.elf.BpfObject;
import dev.bpfnet.bpf.elf.ElfException;
import dev.bpfnet.bpf.elf.ElfLoader;

/**
 * The C test programs of {@code src/test/c}: freshly built by the Maven build when clang
 * is there ({@code -Dbpfnet.bpf.objects}), else the committed copies in {@code /bpf/}.
 */
public final class TestObjects {

	private TestObjects() {
	}

	/** The bytes of {@code name.o}. */
	public static byte[] bytes(String name) {
		String dir = System.getProperty("bpfnet.bpf.objects");
		try {
			if (dir != null) {
				Path fresh = Path.of(dir, name + ".o");
				if (Files.isRegularFile(fresh)) {
					return Files.readAllBytes(fresh);
				}
			}
			try (var in = TestObjects.class.getResourceAsStream("/bpf/" + name + ".o")) {
				if (in == null) {
					throw new IllegalStateException("no test object " + name + ".o");
				}
				return in.readAllBytes();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** {@code name.o} loaded; a load error fails the test with the loader's message. */
	public static BpfObject load(String name) {
		try {
			return ElfLoader.load(bytes(name), name + ".o");
		}
		catch (ElfException ex) {
			throw new AssertionError(name + ".o: " + ex.getMessage(), ex);
		}
	}

}

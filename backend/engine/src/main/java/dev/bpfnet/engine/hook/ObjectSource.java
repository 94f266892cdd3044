package dev.bpfnet.engine.hook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the bytes of a program's ELF object come from: the topology's
 * {@code programs[].object} reference goes in, the object file's bytes come out. The CLI
 * reads files relative to a directory ({@link #directory(Path)}); the server resolves
 * {@code program:<id>} references to stored objects.
 */
@FunctionalInterface
public interface ObjectSource {

	/**
	 * The bytes of the object named {@code objectRef}.
	 * @param objectRef the {@code programs[].object} value
	 * @return the ELF object's bytes
	 * @throws IOException if the object cannot be read (the message names it)
	 */
	byte[] load(String objectRef) throws IOException;

	/**
	 * Objects as files relative to {@code base}.
	 * @param base the directory the references are relative to
	 * @return the source
	 */
	static ObjectSource directory(Path base) {
		Objects.requireNonNull(base, "base");
		return ref -> Files.readAllBytes(base.resolve(ref));
	}

}

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
	 * The referenced file as a path, for readers that need one (libpcap reads capture
	 * files by name: {@code kind: replay} traffic). This default copies the bytes into a
	 * temporary file that is deleted when the JVM exits; {@link #directory(Path)} returns
	 * the file itself.
	 * @param ref a file reference of the document (e.g. {@code traffic[k].file})
	 * @return a readable path with the referenced bytes
	 * @throws IOException if the file cannot be read or copied (the message names it)
	 */
	default Path file(String ref) throws IOException {
		Path tmp = Files.createTempFile("bpfnet-", ".bin");
		tmp.toFile().deleteOnExit();
		Files.write(tmp, load(ref));
		return tmp;
	}

	/**
	 * Objects as files relative to {@code base}.
	 * @param base the directory the references are relative to
	 * @return the source
	 */
	static ObjectSource directory(Path base) {
		Objects.requireNonNull(base, "base");
		return new ObjectSource() {
			@Override
			public byte[] load(String ref) throws IOException {
				return Files.readAllBytes(base.resolve(ref));
			}

			@Override
			public Path file(String ref) {
				return base.resolve(ref);
			}
		};
	}

}

package dev.bpfnet.server.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.bpfnet.engine.lab.Lab;
import dev.bpfnet.engine.lab.LabException;
import dev.bpfnet.engine.lab.LabParser;
import dev.bpfnet.server.config.BpfnetProperties;

import org.springframework.stereotype.Component;

/**
 * The labs of {@code bpfnet.labs-dir}, read once at start-up with the engine's
 * {@link LabParser} (DESIGN.md §7). A lab folder that does not parse is left out and
 * logged with its problems (path, line and column), so one broken lab never stops the
 * server; {@link #problems()} keeps those messages for the API.
 */
@Component
public class LabCatalog {

	private static final Logger log = LoggerFactory.getLogger(LabCatalog.class);

	private final Path root;

	private final Map<String, Lab> labs;

	private final Map<String, String> problems;

	public LabCatalog(BpfnetProperties properties) {
		this.root = properties.labsDir().toAbsolutePath().normalize();
		Map<String, Lab> found = new LinkedHashMap<>();
		Map<String, String> broken = new LinkedHashMap<>();
		if (Files.isDirectory(this.root)) {
			try {
				for (Path dir : LabParser.labDirs(this.root)) {
					try {
						Lab lab = LabParser.parse(dir);
						found.put(lab.id(), lab);
					}
					catch (LabException ex) {
						broken.put(dir.getFileName().toString(), ex.getMessage());
						log.warn("lab {} left out: {}", dir, ex.getMessage());
					}
				}
			}
			catch (IOException ex) {
				log.warn("cannot list labs in {}: {}", this.root, ex.getMessage());
			}
		}
		else {
			log.warn("no labs: {} is not a directory (set bpfnet.labs-dir)", this.root);
		}
		log.info("{} labs from {}", found.size(), this.root);
		this.labs = Collections.unmodifiableMap(found);
		this.problems = Collections.unmodifiableMap(broken);
	}

	/** The labs in folder order. */
	public Collection<Lab> all() {
		return this.labs.values();
	}

	/** The lab with this id (its folder name). */
	public Optional<Lab> find(String id) {
		return Optional.ofNullable(this.labs.get(id));
	}

	/** Lab folders that were left out, with why. */
	public Map<String, String> problems() {
		return this.problems;
	}

	/** The folder the labs were read from. */
	public Path root() {
		return this.root;
	}

}

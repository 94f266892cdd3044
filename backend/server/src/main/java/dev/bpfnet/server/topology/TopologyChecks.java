package dev.bpfnet.server.topology;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bpfnet.engine.topology.Format;
import dev.bpfnet.engine.topology.Problem;
import dev.bpfnet.engine.topology.ProgramRef;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.Traffic;
import dev.bpfnet.engine.topology.TopologyException;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.server.api.ApiException;
import dev.bpfnet.server.api.Bodies;
import dev.bpfnet.server.api.Ids;

import org.springframework.http.HttpStatus;

/**
 * What a topology document must satisfy to be stored: at most the configured size (413),
 * readable and valid by the engine's {@link TopologyParser} (which runs
 * {@code TopologyValidator}), and every {@code programs[i].object} of the form
 * {@code program:<id>} naming a stored program (a user topology cannot name files on the
 * server). Every problem is reported at once, with its path and, when known, line and
 * column (422).
 */
public final class TopologyChecks {

	/** The largest document the database column holds, whatever the configured limit. */
	public static final int COLUMN_CHARS = 1_000_000;

	/** The prefix of a program object reference in a stored topology. */
	public static final String PROGRAM_PREFIX = "program:";

	private TopologyChecks() {
	}

	/** The effective byte limit for a configured {@code maxTopologyBytes}. */
	public static long limit(long configured) {
		return Math.min(configured, COLUMN_CHARS);
	}

	/**
	 * Parses and checks {@code yaml}; throws {@link ApiException} 413 or 422 naming every
	 * problem.
	 */
	public static TopologyDocument check(String yaml, long maxBytes) {
		long bytes = yaml.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > limit(maxBytes)) {
			throw Bodies.tooLarge("the topology document", bytes, limit(maxBytes));
		}
		if (yaml.isBlank()) {
			throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-topology", "Invalid topology", "yaml",
					"expected a topology document, got an empty text");
		}
		TopologyDocument doc;
		try {
			doc = TopologyParser.parse(yaml, Format.YAML);
		}
		catch (TopologyException ex) {
			throw invalid(ex.problems().stream().map(TopologyChecks::error).toList());
		}
		List<Map<String, Object>> errors = new ArrayList<>();
		List<ProgramRef> programs = doc.programs();
		for (int i = 0; i < programs.size(); i++) {
			String object = programs.get(i).object().orElse(null);
			if (object == null) {
				continue;
			}
			String id = object.startsWith(PROGRAM_PREFIX) ? object.substring(PROGRAM_PREFIX.length()) : null;
			if (id == null || !Ids.looksValid(id)) {
				Map<String, Object> e = new LinkedHashMap<>();
				e.put("path", "programs[" + i + "].object");
				e.put("message",
						"expected \"program:<id>\" naming one of your stored programs (POST /api/programs), got \""
								+ abbreviate(object) + "\"; stored topologies cannot name files on the server");
				errors.add(e);
			}
		}
		errors.addAll(serverProblems(doc));
		if (!errors.isEmpty()) {
			throw invalid(errors);
		}
		return doc;
	}

	/**
	 * What a document may hold for the CLI but not on the server: {@code kind: replay}
	 * traffic names a capture file, and the server stores no capture files, so such a run
	 * could only fail when it is built. Each problem names its path.
	 * @param doc a parsed document
	 * @return the problems, empty when the server can run it
	 */
	public static List<Map<String, Object>> serverProblems(TopologyDocument doc) {
		List<Map<String, Object>> errors = new ArrayList<>();
		List<Traffic> traffic = doc.traffic();
		for (int i = 0; i < traffic.size(); i++) {
			if (traffic.get(i) instanceof Traffic.Replay r) {
				Map<String, Object> e = new LinkedHashMap<>();
				e.put("path", "traffic[" + i + "].file");
				e.put("message", "the server stores no capture files, so \"" + abbreviate(r.file())
						+ "\" cannot be replayed here; replay it with the CLI (bpfnet run), or send crafted packets"
						+ " with kind: packet");
				errors.add(e);
			}
		}
		return errors;
	}

	private static String abbreviate(String s) {
		return s.length() <= 80 ? s : s.substring(0, 77) + "...";
	}

	static Map<String, Object> error(Problem p) {
		Map<String, Object> e = new LinkedHashMap<>();
		e.put("path", p.path());
		p.line().ifPresent((l) -> e.put("line", l));
		p.column().ifPresent((c) -> e.put("column", c));
		e.put("message", p.message());
		return e;
	}

	static ApiException invalid(List<Map<String, Object>> errors) {
		String first = errors.get(0).get("path") + ": " + errors.get(0).get("message");
		String detail = errors.size() == 1 ? first : errors.size() + " problems in the topology; the first: " + first;
		return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-topology", "Invalid topology", detail,
				errors);
	}

}

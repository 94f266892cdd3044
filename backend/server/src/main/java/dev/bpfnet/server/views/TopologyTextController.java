package dev.bpfnet.server.views;

import java.util.List;
import java.util.Map;

import dev.bpfnet.server.api.ApiException;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Converts a topology document between YAML text and the JSON tree the editor edits,
 * without interpreting it: keys keep their order, scalars keep their type (a rate stays
 * the string {@code 25Gbit}), nothing is defaulted or validated (that is
 * {@code POST /api/topologies/validate}). So {@code yaml(json(text))} carries exactly the
 * document the user wrote, minus comments and formatting. The same limits as the engine's
 * reader guard it: 1 MiB, nesting depth 32, no YAML aliases.
 */
@RestController
class TopologyTextController {

	static final int MAX_CHARS = 1 << 20;

	private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
		.maxNestingDepth(32)
		.maxStringLength(MAX_CHARS)
		.maxDocumentLength(4L * MAX_CHARS)
		.build();

	private static final YAMLMapper YAML = YAMLMapper
		.builder(YAMLFactory.builder()
			.streamReadConstraints(LIMITS)
			.loadSettings(LoadSettings.builder()
				.setMaxAliasesForCollections(0)
				.setAllowRecursiveKeys(false)
				.setAllowDuplicateKeys(false)
				.setCodePointLimit(MAX_CHARS + 1)
				.build())
			.disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
			.enable(YAMLWriteFeature.MINIMIZE_QUOTES)
			.enable(YAMLWriteFeature.LITERAL_BLOCK_STYLE)
			.build())
		.build();

	private static final JsonMapper JSON = JsonMapper
		.builder(JsonFactory.builder().streamReadConstraints(LIMITS).build())
		.build();

	/** YAML (or JSON) text to the document's JSON tree. */
	@PostMapping(path = "/ui/topology-json", consumes = { "application/yaml", MediaType.TEXT_PLAIN_VALUE },
			produces = MediaType.APPLICATION_JSON_VALUE)
	JsonNode toJson(@RequestBody String text) {
		check(text);
		try {
			refuseAliases(text);
			JsonNode tree = YAML.readTree(text);
			if (tree == null || tree.isMissingNode() || !tree.isObject()) {
				throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-topology", "Invalid topology", "",
						"expected a topology document (a mapping with name and nodes)");
			}
			return tree;
		}
		catch (JacksonException ex) {
			throw unreadable("YAML", ex);
		}
	}

	/** The document's JSON tree to YAML text. */
	@PostMapping(path = "/ui/topology-yaml", consumes = MediaType.APPLICATION_JSON_VALUE, produces = "application/yaml")
	String toYaml(@RequestBody String json) {
		check(json);
		try {
			JsonNode tree = JSON.readTree(json);
			if (tree == null || !tree.isObject()) {
				throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-topology", "Invalid topology", "",
						"expected a JSON object");
			}
			return YAML.writeValueAsString(tree);
		}
		catch (JacksonException ex) {
			throw unreadable("JSON", ex);
		}
	}

	/**
	 * Jackson's streaming YAML parser does not expand aliases ({@code *name}); it reports
	 * them as a scalar, which would silently change the document. Refuse them, as the
	 * engine's reader does.
	 */
	private static void refuseAliases(String text) {
		try (JsonParser parser = YAML.createParser(text)) {
			while (parser.nextToken() != null) {
				if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
					TokenStreamLocation loc = parser.currentTokenLocation();
					String message = "YAML aliases are not supported (write the value out), got *" + parser.getString();
					throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-topology", "Invalid topology",
							message + " (line " + loc.getLineNr() + ")", List.of(Map.of("line", loc.getLineNr(),
									"column", Math.max(loc.getColumnNr(), 1), "message", message)));
				}
			}
		}
	}

	private static void check(String text) {
		if (text.length() > MAX_CHARS) {
			throw ApiException.invalid(HttpStatus.CONTENT_TOO_LARGE, "too-large", "Document too large", "",
					"document too large: " + text.length() + " characters, at most " + MAX_CHARS);
		}
	}

	private static ApiException unreadable(String format, JacksonException ex) {
		TokenStreamLocation loc = ex.getLocation();
		String message = "cannot read " + format + ": " + ex.getOriginalMessage();
		if (loc != null && loc != TokenStreamLocation.NA && loc.getLineNr() > 0) {
			return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-topology", "Invalid topology",
					message + " (line " + loc.getLineNr() + ")", List.of(Map.of("line", loc.getLineNr(), "column",
							Math.max(loc.getColumnNr(), 1), "message", message)));
		}
		return ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-topology", "Invalid topology", "",
				message);
	}

}

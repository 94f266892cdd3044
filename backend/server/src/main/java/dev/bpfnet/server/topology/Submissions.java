package dev.bpfnet.server.topology;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.bpfnet.server.api.ApiException;
import dev.bpfnet.server.api.Bodies;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * A submitted topology: either JSON {@code {"name": ..., "yaml": ...}} or the document
 * itself as {@code application/yaml} (also {@code application/x-yaml}, {@code text/yaml},
 * {@code text/plain}) = import. Bodies are read with the document limit (413).
 *
 * @param name the requested display name, or null
 * @param yaml the document text
 */
public record Submissions(String name, String yaml) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Media types read as a raw YAML document. */
	public static final Set<String> YAML_TYPES = Set.of("application/yaml", "application/x-yaml", "text/yaml",
			"text/x-yaml", "text/plain");

	/** Whether the body was a raw document (an import) rather than JSON. */
	public static boolean isRaw(ServerHttpRequest request) {
		MediaType type = request.getHeaders().getContentType();
		return type != null && YAML_TYPES.contains(type.getType() + "/" + type.getSubtype());
	}

	/** Reads the submission of {@code request}. */
	public static Mono<Submissions> read(ServerHttpRequest request, long maxBytes) {
		MediaType type = request.getHeaders().getContentType();
		if (type == null) {
			return Mono.error(unsupported("no Content-Type"));
		}
		if (isRaw(request)) {
			return Bodies.text(request, maxBytes, "the topology document").map((text) -> new Submissions(null, text));
		}
		if (MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
			// JSON escaping can double the size of a document (newlines, quotes).
			long jsonLimit = 2 * maxBytes + 4096;
			return Bodies.text(request, jsonLimit, "the request body").map(Submissions::fromJson);
		}
		return Mono.error(unsupported("Content-Type " + type));
	}

	private static ApiException unsupported(String got) {
		return new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type",
				"send JSON {\"name\": ..., \"yaml\": ...} as application/json, or the topology document as application/yaml; got "
						+ got,
				List.of());
	}

	static Submissions fromJson(String text) {
		JsonNode node;
		try {
			node = JSON.readTree(text);
		}
		catch (JacksonException ex) {
			String msg = ex.getOriginalMessage();
			var loc = ex.getLocation();
			Map<String, Object> e = (loc != null && loc.getLineNr() > 0)
					? Map.of("line", loc.getLineNr(), "column", loc.getColumnNr(), "message", String.valueOf(msg))
					: Map.of("message", String.valueOf(msg));
			throw new ApiException(HttpStatus.BAD_REQUEST, "invalid-json", "Invalid JSON",
					"the request body is not valid JSON: " + msg, List.of(e));
		}
		if (node == null || !node.isObject()) {
			throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "",
					"expected a JSON object {\"name\": ..., \"yaml\": ...}");
		}
		for (String field : node.propertyNames()) {
			if (!field.equals("name") && !field.equals("yaml")) {
				throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", field,
						"unknown field; expected name and yaml");
			}
		}
		JsonNode yaml = node.get("yaml");
		if (yaml == null || !yaml.isString()) {
			throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "yaml",
					"expected the topology document as a string");
		}
		JsonNode name = node.get("name");
		if (name != null && !name.isNull() && !name.isString()) {
			throw ApiException.invalid(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "name",
					"expected a string");
		}
		return new Submissions((name == null || name.isNull()) ? null : name.asString(), yaml.asString());
	}

}

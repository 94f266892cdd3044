package dev.bpfnet.engine.topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * The document as a tree of mappings, lists and scalars that remembers the line and
 * column of every value, read with Jackson's streaming parser (so YAML and JSON give the
 * same tree). The parser then binds this tree to records with precise problem paths and
 * locations.
 *
 * <p>
 * Limits against hostile input: {@value #MAX_CHARS} characters, nesting depth
 * {@value #MAX_DEPTH}, {@value #MAX_VALUES} values in total; YAML aliases are refused
 * (the streaming parser never expands them, so no alias bomb can grow), and
 * snakeyaml-engine's own alias and code point limits are set as a second line.
 */
final class SourceTree {

	/** Largest accepted document, in characters (1 MiB). */
	static final int MAX_CHARS = 1 << 20;

	/** Deepest accepted nesting of mappings and lists. */
	static final int MAX_DEPTH = 32;

	/** Most values (scalars, mappings, lists) in one document. */
	static final int MAX_VALUES = 200_000;

	private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
		.maxNestingDepth(MAX_DEPTH)
		.maxStringLength(MAX_CHARS)
		.maxNameLength(1024)
		.maxNumberLength(64)
		.maxDocumentLength(4L * MAX_CHARS)
		.build();

	private static final JsonFactory JSON = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();

	private static final YAMLFactory YAML = YAMLFactory.builder()
		.streamReadConstraints(CONSTRAINTS)
		.loadSettings(LoadSettings.builder()
			.setMaxAliasesForCollections(0)
			.setAllowRecursiveKeys(false)
			.setAllowDuplicateKeys(true) // reported by SourceTree with a path instead
			.setCodePointLimit(MAX_CHARS + 1)
			.build())
		.build();

	private SourceTree() {
	}

	/** A value with its source location (1-based; 0 = unknown). */
	sealed interface Src permits Obj, Arr, Scalar {

		int line();

		int column();

	}

	/** A mapping in key order; {@code keys} holds the location of each key. */
	record Obj(Map<String, Src> fields, Map<String, int[]> keys, int line, int column) implements Src {
	}

	/** A list. */
	record Arr(List<Src> items, int line, int column) implements Src {
	}

	/** Scalar kinds as the parser typed them. */
	enum Kind {

		STRING, NUMBER, BOOLEAN, NULL

	}

	/** A scalar and its text as written (numbers and booleans included). */
	record Scalar(String text, Kind kind, int line, int column) implements Src {
	}

	/** Reads {@code text}; returns null and adds problems if it cannot be read. */
	static Src read(String text, Format format, List<Problem> problems) {
		if (text.length() > MAX_CHARS) {
			problems.add(Problem.at("", "document too large: " + text.length() + " characters, at most " + MAX_CHARS));
			return null;
		}
		TokenStreamFactory factory = format == Format.JSON ? JSON : YAML;
		try (JsonParser parser = factory.createParser(ObjectReadContext.empty(), text)) {
			Reader reader = new Reader(parser, problems);
			JsonToken first = parser.nextToken();
			if (first == null) {
				problems
					.add(Problem.at("", "expected a topology document (a mapping with name and nodes), got nothing"));
				return null;
			}
			Src root = reader.value("", 0);
			if (root != null && parser.nextToken() != null) {
				reader.problem("", "expected a single document, found more after line " + root.line(),
						parser.currentTokenLocation());
			}
			return problems.isEmpty() ? root : null;
		}
		catch (JacksonException ex) {
			TokenStreamLocation loc = ex.getLocation();
			problems.add(located("", "cannot read " + format + ": " + ex.getOriginalMessage(), loc));
			return null;
		}
		catch (RuntimeException ex) {
			problems.add(Problem.at("", "cannot read " + format + ": " + ex.getMessage()));
			return null;
		}
	}

	static Problem located(String path, String message, TokenStreamLocation loc) {
		if (loc == null || loc == TokenStreamLocation.NA || loc.getLineNr() <= 0) {
			return Problem.at(path, message);
		}
		return new Problem(path, message, java.util.OptionalInt.of(loc.getLineNr()),
				java.util.OptionalInt.of(Math.max(loc.getColumnNr(), 1)));
	}

	private static final class Reader {

		private final JsonParser parser;

		private final List<Problem> problems;

		private int values;

		Reader(JsonParser parser, List<Problem> problems) {
			this.parser = parser;
			this.problems = problems;
		}

		void problem(String path, String message, TokenStreamLocation loc) {
			this.problems.add(located(path, message, loc));
		}

		/** Reads the value at the current token; leaves the parser on its last token. */
		Src value(String path, int depth) {
			if (++this.values > MAX_VALUES) {
				throw new LimitException("document has more than " + MAX_VALUES + " values");
			}
			TokenStreamLocation loc = this.parser.currentTokenLocation();
			int line = Math.max(loc.getLineNr(), 0);
			int column = Math.max(loc.getColumnNr(), 0);
			if (this.parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
				problem(path, "YAML aliases are not supported (write the value out), got *" + this.parser.getString(),
						loc);
				return new Scalar("", Kind.NULL, line, column);
			}
			JsonToken token = this.parser.currentToken();
			switch (token) {
				case START_OBJECT: {
					Map<String, Src> fields = new LinkedHashMap<>();
					Map<String, int[]> keys = new LinkedHashMap<>();
					while (this.parser.nextToken() == JsonToken.PROPERTY_NAME) {
						String key = this.parser.currentName();
						TokenStreamLocation keyLoc = this.parser.currentTokenLocation();
						String childPath = path.isEmpty() ? key : path + "." + key;
						this.parser.nextToken();
						Src child = value(childPath, depth + 1);
						if (fields.containsKey(key)) {
							problem(childPath, "duplicate key \"" + key + "\"", keyLoc);
						}
						else {
							fields.put(key, child);
							keys.put(key, new int[] { keyLoc.getLineNr(), keyLoc.getColumnNr() });
						}
					}
					return new Obj(Collections.unmodifiableMap(fields), keys, line, column);
				}
				case START_ARRAY: {
					List<Src> items = new ArrayList<>();
					while (this.parser.nextToken() != JsonToken.END_ARRAY) {
						items.add(value(path + "[" + items.size() + "]", depth + 1));
					}
					return new Arr(List.copyOf(items), line, column);
				}
				case VALUE_STRING:
					return new Scalar(this.parser.getString(), Kind.STRING, line, column);
				case VALUE_NUMBER_INT:
				case VALUE_NUMBER_FLOAT:
					return new Scalar(this.parser.getString(), Kind.NUMBER, line, column);
				case VALUE_TRUE:
				case VALUE_FALSE:
					return new Scalar(this.parser.getString(), Kind.BOOLEAN, line, column);
				case VALUE_NULL:
					return new Scalar("", Kind.NULL, line, column);
				default:
					problem(path, "unexpected " + token, loc);
					return new Scalar("", Kind.NULL, line, column);
			}
		}

	}

	/** Thrown when a size limit is exceeded; reported as one problem by {@link #read}. */
	static final class LimitException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		LimitException(String message) {
			super(message);
		}

	}

	/**
	 * The value at {@code path} (as the parser and validator write paths), or the deepest
	 * value on the way there; used to give cross-reference problems a location.
	 */
	static Src locate(Src root, String path) {
		Src current = root;
		int i = 0;
		while (i < path.length() && current != null) {
			char c = path.charAt(i);
			if (c == '.') {
				i++;
				continue;
			}
			if (c == '[') {
				int close = path.indexOf(']', i);
				if (close < 0 || !(current instanceof Arr arr)) {
					return current;
				}
				int index = Integer.parseInt(path.substring(i + 1, close));
				if (index >= arr.items().size()) {
					return current;
				}
				current = arr.items().get(index);
				i = close + 1;
				continue;
			}
			int end = i;
			while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
				end++;
			}
			String key = path.substring(i, end);
			if (!(current instanceof Obj obj) || !obj.fields().containsKey(key)) {
				return current;
			}
			current = obj.fields().get(key);
			i = end;
		}
		return current;
	}

}

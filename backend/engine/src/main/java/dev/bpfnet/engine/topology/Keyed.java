package dev.bpfnet.engine.topology;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** An enum constant with its spelling in the topology document. */
public interface Keyed {

	/**
	 * The spelling in the document, for example {@code fq_codel} or {@code tcx-ingress}.
	 */
	String key();

	/** The constant of {@code type} spelled {@code key}, if any. */
	static <E extends Enum<E> & Keyed> Optional<E> fromKey(Class<E> type, String key) {
		return Arrays.stream(type.getEnumConstants()).filter(e -> e.key().equals(key)).findFirst();
	}

	/** The accepted spellings, joined with {@code |}. */
	static <E extends Enum<E> & Keyed> String keys(Class<E> type) {
		return Arrays.stream(type.getEnumConstants()).map(Keyed::key).collect(Collectors.joining("|"));
	}

}

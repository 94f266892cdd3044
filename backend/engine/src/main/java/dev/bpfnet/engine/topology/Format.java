package dev.bpfnet.engine.topology;

/** Text formats of the topology document. */
public enum Format {

	/** YAML 1.2 (the hand-written form). */
	YAML,
	/** JSON (what the server and UI exchange). */
	JSON

}

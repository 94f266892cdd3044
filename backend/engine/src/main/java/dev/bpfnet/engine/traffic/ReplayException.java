package dev.bpfnet.engine.traffic;

/**
 * A capture file that cannot be replayed. The message names the file and, where it
 * applies, the frame index, the link type or the limit
 * ({@code x.pcap: frame 3: captured 64 of 1514 bytes (snaplen 64)}).
 */
public class ReplayException extends IllegalArgumentException {

	public ReplayException(String message) {
		super(message);
	}

	public ReplayException(String message, Throwable cause) {
		super(message, cause);
	}

}

package dev.bpfnet.engine.capture;

/**
 * A capture file that cannot be written or read, or a replay that cannot be prepared. The
 * message names the file and, where it applies, the frame index, the link type or the
 * field ({@code x.pcap: frame 3: captured 64 of 1514 bytes (snaplen 64)}).
 */
public class CaptureException extends IllegalArgumentException {

	public CaptureException(String message) {
		super(message);
	}

	public CaptureException(String message, Throwable cause) {
		super(message, cause);
	}

}

package dev.bpfnet.server.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Reads request bodies with a byte limit: a declared {@code Content-Length} over the
 * limit is refused before anything is read, and a streamed body is cut off as soon as it
 * passes the limit; both answer 413 with the limit in the detail. Text must be UTF-8.
 */
public final class Bodies {

	private Bodies() {
	}

	/** The whole body as UTF-8 text, at most {@code maxBytes} bytes. */
	public static Mono<String> text(ServerHttpRequest request, long maxBytes, String what) {
		long declared = request.getHeaders().getContentLength();
		if (declared > maxBytes) {
			return Mono.error(tooLarge(what, declared, maxBytes));
		}
		int limit = (int) Math.min(maxBytes, Integer.MAX_VALUE - 8);
		return DataBufferUtils.join(request.getBody(), limit).map((buffer) -> {
			try {
				ByteBuffer bytes = ByteBuffer.allocate(buffer.readableByteCount());
				buffer.toByteBuffer(bytes);
				return StandardCharsets.UTF_8.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(bytes)
					.toString();
			}
			catch (CharacterCodingException ex) {
				throw new ApiException(HttpStatus.BAD_REQUEST, "bad-encoding", "Not UTF-8",
						what + " is not valid UTF-8 text", List.of());
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}).defaultIfEmpty("").onErrorMap(DataBufferLimitException.class, (ex) -> tooLarge(what, -1, maxBytes));
	}

	/**
	 * 413 for a body of {@code size} bytes ({@code -1} = unknown, streamed) over the
	 * limit.
	 */
	public static ApiException tooLarge(String what, long size, long maxBytes) {
		String detail = what + (size >= 0 ? " is " + size + " bytes" : " is larger than " + maxBytes + " bytes")
				+ "; the limit is " + maxBytes + " bytes";
		return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "too-large", "Content too large", detail,
				List.of(java.util.Map.of("message", detail, "limit", maxBytes)));
	}

}

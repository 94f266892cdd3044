package dev.bpfnet.server.program;

import dev.bpfnet.server.config.BpfnetProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.codec.multipart.DefaultPartHttpMessageReader;
import org.springframework.http.codec.multipart.MultipartHttpMessageReader;

/**
 * The program side's beans: the clang sandbox (probed once at start-up, its state
 * logged), the analyzer, the bounded scheduler for uploads, and the multipart limits.
 */
@Configuration(proxyBeanMethods = false)
public class ProgramConfig {

	private static final Log log = LogFactory.getLog(ProgramConfig.class);

	/** Uploads analysed at once (clang, loader, verifier). */
	static final int WORKERS = 2;

	/** Uploads waiting beyond the workers before the server answers 429. */
	static final int QUEUE = 32;

	@Bean
	ClangSandbox clangSandbox(BpfnetProperties properties) {
		BpfnetProperties.Clang c = properties.clang();
		ClangSandbox sandbox = ClangSandbox.create(
				new ClangSandbox.Settings(c.command(), c.timeout(), c.maxMemoryBytes(), c.maxOutputBytes()),
				properties.dataDir().resolve("clang-include"));
		if (sandbox.available()) {
			log.info("C uploads: " + sandbox.clangVersion() + "; network isolation: " + sandbox.networkIsolation()
					+ "; prlimit: " + (sandbox.resourceLimits() ? "yes" : "NOT INSTALLED (no memory limit)")
					+ "; include root " + sandbox.includeRoot() + " -> " + sandbox.allowedRoots());
		}
		else {
			log.warn("C uploads are disabled: '" + c.command() + "' is not installed");
		}
		return sandbox;
	}

	@Bean
	ProgramAnalyzer programAnalyzer(BpfnetProperties properties) {
		return new ProgramAnalyzer(properties.limits().maxProgramInsns());
	}

	@Bean(destroyMethod = "dispose")
	Scheduler programScheduler() {
		return Schedulers.newBoundedElastic(WORKERS, QUEUE, "bpfnet-programs");
	}

	/**
	 * Multipart parts are capped at {@code bpfnet.limits.max-upload-bytes} on disk and in
	 * memory (Spring's default lets a part grow on disk without bound). Ordered last, so
	 * it wins over Boot's {@code spring.webflux.multipart.*} customizer.
	 */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	CodecCustomizer programUploadCodecs(BpfnetProperties properties) {
		long max = properties.limits().maxUploadBytes();
		return (configurer) -> {
			DefaultPartHttpMessageReader parts = new DefaultPartHttpMessageReader();
			parts.setMaxInMemorySize((int) Math.min(max, 256 * 1024));
			parts.setMaxDiskUsagePerPart(max);
			parts.setMaxParts(16);
			configurer.defaultCodecs().multipartReader(new MultipartHttpMessageReader(parts));
		};
	}

}

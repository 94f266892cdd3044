package dev.bpfnet.server.run;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.bpfnet.server.config.BpfnetProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Lab visitors' runs expire: every minute (or a tenth of the TTL, if shorter) the runs of
 * visitors ({@code security.Visitors}) older than {@code bpfnet.limits.anonymous-run-ttl}
 * are deleted with their trace files ({@link RunService#deleteVisitorRunsBefore}). The
 * visitor's cookie stops being accepted at the same age, so an expired visitor sees
 * neither its runs nor an error other than "log in".
 */
@Component
class VisitorRunExpiry implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(VisitorRunExpiry.class);

	private final RunService runs;

	private final Duration ttl;

	private final Clock clock;

	private ScheduledExecutorService timer;

	VisitorRunExpiry(RunService runs, BpfnetProperties properties) {
		this.runs = runs;
		this.ttl = properties.limits().anonymousRunTtl();
		this.clock = Clock.systemUTC();
	}

	/** Deletes the visitors' runs older than the TTL now; returns how many. */
	int sweep() {
		int n = this.runs.deleteVisitorRunsBefore(this.clock.instant().minus(this.ttl));
		if (n > 0) {
			log.info("deleted {} expired lab-visitor run(s)", n);
		}
		return n;
	}

	@Override
	public synchronized void start() {
		long period = Math.max(1, Math.min(60, this.ttl.toSeconds() / 10));
		this.timer = Executors.newSingleThreadScheduledExecutor((r) -> {
			Thread t = new Thread(r, "bpfnet-visitor-expiry");
			t.setDaemon(true);
			return t;
		});
		this.timer.scheduleWithFixedDelay(() -> {
			try {
				sweep();
			}
			catch (RuntimeException ex) {
				log.warn("expiring lab-visitor runs failed; next try in {} s", period, ex);
			}
		}, period, period, TimeUnit.SECONDS);
	}

	@Override
	public synchronized void stop() {
		if (this.timer != null) {
			this.timer.shutdownNow();
			this.timer = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.timer != null;
	}

}

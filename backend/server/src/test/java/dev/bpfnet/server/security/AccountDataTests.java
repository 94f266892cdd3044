package dev.bpfnet.server.security;

import java.nio.file.Path;

import dev.bpfnet.server.TestUsers;
import dev.bpfnet.server.api.ApiException;
import dev.bpfnet.server.config.BpfnetProperties;
import dev.bpfnet.server.system.DatabaseConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.r2dbc.test.autoconfigure.DataR2dbcTest;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accounts and API tokens on the real H2 file database: what is stored is never usable.
 */
@DataR2dbcTest
@ImportAutoConfiguration(FlywayAutoConfiguration.class)
@EnableConfigurationProperties(BpfnetProperties.class)
@Import({ DatabaseConfig.class, UserAccounts.class, ApiTokens.class, PasswordConfig.class, SimpleMeterRegistry.class })
class AccountDataTests {

	static final Path DATA_DIR = TestUsers.newDataDir();

	@DynamicPropertySource
	static void dataDir(DynamicPropertyRegistry registry) {
		registry.add("bpfnet.data-dir", DATA_DIR::toString);
	}

	@Autowired
	UserAccounts users;

	@Autowired
	ApiTokens tokens;

	@Autowired
	PasswordEncoder encoder;

	@Autowired
	DatabaseClient db;

	@Test
	void passwordsAreStoredAsBcryptStrength12() {
		this.users.register("a-user", TestUsers.PASSWORD).block();
		String hash = this.db.sql("SELECT password_hash FROM users WHERE username = 'a-user'")
			.map((r) -> r.get("password_hash", String.class))
			.one()
			.block();
		assertThat(hash).startsWith("{bcrypt}$2a$12$").doesNotContain(TestUsers.PASSWORD);
		assertThat(this.encoder.matches(TestUsers.PASSWORD, hash)).isTrue();
		StepVerifier.create(this.users.register("a-user", TestUsers.PASSWORD))
			.expectErrorSatisfies((e) -> assertThat(((ApiException) e).status()).isEqualTo(HttpStatus.CONFLICT))
			.verify();
		StepVerifier.create(this.users.findByUsername("a-user"))
			.assertNext((u) -> assertThat(u.getPassword()).isEqualTo(hash))
			.verifyComplete();
		StepVerifier.create(this.users.findByUsername("nobody")).verifyComplete();
	}

	@Test
	void overlongPasswordsAreRefusedNotTruncated() {
		StepVerifier.create(this.users.register("a-long", "x".repeat(73)))
			.expectErrorSatisfies((e) -> assertThat(((ApiException) e).errors()).singleElement()
				.satisfies((m) -> assertThat(m).containsEntry("path", "password")))
			.verify();
	}

	@Test
	void tokensAreStoredAsSha256AndLookedUpByHash() {
		ApiTokens.NewToken t = this.tokens.create("a-owner", "ci").block();
		assertThat(t.token()).startsWith(ApiTokens.PREFIX).hasSize(ApiTokens.PREFIX.length() + 43);
		String stored = this.db.sql("SELECT token_hash FROM api_tokens WHERE id = :id")
			.bind("id", t.id())
			.map((r) -> r.get("token_hash", String.class))
			.one()
			.block();
		assertThat(stored).isEqualTo(ApiTokens.sha256(t.token())).hasSize(64).doesNotContain(t.token());
		StepVerifier.create(this.tokens.authenticate(t.token())).expectNext("a-owner").verifyComplete();
		StepVerifier.create(this.tokens.authenticate(stored)).verifyComplete();
		StepVerifier
			.create(this.tokens
				.authenticate(t.token().substring(0, t.token().length() - 1) + (t.token().endsWith("A") ? "B" : "A")))
			.verifyComplete();
		StepVerifier.create(this.tokens.delete("a-intruder", t.id()))
			.expectErrorSatisfies((e) -> assertThat(((ApiException) e).status()).isEqualTo(HttpStatus.NOT_FOUND))
			.verify();
		StepVerifier.create(this.tokens.authenticate(t.token())).expectNext("a-owner").verifyComplete();
		this.tokens.delete("a-owner", t.id()).block();
		StepVerifier.create(this.tokens.authenticate(t.token())).verifyComplete();
	}

}

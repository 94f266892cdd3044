package dev.bpfnet.server.topology;

import java.nio.file.Path;

import dev.bpfnet.server.TestUsers;
import dev.bpfnet.server.api.ApiException;
import dev.bpfnet.server.config.BpfnetProperties;
import dev.bpfnet.server.share.ShareService;
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
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The topology and share stores on the real H2 file database ({@code @DataR2dbcTest} with
 * the application's database configuration and Flyway migrations).
 */
@DataR2dbcTest
@ImportAutoConfiguration(FlywayAutoConfiguration.class)
@EnableConfigurationProperties(BpfnetProperties.class)
@Import({ DatabaseConfig.class, TopologyService.class, ShareService.class, SimpleMeterRegistry.class })
class TopologyServiceDataTests {

	static final Path DATA_DIR = TestUsers.newDataDir();

	@DynamicPropertySource
	static void dataDir(DynamicPropertyRegistry registry) {
		registry.add("bpfnet.data-dir", DATA_DIR::toString);
	}

	@Autowired
	TopologyService topologies;

	@Autowired
	ShareService shares;

	@Autowired
	DatabaseClient db;

	final String veth = TestUsers.resource("topologies/pod-egress-veth.yaml");

	long count(String sql, String id) {
		return this.db.sql(sql).bind("id", id).map((r) -> r.get("n", Long.class)).one().block();
	}

	@Test
	void versionsAreNumberedAndImmutable() {
		TopologyService.Meta m = this.topologies.create("d-owner", null, this.veth, "create").block();
		String v2 = this.veth.replace("seed: 42", "seed: 2");
		String v3 = this.veth.replace("seed: 42", "seed: 3");
		this.topologies.update("d-owner", m.id(), null, v2).block();
		TopologyService.Meta after = this.topologies.update("d-owner", m.id(), "renamed", v3).block();
		assertThat(after.latestVersion()).isEqualTo(3);
		assertThat(after.name()).isEqualTo("renamed");
		StepVerifier.create(this.topologies.find("d-owner", m.id(), 1))
			.assertNext((t) -> assertThat(t.yaml()).isEqualTo(this.veth))
			.verifyComplete();
		StepVerifier.create(this.topologies.find("d-owner", m.id(), 2))
			.assertNext((t) -> assertThat(t.yaml()).isEqualTo(v2))
			.verifyComplete();
		StepVerifier.create(this.topologies.latest("d-owner", m.id()))
			.assertNext((t) -> assertThat(t).isEqualTo(new StoredTopology(m.id(), 3, "d-owner", "renamed", v3)))
			.verifyComplete();
		StepVerifier.create(this.topologies.versions("d-owner", m.id()).map(TopologyService.VersionInfo::version))
			.expectNext(1, 2, 3)
			.verifyComplete();
	}

	@Test
	void anotherOwnerSeesNothing() {
		TopologyService.Meta m = this.topologies.create("d-a", null, this.veth, "create").block();
		StepVerifier.create(this.topologies.latest("d-b", m.id())).verifyComplete();
		StepVerifier.create(this.topologies.find("d-b", m.id(), 1)).verifyComplete();
		StepVerifier.create(this.topologies.update("d-b", m.id(), null, this.veth))
			.expectErrorSatisfies((e) -> assertThat(((ApiException) e).status()).isEqualTo(HttpStatus.NOT_FOUND))
			.verify();
		StepVerifier.create(this.topologies.delete("d-b", m.id()))
			.expectErrorSatisfies((e) -> assertThat(((ApiException) e).status()).isEqualTo(HttpStatus.NOT_FOUND))
			.verify();
		StepVerifier.create(this.topologies.latest("d-a", m.id())).expectNextCount(1).verifyComplete();
	}

	@Test
	void anInvalidUpdateStoresNothing() {
		TopologyService.Meta m = this.topologies.create("d-c", null, this.veth, "create").block();
		StepVerifier.create(this.topologies.update("d-c", m.id(), null, "name: x\nnodes: []\nwires: 3\n"))
			.expectErrorSatisfies(
					(e) -> assertThat(((ApiException) e).status()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT))
			.verify();
		assertThat(count("SELECT COUNT(*) AS n FROM topology_versions WHERE topology_id = :id", m.id())).isEqualTo(1);
		assertThat(this.topologies.meta("d-c", m.id()).block().latestVersion()).isEqualTo(1);
	}

	@Test
	void deleteRemovesVersionsAndShares() {
		TopologyService.Meta m = this.topologies.create("d-d", null, this.veth, "create").block();
		ShareService.NewShare share = this.shares.create("d-d", m.id(), null).block();
		StepVerifier.create(this.shares.topology(share.token())).expectNextCount(1).verifyComplete();
		this.topologies.delete("d-d", m.id()).block();
		assertThat(count("SELECT COUNT(*) AS n FROM topology_versions WHERE topology_id = :id", m.id())).isZero();
		assertThat(count("SELECT COUNT(*) AS n FROM shares WHERE topology_id = :id", m.id())).isZero();
		StepVerifier.create(this.shares.resolve(share.token())).expectError(ApiException.class).verify();
	}

	@Test
	void sharesArePinnedAndRevocable() {
		TopologyService.Meta m = this.topologies.create("d-e", null, this.veth, "create").block();
		ShareService.NewShare first = this.shares.create("d-e", m.id(), null).block();
		this.topologies.update("d-e", m.id(), null, this.veth.replace("seed: 42", "seed: 9")).block();
		ShareService.NewShare pinnedToOne = this.shares.create("d-e", m.id(), 1).block();
		assertThat(first.version()).isEqualTo(1);
		assertThat(pinnedToOne.version()).isEqualTo(1);
		assertThat(first.token()).isNotEqualTo(pinnedToOne.token());
		StepVerifier.create(this.shares.topology(first.token()).map(StoredTopology::version))
			.expectNext(1)
			.verifyComplete();
		StepVerifier.create(this.shares.revoke("d-other", first.token()))
			.expectErrorSatisfies((e) -> assertThat(((ApiException) e).status()).isEqualTo(HttpStatus.FORBIDDEN))
			.verify();
		this.shares.revoke("d-e", first.token()).block();
		StepVerifier.create(this.shares.topology(first.token()))
			.expectErrorSatisfies((e) -> assertThat(((ApiException) e).status()).isEqualTo(HttpStatus.NOT_FOUND))
			.verify();
		StepVerifier.create(this.shares.topology(pinnedToOne.token())).expectNextCount(1).verifyComplete();
		StepVerifier.create(this.shares.list("d-e", m.id()).filter((s) -> s.revokedAt() != null))
			.expectNextCount(1)
			.verifyComplete();
	}

}

-- Accounts, personal API tokens, topologies with immutable versions, and shares.
-- Owned tables carry owner VARCHAR(64) without a foreign key to users (see the server contract).

CREATE TABLE users (
	username      VARCHAR(64)  NOT NULL PRIMARY KEY,
	-- {bcrypt}$2a$12$...: DelegatingPasswordEncoder id + BCrypt (strength 12)
	password_hash VARCHAR(200) NOT NULL,
	created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE api_tokens (
	id           VARCHAR(32)  NOT NULL PRIMARY KEY,
	owner        VARCHAR(64)  NOT NULL,
	name         VARCHAR(100) NOT NULL,
	-- lowercase hex SHA-256 of the token; the token itself is shown once and never stored
	token_hash   CHAR(64)     NOT NULL,
	created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
	last_used_at TIMESTAMP WITH TIME ZONE,
	CONSTRAINT api_tokens_hash UNIQUE (token_hash)
);
CREATE INDEX api_tokens_owner ON api_tokens (owner);

CREATE TABLE topologies (
	id                  VARCHAR(32)  NOT NULL PRIMARY KEY,
	owner               VARCHAR(64)  NOT NULL,
	name                VARCHAR(200) NOT NULL,
	latest_version      INT          NOT NULL,
	forked_from         VARCHAR(32),
	forked_from_version INT,
	created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
	updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX topologies_owner ON topologies (owner, updated_at);

-- Immutable: a row is inserted once and never updated, so a run can always name the exact
-- document it ran. Deleting a topology deletes its versions.
CREATE TABLE topology_versions (
	topology_id VARCHAR(32)     NOT NULL,
	version     INT             NOT NULL,
	yaml        VARCHAR(1000000) NOT NULL,
	created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (topology_id, version),
	CONSTRAINT topology_versions_topology FOREIGN KEY (topology_id) REFERENCES topologies (id) ON DELETE CASCADE
);

-- A share names one version of a topology (the latest at share time unless another was asked for).
CREATE TABLE shares (
	id          VARCHAR(32) NOT NULL PRIMARY KEY,
	-- lowercase hex SHA-256 of the share token; looked up by hash, the token is never stored
	token_hash  CHAR(64)    NOT NULL,
	topology_id VARCHAR(32) NOT NULL,
	version     INT         NOT NULL,
	owner       VARCHAR(64) NOT NULL,
	created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
	revoked_at  TIMESTAMP WITH TIME ZONE,
	CONSTRAINT shares_hash UNIQUE (token_hash),
	CONSTRAINT shares_topology FOREIGN KEY (topology_id) REFERENCES topologies (id) ON DELETE CASCADE
);
CREATE INDEX shares_topology ON shares (topology_id);

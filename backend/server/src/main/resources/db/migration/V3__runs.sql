-- Runs (issue 4, "runs" helper): one row per run; the recorded trace is a gzip file under
-- <bpfnet.data-dir>/runs/<id>.trace.gz named by trace_file (NULL once deleted by retention).
CREATE TABLE runs (
    id                VARCHAR(32)   PRIMARY KEY,
    owner             VARCHAR(64)   NOT NULL,
    topology_id       VARCHAR(32),
    topology_version  INT,
    topology_name     VARCHAR(200)  NOT NULL,
    seed              BIGINT        NOT NULL,
    duration_ns       BIGINT        NOT NULL,
    params            VARCHAR(100000) NOT NULL,
    status            VARCHAR(16)   NOT NULL,
    reason            VARCHAR(2000),
    run_limit         VARCHAR(32),
    simulated_ns      BIGINT        NOT NULL DEFAULT 0,
    events            BIGINT        NOT NULL DEFAULT 0,
    trace_events      BIGINT        NOT NULL DEFAULT 0,
    created_at        TIMESTAMP     NOT NULL,
    started_at        TIMESTAMP,
    ended_at          TIMESTAMP,
    summary           VARCHAR(1000000),
    names             VARCHAR(1000000),
    trace_file        VARCHAR(200)
);
CREATE INDEX runs_owner_created ON runs (owner, created_at);
CREATE INDEX runs_status ON runs (status);

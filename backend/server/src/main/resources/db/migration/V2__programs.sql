-- Uploaded eBPF programs (owned by helper "programs"). Every stored program is an ELF object
-- (assembly is wrapped into a minimal one); the verifier results, disassembly, sections and
-- maps are kept as one JSON document (analysis) computed once at upload.
CREATE TABLE programs (
    id          VARCHAR(32)      NOT NULL PRIMARY KEY,
    owner       VARCHAR(64)      NOT NULL,
    name        VARCHAR(128)     NOT NULL,
    kind        VARCHAR(8)       NOT NULL,   -- elf, asm, c
    file_name   VARCHAR(128)     NOT NULL,
    source      CHARACTER VARYING,           -- asm or C text; NULL for uploaded objects
    object      BINARY VARYING   NOT NULL,   -- the ELF object
    object_size INTEGER          NOT NULL,
    sha256      CHAR(64)         NOT NULL,
    verified    BOOLEAN          NOT NULL,   -- every program passed the verifier
    analysis    CHARACTER VARYING NOT NULL,  -- JSON: license, programs (verifier, disassembly), maps, diagnostics
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX programs_owner_created ON programs (owner, created_at);

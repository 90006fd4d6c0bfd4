-- The asset registry: the platform CA, enrollment tokens, agents and versioned configuration.
-- Runs with search_path = asset, public.

-- The one platform CA. The private key is AES-256-GCM encrypted under Asset:CaKeyEncryptionKey.
CREATE TABLE certificate_authority (
    id              smallint PRIMARY KEY CHECK (id = 1),
    certificate_der bytea       NOT NULL,
    key_nonce       bytea       NOT NULL,
    key_ciphertext  bytea       NOT NULL,
    key_tag         bytea       NOT NULL,
    created_at      timestamptz NOT NULL
);

CREATE TABLE enrollment_tokens (
    token_id      text        PRIMARY KEY,
    secret_sha256 bytea       NOT NULL UNIQUE,
    description   text        NOT NULL,
    expires_at    timestamptz NOT NULL,
    max_uses      integer     NOT NULL CHECK (max_uses >= 0),
    uses          integer     NOT NULL DEFAULT 0,
    labels        jsonb       NOT NULL DEFAULT '{}',
    revoked       boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    created_by    text        NOT NULL
);

CREATE TABLE agents (
    agent_id                 text COLLATE "C" PRIMARY KEY,
    hostname                 text COLLATE "C" NOT NULL,
    addresses                text[]      NOT NULL DEFAULT '{}',
    -- lower(hostname) and addresses, newline separated: what ListAgents' search matches.
    search_text              text        NOT NULL DEFAULT '',
    labels                   jsonb       NOT NULL DEFAULT '{}',
    agent_version            text        NOT NULL DEFAULT '',
    os_version               text        NOT NULL DEFAULT '',
    enrollment_token_id      text        REFERENCES enrollment_tokens (token_id),
    certificate_serial       text        NOT NULL,
    certificate_expires_at   timestamptz NOT NULL,
    first_seen               timestamptz NOT NULL,
    last_seen                timestamptz,
    -- The state last announced to watchers (1 online, 2 offline, 3 decommissioned); the state callers see
    -- is derived from last_seen when they read.
    announced_state          smallint    NOT NULL DEFAULT 2,
    decommissioned_at        timestamptz,
    decommission_reason      text,
    committed_sequence       bigint      NOT NULL DEFAULT 0,
    applied_config_version   bigint      NOT NULL DEFAULT 0,
    config_status_version    bigint      NOT NULL DEFAULT 0,
    config_status_applied    boolean     NOT NULL DEFAULT false,
    config_rejection_reason  text        NOT NULL DEFAULT '',
    updated_at               timestamptz NOT NULL
);

CREATE INDEX agents_hostname_id ON agents (hostname, agent_id);
CREATE INDEX agents_labels ON agents USING gin (labels jsonb_path_ops);
CREATE INDEX agents_online ON agents (last_seen) WHERE announced_state = 1;

-- Every configuration version of every document takes its number from one sequence, so an agent's
-- effective version (the highest among the documents that apply to it) grows with every change.
CREATE SEQUENCE config_version_seq;

CREATE TABLE configs (
    config_id       text        PRIMARY KEY,
    -- Exactly one of the two.
    target_agent_id text,
    target_selector text,
    current_version bigint      NOT NULL,
    created_at      timestamptz NOT NULL,
    created_order   bigserial   NOT NULL,
    CHECK ((target_agent_id IS NULL) <> (target_selector IS NULL))
);

CREATE UNIQUE INDEX configs_agent ON configs (target_agent_id) WHERE target_agent_id IS NOT NULL;

CREATE TABLE config_versions (
    config_id  text        NOT NULL REFERENCES configs (config_id),
    version    bigint      NOT NULL,
    document   text        NOT NULL,
    author     text        NOT NULL,
    comment    text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    PRIMARY KEY (config_id, version)
);

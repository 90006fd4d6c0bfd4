-- Users, refresh-token families, API keys and custom roles of the auth role.
CREATE TABLE users (
    username text PRIMARY KEY,
    password_hash text NOT NULL,
    roles text[] NOT NULL,
    must_change_password boolean NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE refresh_tokens (
    token_hash bytea PRIMARY KEY,
    family_id uuid NOT NULL,
    username text NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    revoked_at timestamptz
);

CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE api_keys (
    key_id text PRIMARY KEY,
    name text NOT NULL,
    secret_hash bytea NOT NULL,
    roles text[] NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);

CREATE TABLE roles (
    name text PRIMARY KEY,
    permissions text[] NOT NULL,
    updated_at timestamptz NOT NULL
);

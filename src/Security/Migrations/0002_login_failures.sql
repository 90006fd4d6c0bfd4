-- Failed logins, one row per failure and key ('u:<username>' or 'a:<client address>'), so that every gateway
-- replica throttles on the same counts. Rows older than the window are deleted as new failures arrive.
CREATE TABLE login_failures (
    key text NOT NULL,
    failed_at timestamptz NOT NULL
);

CREATE INDEX login_failures_key_time ON login_failures (key, failed_at DESC);

CREATE INDEX login_failures_time ON login_failures (failed_at);

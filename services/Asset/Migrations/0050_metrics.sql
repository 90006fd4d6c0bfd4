-- Agent metrics: one row per series (agent, metric name, label set) and one narrow row per sample
-- (time, series_id, value: 24 bytes of data), in time-range partitions that retention drops whole.
-- Runs with search_path = asset, public.

CREATE TABLE metric_series (
    series_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agent_id   text COLLATE "C" NOT NULL,
    name       text COLLATE "C" NOT NULL,
    labels     jsonb       NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Also serves QueryMetrics: agent_id = ANY(...) AND name = ... , then labels @> filter.
    CONSTRAINT metric_series_key UNIQUE (agent_id, name, labels)
);

CREATE TABLE metric_samples (
    time      timestamptz      NOT NULL,
    series_id bigint           NOT NULL,
    value     double precision NOT NULL
) PARTITION BY RANGE (time);

-- Created on every partition: a query reads one series' range of time.
CREATE INDEX metric_samples_series_time ON metric_samples (series_id, time);

-- The partitions that exist and their ranges, written in the transaction that creates or drops one.
CREATE TABLE metric_partitions (
    name        text COLLATE "C" PRIMARY KEY,
    range_start timestamptz NOT NULL,
    range_end   timestamptz NOT NULL,
    CHECK (range_start < range_end)
);

-- DDL takes no bind parameters; these functions take them and quote with format(%I, %L), so the client
-- never builds DDL text. Names are checked against the one shape the platform gives them.
CREATE FUNCTION create_metric_partition(p_name text, p_start timestamptz, p_end timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_name !~ '^metric_samples_p[0-9]{8}(_[0-9]{6})?$' THEN
        RAISE EXCEPTION 'not a metric partition name: %', p_name USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('CREATE TABLE IF NOT EXISTS asset.%I PARTITION OF asset.metric_samples FOR VALUES FROM (%L) TO (%L)',
                   p_name, p_start, p_end);
    INSERT INTO asset.metric_partitions (name, range_start, range_end) VALUES (p_name, p_start, p_end)
    ON CONFLICT (name) DO NOTHING;
END
$$;

CREATE FUNCTION drop_metric_partition(p_name text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_name !~ '^metric_samples_p[0-9]{8}(_[0-9]{6})?$' THEN
        RAISE EXCEPTION 'not a metric partition name: %', p_name USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('DROP TABLE IF EXISTS asset.%I', p_name);
    DELETE FROM asset.metric_partitions WHERE name = p_name;
END
$$;

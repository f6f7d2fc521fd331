-- Cost control: cache-write tokens and workflow attribution on usage records; budgets and the
-- cost opt-in on keys; quarter-hour usage aggregates (reports and budgets read these, never the raw
-- log) with a latency histogram; budget threshold alerts (announced once per window, delivered from here).

ALTER TABLE usage_records ADD COLUMN cache_write_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_records ADD COLUMN workflow TEXT;
ALTER TABLE usage_records ADD COLUMN run_id TEXT;
CREATE INDEX usage_records_run ON usage_records (run_id) WHERE run_id IS NOT NULL;

ALTER TABLE api_keys ADD COLUMN budget TEXT;
ALTER TABLE api_keys ADD COLUMN stream_cost INTEGER NOT NULL DEFAULT 0;

-- Latency histogram: lat_NN counts calls with latency up to [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000] ms; lat_17 the rest.
CREATE TABLE usage_aggregates (
    bucket_start       BIGINT NOT NULL,
    key_id             TEXT NOT NULL,
    route              TEXT NOT NULL,
    provider           TEXT NOT NULL,
    model              TEXT NOT NULL,
    workflow           TEXT NOT NULL,
    requests           BIGINT NOT NULL,
    errors             BIGINT NOT NULL,
    unknown_cost       BIGINT NOT NULL,
    prompt_tokens      BIGINT NOT NULL,
    completion_tokens  BIGINT NOT NULL,
    cached_tokens      BIGINT NOT NULL,
    cache_write_tokens BIGINT NOT NULL,
    cost_nanos         BIGINT NOT NULL,
    latency_us         BIGINT NOT NULL,
    lat_00             BIGINT NOT NULL DEFAULT 0,
    lat_01             BIGINT NOT NULL DEFAULT 0,
    lat_02             BIGINT NOT NULL DEFAULT 0,
    lat_03             BIGINT NOT NULL DEFAULT 0,
    lat_04             BIGINT NOT NULL DEFAULT 0,
    lat_05             BIGINT NOT NULL DEFAULT 0,
    lat_06             BIGINT NOT NULL DEFAULT 0,
    lat_07             BIGINT NOT NULL DEFAULT 0,
    lat_08             BIGINT NOT NULL DEFAULT 0,
    lat_09             BIGINT NOT NULL DEFAULT 0,
    lat_10             BIGINT NOT NULL DEFAULT 0,
    lat_11             BIGINT NOT NULL DEFAULT 0,
    lat_12             BIGINT NOT NULL DEFAULT 0,
    lat_13             BIGINT NOT NULL DEFAULT 0,
    lat_14             BIGINT NOT NULL DEFAULT 0,
    lat_15             BIGINT NOT NULL DEFAULT 0,
    lat_16             BIGINT NOT NULL DEFAULT 0,
    lat_17             BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket_start, key_id, route, provider, model, workflow)
);
CREATE INDEX usage_aggregates_key ON usage_aggregates (key_id, bucket_start);
CREATE INDEX usage_aggregates_route ON usage_aggregates (route, bucket_start);
CREATE INDEX usage_aggregates_workflow ON usage_aggregates (workflow, bucket_start);

INSERT INTO usage_aggregates (bucket_start, key_id, route, provider, model, workflow, requests, errors, unknown_cost,
    prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, cost_nanos, latency_us, lat_00, lat_01, lat_02, lat_03, lat_04, lat_05, lat_06, lat_07, lat_08, lat_09, lat_10, lat_11, lat_12, lat_13, lat_14, lat_15, lat_16, lat_17)
SELECT (ts / 900000) * 900000, COALESCE(key_id, ''), COALESCE(route, ''), COALESCE(provider, ''), COALESCE(model, ''), '',
       COUNT(*), SUM(CASE WHEN outcome <> 0 THEN 1 ELSE 0 END), SUM(CASE WHEN cost_nanos IS NULL THEN 1 ELSE 0 END),
       SUM(prompt_tokens), SUM(completion_tokens), SUM(cached_tokens), 0, SUM(COALESCE(cost_nanos, 0)), SUM(latency_us),
       SUM(CASE WHEN latency_us <= 1000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 1000 AND latency_us <= 2000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 2000 AND latency_us <= 5000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 5000 AND latency_us <= 10000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 10000 AND latency_us <= 20000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 20000 AND latency_us <= 50000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 50000 AND latency_us <= 100000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 100000 AND latency_us <= 200000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 200000 AND latency_us <= 500000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 500000 AND latency_us <= 1000000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 1000000 AND latency_us <= 2000000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 2000000 AND latency_us <= 5000000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 5000000 AND latency_us <= 10000000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 10000000 AND latency_us <= 20000000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 20000000 AND latency_us <= 50000000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 50000000 AND latency_us <= 100000000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 100000000 AND latency_us <= 200000000 THEN 1 ELSE 0 END),
       SUM(CASE WHEN latency_us > 200000000 THEN 1 ELSE 0 END)
FROM usage_records
GROUP BY (ts / 900000) * 900000, COALESCE(key_id, ''), COALESCE(route, ''), COALESCE(provider, ''), COALESCE(model, '');

CREATE TABLE budget_alerts (
    id              TEXT PRIMARY KEY,
    scope           TEXT NOT NULL,
    period_start    BIGINT NOT NULL,
    threshold       INTEGER NOT NULL,
    created_at      BIGINT NOT NULL,
    payload         TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    delivered_at    BIGINT,
    last_error      TEXT,
    UNIQUE (scope, period_start, threshold)
);
CREATE INDEX budget_alerts_due ON budget_alerts (next_attempt_at) WHERE delivered_at IS NULL;

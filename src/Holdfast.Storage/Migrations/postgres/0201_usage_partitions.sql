-- The usage log becomes a table partitioned by day (UTC) on ts, so retention drops whole
-- partitions instead of deleting rows. Day partitions are created ahead of time by the server;
-- rows with no day partition (those from before this migration, say) land in the default one.
DROP INDEX usage_records_ts;
DROP INDEX usage_records_key_ts;
DROP INDEX usage_records_request;
DROP INDEX usage_records_run;
ALTER TABLE usage_records RENAME TO usage_records_unpartitioned;

CREATE TABLE usage_records (
    request_id         TEXT NOT NULL,
    ts                 BIGINT NOT NULL,
    key_id             TEXT,
    endpoint           TEXT NOT NULL,
    route              TEXT,
    provider           TEXT,
    model              TEXT,
    status             INTEGER NOT NULL,
    outcome            INTEGER NOT NULL,
    stream             INTEGER NOT NULL,
    latency_us         BIGINT NOT NULL,
    ttft_us            BIGINT,
    prompt_tokens      BIGINT NOT NULL,
    completion_tokens  BIGINT NOT NULL,
    cached_tokens      BIGINT NOT NULL,
    tokens_estimated   INTEGER NOT NULL,
    cost_nanos         BIGINT,
    attempts           INTEGER NOT NULL,
    error              TEXT,
    cache_write_tokens BIGINT NOT NULL DEFAULT 0,
    workflow           TEXT,
    run_id             TEXT
) PARTITION BY RANGE (ts);
CREATE TABLE usage_records_default PARTITION OF usage_records DEFAULT;
CREATE INDEX usage_records_ts ON usage_records (ts);
CREATE INDEX usage_records_key_ts ON usage_records (key_id, ts);
CREATE INDEX usage_records_request ON usage_records (request_id);
CREATE INDEX usage_records_run ON usage_records (run_id) WHERE run_id IS NOT NULL;

INSERT INTO usage_records SELECT request_id, ts, key_id, endpoint, route, provider, model, status, outcome, stream,
    latency_us, ttft_us, prompt_tokens, completion_tokens, cached_tokens, tokens_estimated, cost_nanos, attempts, error,
    cache_write_tokens, workflow, run_id
FROM usage_records_unpartitioned;
DROP TABLE usage_records_unpartitioned;

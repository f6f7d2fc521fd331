CREATE TABLE store_meta (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO store_meta (name, value) VALUES ('keys_version', 0);

CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    prefix     TEXT NOT NULL,
    routes     TEXT NOT NULL DEFAULT '[]',
    rpm        INTEGER,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE usage_records (
    request_id        TEXT NOT NULL,
    ts                BIGINT NOT NULL,
    key_id            TEXT,
    endpoint          TEXT NOT NULL,
    route             TEXT,
    provider          TEXT,
    model             TEXT,
    status            INTEGER NOT NULL,
    outcome           INTEGER NOT NULL,
    stream            INTEGER NOT NULL,
    latency_us        BIGINT NOT NULL,
    ttft_us           BIGINT,
    prompt_tokens     BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    cached_tokens     BIGINT NOT NULL,
    tokens_estimated  INTEGER NOT NULL,
    cost_nanos        BIGINT,
    attempts          INTEGER NOT NULL,
    error             TEXT
);
CREATE INDEX usage_records_ts ON usage_records (ts);
CREATE INDEX usage_records_key_ts ON usage_records (key_id, ts);
CREATE INDEX usage_records_request ON usage_records (request_id);

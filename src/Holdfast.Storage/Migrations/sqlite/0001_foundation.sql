CREATE TABLE store_meta (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO store_meta (name, value) VALUES ('keys_version', 0);

CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    prefix     TEXT NOT NULL,
    routes     TEXT NOT NULL DEFAULT '[]',
    rpm        INTEGER,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE usage_records (
    request_id        TEXT NOT NULL,
    ts                INTEGER NOT NULL,
    key_id            TEXT,
    endpoint          TEXT NOT NULL,
    route             TEXT,
    provider          TEXT,
    model             TEXT,
    status            INTEGER NOT NULL,
    outcome           INTEGER NOT NULL,
    stream            INTEGER NOT NULL,
    latency_us        INTEGER NOT NULL,
    ttft_us           INTEGER,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cached_tokens     INTEGER NOT NULL,
    tokens_estimated  INTEGER NOT NULL,
    cost_nanos        INTEGER,
    attempts          INTEGER NOT NULL,
    error             TEXT
);
CREATE INDEX usage_records_ts ON usage_records (ts);
CREATE INDEX usage_records_key_ts ON usage_records (key_id, ts);
CREATE INDEX usage_records_request ON usage_records (request_id);

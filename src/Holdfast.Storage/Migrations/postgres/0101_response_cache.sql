CREATE TABLE response_cache (
    cache_key         TEXT PRIMARY KEY,
    route             TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    content_type      TEXT NOT NULL,
    body              BYTEA NOT NULL,
    size              BIGINT NOT NULL,
    provider          TEXT,
    model             TEXT,
    prompt_tokens     BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL
);
CREATE INDEX response_cache_route_created ON response_cache (route, created_at);

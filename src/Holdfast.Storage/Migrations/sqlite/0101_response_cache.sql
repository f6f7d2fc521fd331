CREATE TABLE response_cache (
    cache_key         TEXT PRIMARY KEY,
    route             TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    content_type      TEXT NOT NULL,
    body              BLOB NOT NULL,
    size              INTEGER NOT NULL,
    provider          TEXT,
    model             TEXT,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL
);
CREATE INDEX response_cache_route_created ON response_cache (route, created_at);

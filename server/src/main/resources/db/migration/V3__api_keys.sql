-- Portable SQL: the same migrations run on the embedded H2 file and on PostgreSQL.
-- API keys: static bearer credentials (sk-...) for tools that cannot run the client-credentials flow. Each acts as its
-- client with the inference scope. Only a SHA-256 of the key is kept; the key itself is shown once, at creation.
CREATE TABLE api_keys (
    id            VARCHAR(40)  NOT NULL PRIMARY KEY,
    client_id     VARCHAR(128) NOT NULL REFERENCES clients (client_id),
    name          VARCHAR(200) NOT NULL,
    -- the key's first characters: shown in lists so people can tell keys apart, and how a key is looked up
    prefix        VARCHAR(16)  NOT NULL,
    -- lower-case hex SHA-256 of the whole key
    key_hash      VARCHAR(64)  NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at  TIMESTAMP WITH TIME ZONE,
    revoked_at    TIMESTAMP WITH TIME ZONE
);

CREATE INDEX api_keys_by_prefix ON api_keys (prefix);
CREATE INDEX api_keys_by_client ON api_keys (client_id);

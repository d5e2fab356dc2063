-- Portable SQL: the same migrations run on the embedded H2 file and on PostgreSQL.
-- Accounts and clients as an operator manages them, signing keys every instance shares, usage records, monthly
-- quota reservations and rate-limit windows.

-- Names become unique (accounts globally, clients within their account); older stores may hold duplicates made by
-- the bootstrap, which get their id appended first.
UPDATE cloud_accounts SET name = name || '-' || id
WHERE name IN (SELECT name FROM cloud_accounts GROUP BY name HAVING COUNT(*) > 1);
CREATE UNIQUE INDEX cloud_accounts_by_name ON cloud_accounts (name);
ALTER TABLE cloud_accounts ADD COLUMN all_products BOOLEAN DEFAULT TRUE NOT NULL;
ALTER TABLE cloud_accounts ADD COLUMN monthly_generated_tokens BIGINT;

UPDATE clients SET name = name || '-' || client_id
WHERE name IN (SELECT c.name FROM clients c GROUP BY c.cloud_account_id, c.name HAVING COUNT(*) > 1);
CREATE UNIQUE INDEX clients_by_account_and_name ON clients (cloud_account_id, name);
ALTER TABLE clients ADD COLUMN previous_secret_hash VARCHAR(255);
ALTER TABLE clients ADD COLUMN previous_secret_expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE clients ADD COLUMN secret_rotated_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE clients ADD COLUMN revoked_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE clients ADD COLUMN requests_per_minute INTEGER;
ALTER TABLE clients ADD COLUMN generated_tokens_per_minute INTEGER;
ALTER TABLE clients ADD COLUMN concurrent_streams INTEGER;
-- Bumped by every change, so a secret rotation can detect a concurrent one.
ALTER TABLE clients ADD COLUMN version BIGINT DEFAULT 0 NOT NULL;

-- The products an account may use when its all_products is false.
CREATE TABLE entitlements (
    cloud_account_id  VARCHAR(12)  NOT NULL REFERENCES cloud_accounts (id),
    product_name      VARCHAR(200) NOT NULL,
    PRIMARY KEY (cloud_account_id, product_name)
);

-- ES256 keys as private JWKs: the newest signs, every key not yet expired verifies.
CREATE TABLE signing_keys (
    key_id       VARCHAR(64)   NOT NULL PRIMARY KEY,
    private_jwk  VARCHAR(4000) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    -- when a newer key took over signing; tokens it signed verify until this plus the token lifetime
    retired_at   TIMESTAMP WITH TIME ZONE
);

-- One record per generation request, opened at admission and completed exactly once.
CREATE TABLE usage_records (
    request_id              VARCHAR(64)  NOT NULL PRIMARY KEY,
    cloud_account_id        VARCHAR(12)  NOT NULL,
    client_id               VARCHAR(128) NOT NULL,
    product_name            VARCHAR(200) NOT NULL,
    instance_id             VARCHAR(64)  NOT NULL,
    -- open, finished, cancelled, failed, interrupted
    status                  VARCHAR(16)  NOT NULL,
    finish_reason           VARCHAR(32),
    error_message           VARCHAR(1000),
    prompt_tokens           INTEGER      NOT NULL,
    reserved_tokens         INTEGER      NOT NULL,
    generated_tokens        INTEGER      NOT NULL,
    time_to_first_token_ms  BIGINT,
    duration_ms             BIGINT,
    -- UTC day (YYYY-MM-DD) and month (YYYY-MM) of admission: the month's quota holds the reservation
    usage_day               VARCHAR(10)  NOT NULL,
    quota_period            VARCHAR(7)   NOT NULL,
    -- the rate window (epoch minute) that counted this request's reserved tokens
    rate_window             BIGINT       NOT NULL,
    started_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    completed_at            TIMESTAMP WITH TIME ZONE
);
CREATE INDEX usage_by_day ON usage_records (usage_day, cloud_account_id, product_name);
CREATE INDEX usage_by_client_and_status ON usage_records (client_id, status);
CREATE INDEX usage_by_instance_and_status ON usage_records (instance_id, status);

-- Generated tokens of one account in one month: settled (used) and held by running requests (reserved).
CREATE TABLE quota_usage (
    cloud_account_id  VARCHAR(12) NOT NULL,
    period            VARCHAR(7)  NOT NULL,
    used_tokens       BIGINT      NOT NULL,
    reserved_tokens   BIGINT      NOT NULL,
    PRIMARY KEY (cloud_account_id, period)
);

-- Fixed one-minute windows shared by every instance: requests and generated tokens per client, failed token
-- requests per client id and per source address.
CREATE TABLE rate_counters (
    counter_key   VARCHAR(300) NOT NULL,
    window_start  BIGINT       NOT NULL,
    hits          BIGINT       NOT NULL,
    tokens        BIGINT       NOT NULL,
    PRIMARY KEY (counter_key, window_start)
);

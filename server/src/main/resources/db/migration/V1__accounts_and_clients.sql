-- Portable SQL: the same migrations run on the embedded H2 file and on PostgreSQL.
CREATE TABLE cloud_accounts (
    id          VARCHAR(12)  NOT NULL PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    status      VARCHAR(16)  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE clients (
    client_id         VARCHAR(128) NOT NULL PRIMARY KEY,
    cloud_account_id  VARCHAR(12)  NOT NULL REFERENCES cloud_accounts (id),
    name              VARCHAR(200) NOT NULL,
    secret_hash       VARCHAR(255) NOT NULL,
    scopes            VARCHAR(200) NOT NULL,
    status            VARCHAR(16)  NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at      TIMESTAMP WITH TIME ZONE
);

CREATE INDEX clients_by_account ON clients (cloud_account_id);

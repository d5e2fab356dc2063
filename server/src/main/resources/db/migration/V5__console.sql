-- Portable SQL: the same migrations run on the embedded H2 file and on PostgreSQL.
-- The console's people: users (members of cloud accounts, or operators of the instance), their sessions (kept here so
-- that every instance knows them) and the one-time links that let a user set a password.

-- Emails are kept lower-cased, so "unique" is unique whatever the case a person types.
CREATE TABLE console_users (
    id             VARCHAR(40)  NOT NULL PRIMARY KEY,
    email          VARCHAR(320) NOT NULL,
    -- PBKDF2 as client secrets are kept (SecretHasher); null until the user has followed an invite link
    password_hash  VARCHAR(255),
    operator       BOOLEAN      NOT NULL,
    disabled       BOOLEAN      DEFAULT FALSE NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX console_users_by_email ON console_users (email);

-- role: owner (manages the account's members) or member
CREATE TABLE console_memberships (
    user_id           VARCHAR(40) NOT NULL REFERENCES console_users (id),
    cloud_account_id  VARCHAR(12) NOT NULL REFERENCES cloud_accounts (id),
    role              VARCHAR(16) NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (user_id, cloud_account_id)
);
CREATE INDEX console_memberships_by_account ON console_memberships (cloud_account_id);

-- Only a SHA-256 of the session id (the cookie's value) is kept: a copy of the table signs nobody in.
CREATE TABLE console_sessions (
    id_hash          VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id          VARCHAR(40) NOT NULL REFERENCES console_users (id),
    csrf_token       VARCHAR(64) NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    -- idle expiry: last_seen_at plus the idle timeout, moved on as the session is used
    idle_expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    -- absolute expiry: however active the session, it ends here
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX console_sessions_by_user ON console_sessions (user_id);

-- A one-time link that sets the password of user_id (a new user's first, or a new one an operator issued). The user
-- and their membership exist from the invitation on; the link only lets them sign in.
CREATE TABLE console_invites (
    token_hash  VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id     VARCHAR(40) NOT NULL REFERENCES console_users (id),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at     TIMESTAMP WITH TIME ZONE
);
CREATE INDEX console_invites_by_user ON console_invites (user_id);

-- PostgreSQL twin of migrations/0002_accounts.sql.
CREATE TABLE accounts (
    id            TEXT PRIMARY KEY NOT NULL,
    id_number     TEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,            -- YYYY-MM-DD
    sex           TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    address       TEXT NOT NULL,
    phone         TEXT,                     -- national form 0xxxxxxxxx; NULL when vouched
    verified_by   TEXT NOT NULL CHECK (verified_by IN ('otp', 'vouch')),
    created_at    TEXT NOT NULL,            -- RFC 3339, UTC
    updated_at    TEXT NOT NULL
);

CREATE TABLE otp_challenges (
    id            TEXT PRIMARY KEY NOT NULL,
    id_number     TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    sex           TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    address       TEXT NOT NULL,
    phone         TEXT NOT NULL,
    code_hash     TEXT NOT NULL,
    salt          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'used', 'locked')),
    account_id    TEXT REFERENCES accounts (id)
);
CREATE INDEX otp_challenges_phone ON otp_challenges (phone, created_at);

CREATE TABLE account_vouches (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    staff_user  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    rowid       BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE INDEX account_vouches_account ON account_vouches (account_id);

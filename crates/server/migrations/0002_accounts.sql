-- Citizen public-service accounts, keyed by the 12-digit ID number.
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

-- One SMS one-time code. Only a salted SHA-256 of the code is stored.
-- Times are Unix seconds so the rate limits compare numbers.
CREATE TABLE otp_challenges (
    id            TEXT PRIMARY KEY NOT NULL,
    id_number     TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    sex           TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    address       TEXT NOT NULL,
    phone         TEXT NOT NULL,
    code_hash     TEXT NOT NULL,            -- hex SHA-256(salt || id || code)
    salt          TEXT NOT NULL,            -- hex, 16 random bytes
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'used', 'locked')),
    account_id    TEXT REFERENCES accounts (id)
);
CREATE INDEX otp_challenges_phone ON otp_challenges (phone, created_at);

-- A helper vouched for a citizen without a phone. staff_user is recorded as
-- given: staff authentication is not enforced yet.
CREATE TABLE account_vouches (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    staff_user  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX account_vouches_account ON account_vouches (account_id);

-- Helpers (cán bộ) who log in to the console with a password or unlock
-- helper mode on a kiosk with a 6-digit PIN. Both are stored only as
-- argon2id PHC strings. Logs name a helper by the opaque id.
CREATE TABLE staff (
    id              TEXT PRIMARY KEY NOT NULL,
    user            TEXT NOT NULL UNIQUE,   -- lowercase ASCII letters, digits, . _ -
    display_name    TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    pin_hash        TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_attempts INTEGER NOT NULL DEFAULT 0,  -- wrong passwords or PINs in a row
    locked_until    INTEGER,                     -- Unix seconds; refused until then
    created_at      TEXT NOT NULL                -- RFC 3339, UTC
);

-- Staff tokens: a console session, or helper mode on one kiosk. Only the
-- SHA-256 of a token is stored. Times are Unix seconds.
CREATE TABLE staff_sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    staff_id    TEXT NOT NULL REFERENCES staff (id),
    kind        TEXT NOT NULL CHECK (kind IN ('console', 'kiosk')),
    kiosk_name  TEXT REFERENCES kiosks (name),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    CHECK ((kind = 'kiosk') = (kiosk_name IS NOT NULL))
);
CREATE INDEX staff_sessions_expires ON staff_sessions (expires_at);

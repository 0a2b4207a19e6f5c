-- PostgreSQL twin of migrations/0004_staff.sql. `user` is a reserved word
-- here: the queries quote it ("user"), which SQLite accepts too.
CREATE TABLE staff (
    id              TEXT PRIMARY KEY NOT NULL,
    "user"          TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    pin_hash        TEXT NOT NULL,
    active          BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    locked_until    BIGINT,
    created_at      TEXT NOT NULL
);

CREATE TABLE staff_sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    staff_id    TEXT NOT NULL REFERENCES staff (id),
    kind        TEXT NOT NULL CHECK (kind IN ('console', 'kiosk')),
    kiosk_name  TEXT REFERENCES kiosks (name),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    CHECK ((kind = 'kiosk') = (kiosk_name IS NOT NULL))
);
CREATE INDEX staff_sessions_expires ON staff_sessions (expires_at);

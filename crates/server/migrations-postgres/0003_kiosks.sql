-- PostgreSQL twin of migrations/0003_kiosks.sql.
CREATE TABLE kiosks (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    token_hash  TEXT NOT NULL UNIQUE,       -- hex SHA-256 of the token
    created_at  TEXT NOT NULL,              -- RFC 3339, UTC
    revoked_at  TEXT                        -- RFC 3339, UTC; NULL while the token works
);

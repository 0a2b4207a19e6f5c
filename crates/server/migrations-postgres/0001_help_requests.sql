-- PostgreSQL twin of migrations/0001_help_requests.sql: the same tables and
-- columns. Integers are BIGINT (SQLite's INTEGER); `rowid` makes SQLite's
-- implicit insertion order explicit where the queries order by it.
CREATE TABLE help_requests (
    id             TEXT PRIMARY KEY NOT NULL,
    kiosk_id       TEXT NOT NULL,
    step           TEXT NOT NULL,
    procedure_code TEXT,
    created_at     TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    rowid          BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE INDEX help_requests_open ON help_requests (status, created_at);

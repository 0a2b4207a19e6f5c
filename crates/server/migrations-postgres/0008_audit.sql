-- PostgreSQL twin of migrations/0008_audit.sql (the same SQL: it was written portable).
CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY NOT NULL,   -- UUID v7, ordered by time of writing
    at           BIGINT NOT NULL,             -- unix milliseconds, the server's clock
    actor_kind   TEXT NOT NULL CHECK (actor_kind IN ('kiosk', 'staff', 'bank', 'system')),
    actor_id     TEXT NOT NULL,
    action       TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    detail       TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at, id);

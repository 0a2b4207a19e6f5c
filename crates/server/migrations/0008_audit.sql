-- The audit log: one row per state change (who, when, what), written by
-- audit::record inside the transaction of the change it records. No
-- personal data: the actor is a kiosk's name, a staff user name, 'bank' or
-- 'system'; the subject an opaque id (dossier code, payment id, account id,
-- SHA-256...); detail a small JSON object of codes, statuses and amounts.
-- Portable SQL (TEXT and BIGINT only, no AUTOINCREMENT): the same file runs
-- on SQLite and PostgreSQL.
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

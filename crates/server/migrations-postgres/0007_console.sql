-- PostgreSQL twin of migrations/0007_console.sql.
CREATE TABLE kiosk_heartbeats (
    kiosk_name          TEXT PRIMARY KEY NOT NULL REFERENCES kiosks (name),
    received_at         BIGINT NOT NULL,
    step                TEXT NOT NULL,
    camera              TEXT NOT NULL CHECK (camera IN ('ok', 'missing', 'failing', 'not_configured')),
    scanner             TEXT NOT NULL CHECK (scanner IN ('ok', 'missing', 'failing', 'not_configured')),
    printer             TEXT NOT NULL CHECK (printer IN ('ok', 'missing', 'failing', 'not_configured')),
    backend             TEXT NOT NULL CHECK (backend IN ('ok', 'missing', 'failing', 'not_configured')),
    outbox_pending      BIGINT NOT NULL CHECK (outbox_pending >= 0),
    outbox_needs_helper BIGINT NOT NULL CHECK (outbox_needs_helper >= 0),
    version             TEXT NOT NULL
);

ALTER TABLE help_requests ADD COLUMN answered_at TEXT;
ALTER TABLE help_requests ADD COLUMN answered_by TEXT REFERENCES staff (id);

-- The helper console: the latest heartbeat of each kiosk (no personal data:
-- a screen name, device states, outbox counts, the app's version), and who
-- answered a help request. Times are Unix seconds by the server's clock.
CREATE TABLE kiosk_heartbeats (
    kiosk_name          TEXT PRIMARY KEY NOT NULL REFERENCES kiosks (name),
    received_at         INTEGER NOT NULL,
    step                TEXT NOT NULL,
    camera              TEXT NOT NULL CHECK (camera IN ('ok', 'missing', 'failing', 'not_configured')),
    scanner             TEXT NOT NULL CHECK (scanner IN ('ok', 'missing', 'failing', 'not_configured')),
    printer             TEXT NOT NULL CHECK (printer IN ('ok', 'missing', 'failing', 'not_configured')),
    backend             TEXT NOT NULL CHECK (backend IN ('ok', 'missing', 'failing', 'not_configured')),
    outbox_pending      INTEGER NOT NULL CHECK (outbox_pending >= 0),
    outbox_needs_helper INTEGER NOT NULL CHECK (outbox_needs_helper >= 0),
    version             TEXT NOT NULL
);

ALTER TABLE help_requests ADD COLUMN answered_at TEXT;           -- RFC 3339, UTC
ALTER TABLE help_requests ADD COLUMN answered_by TEXT REFERENCES staff (id);

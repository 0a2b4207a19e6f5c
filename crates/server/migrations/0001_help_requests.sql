-- Help requests raised from kiosks. No personal data: kiosk, step, procedure.
CREATE TABLE help_requests (
    id             TEXT PRIMARY KEY NOT NULL,
    kiosk_id       TEXT NOT NULL,
    step           TEXT NOT NULL,
    procedure_code TEXT,
    created_at     TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed'))
);
CREATE INDEX help_requests_open ON help_requests (status, created_at);

-- Uploads: documents declared by their SHA-256 and size. The bytes live in
-- the object store once complete (checked hash, PDF/JPEG/PNG content), and
-- in a staging file per upload while partial: the staging file's length is
-- how much was received.
CREATE TABLE uploads (
    sha256       TEXT PRIMARY KEY NOT NULL,    -- 64 lowercase hex digits
    size         INTEGER NOT NULL CHECK (size BETWEEN 1 AND 33554432),
    complete     INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
    media_type   TEXT CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    kiosk_name   TEXT NOT NULL REFERENCES kiosks (name),  -- who declared it first
    created_at   INTEGER NOT NULL,
    completed_at INTEGER,
    CHECK ((complete = 1) = (media_type IS NOT NULL))
);

-- Dossiers (hồ sơ). The code is YYMMDD-NNNN: the day received in Vietnam and
-- the day's number from dossier_sequences, allocated in the transaction that
-- records the dossier. The lookup secret is kept as given on the receipt so
-- that a replayed submission gets the same one back (it protects a status
-- lookup, which shows no personal data; the applicant's data is in this row
-- anyway). Times for people in RFC 3339 UTC.
CREATE TABLE dossier_sequences (
    day         TEXT PRIMARY KEY NOT NULL,     -- YYMMDD, Vietnam
    last_number INTEGER NOT NULL
);
CREATE TABLE dossiers (
    code            TEXT PRIMARY KEY NOT NULL,
    day             TEXT NOT NULL,
    number          INTEGER NOT NULL CHECK (number >= 1),
    kiosk_name      TEXT NOT NULL REFERENCES kiosks (name),
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,             -- hex SHA-256 of the normalised request
    lookup_secret   TEXT NOT NULL,             -- 6 digits
    procedure_code  TEXT NOT NULL,
    procedure_name  TEXT NOT NULL,
    agency          TEXT NOT NULL,
    applicant_json  TEXT NOT NULL,             -- Applicant, NFC, checked
    account_id      TEXT,
    copies          INTEGER NOT NULL CHECK (copies >= 1),
    exemption       TEXT,
    payment_id      TEXT UNIQUE REFERENCES payments (id),  -- one dossier per payment
    receipt_json    TEXT,                      -- the fee receipt as issued
    components_json TEXT NOT NULL,             -- [ReceivedComponent]
    processing_time TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    due_at          TEXT NOT NULL,
    due_date        TEXT NOT NULL,             -- YYYY-MM-DD, Vietnam
    result_place    TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'received' CHECK (status IN
                    ('received', 'processing', 'needs_more_documents', 'done', 'returned')),
    local_reference TEXT,
    created_at      INTEGER NOT NULL,
    UNIQUE (kiosk_name, idempotency_key),
    UNIQUE (day, number)
);
CREATE INDEX dossiers_local_reference ON dossiers (local_reference)
    WHERE local_reference IS NOT NULL;

-- The files of each component, in order.
CREATE TABLE dossier_files (
    code         TEXT NOT NULL REFERENCES dossiers (code),
    component_id TEXT NOT NULL,
    position     INTEGER NOT NULL,
    sha256       TEXT NOT NULL REFERENCES uploads (sha256),
    PRIMARY KEY (code, component_id, position)
);

-- Every status a dossier had, oldest first; the staff member who set it
-- (never shown at lookup).
CREATE TABLE dossier_history (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    code      TEXT NOT NULL REFERENCES dossiers (code),
    status    TEXT NOT NULL,
    note      TEXT,
    at        TEXT NOT NULL,
    staff_id  TEXT REFERENCES staff (id)
);
CREATE INDEX dossier_history_code ON dossier_history (code, id);

-- Wrong lookups (unknown code or wrong secret) by the code asked, for the
-- lockout; rows older than the window are deleted as new ones come.
CREATE TABLE dossier_lookup_failures (
    code TEXT NOT NULL,
    at   INTEGER NOT NULL
);
CREATE INDEX dossier_lookup_failures_code ON dossier_lookup_failures (code, at);

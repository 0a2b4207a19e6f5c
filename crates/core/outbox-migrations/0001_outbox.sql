-- The kiosk's outbox: dossiers waiting to reach the backend. Everything
-- personal is sealed (XChaCha20-Poly1305, key in a separate file); only
-- the delivery bookkeeping is in clear.

-- One sealed known text: a key that does not open it does not open the rows.
CREATE TABLE outbox_key_check (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sealed BLOB NOT NULL
) STRICT;

CREATE TABLE outbox_dossiers (
    -- The kiosk's own reference, e.g. K-7F3A9C (printed on the receipt).
    local_ref TEXT PRIMARY KEY,
    -- Random per dossier, chosen by the kiosk: no personal data.
    idempotency_key TEXT NOT NULL UNIQUE,
    -- The NewDossier JSON, sealed with local_ref and the key as associated data.
    sealed BLOB NOT NULL,
    documents INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    -- A reason code (e.g. unreachable, http_503, internal), never a text
    -- from the dossier.
    last_error TEXT,
    -- The problem code of a permanent refusal: kept for a helper, not retried.
    needs_helper TEXT
) STRICT;

CREATE INDEX outbox_dossiers_due ON outbox_dossiers (next_attempt_ms)
    WHERE needs_helper IS NULL;

CREATE TABLE outbox_documents (
    local_ref TEXT NOT NULL REFERENCES outbox_dossiers (local_ref) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    -- The document's bytes, sealed with local_ref and position as associated data.
    sealed BLOB NOT NULL,
    PRIMARY KEY (local_ref, position)
) STRICT;

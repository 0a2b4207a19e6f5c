-- Payment intents: a fee to pay by VietQR transfer or at the counter. No
-- payer's personal data: the procedure, the amount and opaque codes only.
-- Times are Unix seconds so expiry compares numbers.
CREATE TABLE payments (
    id                TEXT PRIMARY KEY NOT NULL,
    kiosk_name        TEXT NOT NULL REFERENCES kiosks (name),
    idempotency_key   TEXT NOT NULL,            -- as the kiosk sent it
    request_hash      TEXT NOT NULL,            -- hex SHA-256 of the normalised request
    procedure_code    TEXT NOT NULL,
    procedure_name    TEXT NOT NULL,            -- as the catalog named it then
    copies            INTEGER NOT NULL CHECK (copies >= 1),
    pages             INTEGER CHECK (pages IS NULL OR pages >= 1),
    amount            INTEGER NOT NULL CHECK (amount > 0),   -- đồng
    method            TEXT NOT NULL CHECK (method IN ('vietqr', 'counter')),
    reference         TEXT NOT NULL UNIQUE,     -- MC + 8 base-32 characters
    counter_code      TEXT,                     -- 6 digits, counter only
    vietqr_payload    TEXT,                     -- vietqr only
    bank_bin          TEXT,
    bank_account      TEXT,
    bank_account_name TEXT,
    bank_sample       INTEGER NOT NULL DEFAULT 0 CHECK (bank_sample IN (0, 1)),
    status            TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'paid', 'expired', 'cancelled')),
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    paid_at           INTEGER,
    cancelled_at      INTEGER,
    paid_by           TEXT CHECK (paid_by IN ('bank', 'counter')),
    bank_transaction  TEXT,                     -- the transaction that paid it
    confirmed_by      TEXT REFERENCES staff (id),  -- the clerk, for counter payments
    confirmed_by_user TEXT,                     -- their user name, for the audit
    UNIQUE (kiosk_name, idempotency_key),
    CHECK ((method = 'counter') = (counter_code IS NOT NULL)),
    CHECK ((method = 'vietqr') = (vietqr_payload IS NOT NULL)),
    CHECK ((status = 'paid') = (paid_at IS NOT NULL))
);
-- A counter code names one pending intent (expired ones are swept first).
CREATE UNIQUE INDEX payments_pending_counter_code ON payments (counter_code)
    WHERE status = 'pending';
CREATE INDEX payments_by_status ON payments (method, status, created_at);

-- Electronic fee receipts (biên lai điện tử), one per paid intent. The
-- number comes from receipt_sequences in the transaction that marks the
-- intent paid: gap-free and never shared within a symbol and year.
CREATE TABLE receipt_sequences (
    symbol      TEXT NOT NULL,                  -- ký hiệu, e.g. AA-26E
    year        INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (symbol, year)
);
CREATE TABLE receipts (
    id             TEXT PRIMARY KEY NOT NULL,
    payment_id     TEXT NOT NULL UNIQUE REFERENCES payments (id),
    template       TEXT NOT NULL,               -- mẫu số, e.g. 01BLP0-001
    symbol         TEXT NOT NULL,
    year           INTEGER NOT NULL,
    number         INTEGER NOT NULL CHECK (number BETWEEN 1 AND 9999999),
    issued_at      TEXT NOT NULL,               -- RFC 3339, UTC
    issuer         TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    procedure_name TEXT NOT NULL,
    amount         INTEGER NOT NULL,
    method         TEXT NOT NULL CHECK (method IN ('vietqr', 'counter')),
    reference      TEXT NOT NULL,
    UNIQUE (symbol, year, number)
);

-- Every bank transaction the webhook accepted the signature of, once each.
-- Those not applied (amount mismatch, closed intent, unknown reference) are
-- money a clerk must resolve or refund by hand.
CREATE TABLE bank_transactions (
    transaction_id TEXT PRIMARY KEY NOT NULL,
    reference      TEXT NOT NULL,
    amount         INTEGER NOT NULL,
    paid_at        TEXT NOT NULL,               -- as the bank sent it
    received_at    INTEGER NOT NULL,
    outcome        TEXT NOT NULL
                   CHECK (outcome IN ('applied', 'amount_mismatch', 'closed', 'unknown_reference')),
    payment_id     TEXT REFERENCES payments (id)
);
CREATE INDEX bank_transactions_outcome ON bank_transactions (outcome, received_at);

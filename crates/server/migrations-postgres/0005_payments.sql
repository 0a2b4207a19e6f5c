-- PostgreSQL twin of migrations/0005_payments.sql.
CREATE TABLE payments (
    id                TEXT PRIMARY KEY NOT NULL,
    kiosk_name        TEXT NOT NULL REFERENCES kiosks (name),
    idempotency_key   TEXT NOT NULL,
    request_hash      TEXT NOT NULL,
    procedure_code    TEXT NOT NULL,
    procedure_name    TEXT NOT NULL,
    copies            BIGINT NOT NULL CHECK (copies >= 1),
    pages             BIGINT CHECK (pages IS NULL OR pages >= 1),
    amount            BIGINT NOT NULL CHECK (amount > 0),   -- đồng
    method            TEXT NOT NULL CHECK (method IN ('vietqr', 'counter')),
    reference         TEXT NOT NULL UNIQUE,
    counter_code      TEXT,
    vietqr_payload    TEXT,
    bank_bin          TEXT,
    bank_account      TEXT,
    bank_account_name TEXT,
    bank_sample       BIGINT NOT NULL DEFAULT 0 CHECK (bank_sample IN (0, 1)),
    status            TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'paid', 'expired', 'cancelled')),
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    paid_at           BIGINT,
    cancelled_at      BIGINT,
    paid_by           TEXT CHECK (paid_by IN ('bank', 'counter')),
    bank_transaction  TEXT,
    confirmed_by      TEXT REFERENCES staff (id),
    confirmed_by_user TEXT,
    rowid             BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    UNIQUE (kiosk_name, idempotency_key),
    CHECK ((method = 'counter') = (counter_code IS NOT NULL)),
    CHECK ((method = 'vietqr') = (vietqr_payload IS NOT NULL)),
    CHECK ((status = 'paid') = (paid_at IS NOT NULL))
);
CREATE UNIQUE INDEX payments_pending_counter_code ON payments (counter_code)
    WHERE status = 'pending';
CREATE INDEX payments_by_status ON payments (method, status, created_at);

CREATE TABLE receipt_sequences (
    symbol      TEXT NOT NULL,
    year        BIGINT NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (symbol, year)
);
CREATE TABLE receipts (
    id             TEXT PRIMARY KEY NOT NULL,
    payment_id     TEXT NOT NULL UNIQUE REFERENCES payments (id),
    template       TEXT NOT NULL,
    symbol         TEXT NOT NULL,
    year           BIGINT NOT NULL,
    number         BIGINT NOT NULL CHECK (number BETWEEN 1 AND 9999999),
    issued_at      TEXT NOT NULL,
    issuer         TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    procedure_name TEXT NOT NULL,
    amount         BIGINT NOT NULL,
    method         TEXT NOT NULL CHECK (method IN ('vietqr', 'counter')),
    reference      TEXT NOT NULL,
    UNIQUE (symbol, year, number)
);

CREATE TABLE bank_transactions (
    transaction_id TEXT PRIMARY KEY NOT NULL,
    reference      TEXT NOT NULL,
    amount         BIGINT NOT NULL,
    paid_at        TEXT NOT NULL,
    received_at    BIGINT NOT NULL,
    outcome        TEXT NOT NULL
                   CHECK (outcome IN ('applied', 'amount_mismatch', 'closed', 'unknown_reference')),
    payment_id     TEXT REFERENCES payments (id)
);
CREATE INDEX bank_transactions_outcome ON bank_transactions (outcome, received_at);

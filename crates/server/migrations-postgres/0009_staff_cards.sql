-- PostgreSQL twin of migrations/0009_staff_cards.sql (the same SQL: it was written portable).
CREATE TABLE staff_cards (
    staff_id   TEXT PRIMARY KEY NOT NULL REFERENCES staff (id),
    card_hash  TEXT NOT NULL UNIQUE,
    issued_at  TEXT NOT NULL                -- RFC 3339, UTC
);

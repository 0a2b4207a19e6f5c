-- Staff QR cards: one live card per helper, unlocking helper mode on a kiosk
-- like the PIN. The card's QR holds 32 random bytes; only their SHA-256 is
-- stored, and the card is found by it. Issuing a new card replaces the row,
-- so the old card stops working; revoking deletes it. TEXT columns only, so
-- this is the same on SQLite and PostgreSQL.
CREATE TABLE staff_cards (
    staff_id   TEXT PRIMARY KEY NOT NULL REFERENCES staff (id),
    card_hash  TEXT NOT NULL UNIQUE,
    issued_at  TEXT NOT NULL                -- RFC 3339, UTC
);

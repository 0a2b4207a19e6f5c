//! Random bearer tokens and their stored form.
//!
//! A token is 32 bytes from the OS-seeded CSPRNG, in lowercase hex. Only its
//! SHA-256 is ever stored: a copy of the database lets no one call the API.
//! A token is looked up by its hash, so comparing takes no time that depends
//! on the token.

use sha2::{Digest, Sha256};

use crate::Secret;

/// Random bytes in one token.
pub const TOKEN_BYTES: usize = 32;

/// Longest token a request may present (longer ones are not looked up).
pub(crate) const TOKEN_MAX_CHARS: usize = 256;

/// A fresh random token, 64 hex digits.
pub fn new_token() -> Secret {
    use rand::RngExt;
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rng().fill(&mut bytes);
    Secret::new(hex(&bytes))
}

/// The stored form of a token: hex SHA-256.
pub(crate) fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Compares without an early exit, so the time taken says nothing about
/// how much of the two matched.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_64_hex_digits_and_differ() {
        let a = new_token();
        let b = new_token();
        for t in [&a, &b] {
            assert_eq!(t.expose().len(), 64);
            assert!(t.expose().bytes().all(|c| c.is_ascii_hexdigit()));
        }
        assert_ne!(a, b);
        let h = token_hash(a.expose());
        assert_eq!(h.len(), 64);
        assert_ne!(h, a.expose());
        assert!(same(&h, &token_hash(a.expose())));
        assert!(!same(&h, &token_hash(b.expose())));
    }
}

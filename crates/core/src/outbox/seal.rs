//! Sealing blobs at rest: XChaCha20-Poly1305 with a random 24-byte nonce
//! stored in front of the ciphertext, and associated data binding each blob
//! to its row (so a blob copied into another row does not open).

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngExt;

/// Bytes of the key in the key file.
pub const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;

/// The outbox's cipher (the key is zeroed when it is dropped).
#[derive(Clone)]
pub(crate) struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

/// A blob that did not open: wrong key, wrong row or altered bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unopenable;

impl Sealer {
    pub(crate) fn new(key: &[u8; KEY_BYTES]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(&Key::from(*key)),
        }
    }

    pub(crate) fn seal(&self, plain: &[u8], aad: &[u8]) -> Result<Vec<u8>, Unopenable> {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: plain, aad })
            .map_err(|_| Unopenable)?;
        let mut out = Vec::with_capacity(NONCE_BYTES + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    pub(crate) fn open(&self, blob: &[u8], aad: &[u8]) -> Result<Vec<u8>, Unopenable> {
        if blob.len() < NONCE_BYTES {
            return Err(Unopenable);
        }
        let (nonce, sealed) = blob.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| Unopenable)?;
        self.cipher
            .decrypt(&XNonce::from(nonce), Payload { msg: sealed, aad })
            .map_err(|_| Unopenable)
    }
}

/// A fresh random key.
pub(crate) fn new_key() -> [u8; KEY_BYTES] {
    let mut key = [0u8; KEY_BYTES];
    rand::rng().fill(&mut key);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blob_opens_only_with_its_key_and_its_row() {
        let s = Sealer::new(&new_key());
        let blob = s.seal(b"Nguy\xe1\xbb\x85n V\xc4\x83n A", b"row 1");
        let Ok(blob) = blob else {
            panic!("seal failed")
        };
        assert_eq!(
            s.open(&blob, b"row 1").as_deref(),
            Ok(&b"Nguy\xe1\xbb\x85n V\xc4\x83n A"[..])
        );
        assert_eq!(s.open(&blob, b"row 2"), Err(Unopenable));
        assert_eq!(
            Sealer::new(&new_key()).open(&blob, b"row 1"),
            Err(Unopenable)
        );
        let mut flipped = blob.clone();
        if let Some(last) = flipped.last_mut() {
            *last ^= 1;
        }
        assert_eq!(s.open(&flipped, b"row 1"), Err(Unopenable));
        assert_eq!(s.open(&blob[..10], b"row 1"), Err(Unopenable));
        let again = s.seal(b"same", b"r").unwrap_or_default();
        let other = s.seal(b"same", b"r").unwrap_or_default();
        assert_ne!(again, other, "a fresh nonce each time");
    }
}

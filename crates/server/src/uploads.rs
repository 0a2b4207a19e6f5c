//! Documents uploaded by kiosks: content-addressed by SHA-256, resumable
//! in chunks, checked (hash and content type) when the last byte arrives,
//! then kept in an [`ObjectStore`].
//!
//! A partial upload is a staging file under `<data>/uploads/staging`, one
//! per SHA-256; its length is how much was received, so a restarted server
//! or a reconnecting kiosk continues where the bytes stop. Appends to one
//! upload are serialised by a lock per SHA-256.
//!
//! Logs name an upload by a short prefix of its hash, the kiosk by name and
//! sizes: never the content.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::future::BoxFuture;
use motcua_protocol::dossiers::{MAX_CHUNK_BYTES, MAX_UPLOAD_BYTES, UPLOAD_OFFSET_HEADER};
use motcua_protocol::{NewUpload, ProblemCode, UploadState};
use sha2::{Digest, Sha256};

use crate::api::{ApiJson, ApiPath};
use crate::tokens::hex;
use crate::{ApiError, AppState, AuthedKiosk};

/// Where complete documents are kept, by their SHA-256 (64 lowercase hex).
///
/// The calls are asynchronous: an adapter that blocks (a folder) does so on
/// Tokio's blocking pool, one on the network awaits it, so the server's
/// async workers never wait on storage.
pub trait ObjectStore: Send + Sync + fmt::Debug {
    /// Stores `bytes` under `sha256` durably (a reader never sees a part).
    fn put<'a>(&'a self, sha256: &'a str, bytes: Bytes) -> BoxFuture<'a, io::Result<()>>;
    /// The bytes stored under `sha256`, if any.
    fn get<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, io::Result<Option<Bytes>>>;
    /// Whether something is stored under `sha256`.
    fn exists<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, io::Result<bool>>;
}

/// An [`ObjectStore`] in a folder: `<root>/ab/abcdef…`, each written to a
/// temporary file, synced, then renamed into place.
#[derive(Debug, Clone)]
pub struct FolderStore {
    root: PathBuf,
}

impl FolderStore {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn path_of(&self, sha256: &str) -> io::Result<PathBuf> {
        if !is_sha256(sha256) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a SHA-256 in lowercase hex",
            ));
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    // Makes the rename durable (directories can be opened and synced on Unix).
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Runs a blocking storage call on Tokio's blocking pool.
async fn off_runtime<T: Send + 'static>(
    f: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| io::Error::other(format!("storage task failed: {e}")))?
}

impl ObjectStore for FolderStore {
    fn put<'a>(&'a self, sha256: &'a str, bytes: Bytes) -> BoxFuture<'a, io::Result<()>> {
        let (me, sha) = (self.clone(), sha256.to_owned());
        Box::pin(off_runtime(move || me.put_blocking(&sha, &bytes)))
    }

    fn get<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, io::Result<Option<Bytes>>> {
        let (me, sha) = (self.clone(), sha256.to_owned());
        Box::pin(off_runtime(move || {
            Ok(me.get_blocking(&sha)?.map(Bytes::from))
        }))
    }

    fn exists<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, io::Result<bool>> {
        let (me, sha) = (self.clone(), sha256.to_owned());
        Box::pin(off_runtime(move || me.path_of(&sha)?.try_exists()))
    }
}

impl FolderStore {
    fn put_blocking(&self, sha256: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path_of(sha256)?;
        let dir = path
            .parent()
            .ok_or_else(|| io::Error::other("object path has no folder"))?;
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".{sha256}.{}.tmp", uuid::Uuid::new_v4()));
        let written = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
            sync_dir(dir)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }

    fn get_blocking(&self, sha256: &str) -> io::Result<Option<Vec<u8>>> {
        match std::fs::read(self.path_of(sha256)?) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The staging files of partial uploads, and a lock per upload.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl Staging {
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            locks: Mutex::new(HashMap::new()),
        }
    }

    fn path_of(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.part"))
    }

    /// Bytes received so far for `sha256`.
    fn received(&self, sha256: &str) -> io::Result<u64> {
        match std::fs::metadata(self.path_of(sha256)) {
            Ok(m) => Ok(m.len()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(e),
        }
    }

    fn lock_of(&self, sha256: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Forget the locks nobody holds, so the map stays small.
        locks.retain(|_, l| Arc::strong_count(l) > 1);
        locks.entry(sha256.to_owned()).or_default().clone()
    }

    fn discard(&self, sha256: &str) {
        let _ = std::fs::remove_file(self.path_of(sha256));
    }
}

/// 64 lowercase hex digits.
pub(crate) fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Short, for logs: the first 12 hex digits.
pub(crate) fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

fn sha_of_path(raw: &str) -> Result<String, ApiError> {
    let s = raw.trim().to_ascii_lowercase();
    if is_sha256(&s) {
        Ok(s)
    } else {
        Err(ApiError::invalid("the upload is named by 64 hex digits"))
    }
}

/// The media type the content's first bytes say, if accepted.
pub(crate) fn sniff(bytes: &[u8]) -> Option<&'static str> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(PNG) {
        Some("image/png")
    } else {
        None
    }
}

fn io_error(what: &str, e: &io::Error) -> ApiError {
    tracing::error!(error = %e, what, "upload storage failure");
    ApiError::new(ProblemCode::Internal, "document storage failure")
}

async fn blocking<T: Send + 'static>(
    what: &'static str,
    f: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(io_error(what, &e)),
        Err(e) => {
            tracing::error!(error = %e, what, "upload task failed");
            Err(ApiError::new(
                ProblemCode::Internal,
                "document storage failure",
            ))
        }
    }
}

/// The state of a declared upload.
async fn state_of(
    s: &AppState,
    row: &crate::dossier_store::UploadRow,
) -> Result<UploadState, ApiError> {
    let received = if row.complete {
        row.size
    } else {
        let staging = s.staging.clone();
        let sha = row.sha256.clone();
        blocking("staging size", move || staging.received(&sha)).await?
    };
    Ok(UploadState {
        sha256: row.sha256.clone(),
        size: row.size,
        received,
        complete: row.complete,
        media_type: row.media_type.clone(),
    })
}

fn unknown() -> ApiError {
    ApiError::not_found("no upload with this SHA-256 was declared")
}

/// `POST /v1/uploads`.
pub(crate) async fn declare(
    State(s): State<AppState>,
    kiosk: AuthedKiosk,
    ApiJson(req): ApiJson<NewUpload>,
) -> Result<Response, ApiError> {
    let sha = req.sha256.trim().to_ascii_lowercase();
    if !is_sha256(&sha) {
        return Err(ApiError::invalid("sha256 must be 64 hex digits"));
    }
    if req.size == 0 {
        return Err(ApiError::invalid("size must be at least 1 byte"));
    }
    if req.size > MAX_UPLOAD_BYTES {
        return Err(ApiError::new(
            ProblemCode::PayloadTooLarge,
            format!("a document may have at most {MAX_UPLOAD_BYTES} bytes"),
        ));
    }
    let now = s.clock.now().unix_timestamp();
    let (row, created) = s
        .store
        .declare_upload(&sha, req.size, &kiosk.name, now)
        .await?;
    if row.size != req.size {
        return Err(ApiError::invalid(
            "this SHA-256 was declared before with another size",
        ));
    }
    let state = state_of(&s, &row).await?;
    if created {
        tracing::info!(upload = short(&sha), kiosk = %kiosk.name, size = row.size, "upload declared");
        Ok((StatusCode::CREATED, Json(state)).into_response())
    } else {
        tracing::info!(upload = short(&sha), kiosk = %kiosk.name, received = state.received,
            complete = state.complete, "upload declared again");
        Ok((StatusCode::OK, Json(state)).into_response())
    }
}

/// `GET /v1/uploads/{sha256}`.
pub(crate) async fn get_one(
    State(s): State<AppState>,
    _kiosk: AuthedKiosk,
    ApiPath(raw): ApiPath<String>,
) -> Result<Json<UploadState>, ApiError> {
    let sha = sha_of_path(&raw)?;
    let row = s.store.upload(&sha).await?.ok_or_else(unknown)?;
    Ok(Json(state_of(&s, &row).await?))
}

fn offset_of(headers: &HeaderMap) -> Result<u64, ApiError> {
    headers
        .get(UPLOAD_OFFSET_HEADER)
        .ok_or_else(|| ApiError::invalid("the Upload-Offset header is required"))?
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| ApiError::invalid("Upload-Offset must be a whole number of bytes"))
}

/// What appending a chunk did.
enum Appended {
    /// More bytes are awaited; how many are held.
    Partial(u64),
    /// The last byte arrived, hash and type good: to be stored.
    Verified(&'static str, Vec<u8>),
    HashMismatch,
    TypeRefused,
}

/// `PATCH /v1/uploads/{sha256}`: appends the body at `Upload-Offset`.
pub(crate) async fn append(
    State(s): State<AppState>,
    kiosk: AuthedKiosk,
    ApiPath(raw): ApiPath<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<UploadState>, ApiError> {
    let sha = sha_of_path(&raw)?;
    let offset = offset_of(&headers)?;
    let too_large = || {
        ApiError::new(
            ProblemCode::PayloadTooLarge,
            format!("a chunk may have at most {MAX_CHUNK_BYTES} bytes"),
        )
    };
    let declared_len = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared_len.is_some_and(|n| n > MAX_CHUNK_BYTES) {
        return Err(too_large());
    }
    let limit = usize::try_from(MAX_CHUNK_BYTES).unwrap_or(usize::MAX);
    let chunk = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large())?;
    let lock = s.staging.lock_of(&sha);
    let _held = lock.lock().await;
    let row = s.store.upload(&sha).await?.ok_or_else(unknown)?;
    let mismatch = |received: u64| {
        ApiError::new(
            ProblemCode::UploadOffsetMismatch,
            format!("Upload-Offset is {offset}, the server holds {received} bytes"),
        )
    };
    if row.complete {
        if offset == row.size && chunk.is_empty() {
            return Ok(Json(state_of(&s, &row).await?));
        }
        return Err(mismatch(row.size));
    }
    let staging = s.staging.clone();
    let size = row.size;
    let sha_in = sha.clone();
    let outcome = blocking("append", move || {
        let received = staging.received(&sha_in)?;
        if received != offset {
            return Ok(Err(received));
        }
        let len = chunk.len() as u64;
        if received.saturating_add(len) > size {
            return Ok(Ok(None));
        }
        if !chunk.is_empty() {
            std::fs::create_dir_all(&staging.dir)?;
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(staging.path_of(&sha_in))?;
            f.write_all(&chunk)?;
            f.sync_all()?;
        }
        let held = received + len;
        if held < size {
            return Ok(Ok(Some(Appended::Partial(held))));
        }
        let bytes = std::fs::read(staging.path_of(&sha_in))?;
        if hex(&Sha256::digest(&bytes)) != sha_in {
            staging.discard(&sha_in);
            return Ok(Ok(Some(Appended::HashMismatch)));
        }
        let Some(media_type) = sniff(&bytes) else {
            staging.discard(&sha_in);
            return Ok(Ok(Some(Appended::TypeRefused)));
        };
        Ok(Ok(Some(Appended::Verified(media_type, bytes))))
    })
    .await?;
    let appended = match outcome {
        Err(received) => {
            tracing::info!(upload = short(&sha), kiosk = %kiosk.name, offset, received,
                "upload chunk refused: offset mismatch");
            return Err(mismatch(received));
        }
        Ok(None) => {
            return Err(ApiError::invalid(format!(
                "the chunk goes past the declared size of {size} bytes"
            )));
        }
        Ok(Some(a)) => a,
    };
    match appended {
        Appended::Partial(held) => {
            tracing::debug!(upload = short(&sha), kiosk = %kiosk.name, received = held, "upload chunk stored");
            Ok(Json(UploadState {
                sha256: sha,
                size,
                received: held,
                complete: false,
                media_type: None,
            }))
        }
        Appended::Verified(media_type, bytes) => {
            // Still under the upload's lock: one put per document.
            s.objects
                .put(&sha, Bytes::from(bytes))
                .await
                .map_err(|e| io_error("object put", &e))?;
            let now = s.clock.now().unix_timestamp();
            s.store
                .complete_upload(&sha, media_type, size, &kiosk.name, now)
                .await?;
            let staging = s.staging.clone();
            let sha_in = sha.clone();
            blocking("staging cleanup", move || {
                staging.discard(&sha_in);
                Ok(())
            })
            .await?;
            tracing::info!(upload = short(&sha), kiosk = %kiosk.name, size, media_type, "upload complete");
            Ok(Json(UploadState {
                sha256: sha,
                size,
                received: size,
                complete: true,
                media_type: Some(media_type.to_owned()),
            }))
        }
        Appended::HashMismatch => {
            tracing::warn!(upload = short(&sha), kiosk = %kiosk.name, size,
                "upload discarded: the bytes do not match the SHA-256");
            Err(ApiError::new(
                ProblemCode::UploadHashMismatch,
                "the bytes received do not have the declared SHA-256; they were discarded",
            ))
        }
        Appended::TypeRefused => {
            tracing::warn!(upload = short(&sha), kiosk = %kiosk.name, size,
                "upload discarded: not a PDF, JPEG or PNG");
            Err(ApiError::new(
                ProblemCode::UploadTypeRefused,
                "the content is not a PDF, JPEG or PNG; it was discarded",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_sniffed_by_its_first_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), Some("image/png"));
        for refused in [
            &b"<!DOCTYPE html><html>"[..],
            b"%PDF",
            b"\xFF\xD8",
            b"GIF89a",
            b"",
            b"MZ\x90\0",
        ] {
            assert_eq!(sniff(refused), None, "{refused:?}");
        }
    }

    #[tokio::test]
    async fn one_upload_has_one_lock_while_it_is_held() {
        let staging = Staging::new(PathBuf::from("/nonexistent"));
        let a = staging.lock_of("aa");
        let guard = a.try_lock().unwrap_or_else(|e| panic!("{e}"));
        let again = staging.lock_of("aa");
        assert!(Arc::ptr_eq(&a, &again));
        assert!(again.try_lock().is_err(), "a second append waits");
        assert!(
            staging.lock_of("bb").try_lock().is_ok(),
            "other uploads do not"
        );
        drop(guard);
        drop((again, a));
        staging.lock_of("cc");
        let held = staging
            .locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len();
        assert_eq!(held, 1, "unused locks are forgotten");
    }

    #[tokio::test]
    async fn the_folder_store_puts_gets_and_refuses_bad_names() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = FolderStore::new(dir.path().to_path_buf());
        let bytes = b"%PDF-1.4 tiny";
        let sha = hex(&Sha256::digest(bytes));
        let store: &dyn ObjectStore = &store;
        assert!(!store.exists(&sha).await.unwrap_or(true));
        assert!(matches!(store.get(&sha).await, Ok(None)));
        store
            .put(&sha, Bytes::from_static(bytes))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(store.exists(&sha).await.unwrap_or(false));
        assert_eq!(
            store.get(&sha).await.ok().flatten().as_deref(),
            Some(&bytes[..])
        );
        assert!(dir.path().join(&sha[..2]).join(&sha).is_file());
        assert!(
            store
                .put("../../etc/passwd", Bytes::from_static(bytes))
                .await
                .is_err()
        );
        assert!(store.get(&sha.to_ascii_uppercase()).await.is_err());
        let leftovers = std::fs::read_dir(dir.path().join(&sha[..2]))
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(leftovers, 1, "no temporary file is left");
    }
}

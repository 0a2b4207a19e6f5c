//! Uploads through the router over a real data folder: declaring (new,
//! again, refused sizes), chunks at the right and wrong offsets, resuming,
//! the hash and content checks that discard, oversize chunks, and the
//! kiosk token on every route.

#[path = "support/app.rs"]
mod support;

use std::sync::Arc;

use axum::http::StatusCode;
use motcua_protocol::dossiers::{MAX_CHUNK_BYTES, MAX_UPLOAD_BYTES};
use serde_json::json;
use support::*;

fn object_path(t: &TestApp, sha: &str) -> std::path::PathBuf {
    t.dir
        .path()
        .join(motcua_server::OBJECTS_DIR)
        .join(&sha[..2])
        .join(sha)
}

fn staging_files(t: &TestApp) -> usize {
    std::fs::read_dir(t.dir.path().join(motcua_server::STAGING_DIR))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_document_is_declared_sent_in_chunks_resumed_and_kept() {
    let t = app().await;
    let auth = t.auth_a();
    let mut doc = pdf("khai sinh");
    doc.extend(std::iter::repeat_n(b'x', 10_000));
    let sha = sha256(&doc);
    let size = doc.len() as u64;

    let a = declare(&t, &auth, &sha, size).await;
    assert_eq!(a.status, StatusCode::CREATED, "{a:?}");
    assert_eq!(
        a.body,
        json!({"sha256": sha, "size": size, "received": 0, "complete": false})
    );
    // Declaring again (a retry) answers where it stands.
    let again = declare(&t, &auth, &sha, size).await;
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
    assert_eq!(again.u64("received"), 0);

    // The first 4000 bytes, then the connection "drops".
    let first = patch(&t, &auth, &sha, 0, &doc[..4000]).await;
    assert_eq!(first.status, StatusCode::OK, "{first:?}");
    assert_eq!(first.u64("received"), 4000);
    assert_eq!(first.body["complete"], false);
    // A retry of the same chunk at offset 0 is refused and changes nothing.
    let stale = patch(&t, &auth, &sha, 0, &doc[..4000]).await;
    problem(&stale, StatusCode::CONFLICT, "upload_offset_mismatch");
    let ahead = patch(&t, &auth, &sha, 5000, &doc[5000..6000]).await;
    problem(&ahead, StatusCode::CONFLICT, "upload_offset_mismatch");
    let state = upload_state(&t, &auth, &sha).await;
    assert_eq!(state.status, StatusCode::OK);
    assert_eq!(state.u64("received"), 4000, "{state:?}");
    // Resumed from where the server stands, by another kiosk even.
    let declared_b = declare(&t, &t.auth_b(), &sha, size).await;
    assert_eq!(declared_b.u64("received"), 4000);
    let rest = patch(&t, &t.auth_b(), &sha, 4000, &doc[4000..]).await;
    assert_eq!(rest.status, StatusCode::OK, "{rest:?}");
    assert_eq!(rest.body["complete"], true);
    assert_eq!(rest.u64("received"), size);
    assert_eq!(rest.str("media_type"), "application/pdf");

    // Kept in the object store under its hash; no staging file left.
    let stored = std::fs::read(object_path(&t, &sha)).unwrap_or_default();
    assert_eq!(stored, doc);
    assert_eq!(staging_files(&t), 0);
    // Declared again: complete, nothing to send.
    let done = declare(&t, &auth, &sha, size).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.body["complete"], true);
    assert_eq!(done.u64("received"), size);
    // An empty PATCH at the end is answered; bytes after it are refused.
    let end = patch(&t, &auth, &sha, size, b"").await;
    assert_eq!(end.status, StatusCode::OK, "{end:?}");
    let more = patch(&t, &auth, &sha, 0, b"%PDF-").await;
    problem(&more, StatusCode::CONFLICT, "upload_offset_mismatch");
}

#[tokio::test]
async fn jpeg_and_png_are_accepted_by_their_first_bytes() {
    let t = app().await;
    for (bytes, media_type) in [
        (b"\xFF\xD8\xFF\xE0\0\x10JFIF\0rest".to_vec(), "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), "image/png"),
    ] {
        let sha = upload(&t, &bytes).await;
        let s = upload_state(&t, &t.auth_a(), &sha).await;
        assert_eq!(s.str("media_type"), media_type);
    }
}

#[tokio::test]
async fn bytes_that_do_not_match_the_hash_are_discarded() {
    let t = app().await;
    let auth = t.auth_a();
    let good = pdf("thật");
    let mut bad = good.clone();
    bad[12] ^= 1;
    let sha = sha256(&good);
    let size = good.len() as u64;
    assert_eq!(
        declare(&t, &auth, &sha, size).await.status,
        StatusCode::CREATED
    );
    let half = bad.len() / 2;
    assert_eq!(
        patch(&t, &auth, &sha, 0, &bad[..half]).await.status,
        StatusCode::OK
    );
    let a = patch(&t, &auth, &sha, half as u64, &bad[half..]).await;
    problem(&a, StatusCode::UNPROCESSABLE_ENTITY, "upload_hash_mismatch");
    let s = upload_state(&t, &auth, &sha).await;
    assert_eq!((s.u64("received"), &s.body["complete"]), (0, &json!(false)));
    assert!(!object_path(&t, &sha).exists());
    assert_eq!(staging_files(&t), 0);
    // Sent again, right this time.
    let ok = patch(&t, &auth, &sha, 0, &good).await;
    assert_eq!(ok.body["complete"], true, "{ok:?}");
}

#[tokio::test]
async fn a_disguised_document_is_refused_whatever_it_claims() {
    let t = app().await;
    let auth = t.auth_a();
    for bytes in [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec(),
        b"%PDF".to_vec(),
        b"GIF89a\x01\0\x01\0".to_vec(),
        b"MZ\x90\0\x03\0\0\0 an executable".to_vec(),
    ] {
        let sha = sha256(&bytes);
        declare(&t, &auth, &sha, bytes.len() as u64).await;
        let a = patch(&t, &auth, &sha, 0, &bytes).await;
        problem(
            &a,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "upload_type_refused",
        );
        let s = upload_state(&t, &auth, &sha).await;
        assert_eq!(s.body["complete"], false);
        assert_eq!(s.u64("received"), 0);
        assert!(!object_path(&t, &sha).exists());
    }
    assert_eq!(
        t.count("SELECT COUNT(*) FROM uploads WHERE complete = 1")
            .await,
        0
    );
}

#[tokio::test]
async fn sizes_chunks_offsets_and_names_are_checked() {
    let t = app().await;
    let auth = t.auth_a();
    let sha = sha256(b"whatever");
    let too_big = declare(&t, &auth, &sha, MAX_UPLOAD_BYTES + 1).await;
    problem(&too_big, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    let empty = declare(&t, &auth, &sha, 0).await;
    problem(&empty, StatusCode::BAD_REQUEST, "invalid_request");
    let not_hex = declare(&t, &auth, &"zz".repeat(32), 10).await;
    problem(&not_hex, StatusCode::BAD_REQUEST, "invalid_request");
    for body in ["{\"sha256\": ", "{\"sha256\": \"ab\", \"size\": -1}", "[]"] {
        let a = send(
            &t,
            raw(
                "POST",
                "/v1/uploads",
                &[
                    ("authorization", &auth),
                    ("content-type", "application/json"),
                ],
                body.as_bytes().to_vec(),
            ),
        )
        .await;
        problem(&a, StatusCode::BAD_REQUEST, "invalid_request");
    }
    let extra = send(
        &t,
        request(
            "POST",
            "/v1/uploads",
            &[("authorization", &auth)],
            Some(&json!({"sha256": sha, "size": 8, "name": "x.pdf"})),
        ),
    )
    .await;
    problem(&extra, StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(t.count("SELECT COUNT(*) FROM uploads").await, 0);

    // The largest document may be declared; a chunk above 4 MiB is refused
    // and stores nothing.
    let big_sha = sha256(b"big");
    assert_eq!(
        declare(&t, &auth, &big_sha, MAX_UPLOAD_BYTES).await.status,
        StatusCode::CREATED
    );
    let mut chunk = vec![0u8; usize::try_from(MAX_CHUNK_BYTES).unwrap_or(0) + 1];
    chunk[..5].copy_from_slice(b"%PDF-");
    let a = patch(&t, &auth, &big_sha, 0, &chunk).await;
    problem(&a, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert_eq!(upload_state(&t, &auth, &big_sha).await.u64("received"), 0);
    // Exactly 4 MiB is fine.
    chunk.pop();
    let a = patch(&t, &auth, &big_sha, 0, &chunk).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(a.u64("received"), MAX_CHUNK_BYTES);

    // Bytes past the declared size.
    let small = pdf("nhỏ");
    let small_sha = sha256(&small);
    declare(&t, &auth, &small_sha, small.len() as u64).await;
    let mut longer = small.clone();
    longer.push(b'!');
    let past = patch(&t, &auth, &small_sha, 0, &longer).await;
    problem(&past, StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(upload_state(&t, &auth, &small_sha).await.u64("received"), 0);
    // Another size for a declared hash.
    let other = declare(&t, &auth, &small_sha, small.len() as u64 + 1).await;
    problem(&other, StatusCode::BAD_REQUEST, "invalid_request");

    // No or a malformed Upload-Offset; an undeclared upload.
    for offset in [None, Some("-1"), Some("abc"), Some("")] {
        let mut headers = vec![("authorization", auth.as_str())];
        if let Some(o) = offset {
            headers.push(("upload-offset", o));
        }
        let a = send(
            &t,
            raw(
                "PATCH",
                &format!("/v1/uploads/{small_sha}"),
                &headers,
                small.clone(),
            ),
        )
        .await;
        problem(&a, StatusCode::BAD_REQUEST, "invalid_request");
    }
    let unknown = sha256(b"never declared");
    problem(
        &patch(&t, &auth, &unknown, 0, b"%PDF-").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    problem(
        &upload_state(&t, &auth, &unknown).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    problem(
        &upload_state(&t, &auth, "nothex").await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
}

#[tokio::test]
async fn every_upload_route_wants_a_kiosk_token() {
    let t = app().await;
    let doc = pdf("token");
    let sha = sha256(&doc);
    for auth in ["", "Bearer ", "Bearer 0123", "Basic abc"] {
        let a = declare(&t, auth, &sha, doc.len() as u64).await;
        problem(&a, StatusCode::UNAUTHORIZED, "kiosk_unauthorized");
        let a = patch(&t, auth, &sha, 0, &doc).await;
        problem(&a, StatusCode::UNAUTHORIZED, "kiosk_unauthorized");
        let a = upload_state(&t, auth, &sha).await;
        problem(&a, StatusCode::UNAUTHORIZED, "kiosk_unauthorized");
    }
    assert_eq!(t.count("SELECT COUNT(*) FROM uploads").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn chunks_racing_for_one_offset_append_once() {
    let t = Arc::new(app().await);
    let auth = t.auth_a();
    let mut doc = pdf("đua");
    doc.extend(std::iter::repeat_n(b'.', 3 * 1024 * 1024));
    let sha = sha256(&doc);
    declare(&t, &auth, &sha, doc.len() as u64).await;
    let doc = Arc::new(doc);
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let (t, auth, sha, doc) = (t.clone(), auth.clone(), sha.clone(), doc.clone());
            tokio::spawn(async move {
                let len = 1024 * 1024 + i * 1000;
                patch(&t, &auth, &sha, 0, &doc[..len]).await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap_or_else(|e| panic!("{e}")));
    }
    let ok: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .collect();
    assert_eq!(ok.len(), 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .filter(|a| a.status != StatusCode::OK)
            .all(|a| a.code() == "upload_offset_mismatch"),
        "{answers:?}"
    );
    let held = upload_state(&t, &auth, &sha).await.u64("received");
    assert_eq!(held, ok[0].u64("received"));
    let rest = patch(
        &t,
        &auth,
        &sha,
        held,
        &doc[usize::try_from(held).unwrap_or(0)..],
    )
    .await;
    assert_eq!(rest.body["complete"], true, "{rest:?}");
}

#[tokio::test]
async fn an_upload_cut_off_after_its_last_byte_is_finished_by_the_next_sender() {
    // Every byte staged, the upload never checked: what a sender cut off
    // while the server hashed its last chunk (or a failed store) leaves.
    let t = app().await;
    let auth = t.auth_a();
    let doc = pdf("giay chung sinh");
    let sha = sha256(&doc);
    let a = declare(&t, &auth, &sha, doc.len() as u64).await;
    assert_eq!(a.status, StatusCode::CREATED, "{a:?}");
    let staging = t.dir.path().join(motcua_server::STAGING_DIR);
    std::fs::create_dir_all(&staging).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(staging.join(format!("{sha}.part")), &doc).unwrap_or_else(|e| panic!("{e}"));
    let stuck = upload_state(&t, &auth, &sha).await;
    assert_eq!(stuck.u64("received"), doc.len() as u64, "{stuck:?}");
    assert_eq!(stuck.body["complete"], false, "{stuck:?}");

    // The kiosk's client sends it again: it finishes instead of waiting forever.
    let running = serve(t.state.clone()).await;
    let client = motcua_core::client::ApiClient::new(&running.url(), &t.kiosk_a)
        .unwrap_or_else(|e| panic!("{e}"));
    let done = client.upload(&doc).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(done.complete, "{done:?}");
    assert_eq!(done.media_type.as_deref(), Some("application/pdf"));
    assert_eq!(
        std::fs::read(object_path(&t, &sha)).unwrap_or_else(|e| panic!("{e}")),
        doc
    );
    assert_eq!(staging_files(&t), 0, "the staged copy is gone");
    running.shutdown().await;
}

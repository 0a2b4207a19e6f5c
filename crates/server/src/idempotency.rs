//! A kiosk's idempotency key: a replay of the same request gets what the
//! first one recorded; another request under the same key is refused.

use sqlx::Row;

use crate::StoreError;

/// What an earlier use of a kiosk's idempotency key says of a new request.
pub(crate) enum Earlier {
    /// The key has not been used.
    Unused,
    /// The same request came before; the id of what it recorded.
    Same(String),
    /// The key was used for another request.
    Reused,
}

/// Looks up the kiosk's `key` in `table`, whose records are named by
/// `id_column`, and compares the request hashes; inside `conn`, the caller's
/// transaction, which it leaves open.
pub(crate) async fn earlier(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    id_column: &'static str,
    kiosk_name: &str,
    key: &str,
    request_hash: &str,
) -> Result<Earlier, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {id_column}, request_hash FROM {table} \
         WHERE kiosk_name = $1 AND idempotency_key = $2"
    ))
    .bind(kiosk_name)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(Earlier::Unused);
    };
    let hash: String = row.try_get("request_hash")?;
    if hash != request_hash {
        return Ok(Earlier::Reused);
    }
    Ok(Earlier::Same(row.try_get(id_column)?))
}

//! The two migration folders describe one schema: `migrations/` (SQLite, as
//! shipped) and `migrations-postgres/` have the same numbered migrations,
//! and, migrated, the same tables, columns (kind of value, NOT NULL) and
//! named indexes. The second test needs the PostgreSQL server of
//! `MOTCUA_TEST_POSTGRES_URL` (`scripts/test.sh` starts one); without it,
//! it says so and checks SQLite's side only.

#[path = "support/app.rs"]
mod support;

use std::collections::BTreeSet;

use motcua_server::{Dialect, Store};

#[test]
fn both_folders_have_the_same_numbered_migrations() {
    let sqlite = sqlx::migrate!("./migrations");
    let postgres = sqlx::migrate!("./migrations-postgres");
    let names = |m: &sqlx::migrate::Migrator| -> Vec<(i64, String)> {
        m.iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    };
    assert!(!names(&sqlite).is_empty());
    assert_eq!(
        names(&sqlite),
        names(&postgres),
        "every migration needs its twin with the same number and name"
    );
}

/// `(table, column, kind, not null)`, and the explicitly created indexes.
type Schema = (BTreeSet<(String, String, String, bool)>, BTreeSet<String>);

/// The value kind of a declared column type, named the same for both.
fn kind(declared: &str) -> String {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "integer".to_owned(),
        "text" => "text".to_owned(),
        other => other.to_owned(),
    }
}

async fn sqlite_schema(store: &Store) -> Schema {
    let pool = store.pool();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name != '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let mut columns = BTreeSet::new();
    for table in tables {
        let rows: Vec<(String, String, i64, i64)> =
            sqlx::query_as("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)")
                .bind(&table)
                .fetch_all(pool)
                .await
                .unwrap_or_else(|e| panic!("{table}: {e}"));
        for (name, declared, not_null, pk) in rows {
            columns.insert((
                table.clone(),
                name,
                kind(&declared),
                not_null != 0 || pk != 0,
            ));
        }
    }
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
    )
    .fetch_all(pool)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    (columns, indexes.into_iter().collect())
}

async fn postgres_schema(store: &Store) -> Schema {
    let pool = store.pool();
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
         FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name != '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let columns = rows
        .into_iter()
        // SQLite's implicit rowid, made explicit where queries order by it.
        .filter(|(_, column, _, _)| column != "rowid")
        .map(|(table, column, declared, nullable)| {
            (table, column, kind(&declared), nullable == "NO")
        })
        .collect();
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' \
         AND indexname NOT IN (SELECT conname FROM pg_constraint)",
    )
    .fetch_all(pool)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    (columns, indexes.into_iter().collect())
}

#[tokio::test]
async fn both_migrated_databases_have_the_same_tables_columns_and_indexes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sqlite = Store::open(&dir.path().join(motcua_server::DB_FILE))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sqlite.dialect(), Dialect::Sqlite);
    let (columns, indexes) = sqlite_schema(&sqlite).await;
    assert!(
        columns.contains(&(
            "dossiers".into(),
            "created_at".into(),
            "integer".into(),
            true
        )),
        "{columns:?}"
    );
    assert!(indexes.contains("dossier_history_code"), "{indexes:?}");
    let Some(_) = support::postgres_server() else {
        eprintln!(
            "{} is not set: the PostgreSQL side is not compared",
            support::ENV_TEST_POSTGRES
        );
        return;
    };
    let db = support::DataDir::new().await;
    let url = db.database_url().unwrap_or_default();
    let postgres = Store::connect(&url).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(postgres.dialect(), Dialect::Postgres);
    let (pg_columns, pg_indexes) = postgres_schema(&postgres).await;
    let only_sqlite: Vec<_> = columns.difference(&pg_columns).collect();
    let only_postgres: Vec<_> = pg_columns.difference(&columns).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "columns only in SQLite: {only_sqlite:?}\ncolumns only in PostgreSQL: {only_postgres:?}"
    );
    assert_eq!(indexes, pg_indexes);
    postgres.close().await;
}

#[tokio::test]
async fn every_connection_keeps_the_durability_settings() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sqlite = Store::open(&dir.path().join(motcua_server::DB_FILE))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Several connections at once, so more than the first is looked at.
    let mut conns = Vec::new();
    for _ in 0..3 {
        conns.push(
            sqlite
                .pool()
                .acquire()
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        );
    }
    for conn in &mut conns {
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut **conn)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut **conn)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut **conn)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (mode.as_str(), sync, fk),
            ("wal", 2, 1),
            "WAL, FULL, foreign keys"
        );
    }
    let Some(_) = support::postgres_server() else {
        return;
    };
    let db = support::DataDir::new().await;
    let postgres = Store::connect(&db.database_url().unwrap_or_default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let commit: String = sqlx::query_scalar("SHOW synchronous_commit")
        .fetch_one(postgres.pool())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(commit, "on");
    postgres.close().await;
}

#[tokio::test]
async fn an_unknown_database_url_is_refused_without_its_password() {
    match Store::connect("mysql://motcua:bí-mật@db/motcua").await {
        Ok(_) => panic!("a MySQL URL was accepted"),
        Err(e) => {
            let shown = e.to_string();
            assert!(shown.contains("postgres://"), "{shown}");
            assert!(!shown.contains("bí-mật"), "{shown}");
        }
    }
}

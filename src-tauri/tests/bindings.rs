//! ui/src/lib/bindings.ts is generated from the commands; this fails when the
//! checked-in file is stale. Regenerate with scripts/bindings.sh
//! (MOTCUA_UPDATE_BINDINGS=1 cargo test -p motcua-kiosk --test bindings).

use std::path::PathBuf;

#[test]
fn typescript_bindings_are_up_to_date() {
    let checked_in = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
    if std::env::var_os("MOTCUA_UPDATE_BINDINGS").is_some() {
        motcua_kiosk::export_bindings(&checked_in).unwrap_or_else(|e| panic!("{e:#}"));
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let fresh = dir.path().join("bindings.ts");
    motcua_kiosk::export_bindings(&fresh).unwrap_or_else(|e| panic!("{e:#}"));
    let fresh = std::fs::read_to_string(&fresh).unwrap_or_else(|e| panic!("{e}"));
    let current = std::fs::read_to_string(&checked_in).unwrap_or_default();
    assert!(
        fresh == current,
        "{} is stale: run scripts/bindings.sh and commit the result",
        checked_in.display()
    );
}

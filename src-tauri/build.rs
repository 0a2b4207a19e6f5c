fn main() {
    // Only the app's own commands exist, each with a generated permission
    // (`allow-<command>`); capabilities/kiosk.json grants them to the window.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "kiosk_info",
        "list_procedures",
        "get_procedure",
        "search_procedures",
        "compose",
        "call_helper",
        "speak",
        "stop_speaking",
        "read_card",
        "end_session",
        "watch_camera",
        "stop_camera",
        "find_account",
        "send_code",
        "verify_code",
        "unlock_staff",
        "vouch_account",
        "scan_page",
        "keep_page",
        "retake_page",
        "remove_page",
        "component_pages",
        "mark_on_paper",
        "quote_fee",
        "start_payment",
        "payment_status",
        "review_dossier",
        "submit_dossier",
        "print_receipt",
        "lookup_dossier",
        "lookup_qr",
        "report_screen",
        "unlock_staff_card",
        "end_helper_mode",
        "log_event",
        "device_health",
    ]);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        eprintln!("tauri-build failed: {e:#}");
        std::process::exit(1);
    }
}

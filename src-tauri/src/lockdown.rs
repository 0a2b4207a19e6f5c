//! Kiosk lockdown on the Rust side: the webview may only show the app's own
//! pages, and the window covers the whole screen even without a window manager.
//! (Key and pointer lockdown lives in the UI: ui/src/lib/lockdown.ts.)

use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Runtime, Url, WebviewWindow};

/// Whether the webview may navigate to `url`: only the app's own origin.
pub fn allowed_navigation(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("lockdown")
        .on_navigation(|_, url| {
            let ok = allowed_navigation(url);
            if !ok {
                tracing::warn!(scheme = url.scheme(), "navigation outside the app blocked");
            }
            ok
        })
        .build()
}

/// Places the window over the whole monitor and makes it fullscreen. Under a
/// bare X server (no window manager) `fullscreen` alone does not resize it.
pub fn fill_screen<R: Runtime>(window: &WebviewWindow<R>) {
    if let Ok(Some(monitor)) = window
        .current_monitor()
        .or_else(|_| window.primary_monitor())
    {
        let _ = window.set_position(*monitor.position());
        let _ = window.set_size(*monitor.size());
    }
    let _ = window.set_fullscreen(true);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_origin_is_allowed() {
        for (url, ok) in [
            ("tauri://localhost/index.html", true),
            ("http://tauri.localhost/", true),
            ("https://tauri.localhost/x", true),
            ("https://example.com/", false),
            ("http://127.0.0.1:8080/", false),
            ("file:///etc/passwd", false),
            ("javascript:alert(1)", false),
            ("tauri://evil/", false),
        ] {
            let parsed = Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(allowed_navigation(&parsed), ok, "{url}");
        }
    }
}

//! The helper console's web page: static HTML, CSS and vanilla JavaScript
//! embedded in the binary (no build step, nothing from a CDN), served at
//! `/console` with a Content-Security-Policy that allows only this origin.
//! The page talks to the `/v1` API with the console cookie and listens to
//! `/v1/console/events`.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

/// The page's Content-Security-Policy: scripts, styles, images and fetches
/// from this origin only (no inline script), and never inside a frame.
pub const CONSOLE_CSP: &str =
    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const INDEX_HTML: &str = include_str!("../console/index.html");
const CONSOLE_CSS: &str = include_str!("../console/console.css");
const CONSOLE_JS: &str = include_str!("../console/console.js");

/// The page's routes, outside `/v1`.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/console", get(index))
        .route("/console/", get(index))
        .route("/console/console.css", get(css))
        .route("/console/console.js", get(js))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONSOLE_CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    resp
}

async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

async fn css() -> Response {
    asset("text/css; charset=utf-8", CONSOLE_CSS)
}

async fn js() -> Response {
    asset("text/javascript; charset=utf-8", CONSOLE_JS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn the_page_is_nfc_and_loads_nothing_from_elsewhere() {
        for (name, text) in [
            ("index.html", INDEX_HTML),
            ("console.css", CONSOLE_CSS),
            ("console.js", CONSOLE_JS),
        ] {
            let nfc: String = text.nfc().collect();
            assert!(nfc == text, "{name} is not NFC");
            // The SVG namespace is a name, not a place anything is loaded from.
            let text = text.replace("http://www.w3.org/2000/svg", "");
            for banned in [
                "http://",
                "https://",
                "style=\"",
                "onclick=",
                "onsubmit=",
                "eval(",
                "innerHTML",
            ] {
                assert!(!text.contains(banned), "{name} contains {banned}");
            }
        }
        assert!(INDEX_HTML.contains("<script src=\"/console/console.js\" defer></script>"));
        assert!(!INDEX_HTML.contains("<script>"), "no inline script");
    }
}

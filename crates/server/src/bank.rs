//! The center's payment settings (its bank account for VietQR, the secret
//! shared with the bank's webhook, the receipt's issuer and symbols), and
//! the webhook's signature: `sha256=<hex HMAC-SHA256 of the raw body>`.
//!
//! Settings come from the environment ([`PaymentConfig::from_env`]); what
//! is not set falls back to SAMPLE values that pay no real center, and the
//! server says so in its log and in every VietQR it hands out.

use hmac::{Hmac, Mac};
use motcua_core::vietqr;
use sha2::Sha256;

use crate::Secret;
use crate::tokens::hex;

/// The receiving bank's 6-digit BIN.
pub const ENV_BANK_BIN: &str = "MOTCUA_BANK_BIN";
/// The receiving account number (digits).
pub const ENV_BANK_ACCOUNT: &str = "MOTCUA_BANK_ACCOUNT";
/// The account holder's name, shown beside the QR.
pub const ENV_BANK_ACCOUNT_NAME: &str = "MOTCUA_BANK_ACCOUNT_NAME";
/// The secret shared with the bank's webhook (at least 16 characters).
pub const ENV_BANK_WEBHOOK_SECRET: &str = "MOTCUA_BANK_WEBHOOK_SECRET";
/// The unit that issues the receipts.
pub const ENV_RECEIPT_ISSUER: &str = "MOTCUA_RECEIPT_ISSUER";
/// The receipts' form-template symbol (mẫu số).
pub const ENV_RECEIPT_TEMPLATE: &str = "MOTCUA_RECEIPT_TEMPLATE";
/// The letters of the receipts' symbol (ký hiệu): `AA` gives `AA-26E`.
pub const ENV_RECEIPT_SERIES: &str = "MOTCUA_RECEIPT_SERIES";

/// SAMPLE bank BIN (Vietcombank's), used when none is configured.
pub const SAMPLE_BANK_BIN: &str = "970436";
/// SAMPLE account number: pays no center.
pub const SAMPLE_BANK_ACCOUNT: &str = "0000000000";
/// SAMPLE account name.
pub const SAMPLE_BANK_ACCOUNT_NAME: &str = "TAI KHOAN MAU - KHONG CHUYEN TIEN";
/// SAMPLE issuer of receipts.
pub const SAMPLE_RECEIPT_ISSUER: &str = "Trung tâm Phục vụ hành chính công xã (MẪU)";
/// Default form-template symbol of the receipts.
pub const DEFAULT_RECEIPT_TEMPLATE: &str = "01BLP0-001";
/// Default letters of the receipts' symbol.
pub const DEFAULT_RECEIPT_SERIES: &str = "AA";

/// Shortest webhook secret accepted.
pub const WEBHOOK_SECRET_MIN_CHARS: usize = 16;

/// The account VietQR payments go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    pub bin: String,
    pub account_number: String,
    pub account_name: String,
}

/// The center's payment settings.
#[derive(Debug, Clone)]
pub struct PaymentConfig {
    pub bank: BankAccount,
    /// True when `bank` is the SAMPLE account.
    pub bank_is_sample: bool,
    /// The webhook's shared secret; without one every webhook is refused.
    pub webhook_secret: Option<Secret>,
    /// The unit named on receipts.
    pub issuer: String,
    /// Mẫu số, e.g. `01BLP0-001`.
    pub receipt_template: String,
    /// The letters of the ký hiệu, e.g. `AA`.
    pub receipt_series: String,
}

/// Why the payment settings were refused. Never quotes the secret or the
/// account number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentConfigError {
    #[error(
        "set all of {ENV_BANK_BIN}, {ENV_BANK_ACCOUNT} and {ENV_BANK_ACCOUNT_NAME}, or none (the SAMPLE account)"
    )]
    PartialBank,
    #[error("bank account refused for VietQR: {0}")]
    Bank(#[from] vietqr::VietQrError),
    #[error("{name} {problem}")]
    Bad {
        name: &'static str,
        problem: &'static str,
    },
}

impl PaymentConfig {
    /// The SAMPLE settings: sample account, no webhook secret, sample
    /// issuer, default symbols.
    pub fn sample() -> Self {
        Self {
            bank: BankAccount {
                bin: SAMPLE_BANK_BIN.to_owned(),
                account_number: SAMPLE_BANK_ACCOUNT.to_owned(),
                account_name: SAMPLE_BANK_ACCOUNT_NAME.to_owned(),
            },
            bank_is_sample: true,
            webhook_secret: None,
            issuer: SAMPLE_RECEIPT_ISSUER.to_owned(),
            receipt_template: DEFAULT_RECEIPT_TEMPLATE.to_owned(),
            receipt_series: DEFAULT_RECEIPT_SERIES.to_owned(),
        }
    }

    /// The settings from the process environment.
    pub fn from_env() -> Result<Self, PaymentConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The settings from `lookup` (an environment), checked: what is unset
    /// or blank keeps its sample or default value.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, PaymentConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| motcua_core::text::nfc(v.trim()))
                .filter(|v| !v.is_empty())
        };
        let mut c = Self::sample();
        match (
            get(ENV_BANK_BIN),
            get(ENV_BANK_ACCOUNT),
            get(ENV_BANK_ACCOUNT_NAME),
        ) {
            (None, None, None) => {}
            (Some(bin), Some(account_number), Some(account_name)) => {
                c.bank = BankAccount {
                    bin,
                    account_number,
                    account_name,
                };
                c.bank_is_sample = false;
            }
            _ => return Err(PaymentConfigError::PartialBank),
        }
        vietqr::validate(&vietqr::Transfer {
            bin: c.bank.bin.clone(),
            account: c.bank.account_number.clone(),
            amount: None,
            purpose: None,
            reference: None,
            service: vietqr::Service::ToAccount,
        })?;
        check_text(ENV_BANK_ACCOUNT_NAME, &c.bank.account_name, 100)?;
        if let Some(secret) = lookup(ENV_BANK_WEBHOOK_SECRET) {
            let secret = secret.trim();
            if secret.chars().count() < WEBHOOK_SECRET_MIN_CHARS {
                return Err(PaymentConfigError::Bad {
                    name: ENV_BANK_WEBHOOK_SECRET,
                    problem: "is shorter than 16 characters",
                });
            }
            c.webhook_secret = Some(Secret::new(secret));
        }
        if let Some(issuer) = get(ENV_RECEIPT_ISSUER) {
            check_text(ENV_RECEIPT_ISSUER, &issuer, 200)?;
            c.issuer = issuer;
        }
        if let Some(template) = get(ENV_RECEIPT_TEMPLATE) {
            if template.is_empty()
                || template.len() > 20
                || !template
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/')
            {
                return Err(PaymentConfigError::Bad {
                    name: ENV_RECEIPT_TEMPLATE,
                    problem: "must be 1 to 20 ASCII letters, digits, '-' or '/'",
                });
            }
            c.receipt_template = template;
        }
        if let Some(series) = get(ENV_RECEIPT_SERIES) {
            if !(1..=6).contains(&series.len()) || !series.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(PaymentConfigError::Bad {
                    name: ENV_RECEIPT_SERIES,
                    problem: "must be 1 to 6 capital ASCII letters",
                });
            }
            c.receipt_series = series;
        }
        Ok(c)
    }

    /// The receipt symbol (ký hiệu) of `year`: `AA-26E`.
    pub fn receipt_symbol(&self, year: i32) -> String {
        format!("{}-{:02}E", self.receipt_series, year.rem_euclid(100))
    }
}

fn check_text(name: &'static str, value: &str, max: usize) -> Result<(), PaymentConfigError> {
    if value.chars().count() > max {
        return Err(PaymentConfigError::Bad {
            name,
            problem: "is too long",
        });
    }
    if value.chars().any(char::is_control) {
        return Err(PaymentConfigError::Bad {
            name,
            problem: "contains control characters",
        });
    }
    Ok(())
}

type HmacSha256 = Hmac<Sha256>;

/// The `X-Signature` value of a webhook body: `sha256=` and the lowercase
/// hex HMAC-SHA256 of the raw bytes under `secret`. Tests and simulated
/// banks sign with it.
pub fn sign_webhook(secret: &str, body: &[u8]) -> String {
    // HMAC accepts a key of any length: this cannot fail.
    match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            format!("sha256={}", hex(&mac.finalize().into_bytes()))
        }
        Err(_) => String::new(),
    }
}

/// Whether `header` is `sha256=<hex>` with the HMAC of `body` under
/// `secret`, compared in constant time.
pub(crate) fn signature_ok(secret: &str, header: Option<&str>, body: &[u8]) -> bool {
    let Some(hex_sig) = header
        .map(str::trim)
        .and_then(|h| h.strip_prefix("sha256="))
    else {
        return false;
    };
    let Some(sig) = unhex(hex_sig) else {
        return false;
    };
    let Ok(mut mac) = HmacSha256::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

/// Hex digits (either case) to bytes; `None` for anything else.
fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || s.len() > 128 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> Result<PaymentConfig, PaymentConfigError> {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        PaymentConfig::from_lookup(|name| env.get(name).cloned())
    }

    #[test]
    fn nothing_set_is_the_sample_and_no_webhook() {
        let c = from(&[]).unwrap_or_else(|e| panic!("{e}"));
        assert!(c.bank_is_sample);
        assert_eq!(c.bank.bin, SAMPLE_BANK_BIN);
        assert!(c.webhook_secret.is_none());
        assert!(c.issuer.contains("MẪU"));
        assert_eq!(c.receipt_symbol(2026), "AA-26E");
        assert_eq!(c.receipt_symbol(2100), "AA-00E");
    }

    #[test]
    fn a_real_account_and_secret_are_read_and_checked() {
        let c = from(&[
            (ENV_BANK_BIN, " 970415 "),
            (ENV_BANK_ACCOUNT, "113366668888"),
            (ENV_BANK_ACCOUNT_NAME, "UBND XA DONG SON"),
            (ENV_BANK_WEBHOOK_SECRET, "a-long-enough-secret"),
            (ENV_RECEIPT_ISSUER, "UBND xã Đông Sơn"),
            (ENV_RECEIPT_TEMPLATE, "01BLP0-002"),
            (ENV_RECEIPT_SERIES, "DS"),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!c.bank_is_sample);
        assert_eq!(c.bank.bin, "970415");
        assert_eq!(
            c.webhook_secret.as_ref().map(Secret::expose),
            Some("a-long-enough-secret")
        );
        assert_eq!(c.receipt_symbol(2027), "DS-27E");
        assert_eq!(c.receipt_template, "01BLP0-002");

        for (pairs, want) in [
            (vec![(ENV_BANK_BIN, "970415")], "set all of"),
            (
                vec![
                    (ENV_BANK_BIN, "97041"),
                    (ENV_BANK_ACCOUNT, "1"),
                    (ENV_BANK_ACCOUNT_NAME, "X"),
                ],
                "BIN",
            ),
            (
                vec![
                    (ENV_BANK_BIN, "970415"),
                    (ENV_BANK_ACCOUNT, "12-34"),
                    (ENV_BANK_ACCOUNT_NAME, "X"),
                ],
                "digits only",
            ),
            (vec![(ENV_BANK_WEBHOOK_SECRET, "short-secret")], "16"),
            (vec![(ENV_RECEIPT_SERIES, "aa")], "capital"),
            (vec![(ENV_RECEIPT_TEMPLATE, "01 BLP")], "ASCII"),
        ] {
            match from(&pairs) {
                Err(e) => {
                    let e = e.to_string();
                    assert!(e.contains(want), "{pairs:?}: {e}");
                    assert!(!e.contains("short-secret"), "{e}");
                }
                Ok(_) => panic!("{pairs:?} accepted"),
            }
        }
    }

    #[test]
    fn signatures_verify_only_for_the_same_secret_and_bytes() {
        let body = br#"{"reference":"MCABCDEFGH","amount":8000}"#;
        let sig = sign_webhook("a-long-enough-secret", body);
        assert!(sig.starts_with("sha256="));
        assert_eq!(sig.len(), 7 + 64);
        assert!(signature_ok("a-long-enough-secret", Some(&sig), body));
        assert!(signature_ok(
            "a-long-enough-secret",
            Some(&sig.to_uppercase().replace("SHA256=", "sha256=")),
            body
        ));
        assert!(!signature_ok("another-long-secret!", Some(&sig), body));
        assert!(!signature_ok(
            "a-long-enough-secret",
            Some(&sig),
            br#"{"reference":"MCABCDEFGH","amount":9000}"#
        ));
        for bad in ["", "sha256=", "sha1=00", &sig[7..], &sig[..70], "sha256=zz"] {
            assert!(
                !signature_ok("a-long-enough-secret", Some(bad), body),
                "{bad}"
            );
        }
        assert!(!signature_ok("a-long-enough-secret", None, body));
        // The published HMAC-SHA256 test vector (RFC 4231, case 2).
        assert_eq!(
            sign_webhook("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}

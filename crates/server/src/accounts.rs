//! Citizen public-service accounts: lookup, creation with an SMS one-time
//! code, and a helper's vouching.
//!
//! Logs name only opaque ids (challenge, account): never an ID number, a
//! name, a phone or a code.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_core::cccd::{self, CardError, Identity, IdentityInput};
use motcua_protocol::accounts::{OTP_MAX_ATTEMPTS, VOUCH_REASON_MAX_CHARS};
use motcua_protocol::{
    AccountLookup, AccountLookupResult, AccountVerified, NewOtpChallenge, NewVouch, OtpChallenge,
    OtpVerify, ProblemCode, Sex, VouchedAccount,
};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::api::{ApiJson, check_text_max as check_text};
use crate::store::{ChallengeStatus, Consumed, IdentityRow, NewChallengeRow};
use crate::tokens::{hex, same};
use crate::{ApiError, AppState, AuthedKiosk, KioskStaff};

/// How long a code works.
pub const OTP_TTL_SECONDS: i64 = 5 * 60;
/// Least time between two codes for the same phone.
pub const RESEND_AFTER_SECONDS: i64 = 60;
/// At most this many codes per phone in [`CODES_WINDOW_SECONDS`].
pub const MAX_CODES_PER_WINDOW: usize = 3;
/// The rolling window of the codes-per-phone limit.
pub const CODES_WINDOW_SECONDS: i64 = 60 * 60;

/// The SMS that carries a code.
pub fn sms_text(code: &str) -> String {
    format!("Mã xác thực Một Cửa: {code}. Hiệu lực 5 phút. Không chia sẻ mã này.")
}

fn card_error(e: &CardError) -> ApiError {
    // The card error's English names the rule, never a value.
    ApiError::new(
        ProblemCode::InvalidCard,
        format!("card data refused ({}): {e}", e.code()),
    )
}

fn rfc3339(t: OffsetDateTime) -> Result<String, ApiError> {
    t.format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| ApiError::new(ProblemCode::Internal, format!("clock: {e}")))
}

fn today_in_vietnam(now: OffsetDateTime) -> time::Date {
    now.to_offset(time::macros::offset!(+7)).date()
}

fn core_sex(s: Sex) -> cccd::Sex {
    match s {
        Sex::Male => cccd::Sex::Male,
        Sex::Female => cccd::Sex::Female,
    }
}

fn identity_row(i: &Identity) -> IdentityRow {
    IdentityRow {
        id_number: i.id_number.clone(),
        full_name: i.full_name.clone(),
        date_of_birth: format!(
            "{:04}-{:02}-{:02}",
            i.date_of_birth.year(),
            u8::from(i.date_of_birth.month()),
            i.date_of_birth.day()
        ),
        sex: match i.sex {
            cccd::Sex::Male => "male",
            cccd::Sex::Female => "female",
        }
        .to_owned(),
        address: i.address.clone(),
    }
}

fn check_identity(
    id_number: &str,
    full_name: &str,
    date_of_birth: &str,
    sex: Sex,
    address: &str,
    now: OffsetDateTime,
) -> Result<IdentityRow, ApiError> {
    let input = IdentityInput {
        id_number,
        full_name,
        date_of_birth,
        sex: core_sex(sex),
        address,
    };
    cccd::check_identity(&input, today_in_vietnam(now))
        .map(|i| identity_row(&i))
        .map_err(|e| card_error(&e))
}

fn random_code_and_salt() -> (String, [u8; 16]) {
    use rand::RngExt;
    // ThreadRng: a CSPRNG seeded from the OS, reseeded periodically.
    let mut rng = rand::rng();
    let code = format!("{:06}", rng.random_range(0..1_000_000u32));
    let mut salt = [0u8; 16];
    rng.fill(&mut salt);
    (code, salt)
}

/// Hex SHA-256 of salt, challenge id and code.
fn code_hash(salt_hex: &str, challenge_id: &str, code: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt_hex.as_bytes());
    h.update(b"\0");
    h.update(challenge_id.as_bytes());
    h.update(b"\0");
    h.update(code.as_bytes());
    hex(&h.finalize())
}

fn seconds_until(t: i64, now: i64) -> u64 {
    u64::try_from(t.saturating_sub(now)).unwrap_or(0).max(1)
}

pub(crate) async fn lookup(
    State(s): State<AppState>,
    ApiJson(req): ApiJson<AccountLookup>,
) -> Result<Json<AccountLookupResult>, ApiError> {
    let id_number = req.id_number.trim();
    cccd::check_id_number_shape(id_number).map_err(|e| card_error(&e))?;
    let found = s.store.account_by_id_number(id_number).await?;
    Ok(Json(match found {
        Some(a) => AccountLookupResult {
            found: true,
            masked_phone: a.phone.as_deref().map(motcua_core::phone::mask),
            account_id: Some(a.id),
        },
        None => AccountLookupResult {
            found: false,
            account_id: None,
            masked_phone: None,
        },
    }))
}

pub(crate) async fn request_otp(
    State(s): State<AppState>,
    kiosk: AuthedKiosk,
    ApiJson(req): ApiJson<NewOtpChallenge>,
) -> Result<(StatusCode, Json<OtpChallenge>), ApiError> {
    let now_t = s.clock.now();
    let identity = check_identity(
        &req.id_number,
        &req.full_name,
        &req.date_of_birth,
        req.sex,
        &req.address,
        now_t,
    )?;
    let phone = motcua_core::phone::normalize_mobile(&req.phone)
        .map_err(|e| ApiError::new(ProblemCode::InvalidPhone, e.to_string()))?;
    // Knowing what is printed on someone's card must not let anyone move
    // that person's account to their own phone: an account with a phone is
    // only ever re-verified on that phone; changing it is a helper's job.
    if let Some(existing) = s.store.account_by_id_number(&identity.id_number).await?
        && existing.phone.as_ref().is_some_and(|p| p != &phone)
    {
        return Err(ApiError::new(
            ProblemCode::AccountHasOtherPhone,
            "the ID number has an account with another phone",
        ));
    }

    let now = now_t.unix_timestamp();
    // Challenges older than the rate window are expired and count for no
    // limit: drop them with the personal data they hold.
    s.store.purge_challenges(now - CODES_WINDOW_SECONDS).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let (code, salt) = random_code_and_salt();
    let salt = hex(&salt);
    let row = NewChallengeRow {
        code_hash: code_hash(&salt, &id, &code),
        id: id.clone(),
        identity,
        phone,
        salt,
        created_at: now,
        expires_at: now + OTP_TTL_SECONDS,
    };
    let allowed = s
        .store
        .issue_challenge(&row, now - CODES_WINDOW_SECONDS, |recent| {
            if recent.len() >= MAX_CODES_PER_WINDOW {
                let oldest = recent.first().copied().unwrap_or(now);
                return Err(ApiError::new(
                    ProblemCode::TooManyCodes,
                    format!(
                        "{MAX_CODES_PER_WINDOW} codes already sent to this phone within an hour"
                    ),
                )
                .with_retry_after(seconds_until(oldest + CODES_WINDOW_SECONDS, now)));
            }
            if let Some(&last) = recent.last()
                && last + RESEND_AFTER_SECONDS > now
            {
                return Err(ApiError::new(
                    ProblemCode::ResendTooSoon,
                    format!("a code was sent to this phone less than {RESEND_AFTER_SECONDS} s ago"),
                )
                .with_retry_after(seconds_until(last + RESEND_AFTER_SECONDS, now)));
            }
            Ok(())
        })
        .await?;
    if let Err(refusal) = allowed {
        tracing::info!(
            code = refusal.code.as_str(),
            "one-time code refused by the rate limit"
        );
        return Err(refusal);
    }
    if let Err(e) = s.sms.send_boxed(&row.phone, &sms_text(&code)).await {
        // SmsError carries neither the phone nor the text.
        tracing::warn!(challenge = %id, error = %e, "SMS not sent; challenge withdrawn");
        s.store.delete_challenge(&id).await?;
        return Err(ApiError::new(
            ProblemCode::SmsUnavailable,
            "the SMS gateway did not take the message",
        ));
    }
    s.store.record_otp_issued(&id, &kiosk.name, now).await?;
    tracing::info!(challenge = %id, "one-time code sent");
    Ok((
        StatusCode::CREATED,
        Json(OtpChallenge {
            challenge_id: id,
            expires_at: rfc3339(now_t + time::Duration::seconds(OTP_TTL_SECONDS))?,
            resend_after_seconds: RESEND_AFTER_SECONDS.unsigned_abs(),
        }),
    ))
}

pub(crate) async fn verify(
    State(s): State<AppState>,
    kiosk: AuthedKiosk,
    ApiJson(req): ApiJson<OtpVerify>,
) -> Result<(StatusCode, Json<AccountVerified>), ApiError> {
    let challenge_id = req.challenge_id.trim();
    if uuid::Uuid::parse_str(challenge_id).is_err() {
        return Err(ApiError::invalid("challenge_id is not a UUID"));
    }
    let code = motcua_core::text::nfc(req.code.trim());
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid("code is not 6 digits"));
    }
    let Some(ch) = s.store.challenge(challenge_id).await? else {
        return Err(ApiError::not_found("no such challenge"));
    };
    let now_t = s.clock.now();
    match ch.status {
        ChallengeStatus::Used => {
            return Err(ApiError::new(
                ProblemCode::OtpUsed,
                "the challenge was already used",
            ));
        }
        ChallengeStatus::Locked => {
            return Err(
                ApiError::new(ProblemCode::OtpLocked, "too many wrong codes").with_attempts_left(0),
            );
        }
        ChallengeStatus::Pending => {}
    }
    if now_t.unix_timestamp() >= ch.expires_at {
        return Err(ApiError::new(
            ProblemCode::OtpExpired,
            "the code has expired",
        ));
    }
    if !same(&code_hash(&ch.salt, &ch.id, &code), &ch.code_hash) {
        return match s.store.record_wrong_code(&ch.id, OTP_MAX_ATTEMPTS).await? {
            Some((attempts, ChallengeStatus::Pending)) => {
                tracing::info!(challenge = %ch.id, attempts, "wrong one-time code");
                Err(ApiError::new(ProblemCode::OtpWrong, "wrong code")
                    .with_attempts_left(OTP_MAX_ATTEMPTS.saturating_sub(attempts)))
            }
            Some((_, ChallengeStatus::Locked)) => {
                tracing::info!(challenge = %ch.id, "challenge locked after wrong codes");
                Err(
                    ApiError::new(ProblemCode::OtpLocked, "too many wrong codes")
                        .with_attempts_left(0),
                )
            }
            // Used or locked by a concurrent request in the meantime.
            Some((_, ChallengeStatus::Used)) | None => Err(ApiError::new(
                ProblemCode::OtpUsed,
                "the challenge is no longer pending",
            )),
        };
    }
    let new_id = uuid::Uuid::new_v4().to_string();
    let (account_id, created) = match s
        .store
        .consume_challenge(&ch.id, &new_id, &kiosk.name, &rfc3339(now_t)?)
        .await?
    {
        Consumed::Account {
            account_id,
            created,
        } => (account_id, created),
        Consumed::NotPending => {
            return Err(ApiError::new(
                ProblemCode::OtpUsed,
                "the challenge was already used",
            ));
        }
        Consumed::OtherPhone => {
            return Err(ApiError::new(
                ProblemCode::AccountHasOtherPhone,
                "the ID number's account got another phone meanwhile",
            ));
        }
    };
    tracing::info!(challenge = %ch.id, account = %account_id, created, "account verified by one-time code");
    Ok((
        StatusCode::CREATED,
        Json(AccountVerified {
            account_id,
            created,
        }),
    ))
}

/// A helper in helper mode on this kiosk vouches for a citizen: the
/// [`KioskStaff`] extractor refuses the request without their unexpired
/// token from this kiosk, and the vouch records the helper that token
/// belongs to.
pub(crate) async fn vouch(
    State(s): State<AppState>,
    staff: KioskStaff,
    ApiJson(req): ApiJson<NewVouch>,
) -> Result<(StatusCode, Json<VouchedAccount>), ApiError> {
    let now_t = s.clock.now();
    let identity = check_identity(
        &req.id_number,
        &req.full_name,
        &req.date_of_birth,
        req.sex,
        &req.address,
        now_t,
    )?;
    let reason = check_text("reason", &req.reason, VOUCH_REASON_MAX_CHARS)?;
    let new_id = uuid::Uuid::new_v4().to_string();
    let vouch_id = uuid::Uuid::new_v4().to_string();
    let (account_id, created) = s
        .store
        .vouch(
            &identity,
            &staff.user,
            &reason,
            &new_id,
            &vouch_id,
            &rfc3339(now_t)?,
        )
        .await?;
    tracing::info!(account = %account_id, vouch = %vouch_id, staff = %staff.staff_id, created, "account vouched for by a helper");
    Ok((
        StatusCode::CREATED,
        Json(VouchedAccount {
            account_id,
            created,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_salts_differ() {
        let (a, sa) = random_code_and_salt();
        let (b, sb) = random_code_and_salt();
        for c in [&a, &b] {
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
        assert_ne!(sa, sb);
    }

    #[test]
    fn the_hash_depends_on_salt_id_and_code() {
        let base = code_hash("00", "id", "123456");
        assert_eq!(base.len(), 64);
        for other in [
            code_hash("01", "id", "123456"),
            code_hash("00", "id2", "123456"),
            code_hash("00", "id", "123457"),
        ] {
            assert_ne!(base, other);
        }
        assert!(same(&base, &code_hash("00", "id", "123456")));
        assert!(!same(&base, &base[1..]));
    }

    #[test]
    fn the_sms_is_proper_vietnamese() {
        let t = sms_text("012345");
        assert_eq!(
            t,
            "Mã xác thực Một Cửa: 012345. Hiệu lực 5 phút. Không chia sẻ mã này."
        );
        assert!(motcua_core::text::is_nfc(&t));
    }
}

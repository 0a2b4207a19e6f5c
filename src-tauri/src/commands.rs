//! The Tauri commands: each hands its work to the core or the backend and
//! returns an IPC view. Kept in a module (a `#[tauri::command] pub fn` at the
//! crate root collides with its generated macro, E0255).

use std::sync::Arc;

use motcua_core::client::ClientError;
use motcua_protocol::NewHelpRequest;
use tauri::State;
use tauri::ipc::Channel;

use crate::Kiosk;
use crate::camera::{CameraPurpose, CameraService, CameraView};
use crate::events::{Event, Fields, emit, emit_plain};
use crate::ipc::{
    AccountReady, AccountStatus, CardView, CatalogView, CodeSent, CommandError, ComponentPagesView,
    ComponentView, Composed, DraftView, ErrorCode, ExemptionView, FeeView, HelpCall, KeyPress,
    KioskInfo, PaymentView, ProcedureSummary, ProcedureView, StaffView,
};
use crate::scanning::Scanner;
use crate::session::{HeldPayment, Session, StaffToken};
use crate::speech::{Speech, SpeechError, SpeechSettings};

/// Who this kiosk is and which backend it uses.
#[tauri::command]
#[specta::specta]
pub fn kiosk_info(kiosk: State<'_, Kiosk>, scanner: State<'_, Arc<Scanner>>) -> KioskInfo {
    KioskInfo {
        kiosk_id: kiosk.kiosk_id.clone(),
        backend_url: kiosk.client.base_url().to_owned(),
        embedded: kiosk.is_embedded(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        idle_seconds: kiosk.idle_seconds,
        countdown_seconds: crate::COUNTDOWN_SECONDS,
        scanner: scanner.kind().map(|k| k.code().to_owned()),
    }
}

/// The procedures, grouped by field, from the backend's catalog.
#[tauri::command]
#[specta::specta]
pub async fn list_procedures(kiosk: State<'_, Kiosk>) -> Result<CatalogView, CommandError> {
    let catalog = kiosk.catalog().await?;
    Ok(CatalogView::from_catalog(&catalog))
}

/// One procedure: what to bring, the fee, the time, where to collect.
#[tauri::command]
#[specta::specta]
pub async fn get_procedure(
    kiosk: State<'_, Kiosk>,
    code: String,
) -> Result<ProcedureView, CommandError> {
    let catalog = kiosk.catalog().await?;
    let procedure = motcua_core::catalog::find(&catalog, &code).ok_or_else(|| {
        CommandError::new(
            ErrorCode::NotFound,
            format!(
                "no procedure {:?} in the catalog",
                code.chars().take(20).collect::<String>()
            ),
        )
    })?;
    let field_name = catalog
        .fields
        .iter()
        .find(|f| f.code == procedure.field)
        .map(|f| f.name.clone())
        .unwrap_or_default();
    Ok(ProcedureView::from_procedure(procedure, field_name))
}

/// The procedures whose name matches what the citizen typed (marks and case
/// ignored), in catalog order.
#[tauri::command]
#[specta::specta]
pub async fn search_procedures(
    kiosk: State<'_, Kiosk>,
    query: String,
) -> Result<Vec<ProcedureSummary>, CommandError> {
    let catalog = kiosk.catalog().await?;
    Ok(motcua_core::catalog::search(&catalog, &query)
        .into_iter()
        .map(ProcedureSummary::from_procedure)
        .collect())
}

/// Applies one key of the on-screen (or a physical, Telex) keyboard to
/// `text`. The composition is the core's: tones land where Vietnamese spelling
/// puts them, and the result is NFC.
#[tauri::command]
#[specta::specta]
pub fn compose(text: String, key: KeyPress) -> Result<Composed, CommandError> {
    let key = key
        .to_key()
        .ok_or_else(|| CommandError::new(ErrorCode::InvalidRequest, "a key is one character"))?;
    let mut composer = motcua_core::keyboard::Composer::from_text(&text).ok_or_else(|| {
        CommandError::new(
            ErrorCode::InvalidRequest,
            "text holds a control character or is too long",
        )
    })?;
    let changed = composer.press(key);
    Ok(Composed {
        text: composer.text(),
        changed,
    })
}

/// Records a help request on the backend for this kiosk and step.
#[tauri::command]
#[specta::specta]
pub async fn call_helper(
    kiosk: State<'_, Kiosk>,
    step: String,
    procedure_code: Option<String>,
) -> Result<HelpCall, CommandError> {
    let created = kiosk
        .client
        .create_help_request(&NewHelpRequest {
            kiosk_id: kiosk.kiosk_id.clone(),
            step,
            procedure_code,
        })
        .await?;
    tracing::info!(help_request = %created.id, "helper called");
    emit(Event::HelpCalled, Fields::screen(&created.step));
    Ok(HelpCall {
        request_id: created.id,
        created_at: created.created_at,
    })
}

/// Says `text` aloud in Vietnamese, cutting whatever was being said.
#[tauri::command]
#[specta::specta]
pub fn speak(
    speech: State<'_, Speech>,
    text: String,
    settings: SpeechSettings,
) -> Result<(), CommandError> {
    speech.speak(&text, settings).map_err(|e| {
        let code = match e {
            SpeechError::Empty => ErrorCode::InvalidRequest,
            SpeechError::Spawn { .. } | SpeechError::Failed { .. } => ErrorCode::SpeechUnavailable,
        };
        tracing::warn!(error = %e, "speech failed");
        CommandError::new(code, e.to_string())
    })
}

/// Stops speaking now.
#[tauri::command]
#[specta::specta]
pub fn stop_speaking(speech: State<'_, Speech>) {
    speech.stop();
}

/// Reads the QR payload of a citizen ID card (from the camera or a USB
/// reader) into what the confirmation screen shows, and keeps the card in the
/// session (memory only) for the steps that follow.
#[tauri::command]
#[specta::specta]
pub fn read_card(session: State<'_, Session>, payload: String) -> Result<CardView, CommandError> {
    let card = motcua_core::cccd::parse(&payload)?;
    session.set_card(card.clone());
    emit_plain(Event::CardRead);
    Ok(card.into())
}

/// Turns a camera on: the ID-card camera for the identify screen
/// (previews and QR texts), or the document camera for the scan screen
/// (previews only). Events go to `on_event` until [`stop_camera`]. `false`
/// when this kiosk has no such camera.
#[tauri::command]
#[specta::specta]
pub fn watch_camera(
    camera: State<'_, CameraService>,
    scanner: State<'_, Arc<Scanner>>,
    purpose: CameraPurpose,
    on_event: Channel<CameraView>,
) -> Result<bool, CommandError> {
    let (service, pages) = match purpose {
        CameraPurpose::Card => (Some(&*camera), false),
        CameraPurpose::Page => (scanner.camera(), true),
    };
    let Some(service) = service else {
        return Ok(false);
    };
    service
        .watch(move |view| {
            // A page camera sees QR codes on documents: not the citizen's card.
            if pages && matches!(view, CameraView::Qr { .. }) {
                return;
            }
            // The screen has gone: the next stop_camera ends the worker.
            let _ = on_event.send(view);
        })
        .map_err(|e| {
            tracing::warn!(error = %e, "camera could not start");
            CommandError::new(ErrorCode::CameraUnavailable, e.to_string())
        })
}

/// Turns the cameras off (the identify or scan screen closed).
#[tauri::command]
#[specta::specta]
pub fn stop_camera(camera: State<'_, CameraService>, scanner: State<'_, Arc<Scanner>>) {
    camera.stop();
    if let Some(page_camera) = scanner.camera() {
        page_camera.stop();
    }
}

/// Ends the citizen's session: stops speech and the camera and forgets
/// everything held about them. Called on "Xong" and when the idle countdown
/// runs out.
#[tauri::command]
#[specta::specta]
pub async fn end_session(
    kiosk: State<'_, Kiosk>,
    session: State<'_, Session>,
    speech: State<'_, Speech>,
    camera: State<'_, CameraService>,
    scanner: State<'_, Arc<Scanner>>,
) -> Result<(), CommandError> {
    speech.stop();
    camera.stop();
    if let Some(page_camera) = scanner.camera() {
        page_camera.stop();
    }
    let open_payment = session.payment().and_then(|h| h.id);
    session.wipe();
    emit_plain(Event::SessionEnded);
    // A payment still open when its citizen has gone must not be paid or
    // confirmed later; a paid one stays paid (the cancel is refused).
    if let Some(id) = open_payment {
        match kiosk.client.cancel_payment(&id).await {
            Ok(_) => tracing::info!(payment = %id, "open payment cancelled at the session's end"),
            Err(e) if e.problem_code() == Some(motcua_protocol::ProblemCode::PaymentClosed) => {}
            Err(e) => tracing::warn!(payment = %id, error = %e, "open payment not cancelled"),
        }
    }
    Ok(())
}

fn session_card(session: &Session) -> Result<motcua_core::cccd::CitizenCard, CommandError> {
    session
        .card()
        .ok_or_else(|| CommandError::new(ErrorCode::NoCard, "no card read in this session"))
}

/// Looks up the public-service account of the citizen whose card was read.
#[tauri::command]
#[specta::specta]
pub async fn find_account(
    kiosk: State<'_, Kiosk>,
    session: State<'_, Session>,
) -> Result<AccountStatus, CommandError> {
    let card = session_card(&session)?;
    let found = kiosk.client.lookup_account(&card.id_number).await?;
    Ok(AccountStatus {
        found: found.found,
        masked_phone: found.masked_phone,
    })
}

/// Sends a one-time code by SMS to `phone` to create (or link) the account of
/// the citizen whose card was read.
#[tauri::command]
#[specta::specta]
pub async fn send_code(
    kiosk: State<'_, Kiosk>,
    session: State<'_, Session>,
    phone: String,
) -> Result<CodeSent, CommandError> {
    let card = session_card(&session)?;
    let challenge = kiosk
        .client
        .request_otp(&motcua_protocol::NewOtpChallenge {
            id_number: card.id_number.clone(),
            full_name: card.full_name.clone(),
            date_of_birth: motcua_core::cccd::format_iso(card.date_of_birth),
            sex: card.sex.into(),
            address: card.address.clone(),
            phone: phone.clone(),
        })
        .await?;
    session.set_challenge(challenge.challenge_id);
    session.set_phone(phone);
    Ok(CodeSent {
        resend_after_seconds: u32::try_from(challenge.resend_after_seconds).unwrap_or(u32::MAX),
    })
}

/// Checks the code the citizen typed; on success the account is this session's.
#[tauri::command]
#[specta::specta]
pub async fn verify_code(
    kiosk: State<'_, Kiosk>,
    session: State<'_, Session>,
    code: String,
) -> Result<AccountReady, CommandError> {
    let challenge = session.challenge().ok_or_else(|| {
        CommandError::new(ErrorCode::OtpExpired, "no code was sent in this session")
    })?;
    let verified = kiosk.client.verify_otp(&challenge, &code).await?;
    session.set_account(verified.account_id);
    emit_plain(Event::AccountVerified);
    Ok(AccountReady {
        created: verified.created,
    })
}

/// Holds the helper's token for this session (by PIN or by card) and logs
/// how helper mode was unlocked.
fn enter_helper_mode(
    session: &Session,
    unlocked: motcua_protocol::StaffSession,
    how: &'static str,
) -> StaffView {
    emit(Event::StaffUnlocked, Fields::detail(how));
    let view = StaffView {
        display_name: unlocked.display_name.clone(),
    };
    session.set_staff(StaffToken {
        token: unlocked.token,
        display_name: unlocked.display_name,
    });
    view
}

/// Unlocks helper mode for this session with a helper's user name and PIN
/// (checked by the backend, which also locks an account after repeated
/// failures).
#[tauri::command]
#[specta::specta]
pub async fn unlock_staff(
    kiosk: State<'_, Kiosk>,
    session: State<'_, Session>,
    user: String,
    pin: String,
) -> Result<StaffView, CommandError> {
    let unlocked = kiosk
        .client
        .unlock_staff(user.trim(), &pin)
        .await
        .inspect_err(|_| emit(Event::StaffUnlockRefused, Fields::detail("pin")))?;
    Ok(enter_helper_mode(&session, unlocked, "pin"))
}

/// A helper in helper mode vouches for the citizen whose card was read (no
/// phone): the account is found or created, and the backend records which
/// helper vouched.
#[tauri::command]
#[specta::specta]
pub async fn vouch_account(
    kiosk: State<'_, Kiosk>,
    session: State<'_, Session>,
) -> Result<AccountReady, CommandError> {
    let card = session_card(&session)?;
    let staff = session.staff().ok_or_else(|| {
        CommandError::new(ErrorCode::StaffRequired, "helper mode is not unlocked")
    })?;
    let vouched = kiosk
        .client
        .vouch_account(
            &staff.token,
            &motcua_protocol::NewVouch {
                id_number: card.id_number.clone(),
                full_name: card.full_name.clone(),
                date_of_birth: motcua_core::cccd::format_iso(card.date_of_birth),
                sex: card.sex.into(),
                address: card.address.clone(),
                reason: "Không có điện thoại di động".to_owned(),
            },
        )
        .await?;
    session.set_account(vouched.account_id);
    emit_plain(Event::AccountVouched);
    Ok(AccountReady {
        created: vouched.created,
    })
}

/// Captures one page for `component` from the page source and cleans it
/// (page found, straightened, evened out, A4). It waits as the component's
/// draft until [`keep_page`] or [`retake_page`].
#[tauri::command]
#[specta::specta]
pub async fn scan_page(
    scanner: State<'_, Arc<Scanner>>,
    session: State<'_, Session>,
    component: String,
) -> Result<DraftView, CommandError> {
    session.with_scans(|s| s.check_room(&component))?;
    // A scanner's pass or a camera's still takes seconds, cleaning the
    // page a fraction of one: both off the async threads.
    let scanner = Arc::clone(&scanner);
    let page = tauri::async_runtime::spawn_blocking(move || -> Result<_, CommandError> {
        let bytes = scanner.capture()?;
        Ok(motcua_scan::process(&bytes)?)
    })
    .await
    .map_err(|e| CommandError::new(ErrorCode::ScanUnreadable, e.to_string()))??;
    use base64::Engine as _;
    let view = DraftView {
        thumbnail_base64: base64::engine::general_purpose::STANDARD.encode(&page.thumbnail),
        warnings: page.warnings.iter().map(|w| w.code().to_owned()).collect(),
    };
    tracing::info!(
        mode = page.mode.code(),
        bytes = page.data.len(),
        warnings = view.warnings.len(),
        "page captured"
    );
    emit_plain(Event::ScanPageCaptured);
    session.with_scans(|s| s.set_draft(&component, page))?;
    Ok(view)
}

/// "Dùng trang này": the draft becomes the component's next page.
#[tauri::command]
#[specta::specta]
pub fn keep_page(
    session: State<'_, Session>,
    component: String,
) -> Result<ComponentPagesView, CommandError> {
    let view = session.with_scans(|s| {
        s.keep(&component)
            .map(|c| ComponentPagesView::new(Some(c)))
            .map_err(CommandError::from)
    })?;
    emit(
        Event::ScanPageKept,
        Fields {
            count: u32::try_from(view.pages.len()).ok(),
            ..Fields::default()
        },
    );
    Ok(view)
}

/// "Chụp lại": the draft is thrown away.
#[tauri::command]
#[specta::specta]
pub fn retake_page(session: State<'_, Session>, component: String) {
    session.with_scans(|s| s.discard(&component));
    emit_plain(Event::ScanPageRetaken);
}

/// Removes page `index` (0-based) of `component`.
#[tauri::command]
#[specta::specta]
pub fn remove_page(
    session: State<'_, Session>,
    component: String,
    index: u32,
) -> Result<ComponentPagesView, CommandError> {
    let view = session.with_scans(|s| {
        s.remove(&component, index)
            .map(|c| ComponentPagesView::new(Some(c)))
            .map_err(CommandError::from)
    })?;
    emit_plain(Event::ScanPageRemoved);
    Ok(view)
}

/// The pages of `component` so far.
#[tauri::command]
#[specta::specta]
pub fn component_pages(session: State<'_, Session>, component: String) -> ComponentPagesView {
    session.with_scans(|s| ComponentPagesView::new(s.get(&component)))
}

/// A helper (in helper mode) marks `component` handed in on paper at the
/// counter, or takes the mark back.
#[tauri::command]
#[specta::specta]
pub fn mark_on_paper(
    session: State<'_, Session>,
    component: String,
    on_paper: bool,
) -> Result<ComponentPagesView, CommandError> {
    if session.staff().is_none() {
        return Err(CommandError::new(
            ErrorCode::StaffRequired,
            "only a helper may mark a paper component",
        ));
    }
    let view = session.with_scans(|s| {
        s.set_on_paper(&component, on_paper)
            .map(|c| ComponentPagesView::new(Some(c)))
            .map_err(CommandError::from)
    })?;
    emit(
        Event::ComponentOnPaper,
        Fields::detail(if on_paper { "on" } else { "off" }),
    );
    Ok(view)
}

/// The procedure `code` in the backend's catalog (its last catalog while
/// it cannot be reached).
async fn find_procedure(
    kiosk: &Kiosk,
    code: &str,
) -> Result<motcua_protocol::Procedure, CommandError> {
    let catalog = kiosk.catalog().await?;
    motcua_core::catalog::find(&catalog, code)
        .cloned()
        .ok_or_else(|| CommandError::new(ErrorCode::NotFound, "no such procedure"))
}

/// What the fee of `procedure_code` is computed from: `copies` and the
/// pages scanned in this session, as its rule reads them, and whether the
/// rule asks how many copies.
async fn fee_inputs(
    kiosk: &Kiosk,
    session: &Session,
    procedure_code: &str,
    copies: u32,
) -> Result<(Option<u32>, Option<u32>, bool), CommandError> {
    use motcua_protocol::FeeRule;
    let procedure = find_procedure(kiosk, procedure_code).await?;
    Ok(match procedure.fee {
        FeeRule::PerCopy { .. } => (Some(copies.max(1)), None, true),
        FeeRule::PerPage { .. } => (Some(copies.max(1)), Some(session.page_count().max(1)), true),
        FeeRule::Free { .. } | FeeRule::Flat { .. } => (None, None, false),
    })
}

/// An exemption's wire name (`ho_ngheo`, `khuyet_tat`, `nguoi_co_cong`).
fn parse_exemption(name: &str) -> Result<motcua_protocol::Exemption, CommandError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|_| {
        CommandError::new(
            ErrorCode::InvalidRequest,
            "exemption is ho_ngheo, khuyet_tat or nguoi_co_cong",
        )
    })
}

/// The fee for `procedure_code` and `copies`, from the backend (which
/// computes it from the catalog; a per-page fee counts the pages scanned).
/// With an `exemption` claimed, the fee is waived and the answer names the
/// document the dossier then needs; the claim stays with the session.
#[tauri::command]
#[specta::specta]
pub async fn quote_fee(
    kiosk: State<'_, Kiosk>,
    session: State<'_, Session>,
    procedure_code: String,
    copies: u32,
    exemption: Option<String>,
) -> Result<FeeView, CommandError> {
    let exemption = exemption.as_deref().map(parse_exemption).transpose()?;
    let (copies, pages, asks_copies) =
        fee_inputs(&kiosk, &session, &procedure_code, copies).await?;
    let quote = kiosk
        .client
        .quote_fee(&motcua_protocol::FeeQuoteRequest {
            procedure_code,
            copies,
            pages,
            exemption,
        })
        .await?;
    session.set_exemption(quote.exemption.clone());
    Ok(FeeView {
        free: quote.amount == 0,
        amount_text: quote.amount_text,
        amount_in_words: quote.amount_in_words,
        rule_text: quote.rule_text,
        legal_basis: quote.legal_basis,
        copies: quote.copies,
        asks_copies,
        exemption: quote.exemption.map(|e| ExemptionView {
            label: e.label,
            document: ComponentView {
                id: e.required_document.id,
                name: e.required_document.name,
                note: e.required_document.note,
                required: true,
            },
        }),
    })
}

/// Starts paying (or shows the payment already started for the same
/// request): by VietQR transfer or at the counter. Switching method cancels
/// the other one first, so only one can be paid.
#[tauri::command]
#[specta::specta]
pub async fn start_payment(
    kiosk: State<'_, Kiosk>,
    session: State<'_, Session>,
    procedure_code: String,
    copies: u32,
    method: String,
) -> Result<PaymentView, CommandError> {
    let method = match method.as_str() {
        "vietqr" => motcua_protocol::PaymentMethod::Vietqr,
        "counter" => motcua_protocol::PaymentMethod::Counter,
        _ => {
            return Err(CommandError::new(
                ErrorCode::InvalidRequest,
                "method is vietqr or counter",
            ));
        }
    };
    let (copies, pages, _) = fee_inputs(&kiosk, &session, &procedure_code, copies).await?;
    let request = motcua_protocol::NewPayment {
        procedure_code,
        copies,
        pages,
        exemption: None,
        method,
    };
    let held = session.payment();
    if let Some(id) = held.as_ref().and_then(|h| h.id.clone()) {
        let current = kiosk.client.payment(&id).await?;
        session.saw_payment(&current);
        match current.status {
            // Paid already: never a second payment.
            motcua_protocol::PaymentStatus::Paid => return Ok(PaymentView::from_payment(&current)),
            motcua_protocol::PaymentStatus::Pending
                if held.as_ref().is_some_and(|h| h.request == request) =>
            {
                return Ok(PaymentView::from_payment(&current));
            }
            // Another method or amount: the open intent must not be paid too.
            motcua_protocol::PaymentStatus::Pending => match kiosk.client.cancel_payment(&id).await
            {
                Ok(_) => {}
                // Expired meanwhile: nothing left to cancel.
                Err(e) if e.problem_code() == Some(motcua_protocol::ProblemCode::PaymentClosed) => {
                }
                Err(e) => return Err(e.into()),
            },
            // Expired or cancelled: a new intent, with a new key.
            motcua_protocol::PaymentStatus::Expired | motcua_protocol::PaymentStatus::Cancelled => {
            }
        }
    }
    // The key is reused only for a retry of a request whose answer never came.
    let key = match &held {
        Some(h) if h.id.is_none() && h.request == request => h.key.clone(),
        _ => uuid::Uuid::new_v4().to_string(),
    };
    session.set_payment(Some(HeldPayment {
        id: None,
        key: key.clone(),
        request: request.clone(),
        last: None,
    }));
    let payment = kiosk.client.create_payment(&key, &request).await?;
    session.set_payment(Some(HeldPayment {
        id: Some(payment.id.clone()),
        key,
        request,
        last: Some(payment.clone()),
    }));
    tracing::info!(payment = %payment.id, "payment started");
    emit(
        Event::PaymentStarted,
        Fields::detail(match payment.method {
            motcua_protocol::PaymentMethod::Vietqr => "vietqr",
            motcua_protocol::PaymentMethod::Counter => "counter",
        }),
    );
    Ok(PaymentView::from_payment(&payment))
}

/// The payment under way, as the backend has it now (the screen asks
/// every few seconds until it is paid).
#[tauri::command]
#[specta::specta]
pub async fn payment_status(
    kiosk: State<'_, Kiosk>,
    session: State<'_, Session>,
) -> Result<PaymentView, CommandError> {
    let id = session
        .payment()
        .and_then(|h| h.id)
        .ok_or_else(|| CommandError::new(ErrorCode::PaymentClosed, "no payment in this session"))?;
    let payment = kiosk.client.payment(&id).await?;
    session.saw_payment(&payment);
    Ok(PaymentView::from_payment(&payment))
}

/// The dossier this session would send now: the card, account and phone,
/// each component's pages as one PDF, the payment as the backend has it,
/// and the exemption with its proving document.
async fn prepare_dossier(
    kiosk: &Kiosk,
    session: &Session,
    procedure_code: &str,
) -> Result<crate::dossier::Draft, CommandError> {
    let card = session_card(session)?;
    let procedure = find_procedure(kiosk, procedure_code).await?;
    let held = session.payment();
    let copies = held
        .as_ref()
        .and_then(|h| h.request.copies)
        .unwrap_or(1)
        .max(1);
    // As the backend has it now; as last seen when it cannot be asked (the
    // backend checks the payment again when the dossier reaches it).
    let payment = match held {
        Some(HeldPayment {
            id: Some(id), last, ..
        }) => match kiosk.client.payment(&id).await {
            Ok(p) => Some(p),
            Err(ClientError::Unreachable(_) | ClientError::Timeout) => last,
            Err(e) => return Err(e.into()),
        },
        _ => None,
    };
    let exemption = session.exemption();
    let inputs = crate::dossier::DraftInputs {
        procedure: &procedure,
        card: &card,
        account_id: session.account(),
        phone: session.phone(),
        payment: payment.as_ref(),
        copies,
        exemption: exemption.as_ref(),
    };
    Ok(session.with_scans(|scans| crate::dossier::draft(&inputs, scans)))
}

/// Everything the dossier will hold, for "Kiểm tra lại thông tin".
#[tauri::command]
#[specta::specta]
pub async fn review_dossier(
    kiosk: State<'_, Kiosk>,
    session: State<'_, Session>,
    procedure_code: String,
) -> Result<crate::ipc::ReviewView, CommandError> {
    Ok(prepare_dossier(&kiosk, &session, &procedure_code)
        .await?
        .review)
}

/// How long "Gửi hồ sơ" waits for the backend before telling the citizen
/// the dossier is saved and will be sent by itself.
const SUBMIT_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// What the slip says for the center while the backend (which knows the
/// agency's name) has not answered.
const CENTER_NAME: &str = "Trung tâm Phục vụ hành chính công";

/// "Gửi hồ sơ": the dossier is committed to the kiosk's outbox (encrypted)
/// before anything is sent, then delivered; if the backend does not take it
/// within [`SUBMIT_WAIT`], the outbox's worker keeps trying and the citizen
/// gets a slip with the local reference. Either way the slip is printed.
/// The same session sending again reuses its idempotency key: never two
/// dossiers.
#[tauri::command]
#[specta::specta]
pub async fn submit_dossier(
    kiosk: State<'_, Kiosk>,
    session: State<'_, Session>,
    printer: State<'_, crate::printing::ReceiptPrinter>,
    procedure_code: String,
) -> Result<crate::ipc::SubmitView, CommandError> {
    use motcua_core::outbox::{Delivery, OutgoingDossier};
    let draft = prepare_dossier(&kiosk, &session, &procedure_code).await?;
    if !draft.review.missing.is_empty() {
        return Err(CommandError::new(
            ErrorCode::InvalidRequest,
            "a required component has neither pages nor a paper mark",
        ));
    }
    let item = OutgoingDossier::new(session.dossier_key(), draft.dossier, draft.files)
        .map_err(|e| CommandError::new(ErrorCode::SaveFailed, e.to_string()))?;
    // To ask the backend again for a dossier the worker delivered first.
    let replay = (item.idempotency_key.clone(), item.dossier.clone());
    let local_ref = kiosk.outbox.enqueue(item).await.map_err(|e| {
        tracing::error!(error = %e, "the dossier could not be saved in the outbox");
        CommandError::new(ErrorCode::SaveFailed, e.to_string())
    })?;
    tracing::info!(local_ref = %local_ref, "dossier saved in the outbox");
    emit_plain(Event::DossierSaved);
    let mut needs_helper = false;
    let delivered = match tokio::time::timeout(
        SUBMIT_WAIT,
        kiosk.outbox.deliver(&kiosk.client, &local_ref),
    )
    .await
    {
        Ok(Ok(Delivery::Delivered(d))) => Some(d),
        Ok(Ok(queued)) => {
            needs_helper = queued.needs_helper();
            if let Delivery::Queued { reason } = &queued {
                tracing::warn!(local_ref = %local_ref, reason = %reason, "dossier queued");
            }
            None
        }
        // The outbox's worker took it first and the backend has it: the
        // same key gives the same dossier back.
        Ok(Err(motcua_core::outbox::OutboxError::NotFound(_))) => {
            let (key, dossier) = &replay;
            match tokio::time::timeout(SUBMIT_WAIT, kiosk.client.create_dossier(key, dossier)).await
            {
                Ok(Ok(d)) => Some(d),
                _ => {
                    tracing::warn!(local_ref = %local_ref, "delivered by the worker, not read back");
                    None
                }
            }
        }
        Ok(Err(e)) => {
            tracing::warn!(local_ref = %local_ref, error = %e, "dossier queued");
            None
        }
        Err(_) => {
            tracing::warn!(local_ref = %local_ref, "the backend was too slow: dossier queued");
            None
        }
    };
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let review = &draft.review;
    let slip = match &delivered {
        Some(d) => motcua_receipt::Slip::received(d, &kiosk.kiosk_id),
        None => motcua_receipt::Slip::queued(
            &motcua_receipt::QueuedSlip {
                agency: CENTER_NAME.to_owned(),
                local_reference: local_ref.clone(),
                procedure_name: review.procedure_name.clone(),
                applicant_name: review.applicant.full_name.clone(),
                applicant_address: review.applicant.address.clone(),
                applicant_phone: review.applicant.phone.clone(),
                applicant_email: None,
                components: review
                    .components
                    .iter()
                    .map(|c| motcua_receipt::QueuedComponent {
                        name: c.name.clone(),
                        files: u32::from(!c.on_paper),
                        on_paper: c.on_paper,
                    })
                    .collect(),
                copies: review.copies,
                created_at: now.clone(),
                receipt: None,
            },
            &kiosk.kiosk_id,
        ),
    };
    match &delivered {
        Some(_) => emit_plain(Event::DossierDelivered),
        None => emit(
            Event::DossierQueued,
            Fields::detail(if needs_helper {
                "needs_helper"
            } else {
                "retrying"
            }),
        ),
    }
    let print = match slip.and_then(|s| printer.job(&s)) {
        Ok(job) => {
            session.set_print_job(job.clone());
            printer.print(job).await
        }
        Err(e) => {
            tracing::error!(error = %e, "the receipt slip could not be laid out");
            crate::ipc::PrintView {
                printed: false,
                message: Some(
                    motcua_receipt::PrintError::Command(String::new())
                        .message_vi()
                        .to_owned(),
                ),
            }
        }
    };
    emit_plain(if print.printed {
        Event::ReceiptPrinted
    } else {
        Event::ReceiptNotPrinted
    });
    Ok(match delivered {
        Some(d) => crate::ipc::SubmitView {
            delivered: true,
            needs_helper: false,
            code: Some(d.code.clone()),
            lookup_secret: Some(d.lookup_secret.clone()),
            local_reference: local_ref,
            procedure_name: d.procedure_name.clone(),
            received_at: crate::ipc::spoken_time(&d.received_at),
            due: Some(crate::ipc::due_day(&d.due_date)),
            result_place: d.result_place.clone(),
            print,
        },
        None => crate::ipc::SubmitView {
            delivered: false,
            needs_helper,
            code: None,
            lookup_secret: None,
            local_reference: local_ref,
            procedure_name: draft.review.procedure_name.clone(),
            received_at: crate::ipc::spoken_time(&now),
            due: None,
            result_place: draft.result_place.clone(),
            print,
        },
    })
}

/// Prints this session's receipt slip again (after the helper refilled the
/// paper, say).
#[tauri::command]
#[specta::specta]
pub async fn print_receipt(
    session: State<'_, Session>,
    printer: State<'_, crate::printing::ReceiptPrinter>,
) -> Result<crate::ipc::PrintView, CommandError> {
    let job = session
        .print_job()
        .ok_or_else(|| CommandError::new(ErrorCode::NotFound, "no slip in this session"))?;
    let printed = printer.print(job).await;
    emit(
        Event::ReceiptReprinted,
        Fields::detail(if printed.printed { "printed" } else { "failed" }),
    );
    Ok(printed)
}

/// "Tra cứu hồ sơ" with the code and the lookup secret typed on the pad.
#[tauri::command]
#[specta::specta]
pub async fn lookup_dossier(
    kiosk: State<'_, Kiosk>,
    code: String,
    secret: String,
) -> Result<crate::ipc::LookupView, CommandError> {
    let found = kiosk
        .client
        .lookup_dossier(&motcua_protocol::DossierLookupRequest { code, secret })
        .await?;
    emit(Event::LookupDone, Fields::detail("typed"));
    Ok(crate::ipc::LookupView::from_lookup(&found))
}

/// "Tra cứu hồ sơ" with the QR printed on the slip; any other QR (an ID
/// card, a bank's) is refused without asking the backend.
#[tauri::command]
#[specta::specta]
pub async fn lookup_qr(
    kiosk: State<'_, Kiosk>,
    text: String,
) -> Result<crate::ipc::LookupView, CommandError> {
    let request = motcua_protocol::dossiers::parse_lookup_qr(&text).ok_or_else(|| {
        CommandError::new(ErrorCode::LookupForeign, "not a receipt slip's lookup QR")
    })?;
    let found = kiosk.client.lookup_dossier(&request).await?;
    emit(Event::LookupDone, Fields::detail("qr"));
    Ok(crate::ipc::LookupView::from_lookup(&found))
}

/// The UI tells which screen it shows (its router's name for it), for the
/// helper console; anything but a screen name is ignored.
#[tauri::command]
#[specta::specta]
pub fn report_screen(heartbeat: State<'_, crate::heartbeat::Heartbeat>, screen: String) {
    if !heartbeat.set_step(&screen) {
        tracing::debug!("a screen name that is not one was ignored");
        return;
    }
    // Once per process: the mark scripts/bench-coldstart.sh times the cold start by.
    static FIRST: std::sync::Once = std::sync::Once::new();
    FIRST.call_once(|| tracing::info!(screen = %screen, "first screen shown"));
}

/// Unlocks helper mode for this session with a helper's staff QR card, read
/// by the camera or the USB reader on the helper screen. Any other QR is
/// refused here without asking the backend: a citizen's ID card says so
/// (and the session's card is left as it was), anything else is "not a
/// staff card".
#[tauri::command]
#[specta::specta]
pub async fn unlock_staff_card(
    kiosk: State<'_, Kiosk>,
    session: State<'_, Session>,
    text: String,
) -> Result<StaffView, CommandError> {
    if motcua_protocol::parse_staff_card(&text).is_none() {
        return Err(if motcua_core::cccd::parse(&text).is_ok() {
            emit(Event::StaffUnlockRefused, Fields::detail("citizen_card"));
            CommandError::new(
                ErrorCode::StaffCardCitizen,
                "a citizen ID card's QR, not a staff card",
            )
        } else {
            emit(Event::StaffUnlockRefused, Fields::detail("foreign_qr"));
            CommandError::new(ErrorCode::StaffCardForeign, "not a staff card's QR")
        });
    }
    let unlocked = kiosk
        .client
        .unlock_staff_card(text.trim())
        .await
        .map_err(|e| {
            emit(Event::StaffUnlockRefused, Fields::detail("card"));
            let e = CommandError::from(e);
            match e.code {
                ErrorCode::StaffDenied | ErrorCode::InvalidRequest => {
                    CommandError::new(ErrorCode::StaffCardRefused, e.detail)
                }
                _ => e,
            }
        })?;
    Ok(enter_helper_mode(&session, unlocked, "card"))
}

/// The helper leaves helper mode: the citizen's session goes on, and the
/// helper's token is ended on the backend too (best effort: it expires by
/// itself).
#[tauri::command]
#[specta::specta]
pub async fn end_helper_mode(
    kiosk: State<'_, Kiosk>,
    session: State<'_, Session>,
) -> Result<(), CommandError> {
    let Some(staff) = session.take_staff() else {
        return Ok(());
    };
    emit_plain(Event::StaffLeft);
    if let Err(e) = kiosk.client.end_staff_session(&staff.token).await {
        tracing::info!(error = %e, "the helper's token was not ended on the backend; it expires by itself");
    }
    Ok(())
}

/// The UI reports one of its actions or an error it showed, by its code in
/// the one event table (`events.rs`), with the screen it was on. Unknown
/// codes, the kiosk's own codes and helpers' codes outside helper mode are
/// refused and logged as `event.refused`.
#[tauri::command]
#[specta::specta]
pub fn log_event(
    session: State<'_, Session>,
    code: String,
    screen: Option<String>,
) -> Result<(), CommandError> {
    crate::events::report(&code, screen.as_deref(), session.staff().is_some())
        .map(|_| ())
        .map_err(|why| {
            let code = match why {
                crate::events::Refused::NotInHelperMode => ErrorCode::StaffRequired,
                _ => ErrorCode::InvalidRequest,
            };
            CommandError::new(code, why.to_string())
        })
}

/// How long the device-health screen waits for the backend's answer.
const HEALTH_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// The kiosk's devices and backend now, for the helper's device-health
/// screen: the ID-card camera, the page source, the printer's paper sensor,
/// the backend and the outbox.
#[tauri::command]
#[specta::specta]
pub async fn device_health(
    kiosk: State<'_, Kiosk>,
    camera: State<'_, CameraService>,
    scanner: State<'_, Arc<Scanner>>,
    printer: State<'_, crate::printing::ReceiptPrinter>,
) -> Result<crate::ipc::DeviceHealthView, CommandError> {
    use crate::ipc::DeviceStatus;
    use motcua_receipt::PrinterStatus as P;
    let printer = match printer.status().await {
        P::Ready => DeviceStatus::Ok,
        P::PaperLow => DeviceStatus::PaperLow,
        P::OutOfPaper => DeviceStatus::OutOfPaper,
        P::Offline => DeviceStatus::Missing,
        P::Unknown => DeviceStatus::Unknown,
        P::NotConfigured => DeviceStatus::NotConfigured,
    };
    let backend = match tokio::time::timeout(HEALTH_WAIT, kiosk.client.health()).await {
        Ok(Ok(_)) => DeviceStatus::Ok,
        Ok(Err(ClientError::Unreachable(_) | ClientError::Timeout)) | Err(_) => {
            DeviceStatus::Missing
        }
        Ok(Err(_)) => DeviceStatus::Failing,
    };
    let pending = kiosk.outbox.pending().await.unwrap_or_default();
    Ok(crate::ipc::DeviceHealthView {
        camera: camera.health(),
        scanner: scanner.health(),
        scanner_kind: scanner.kind().map(|k| k.code().to_owned()),
        printer,
        backend,
        outbox_pending: u32::try_from(pending.len()).unwrap_or(u32::MAX),
        outbox_needs_helper: u32::try_from(
            pending.iter().filter(|p| p.needs_helper.is_some()).count(),
        )
        .unwrap_or(u32::MAX),
    })
}

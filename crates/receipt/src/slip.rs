//! The slip as a layout model: what Mẫu 01 prints, line by line, before any
//! pixel. Tests assert on it; the renderer draws it.

use motcua_protocol::dossiers::lookup_qr_text;
use motcua_protocol::{Dossier, PaymentMethod, Receipt};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};
use unicode_normalization::UnicodeNormalization;

use crate::ReceiptError;
use crate::words as w;

/// How big a line is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// Body text (at least 24 dots tall on a roll).
    Body,
    /// Headings: the title.
    Large,
    /// The dossier code or the local reference.
    Code,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
}

/// A piece of a line in one weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
}

/// One element of the slip, top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Text, word-wrapped to the paper. With `hanging`, the wrapped lines
    /// start under the second run (a numbered list item).
    Text {
        runs: Vec<Run>,
        size: Size,
        align: Align,
        hanging: bool,
    },
    /// A thin horizontal rule.
    Rule,
    /// Half a line of blank paper.
    Gap,
    /// A QR code with a caption beside it (or under it on narrow paper).
    Qr { data: String, caption: Vec<Run> },
}

impl Line {
    /// The line's text, runs joined (a QR gives its caption).
    pub fn text(&self) -> String {
        match self {
            Line::Text { runs, .. } | Line::Qr { caption: runs, .. } => {
                let parts: Vec<&str> = runs.iter().map(|r| r.text.as_str()).collect();
                match self {
                    Line::Qr { .. } => parts.join(" "),
                    _ => parts.concat(),
                }
            }
            Line::Rule | Line::Gap => String::new(),
        }
    }
}

/// A dossier still waiting in the kiosk's outbox: what its slip prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedSlip {
    /// The agency that will receive it, as printed in the header.
    pub agency: String,
    /// The kiosk's own reference, which the console can find it by.
    pub local_reference: String,
    pub procedure_name: String,
    pub applicant_name: String,
    pub applicant_address: String,
    pub applicant_phone: Option<String>,
    pub applicant_email: Option<String>,
    pub components: Vec<QueuedComponent>,
    pub copies: u32,
    /// When the kiosk saved it, RFC 3339.
    pub created_at: String,
    /// The fee receipt, when a fee was paid before the connection failed.
    pub receipt: Option<Receipt>,
}

/// A component of a queued dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedComponent {
    pub name: String,
    pub files: u32,
    pub on_paper: bool,
}

/// The receipt slip (Giấy tiếp nhận hồ sơ và hẹn trả kết quả, Mẫu 01), as
/// lines. Every text in it is NFC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slip {
    lines: Vec<Line>,
}

impl Slip {
    /// The slip of a dossier the backend received: its code, lookup QR and
    /// due time. `kiosk_name` is printed as the place of receipt.
    pub fn received(dossier: &Dossier, kiosk_name: &str) -> Result<Slip, ReceiptError> {
        let received = vn_time(&dossier.received_at, "received_at")?;
        let due = vn_time(&dossier.due_at, "due_at")?;
        let mut b = Builder::default();
        b.header(&dossier.agency, kiosk_name, received);
        b.centered(w::CODE, Size::Body, false);
        b.centered(&dossier.code, Size::Code, true);
        b.push(Line::Qr {
            data: lookup_qr_text(&dossier.code, &dossier.lookup_secret),
            caption: vec![
                run(w::LOOKUP_SECRET, false),
                run(&dossier.lookup_secret, true),
                run(w::LOOKUP_HINT, false),
            ],
        });
        b.push(Line::Rule);
        let a = &dossier.applicant;
        b.applicant(
            &a.full_name,
            &a.address,
            a.phone.as_deref(),
            a.email.as_deref(),
        );
        b.field(w::REQUEST, &dossier.procedure_name);
        b.components(
            dossier
                .components
                .iter()
                .map(|c| (c.name.as_str(), c.files, c.on_paper)),
        );
        b.field(w::COPIES, &format!("{} {}", dossier.copies, w::COPIES_UNIT));
        b.field(w::PROCESSING_TIME, &dossier.processing_time);
        b.field(w::RECEIVED_AT, &time_text(received));
        b.field(w::DUE_AT, &time_text(due));
        b.field(w::RESULT_PLACE, &dossier.result_place);
        if let Some(r) = &dossier.receipt {
            b.receipt(r);
        }
        b.push(Line::Rule);
        b.plain(w::CLOSING_RECEIVED);
        b.plain(w::CLOSING_LOOKUP);
        Ok(b.finish())
    }

    /// The slip of a dossier saved in the kiosk's outbox: it says so, and
    /// shows the local reference instead of a code, with no lookup QR.
    pub fn queued(queued: &QueuedSlip, kiosk_name: &str) -> Result<Slip, ReceiptError> {
        let created = vn_time(&queued.created_at, "created_at")?;
        let mut b = Builder::default();
        b.header(&queued.agency, kiosk_name, created);
        b.centered(w::QUEUED_NOTICE, Size::Body, true);
        b.push(Line::Gap);
        b.centered(w::LOCAL_REFERENCE, Size::Body, false);
        b.centered(&queued.local_reference, Size::Code, true);
        b.push(Line::Rule);
        b.applicant(
            &queued.applicant_name,
            &queued.applicant_address,
            queued.applicant_phone.as_deref(),
            queued.applicant_email.as_deref(),
        );
        b.field(w::REQUEST, &queued.procedure_name);
        b.components(
            queued
                .components
                .iter()
                .map(|c| (c.name.as_str(), c.files, c.on_paper)),
        );
        b.field(w::COPIES, &format!("{} {}", queued.copies, w::COPIES_UNIT));
        b.field(w::SAVED_AT, &time_text(created));
        b.field(w::DUE_AT, w::DUE_LATER);
        if let Some(r) = &queued.receipt {
            b.receipt(r);
        }
        b.push(Line::Rule);
        b.plain(w::CLOSING_QUEUED);
        Ok(b.finish())
    }

    /// The slip's lines, top to bottom.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// The whole text, one line per [`Line`] (rules and gaps as empty lines).
    pub fn text(&self) -> String {
        let texts: Vec<String> = self.lines.iter().map(Line::text).collect();
        texts.join("\n")
    }

    /// The QR texts the slip prints.
    pub fn qr_texts(&self) -> Vec<&str> {
        self.lines
            .iter()
            .filter_map(|l| match l {
                Line::Qr { data, .. } => Some(data.as_str()),
                _ => None,
            })
            .collect()
    }
}

fn nfc(s: &str) -> String {
    s.trim().nfc().collect()
}

fn run(text: &str, bold: bool) -> Run {
    Run {
        text: nfc(text),
        bold,
    }
}

#[derive(Default)]
struct Builder {
    lines: Vec<Line>,
}

impl Builder {
    fn push(&mut self, line: Line) {
        self.lines.push(line);
    }

    fn finish(self) -> Slip {
        Slip { lines: self.lines }
    }

    fn centered(&mut self, text: &str, size: Size, bold: bool) {
        self.push(Line::Text {
            runs: vec![run(text, bold)],
            size,
            align: Align::Center,
            hanging: false,
        });
    }

    fn plain(&mut self, text: &str) {
        self.push(Line::Text {
            runs: vec![run(text, false)],
            size: Size::Body,
            align: Align::Left,
            hanging: false,
        });
    }

    /// A bold label and its value (labels keep their trailing space).
    fn field(&mut self, label: &str, value: &str) {
        self.push(Line::Text {
            runs: vec![
                Run {
                    text: label.nfc().collect(),
                    bold: true,
                },
                run(value, false),
            ],
            size: Size::Body,
            align: Align::Left,
            hanging: false,
        });
    }

    fn header(&mut self, agency: &str, place: &str, at: OffsetDateTime) {
        self.centered(
            &agency.nfc().collect::<String>().to_uppercase(),
            Size::Body,
            true,
        );
        self.centered(w::UNIT, Size::Body, true);
        self.push(Line::Rule);
        self.centered(w::TITLE_1, Size::Large, true);
        self.centered(w::TITLE_2, Size::Large, true);
        self.field(w::PLACE, place);
        self.plain(&format!(
            "Ngày {:02} tháng {:02} năm {}",
            at.day(),
            u8::from(at.month()),
            at.year()
        ));
        self.push(Line::Gap);
    }

    fn applicant(&mut self, name: &str, address: &str, phone: Option<&str>, email: Option<&str>) {
        self.field(w::APPLICANT, name);
        self.field(w::ADDRESS, address);
        if let Some(p) = phone.filter(|p| !p.trim().is_empty()) {
            self.field(w::PHONE, p);
        }
        if let Some(e) = email.filter(|e| !e.trim().is_empty()) {
            self.field(w::EMAIL, e);
        }
    }

    fn components<'a>(&mut self, items: impl Iterator<Item = (&'a str, u32, bool)>) {
        self.push(Line::Text {
            runs: vec![run(w::COMPONENTS, true)],
            size: Size::Body,
            align: Align::Left,
            hanging: false,
        });
        for (i, (name, files, on_paper)) in items.enumerate() {
            let mark = match (on_paper, files) {
                (true, 0) => format!(" ({})", w::ON_PAPER),
                (true, n) => format!(" ({n} {}; {})", w::FILES_SUFFIX, w::ON_PAPER),
                (false, n) => format!(" ({n} {})", w::FILES_SUFFIX),
            };
            self.push(Line::Text {
                runs: vec![
                    Run {
                        text: format!("{}. ", i + 1),
                        bold: false,
                    },
                    run(name, false),
                    Run {
                        text: mark.nfc().collect(),
                        bold: on_paper,
                    },
                ],
                size: Size::Body,
                align: Align::Left,
                hanging: true,
            });
        }
    }

    fn receipt(&mut self, r: &Receipt) {
        self.push(Line::Rule);
        self.centered(
            &r.title.nfc().collect::<String>().to_uppercase(),
            Size::Body,
            true,
        );
        self.field(w::RECEIPT_TEMPLATE, &r.template);
        self.field(w::RECEIPT_SYMBOL, &r.symbol);
        self.field(w::RECEIPT_NUMBER, &format!("{:07}", r.number));
        self.field(w::RECEIPT_AMOUNT, &r.amount_text);
        self.field(w::RECEIPT_IN_WORDS, &r.amount_in_words);
        let method = match r.method {
            PaymentMethod::Vietqr => w::METHOD_VIETQR,
            PaymentMethod::Counter => w::METHOD_COUNTER,
        };
        self.field(w::RECEIPT_METHOD, method);
        self.field(w::RECEIPT_ISSUER, &r.issuer);
    }
}

/// Vietnam time (UTC+7, no daylight saving).
fn vn_time(rfc3339: &str, field: &'static str) -> Result<OffsetDateTime, ReceiptError> {
    let t = OffsetDateTime::parse(rfc3339.trim(), &Rfc3339)
        .map_err(|_| ReceiptError::BadTime(field))?;
    let vn = UtcOffset::from_hms(7, 0, 0).map_err(|_| ReceiptError::BadTime(field))?;
    Ok(t.to_offset(vn))
}

/// "10 giờ 52 phút, ngày 26/11/2026".
pub(crate) fn time_text(t: OffsetDateTime) -> String {
    format!(
        "{} giờ {:02} phút, ngày {:02}/{:02}/{}",
        t.hour(),
        t.minute(),
        t.day(),
        u8::from(t.month()),
        t.year()
    )
}

/// Formats an RFC 3339 time as the slip prints it, in Vietnam time.
pub fn vietnam_time_text(rfc3339: &str) -> Result<String, ReceiptError> {
    vn_time(rfc3339, "time").map(time_text)
}

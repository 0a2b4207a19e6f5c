//! The dossier this session will submit, built from what the session holds
//! (the card, the account, the pages of each component, the payment) and
//! the procedure: the `NewDossier` for the backend, one PDF per component,
//! and the view the citizen checks before "Gửi hồ sơ". Pure: no I/O.

use motcua_core::cccd::CitizenCard;
use motcua_protocol::{
    Applicant, AppliedExemption, Component, NewDossier, Payment, PaymentStatus, Procedure,
    SubmittedComponent,
};

use crate::ipc::{ApplicantView, ReviewComponent, ReviewView};
use crate::scanning::Scans;

/// A dossier ready for the outbox.
#[derive(Debug)]
pub struct Draft {
    /// With every component's `uploads` still empty: the outbox fills in
    /// the SHA-256 of each file.
    pub dossier: NewDossier,
    /// `(component id, PDF)`, one per component with pages, in order.
    pub files: Vec<(String, Vec<u8>)>,
    pub review: ReviewView,
    /// Where the result is collected, from the catalog.
    pub result_place: String,
}

/// What goes into a draft besides the pages.
pub struct DraftInputs<'a> {
    pub procedure: &'a Procedure,
    pub card: &'a CitizenCard,
    pub account_id: Option<String>,
    pub phone: Option<String>,
    /// This session's payment, as the backend has it now.
    pub payment: Option<&'a Payment>,
    pub copies: u32,
    /// The exemption claimed, with the document it requires.
    pub exemption: Option<&'a AppliedExemption>,
}

/// Builds the dossier from the session's pages. Components are the
/// procedure's, in catalog order, then the exemption's proof; only those
/// with pages or a paper mark are sent, and required ones with neither are
/// listed in `review.missing`.
pub fn draft(inputs: &DraftInputs<'_>, scans: &Scans) -> Draft {
    let mut components: Vec<&Component> = inputs.procedure.components.iter().collect();
    if let Some(e) = inputs.exemption {
        components.push(&e.required_document);
    }
    let mut submitted = Vec::new();
    let mut files = Vec::new();
    let mut shown = Vec::new();
    let mut missing = Vec::new();
    for c in components {
        let held = scans.get(&c.id);
        let on_paper = held.is_some_and(|h| h.on_paper);
        let pages = held.map(|h| h.pages.as_slice()).unwrap_or_default();
        if on_paper {
            submitted.push(SubmittedComponent {
                component_id: c.id.clone(),
                uploads: Vec::new(),
                on_paper: true,
            });
        } else if !pages.is_empty() {
            let images: Vec<_> = pages.iter().map(|p| p.pdf_image()).collect();
            files.push((c.id.clone(), motcua_scan::pdf::write(&images)));
            submitted.push(SubmittedComponent {
                component_id: c.id.clone(),
                uploads: Vec::new(),
                on_paper: false,
            });
        } else {
            if c.required {
                missing.push(c.name.clone());
            }
            continue;
        }
        shown.push(ReviewComponent {
            name: c.name.clone(),
            pages: u32::try_from(pages.len()).unwrap_or(u32::MAX),
            on_paper,
        });
    }
    let paid = inputs.payment.filter(|p| p.status == PaymentStatus::Paid);
    let card = inputs.card;
    let applicant = Applicant {
        full_name: card.full_name.clone(),
        id_number: card.id_number.clone(),
        date_of_birth: Some(motcua_core::cccd::format_iso(card.date_of_birth)),
        address: card.address.clone(),
        phone: inputs.phone.clone(),
        email: None,
    };
    let review = ReviewView {
        procedure_name: inputs.procedure.name.clone(),
        applicant: ApplicantView {
            full_name: applicant.full_name.clone(),
            id_number: applicant.id_number.clone(),
            address: applicant.address.clone(),
            phone: applicant.phone.clone(),
        },
        components: shown,
        copies: inputs.copies,
        paid_amount: paid.map(|p| p.amount_text.clone()),
        receipt_number: paid
            .and_then(|p| p.receipt.as_ref())
            .map(|r| r.number_text.clone()),
        exemption: inputs.exemption.map(|e| e.label.clone()),
        missing,
    };
    Draft {
        dossier: NewDossier {
            procedure_code: inputs.procedure.code.clone(),
            applicant,
            account_id: inputs.account_id.clone(),
            copies: Some(inputs.copies),
            exemption: inputs.exemption.map(|e| e.kind),
            payment_id: paid.map(|p| p.id.clone()),
            components: submitted,
            local_reference: None,
        },
        files,
        review,
        result_place: inputs.procedure.result_place.clone(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use motcua_protocol::{Exemption, FeeRule, PaymentMethod, ProcessingTime, Receipt};

    fn component(id: &str, required: bool) -> Component {
        Component {
            id: id.into(),
            name: format!("Giấy {id}"),
            note: None,
            required,
        }
    }

    fn procedure() -> Procedure {
        Procedure {
            code: "2.000635".into(),
            name: "Cấp bản sao trích lục hộ tịch".into(),
            field: "ho-tich".into(),
            summary: String::new(),
            components: vec![
                component("to-khai", true),
                component("uy-quyen", false),
                component("giay-goc", true),
            ],
            processing: ProcessingTime::SameDay { cutoff: None },
            fee: FeeRule::PerCopy { amount: 8000 },
            fee_basis: String::new(),
            result_place: "Bộ phận Một cửa".into(),
        }
    }

    fn card() -> CitizenCard {
        motcua_core::cccd::parse(
            "001089012345||NGUYỄN VĂN AN|15031989|Nam|Số 5, Đông Sơn, Thanh Hóa|20042021",
        )
        .unwrap()
    }

    fn page() -> motcua_scan::Page {
        let photo = motcua_scan::synth::text_page(420, 594, 230, 3);
        motcua_scan::process(&motcua_scan::encode_gray(&photo, 90).unwrap()).unwrap()
    }

    fn payment(status: PaymentStatus) -> Payment {
        Payment {
            id: "pay-1".into(),
            procedure_code: "2.000635".into(),
            procedure_name: String::new(),
            copies: 2,
            pages: None,
            amount: 16000,
            amount_text: "16.000 đồng".into(),
            amount_in_words: String::new(),
            method: PaymentMethod::Counter,
            status,
            reference: "MCABCDEFGH".into(),
            vietqr: None,
            counter_code: None,
            created_at: String::new(),
            expires_at: String::new(),
            paid_at: None,
            receipt: (status == PaymentStatus::Paid).then(|| Receipt {
                title: String::new(),
                template: String::new(),
                symbol: String::new(),
                number: 7,
                number_text: "0000007".into(),
                issued_at: String::new(),
                issuer: String::new(),
                procedure_code: String::new(),
                procedure_name: String::new(),
                amount: 16000,
                amount_text: String::new(),
                amount_in_words: String::new(),
                method: PaymentMethod::Counter,
                reference: String::new(),
            }),
        }
    }

    #[test]
    fn pages_become_one_pdf_per_component_and_paper_marks_are_sent_without_files() {
        let mut scans = Scans::default();
        for _ in 0..2 {
            scans.set_draft("giay-goc", page()).unwrap();
            scans.keep("giay-goc").unwrap();
        }
        scans.set_on_paper("to-khai", true).unwrap();
        let paid = payment(PaymentStatus::Paid);
        let p = procedure();
        let card = card();
        let d = draft(
            &DraftInputs {
                procedure: &p,
                card: &card,
                account_id: Some("acc-1".into()),
                phone: Some("0912345678".into()),
                payment: Some(&paid),
                copies: 2,
                exemption: None,
            },
            &scans,
        );
        let ids: Vec<_> = d
            .dossier
            .components
            .iter()
            .map(|c| (c.component_id.as_str(), c.on_paper))
            .collect();
        assert_eq!(ids, [("to-khai", true), ("giay-goc", false)]);
        assert_eq!(d.files.len(), 1);
        assert_eq!(d.files[0].0, "giay-goc");
        let outline = motcua_scan::pdf::outline(&d.files[0].1).unwrap();
        assert_eq!(outline.pages, 2, "both pages in one PDF");
        assert!(d.review.missing.is_empty());
        assert_eq!(d.dossier.payment_id.as_deref(), Some("pay-1"));
        assert_eq!(d.review.receipt_number.as_deref(), Some("0000007"));
        assert_eq!(
            d.dossier.applicant.date_of_birth.as_deref(),
            Some("1989-03-15")
        );
        assert_eq!(d.dossier.copies, Some(2));
    }

    #[test]
    fn a_missing_required_component_is_listed_and_an_unpaid_intent_is_not_named() {
        let scans = Scans::default();
        let pending = payment(PaymentStatus::Pending);
        let p = procedure();
        let card = card();
        let exemption = AppliedExemption {
            kind: Exemption::HoNgheo,
            label: "Người thuộc hộ nghèo".into(),
            waived_amount: 8000,
            required_document: component("giay-ho-ngheo", true),
        };
        let d = draft(
            &DraftInputs {
                procedure: &p,
                card: &card,
                account_id: None,
                phone: None,
                payment: Some(&pending),
                copies: 1,
                exemption: Some(&exemption),
            },
            &scans,
        );
        assert_eq!(
            d.review.missing,
            ["Giấy to-khai", "Giấy giay-goc", "Giấy giay-ho-ngheo"]
        );
        assert!(d.dossier.components.is_empty() && d.files.is_empty());
        assert_eq!(d.dossier.payment_id, None);
        assert_eq!(d.dossier.exemption, Some(Exemption::HoNgheo));
        assert_eq!(d.review.exemption.as_deref(), Some("Người thuộc hộ nghèo"));
    }
}

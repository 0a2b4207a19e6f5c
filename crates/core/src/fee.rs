//! Fees computed from the catalog's rules, never typed by anyone, and the
//! quote a kiosk shows: the amount, in words, its legal basis, and what an
//! exemption waives and asks the dossier to include.

use motcua_protocol::payments::{MAX_COPIES, MAX_PAGES};
use motcua_protocol::{AppliedExemption, Component, Exemption, FeeQuote, FeeRule, Procedure};

use crate::text;

/// What a fee is computed for: copies of a document and its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeBasis {
    /// Copies requested (for per-copy and per-page rules); at least 1.
    pub copies: u32,
    /// Pages of the document (for per-page rules).
    pub pages: u32,
}

impl Default for FeeBasis {
    fn default() -> Self {
        Self {
            copies: 1,
            pages: 1,
        }
    }
}

/// The fee in đồng for `basis` under `rule`.
pub fn compute(rule: &FeeRule, basis: FeeBasis) -> u64 {
    let copies = u64::from(basis.copies.max(1));
    match *rule {
        FeeRule::Free { .. } => 0,
        FeeRule::Flat { amount } => u64::from(amount),
        FeeRule::PerCopy { amount } => u64::from(amount).saturating_mul(copies),
        FeeRule::PerPage {
            first_pages,
            first_price,
            rest_price,
            max_per_copy,
        } => {
            let pages = u64::from(basis.pages);
            let first = pages.min(u64::from(first_pages));
            let rest = pages - first;
            let per_copy = (first * u64::from(first_price))
                .saturating_add(rest.saturating_mul(u64::from(rest_price)));
            let per_copy = match max_per_copy {
                Some(max) => per_copy.min(u64::from(max)),
                None => per_copy,
            };
            per_copy.saturating_mul(copies)
        }
    }
}

/// Why a fee cannot be quoted for what was asked. The text names the rule,
/// never anything about the citizen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    #[error("copies must be 1 to {MAX_COPIES}, not {0}")]
    Copies(u32),
    #[error("pages must be 1 to {MAX_PAGES}, not {0}")]
    Pages(u32),
    #[error("the procedure's fee is per page: the number of pages is needed")]
    PagesMissing,
}

/// The group an exemption is for, in plain Vietnamese.
pub fn exemption_label(e: Exemption) -> &'static str {
    match e {
        Exemption::HoNgheo => "Người thuộc hộ nghèo",
        Exemption::KhuyetTat => "Người khuyết tật",
        Exemption::NguoiCoCong => "Người có công với cách mạng hoặc thân nhân của người có công",
    }
}

/// The document that proves an exemption, as the dossier component the
/// dossier must then include.
pub fn exemption_document(e: Exemption) -> Component {
    let (id, name, note) = match e {
        Exemption::HoNgheo => (
            "giay-chung-nhan-ho-ngheo",
            "Giấy chứng nhận hộ nghèo",
            "Còn hiệu lực. Bản sao kèm bản chính để đối chiếu",
        ),
        Exemption::KhuyetTat => (
            "giay-xac-nhan-khuyet-tat",
            "Giấy xác nhận khuyết tật",
            "Do Ủy ban nhân dân cấp xã cấp. Bản sao kèm bản chính để đối chiếu",
        ),
        Exemption::NguoiCoCong => (
            "giay-to-nguoi-co-cong",
            "Giấy tờ chứng minh là người có công với cách mạng hoặc thân nhân của người có công",
            "Bản sao kèm bản chính để đối chiếu",
        ),
    };
    Component {
        id: id.to_owned(),
        name: name.to_owned(),
        note: Some(note.to_owned()),
        required: true,
    }
}

/// The fee of procedure `p` for `copies` (default 1) of a document of
/// `pages` pages (needed by a per-page rule only), with `exemption`
/// claimed. A free procedure quotes 0 with its condition and no exemption
/// (there is nothing to waive); an exemption of a fee makes it 0 and names
/// the document that proves it.
pub fn quote(
    p: &Procedure,
    copies: Option<u32>,
    pages: Option<u32>,
    exemption: Option<Exemption>,
) -> Result<FeeQuote, QuoteError> {
    let copies = copies.unwrap_or(1);
    if !(1..=MAX_COPIES).contains(&copies) {
        return Err(QuoteError::Copies(copies));
    }
    if let Some(n) = pages
        && !(1..=MAX_PAGES).contains(&n)
    {
        return Err(QuoteError::Pages(n));
    }
    let pages = match p.fee {
        FeeRule::PerPage { .. } => Some(pages.ok_or(QuoteError::PagesMissing)?),
        _ => None,
    };
    let full = compute(
        &p.fee,
        FeeBasis {
            copies,
            pages: pages.unwrap_or(1),
        },
    );
    let exemption = exemption.filter(|_| full > 0).map(|kind| AppliedExemption {
        kind,
        label: exemption_label(kind).to_owned(),
        waived_amount: full,
        required_document: exemption_document(kind),
    });
    let amount = if exemption.is_some() { 0 } else { full };
    Ok(FeeQuote {
        procedure_code: p.code.clone(),
        procedure_name: p.name.clone(),
        copies,
        pages,
        amount,
        amount_text: text::money(amount),
        amount_in_words: text::money_in_words(amount),
        rule_text: crate::catalog::fee_text(&p.fee),
        legal_basis: p.fee_basis.clone(),
        free_condition: crate::catalog::fee_condition(&p.fee).map(str::to_owned),
        exemption,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The certified-copy rule: 2.000 đ/page, 1.000 đ from page 3, at most 200.000 đ a copy.
    fn certified_copy() -> FeeRule {
        FeeRule::PerPage {
            first_pages: 2,
            first_price: 2000,
            rest_price: 1000,
            max_per_copy: Some(200_000),
        }
    }

    fn check(rule: &FeeRule, copies: u32, pages: u32, want: u64) {
        assert_eq!(
            compute(rule, FeeBasis { copies, pages }),
            want,
            "{rule:?} copies={copies} pages={pages}"
        );
    }

    #[test]
    fn per_page_rule_with_cap() {
        let r = certified_copy();
        check(&r, 1, 0, 0);
        check(&r, 1, 1, 2000);
        check(&r, 1, 2, 4000);
        check(&r, 1, 3, 5000);
        check(&r, 1, 10, 12_000);
        check(&r, 2, 3, 10_000);
        check(&r, 1, 196, 198_000);
        check(&r, 1, 198, 200_000);
        check(&r, 1, 1000, 200_000);
        check(&r, 3, 1000, 600_000);
    }

    #[test]
    fn flat_free_and_per_copy() {
        check(&FeeRule::Free { condition: None }, 5, 9, 0);
        check(&FeeRule::Flat { amount: 15_000 }, 3, 9, 15_000);
        check(&FeeRule::PerCopy { amount: 8000 }, 1, 1, 8000);
        check(&FeeRule::PerCopy { amount: 8000 }, 3, 1, 24_000);
        // Zero copies is read as one: a citizen always asks for at least one.
        check(&FeeRule::PerCopy { amount: 8000 }, 0, 1, 8000);
    }

    #[test]
    fn no_overflow_at_the_extremes() {
        let r = FeeRule::PerPage {
            first_pages: u32::MAX,
            first_price: u32::MAX,
            rest_price: u32::MAX,
            max_per_copy: None,
        };
        let one_page = FeeBasis {
            copies: u32::MAX,
            pages: 1,
        };
        assert_eq!(
            compute(&r, one_page),
            u64::from(u32::MAX) * u64::from(u32::MAX)
        );
        let everything = FeeBasis {
            copies: u32::MAX,
            pages: u32::MAX,
        };
        assert_eq!(compute(&r, everything), u64::MAX);
    }

    fn procedure(code: &str) -> Procedure {
        match crate::catalog::sample() {
            Ok(c) => match crate::catalog::find(&c, code) {
                Some(p) => p.clone(),
                None => panic!("sample lacks {code}"),
            },
            Err(e) => panic!("sample: {e}"),
        }
    }

    #[test]
    fn quotes_of_the_sample_procedures() {
        /// Procedure, copies, pages, amount, in words.
        type Row = (&'static str, Option<u32>, Option<u32>, u64, &'static str);
        let table: &[Row] = &[
            // Flat: copies and pages change nothing.
            ("1.004873", None, None, 15_000, "Mười lăm nghìn đồng"),
            ("1.004873", Some(4), Some(9), 15_000, "Mười lăm nghìn đồng"),
            // Per copy.
            ("2.000635", None, None, 8000, "Tám nghìn đồng"),
            ("2.000635", Some(3), None, 24_000, "Hai mươi tư nghìn đồng"),
            // The certified-copy rule: 2.000 đ a page for two, 1.000 đ from
            // page 3, at most 200.000 đ a copy.
            ("2.000815", None, Some(1), 2000, "Hai nghìn đồng"),
            ("2.000815", None, Some(2), 4000, "Bốn nghìn đồng"),
            ("2.000815", None, Some(3), 5000, "Năm nghìn đồng"),
            ("2.000815", Some(2), Some(3), 10_000, "Mười nghìn đồng"),
            ("2.000815", None, Some(198), 200_000, "Hai trăm nghìn đồng"),
            ("2.000815", None, Some(500), 200_000, "Hai trăm nghìn đồng"),
            (
                "2.000815",
                Some(3),
                Some(500),
                600_000,
                "Sáu trăm nghìn đồng",
            ),
            // Free.
            ("1.001193", Some(2), None, 0, "Không đồng"),
        ];
        for &(code, copies, pages, amount, words) in table {
            let q = quote(&procedure(code), copies, pages, None)
                .unwrap_or_else(|e| panic!("{code} {copies:?} {pages:?}: {e}"));
            assert_eq!(q.amount, amount, "{code} {copies:?} {pages:?}");
            assert_eq!(q.amount_in_words, words, "{code}");
            assert_eq!(q.amount_text, text::money(amount));
            assert_eq!(q.copies, copies.unwrap_or(1));
            assert!(q.exemption.is_none());
            assert!(!q.legal_basis.is_empty());
        }
        let per_page = quote(&procedure("2.000815"), None, Some(3), None);
        assert_eq!(per_page.map(|q| q.pages), Ok(Some(3)));
        let flat = quote(&procedure("1.004873"), None, Some(3), None);
        assert_eq!(flat.map(|q| q.pages), Ok(None), "a flat fee reads no pages");
        let free = quote(&procedure("1.001193"), None, None, None);
        assert!(
            matches!(&free, Ok(q) if q.free_condition.as_deref().is_some_and(|c| c.contains("đúng hạn"))),
            "{free:?}"
        );
    }

    #[test]
    fn an_exemption_waives_the_fee_and_names_its_document() {
        for (code, copies, pages, full) in [
            ("2.000635", Some(2), None, 16_000),
            ("2.000815", None, Some(5), 7000),
            ("1.004873", None, None, 15_000),
        ] {
            for e in Exemption::ALL {
                let q = quote(&procedure(code), copies, pages, Some(e))
                    .unwrap_or_else(|err| panic!("{code} {e:?}: {err}"));
                assert_eq!(q.amount, 0, "{code} {e:?}");
                assert_eq!(q.amount_in_words, "Không đồng");
                let applied = q.exemption.unwrap_or_else(|| panic!("{code} {e:?}"));
                assert_eq!(applied.kind, e);
                assert_eq!(applied.waived_amount, full, "{code} {e:?}");
                assert_eq!(applied.label, exemption_label(e));
                assert!(applied.required_document.required);
                assert!(!applied.required_document.name.is_empty());
            }
        }
        let names: Vec<String> = Exemption::ALL
            .iter()
            .map(|&e| exemption_document(e).name)
            .collect();
        assert_eq!(names[0], "Giấy chứng nhận hộ nghèo");
        assert_eq!(names[1], "Giấy xác nhận khuyết tật");
        assert!(names[2].contains("người có công"));
        // A free procedure has nothing to waive: no document is asked for.
        let free = quote(
            &procedure("1.000894"),
            None,
            None,
            Some(Exemption::KhuyetTat),
        );
        assert!(
            matches!(&free, Ok(q) if q.amount == 0 && q.exemption.is_none()),
            "{free:?}"
        );
    }

    #[test]
    fn quote_texts_are_nfc_and_component_ids_are_slugs() {
        for e in Exemption::ALL {
            let d = exemption_document(e);
            for s in [exemption_label(e), &d.name, d.note.as_deref().unwrap_or("")] {
                assert!(text::is_nfc(s), "{s}");
            }
            assert!(
                d.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                d.id
            );
        }
    }

    #[test]
    fn what_cannot_be_quoted() {
        let p = procedure("2.000815");
        let cases: &[(Option<u32>, Option<u32>, QuoteError)] = &[
            (None, None, QuoteError::PagesMissing),
            (Some(0), Some(1), QuoteError::Copies(0)),
            (
                Some(MAX_COPIES + 1),
                Some(1),
                QuoteError::Copies(MAX_COPIES + 1),
            ),
            (None, Some(0), QuoteError::Pages(0)),
            (None, Some(MAX_PAGES + 1), QuoteError::Pages(MAX_PAGES + 1)),
        ];
        for (copies, pages, want) in cases {
            assert_eq!(
                quote(&p, *copies, *pages, None).as_ref().err(),
                Some(want),
                "{copies:?} {pages:?}"
            );
        }
        // Out-of-range pages are refused even where the rule ignores them.
        assert_eq!(
            quote(&procedure("1.004873"), None, Some(0), None).err(),
            Some(QuoteError::Pages(0))
        );
        assert!(quote(&p, Some(MAX_COPIES), Some(MAX_PAGES), None).is_ok());
    }
}

//! The center's procedure catalog: a TOML data file the center edits, loaded,
//! normalised to NFC and validated here, and described in plain Vietnamese.

use std::collections::HashSet;
use std::path::Path;

use motcua_protocol::{Catalog, FeeRule, Procedure, ProcessingTime};

use crate::text;

/// The sample catalog shipped with the kiosk: the common commune-level
/// procedures. Centers replace it with their own file.
pub const SAMPLE_TOML: &str = include_str!("../../../catalog/sample.toml");

/// Why a catalog could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("cannot read catalog file {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("catalog is not valid TOML for the catalog schema: {0}")]
    Syntax(#[from] toml::de::Error),
    #[error("catalog has {} problem(s): {}", .0.len(), .0.join("; "))]
    Invalid(Vec<String>),
}

/// Parses, normalises and validates a catalog from TOML text.
pub fn from_toml(src: &str) -> Result<Catalog, CatalogError> {
    let mut catalog: Catalog = toml::from_str(src)?;
    normalise(&mut catalog);
    let problems = validate(&catalog);
    if problems.is_empty() {
        Ok(catalog)
    } else {
        Err(CatalogError::Invalid(problems))
    }
}

/// Loads a catalog file.
pub fn load(path: &Path) -> Result<Catalog, CatalogError> {
    let src = std::fs::read_to_string(path).map_err(|source| CatalogError::Read {
        path: path.display().to_string(),
        source,
    })?;
    from_toml(&src)
}

/// The shipped sample catalog.
pub fn sample() -> Result<Catalog, CatalogError> {
    from_toml(SAMPLE_TOML)
}

fn normalise(c: &mut Catalog) {
    fn n(s: &mut String) {
        *s = text::nfc(s.trim());
    }
    for f in &mut c.fields {
        n(&mut f.code);
        n(&mut f.name);
    }
    for p in &mut c.procedures {
        for s in [
            &mut p.code,
            &mut p.name,
            &mut p.field,
            &mut p.summary,
            &mut p.fee_basis,
            &mut p.result_place,
        ] {
            n(s);
        }
        if let FeeRule::Free {
            condition: Some(cond),
        } = &mut p.fee
        {
            n(cond);
        }
        for comp in &mut p.components {
            n(&mut comp.id);
            n(&mut comp.name);
            if let Some(note) = &mut comp.note {
                n(note);
            }
        }
    }
}

/// A national procedure code: `D.DDDDDD`.
pub fn is_procedure_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 8 && b[0].is_ascii_digit() && b[1] == b'.' && b[2..].iter().all(u8::is_ascii_digit)
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_hh_mm(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && b[2] == b':'
        && s[..2].parse::<u8>().is_ok_and(|h| h < 24)
        && s[3..].parse::<u8>().is_ok_and(|m| m < 60)
        && b[..2].iter().chain(&b[3..]).all(u8::is_ascii_digit)
}

/// Every problem in the catalog, each naming where it is.
pub fn validate(c: &Catalog) -> Vec<String> {
    let mut problems = Vec::new();
    let mut fields = HashSet::new();
    for f in &c.fields {
        if !is_slug(&f.code) {
            problems.push(format!(
                "field code {:?} must be lowercase ASCII with dashes",
                f.code
            ));
        }
        if f.name.is_empty() {
            problems.push(format!("field {:?} has no name", f.code));
        }
        if !fields.insert(f.code.as_str()) {
            problems.push(format!("field code {:?} appears twice", f.code));
        }
    }
    if c.procedures.is_empty() {
        problems.push("the catalog has no procedures".to_owned());
    }
    let mut codes = HashSet::new();
    for p in &c.procedures {
        let at = format!("procedure {:?}", p.code);
        if !is_procedure_code(&p.code) {
            problems.push(format!("{at}: code must look like 1.001193"));
        }
        if !codes.insert(p.code.as_str()) {
            problems.push(format!("{at}: code appears twice"));
        }
        if !fields.contains(p.field.as_str()) {
            problems.push(format!("{at}: unknown field {:?}", p.field));
        }
        for (name, value) in [
            ("name", &p.name),
            ("summary", &p.summary),
            ("fee_basis", &p.fee_basis),
            ("result_place", &p.result_place),
        ] {
            if value.is_empty() {
                problems.push(format!("{at}: {name} is empty"));
            }
        }
        if p.components.is_empty() {
            problems.push(format!("{at}: lists no dossier components"));
        }
        let mut ids = HashSet::new();
        for comp in &p.components {
            if !is_slug(&comp.id) {
                problems.push(format!(
                    "{at}: component id {:?} must be lowercase ASCII with dashes",
                    comp.id
                ));
            }
            if !ids.insert(comp.id.as_str()) {
                problems.push(format!("{at}: component id {:?} appears twice", comp.id));
            }
            if comp.name.is_empty() {
                problems.push(format!("{at}: component {:?} has no name", comp.id));
            }
        }
        match &p.processing {
            ProcessingTime::SameDay { cutoff: Some(t) } if !is_hh_mm(t) => {
                problems.push(format!("{at}: cutoff {t:?} must be HH:MM"));
            }
            ProcessingTime::WorkingDays { days } if !(1..=365).contains(days) => {
                problems.push(format!("{at}: working days must be 1 to 365, not {days}"));
            }
            _ => {}
        }
        match p.fee {
            FeeRule::Flat { amount } | FeeRule::PerCopy { amount } if amount == 0 => {
                problems.push(format!(
                    "{at}: a zero fee must be written as kind = \"free\""
                ));
            }
            FeeRule::PerPage {
                first_price,
                rest_price,
                max_per_copy,
                ..
            } if first_price == 0 || rest_price == 0 || max_per_copy == Some(0) => {
                problems.push(format!("{at}: per-page prices and cap must be above zero"));
            }
            _ => {}
        }
    }
    problems
}

/// The fee rule in one line of plain Vietnamese, e.g. "8.000 đồng mỗi bản".
pub fn fee_text(rule: &FeeRule) -> String {
    match rule {
        FeeRule::Free { .. } => "Miễn phí".to_owned(),
        FeeRule::Flat { amount } => text::money(u64::from(*amount)),
        FeeRule::PerCopy { amount } => format!("{} mỗi bản", text::money(u64::from(*amount))),
        FeeRule::PerPage {
            first_pages,
            first_price,
            rest_price,
            max_per_copy,
        } => {
            let mut s = format!(
                "{} mỗi trang; từ trang thứ {} trở đi: {} mỗi trang",
                text::money(u64::from(*first_price)),
                first_pages + 1,
                text::money(u64::from(*rest_price)),
            );
            if let Some(max) = max_per_copy {
                s.push_str(&format!(
                    "; tối đa {} mỗi bản",
                    text::money(u64::from(*max))
                ));
            }
            s
        }
    }
}

/// The headline amount of a fee in words ("Tám nghìn đồng mỗi bản"), or
/// `None` when it is free.
pub fn fee_in_words(rule: &FeeRule) -> Option<String> {
    match rule {
        FeeRule::Free { .. } => None,
        FeeRule::Flat { amount } => Some(text::money_in_words(u64::from(*amount))),
        FeeRule::PerCopy { amount } => Some(format!(
            "{} mỗi bản",
            text::money_in_words(u64::from(*amount))
        )),
        FeeRule::PerPage { first_price, .. } => Some(format!(
            "{} mỗi trang",
            text::money_in_words(u64::from(*first_price))
        )),
    }
}

/// When a free fee is free, or `None`.
pub fn fee_condition(rule: &FeeRule) -> Option<&str> {
    match rule {
        FeeRule::Free { condition } => condition.as_deref(),
        _ => None,
    }
}

/// The processing time in plain Vietnamese.
pub fn processing_text(p: &ProcessingTime) -> String {
    match p {
        ProcessingTime::SameDay { cutoff: None } => "Trong ngày".to_owned(),
        ProcessingTime::SameDay { cutoff: Some(t) } => {
            format!("Trong ngày. Nộp sau {t} thì nhận kết quả vào ngày làm việc tiếp theo")
        }
        ProcessingTime::WorkingDays { days } => format!("{days} ngày làm việc"),
    }
}

/// Finds a procedure by its national code.
pub fn find<'a>(c: &'a Catalog, code: &str) -> Option<&'a Procedure> {
    c.procedures.iter().find(|p| p.code == code)
}

/// The procedures whose name (or code) matches what the citizen typed, in
/// catalog order. Marks and case are ignored ("khai sinh" finds "Đăng ký
/// khai sinh"), and each word typed must begin a word of the name, in any
/// order, so a half-typed last word already narrows the list. Nothing typed
/// finds nothing.
pub fn search<'a>(c: &'a Catalog, query: &str) -> Vec<&'a Procedure> {
    let wanted = crate::names::plain(query);
    let words: Vec<&str> = wanted.split(' ').filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return Vec::new();
    }
    c.procedures
        .iter()
        .filter(|p| {
            if p.code == query.trim() {
                return true;
            }
            let name = crate::names::plain(&p.name);
            words
                .iter()
                .all(|w| name.split(' ').any(|n| n.starts_with(w)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_ok() -> Catalog {
        match sample() {
            Ok(c) => c,
            Err(e) => panic!("sample catalog must load: {e}"),
        }
    }

    #[test]
    fn sample_catalog_loads_with_the_ten_common_procedures() {
        let c = sample_ok();
        for code in [
            "1.001193", "1.000656", "1.000894", "2.000635", "1.004873", "2.000815", "2.000884",
            "2.000908", "1.004859", "1.004222",
        ] {
            let p = find(&c, code);
            assert!(p.is_some(), "sample catalog lacks {code}");
        }
        assert!(c.fields.iter().any(|f| f.code == "cu-tru"));
        assert_eq!(
            find(&c, "2.000635").map(|p| fee_text(&p.fee)),
            Some("8.000 đồng mỗi bản".to_owned())
        );
    }

    #[test]
    fn every_text_in_the_sample_is_nfc() {
        let c = sample_ok();
        let json = serde_json::to_string(&c).unwrap_or_default();
        assert!(!json.is_empty());
        assert!(text::is_nfc(&json));
    }

    #[test]
    fn nfd_input_is_normalised_on_load() {
        let src = SAMPLE_TOML.replacen("Hộ tịch", "Ho\u{0323}\u{0302} ti\u{0323}ch", 1);
        assert_ne!(src, SAMPLE_TOML);
        let c = from_toml(&src);
        assert!(
            matches!(&c, Ok(c) if c.fields.iter().any(|f| f.name == "Hộ tịch")),
            "{c:?}"
        );
    }

    #[test]
    fn invalid_catalogs_are_refused_with_every_problem_named() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "code = \"1.001193\"",
                "code = \"1001193\"",
                "code must look like",
            ),
            (
                "field = \"ho-tich\"",
                "field = \"khong-co\"",
                "unknown field",
            ),
            (
                "kind = \"working_days\", days = 3",
                "kind = \"working_days\", days = 0",
                "working days must be",
            ),
            ("cutoff = \"15:00\"", "cutoff = \"25:00\"", "must be HH:MM"),
            ("amount = 8000", "amount = 0", "zero fee"),
        ];
        for (from, to, want) in cases {
            assert!(SAMPLE_TOML.contains(from), "sample lacks {from}");
            let src = SAMPLE_TOML.replacen(from, to, 1);
            match from_toml(&src) {
                Err(CatalogError::Invalid(p)) => {
                    assert!(p.iter().any(|m| m.contains(want)), "{want:?} not in {p:?}")
                }
                other => panic!("{to}: expected Invalid, got {other:?}"),
            }
        }
    }

    #[test]
    fn malformed_toml_is_a_syntax_error_not_a_panic() {
        for src in ["", "[[procedures]", "fields = 3", "\u{0}"] {
            assert!(from_toml(src).is_err(), "{src:?}");
        }
    }

    #[test]
    fn duplicate_codes_are_refused() {
        let mut c = sample_ok();
        let first = c.procedures[0].clone();
        c.procedures.push(first);
        assert!(validate(&c).iter().any(|m| m.contains("appears twice")));
    }

    #[test]
    fn fee_and_time_texts() {
        let per_page = FeeRule::PerPage {
            first_pages: 2,
            first_price: 2000,
            rest_price: 1000,
            max_per_copy: Some(200_000),
        };
        assert_eq!(
            fee_text(&per_page),
            "2.000 đồng mỗi trang; từ trang thứ 3 trở đi: 1.000 đồng mỗi trang; tối đa 200.000 đồng mỗi bản"
        );
        assert_eq!(
            fee_in_words(&per_page).as_deref(),
            Some("Hai nghìn đồng mỗi trang")
        );
        assert_eq!(fee_text(&FeeRule::Free { condition: None }), "Miễn phí");
        assert_eq!(fee_in_words(&FeeRule::Free { condition: None }), None);
        assert_eq!(fee_text(&FeeRule::Flat { amount: 15_000 }), "15.000 đồng");
        assert_eq!(
            processing_text(&ProcessingTime::WorkingDays { days: 3 }),
            "3 ngày làm việc"
        );
        assert!(
            processing_text(&ProcessingTime::SameDay {
                cutoff: Some("15:00".into())
            })
            .contains("sau 15:00")
        );
    }

    #[test]
    fn procedure_code_shape() {
        for (s, ok) in [
            ("1.001193", true),
            ("2.000815", true),
            ("1001193", false),
            ("1.00119", false),
            ("a.001193", false),
            ("1.0011933", false),
            ("", false),
        ] {
            assert_eq!(is_procedure_code(s), ok, "{s}");
        }
    }

    #[test]
    fn search_ignores_marks_case_and_word_order() {
        let c = sample_ok();
        let codes = |q: &str| {
            search(&c, q)
                .iter()
                .map(|p| p.code.clone())
                .collect::<Vec<_>>()
        };
        let birth = codes("khai sinh");
        assert!(!birth.is_empty(), "khai sinh finds the birth registration");
        for code in &birth {
            let name = find(&c, code)
                .map(|p| crate::names::plain(&p.name))
                .unwrap_or_default();
            assert!(name.contains("khai sinh"), "{code}: {name}");
        }
        assert_eq!(codes("KHAI SINH"), birth);
        assert_eq!(codes("Khai Sính"), birth, "a wrong tone still finds it");
        assert_eq!(codes("sinh kha"), birth, "any order, a word half typed");
        assert_eq!(codes("2.000635"), vec!["2.000635".to_owned()]);
        assert!(codes("   ").is_empty());
        assert!(codes("xyzzy").is_empty());
        assert!(codes("sinhx").is_empty());
    }
}

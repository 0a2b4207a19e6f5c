//! The dossiers of a chaos run, made from the seed alone: the parent (to
//! check the server) and every child run (to enqueue) make the same ones.

use motcua_core::outbox::OutgoingDossier;
use motcua_protocol::dossiers::{Applicant, NewDossier, SubmittedComponent};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Free procedures of the sample catalog and their components (required
/// first, then optional ones).
const PROCEDURES: &[(&str, &[&str], &[&str])] = &[
    ("1.001193", &["to-khai", "giay-chung-sinh"], &[]),
    ("1.000656", &["to-khai", "giay-bao-tu"], &[]),
    ("1.000894", &["to-khai"], &["xac-nhan-hon-nhan"]),
];

const FAMILY: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"];
const MIDDLE: &[&str] = &["Văn", "Thị", "Minh", "Đức", "Thu", "Quang", "Ngọc"];
const GIVEN: &[&str] = &[
    "An", "Bình", "Chi", "Dũng", "Hà", "Khánh", "Lan", "Phúc", "Tú",
];
const PROVINCES: &[&str] = &["001", "031", "048", "079", "092"];
const STREETS: &[&str] = &[
    "Trần Phú",
    "Lê Lợi",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
];

/// The idempotency key of the `i`-th dossier.
pub fn key(seed: u64, i: usize) -> String {
    format!("chaos-{seed}-{i:05}")
}

/// The `i`-th dossier of the run seeded with `seed`: a free procedure, a
/// made-up applicant and 1 to 3 small PDFs (1 KiB to 160 KiB).
pub fn dossier(seed: u64, i: usize) -> anyhow::Result<OutgoingDossier> {
    let mut rng = StdRng::seed_from_u64(seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let (code, required, optional) = PROCEDURES[rng.random_range(0..PROCEDURES.len())];
    let applicant = applicant(&mut rng);
    let all: Vec<&str> = required.iter().chain(optional.iter()).copied().collect();
    let documents = rng.random_range(1..=3usize);
    let mut files = Vec::with_capacity(documents);
    for j in 0..documents {
        let component = if j == 0 {
            required[0]
        } else {
            all[rng.random_range(0..all.len())]
        };
        files.push((component.to_owned(), pdf(&mut rng, seed, i, j)));
    }
    let components = required
        .iter()
        .filter(|id| !files.iter().any(|(c, _)| c == *id))
        .map(|id| SubmittedComponent {
            component_id: (*id).to_owned(),
            uploads: vec![],
            on_paper: true,
        })
        .collect();
    let new = NewDossier {
        procedure_code: code.to_owned(),
        applicant,
        account_id: None,
        copies: None,
        exemption: None,
        payment_id: None,
        components,
        local_reference: None,
    };
    Ok(OutgoingDossier::new(key(seed, i), new, files)?)
}

/// A made-up applicant (a name, an ID number of the right shape, a date
/// of birth and an address), from `rng`.
pub fn applicant(rng: &mut StdRng) -> Applicant {
    let pick = |rng: &mut StdRng, list: &'static [&'static str]| -> &'static str {
        list[rng.random_range(0..list.len())]
    };
    let full_name = format!(
        "{} {} {}",
        pick(rng, FAMILY),
        pick(rng, MIDDLE),
        pick(rng, GIVEN)
    );
    let id_number = format!(
        "{}{}{:08}",
        pick(rng, PROVINCES),
        rng.random_range(0..4u8),
        rng.random_range(0..100_000_000u32)
    );
    Applicant {
        full_name,
        id_number,
        date_of_birth: Some(format!(
            "{}-{:02}-{:02}",
            rng.random_range(1950..2006u16),
            rng.random_range(1..13u8),
            rng.random_range(1..29u8)
        )),
        address: format!(
            "Số {}, đường {}, Hà Nội",
            rng.random_range(1..300u16),
            pick(rng, STREETS)
        ),
        phone: None,
        email: None,
    }
}

fn pdf(rng: &mut StdRng, seed: u64, i: usize, j: usize) -> Vec<u8> {
    let len = rng.random_range(1024..160 * 1024usize);
    fake_pdf(rng, &format!("chaos {seed} {i} {j}"), len)
}

/// A document the server takes for a PDF (its first bytes) of about `len`
/// random bytes, so that no two are alike; `label` goes in a comment.
pub fn fake_pdf(rng: &mut StdRng, label: &str, len: usize) -> Vec<u8> {
    let mut doc = format!("%PDF-1.4\n% {label}\n").into_bytes();
    let start = doc.len();
    doc.resize(start + len, 0);
    rng.fill(&mut doc[start..]);
    doc.extend_from_slice(b"\n%%EOF\n");
    doc
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_plan_depends_only_on_the_seed() {
        let a = super::dossier(7, 3).unwrap_or_else(|e| panic!("{e}"));
        let b = super::dossier(7, 3).unwrap_or_else(|e| panic!("{e}"));
        let c = super::dossier(8, 3).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a, b);
        assert_ne!(a.documents, c.documents);
        assert!((1..=3).contains(&a.documents.len()));
        assert!(a.documents.iter().all(|d| d.starts_with(b"%PDF-")));
    }
}

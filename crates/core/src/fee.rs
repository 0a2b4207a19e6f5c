//! Fees computed from the catalog's rules, never typed by anyone.

use motcua_protocol::FeeRule;

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
}

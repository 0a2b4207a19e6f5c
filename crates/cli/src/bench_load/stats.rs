//! Percentiles and the printed table (one column per database).

/// p50, p90, p99 and max of `values` (µs), in ms; `None` when empty.
pub fn percentiles(values: &mut [u64]) -> Option<[f64; 4]> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let at = |q: f64| {
        // Nearest rank: the smallest value with at least q of them at or below.
        let rank = (q * values.len() as f64).ceil() as usize;
        values[rank.clamp(1, values.len()) - 1] as f64 / 1000.0
    };
    Some([
        at(0.50),
        at(0.90),
        at(0.99),
        values[values.len() - 1] as f64 / 1000.0,
    ])
}

/// `p50 / p90 / p99 / max` in ms, or `-`.
pub fn latency_cell(p: Option<[f64; 4]>) -> String {
    match p {
        Some([a, b, c, d]) => format!("{} / {} / {} / {}", ms(a), ms(b), ms(c), ms(d)),
        None => "-".to_owned(),
    }
}

fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// A table: a label column, then one column per run.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<(String, Vec<String>)>,
}

impl Table {
    pub fn render(&self) -> String {
        let label_w = self
            .rows
            .iter()
            .map(|(l, _)| l.chars().count())
            .max()
            .unwrap_or(0);
        let cols = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for (_, cells) in &self.rows {
            for (i, c) in cells.iter().enumerate().take(cols) {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
        let mut out = String::new();
        let line = |label: &str, cells: &[String], out: &mut String| {
            out.push_str(label);
            out.push_str(&" ".repeat(label_w - label.chars().count()));
            for (i, c) in cells.iter().enumerate().take(cols) {
                out.push_str("  ");
                out.push_str(&" ".repeat(widths[i] - c.chars().count()));
                out.push_str(c);
            }
            out.push('\n');
        };
        line("", &self.header, &mut out);
        for (label, cells) in &self.rows {
            line(label, cells, &mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut v: Vec<u64> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(percentiles(&mut v), Some([50.0, 90.0, 99.0, 100.0]));
        let mut one = vec![2500];
        assert_eq!(percentiles(&mut one), Some([2.5, 2.5, 2.5, 2.5]));
        assert_eq!(percentiles(&mut []), None);
    }

    #[test]
    fn columns_line_up() {
        let t = Table {
            header: vec!["SQLite".into(), "PostgreSQL".into()],
            rows: vec![
                ("dossiers/s".into(), vec!["12.5".into(), "9.0".into()]),
                ("ok".into(), vec!["yes".into(), "no".into()]),
            ],
        };
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() == lines[0].chars().count())
        );
        assert!(lines[1].ends_with("12.5         9.0"), "{text}");
    }
}

//! Vietnamese working days and due dates (ngày hẹn trả kết quả).
//!
//! Saturdays and Sundays are days off; public holidays (and the weekdays
//! moved or compensating them) come from a data file the center edits,
//! `catalog/holidays-vn.toml`, with the weekend days worked instead
//! ("làm bù") as working days. Pure: no I/O but parsing a string; dates are
//! in Vietnam time (UTC+7).

use std::collections::BTreeSet;

use motcua_protocol::ProcessingTime;
use serde::Deserialize;
use time::{Date, OffsetDateTime, Time, UtcOffset, Weekday};

/// Vietnam's offset from UTC (no daylight saving).
pub const VIETNAM_OFFSET: UtcOffset = time::macros::offset!(+7);

/// The holiday file shipped with the application.
pub const BUNDLED_TOML: &str = include_str!("../../../catalog/holidays-vn.toml");

/// Why a holiday file is refused. The text names where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("holiday file is not valid TOML: {0}")]
    Toml(String),
    #[error("holiday file: {0}")]
    Invalid(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRepr {
    first_year: i32,
    last_year: i32,
    #[serde(default)]
    holidays: Vec<HolidayRepr>,
    #[serde(default)]
    make_up_days: Vec<MakeUpRepr>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayRepr {
    name: String,
    status: String,
    days: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MakeUpRepr {
    date: String,
    reason: String,
    status: String,
}

/// Whether a day off was announced by the government or estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Certainty {
    Announced,
    Estimate,
}

/// The working-day calendar of public offices in Vietnam.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayCalendar {
    first_year: i32,
    last_year: i32,
    days_off: BTreeSet<Date>,
    make_up_days: BTreeSet<Date>,
    estimated: BTreeSet<Date>,
}

fn parse_date(s: &str, at: &str) -> Result<Date, CalendarError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &format)
        .map_err(|_| CalendarError::Invalid(format!("{at}: {s:?} is not a YYYY-MM-DD date")))
}

fn certainty(s: &str, at: &str) -> Result<Certainty, CalendarError> {
    match s {
        "announced" => Ok(Certainty::Announced),
        "estimate" => Ok(Certainty::Estimate),
        other => Err(CalendarError::Invalid(format!(
            "{at}: status {other:?} must be \"announced\" or \"estimate\""
        ))),
    }
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// `HH:MM` as a time of day.
fn parse_hh_mm(s: &str) -> Option<Time> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()
}

impl HolidayCalendar {
    /// Reads and checks a holiday file: every date a real date within
    /// `first_year..=last_year`, holidays never on a weekend (a weekend
    /// holiday's compensating weekday is what the file lists), make-up days
    /// always on a weekend, no date both.
    pub fn from_toml(src: &str) -> Result<Self, CalendarError> {
        let file: FileRepr = toml::from_str(src).map_err(|e| CalendarError::Toml(e.to_string()))?;
        if file.first_year > file.last_year || file.first_year < 2000 || file.last_year > 2200 {
            return Err(CalendarError::Invalid(format!(
                "years {}..{} are out of order or range",
                file.first_year, file.last_year
            )));
        }
        let in_range = |d: Date, at: &str| {
            if (file.first_year..=file.last_year).contains(&d.year()) {
                Ok(d)
            } else {
                Err(CalendarError::Invalid(format!(
                    "{at}: {d} is outside {}..{}",
                    file.first_year, file.last_year
                )))
            }
        };
        let mut cal = Self {
            first_year: file.first_year,
            last_year: file.last_year,
            days_off: BTreeSet::new(),
            make_up_days: BTreeSet::new(),
            estimated: BTreeSet::new(),
        };
        for h in &file.holidays {
            let at = format!("holiday {:?}", h.name);
            if h.name.trim().is_empty() {
                return Err(CalendarError::Invalid("a holiday has no name".to_owned()));
            }
            if h.days.is_empty() {
                return Err(CalendarError::Invalid(format!("{at}: lists no days")));
            }
            let sure = certainty(&h.status, &at)?;
            for s in &h.days {
                let d = in_range(parse_date(s, &at)?, &at)?;
                if is_weekend(d) {
                    return Err(CalendarError::Invalid(format!(
                        "{at}: {d} is a weekend day (list the weekday off instead)"
                    )));
                }
                if !cal.days_off.insert(d) {
                    return Err(CalendarError::Invalid(format!("{at}: {d} is listed twice")));
                }
                if sure == Certainty::Estimate {
                    cal.estimated.insert(d);
                }
            }
        }
        for m in &file.make_up_days {
            let at = format!("make-up day {:?}", m.date);
            if m.reason.trim().is_empty() {
                return Err(CalendarError::Invalid(format!("{at}: no reason")));
            }
            let sure = certainty(&m.status, &at)?;
            let d = in_range(parse_date(&m.date, &at)?, &at)?;
            if !is_weekend(d) {
                return Err(CalendarError::Invalid(format!(
                    "{at}: {d} is not a Saturday or Sunday"
                )));
            }
            if !cal.make_up_days.insert(d) {
                return Err(CalendarError::Invalid(format!("{at}: listed twice")));
            }
            if sure == Certainty::Estimate {
                cal.estimated.insert(d);
            }
        }
        Ok(cal)
    }

    /// The holiday file shipped with the application.
    pub fn bundled() -> Result<Self, CalendarError> {
        Self::from_toml(BUNDLED_TOML)
    }

    /// The years the file covers; outside them only weekends are days off.
    pub fn years(&self) -> (i32, i32) {
        (self.first_year, self.last_year)
    }

    /// Whether `year` is covered by the file.
    pub fn covers(&self, year: i32) -> bool {
        (self.first_year..=self.last_year).contains(&year)
    }

    /// Whether `d` is a listed day off or make-up day that is only an
    /// estimate, not yet announced.
    pub fn is_estimate(&self, d: Date) -> bool {
        self.estimated.contains(&d)
    }

    /// Whether public offices work on `d`.
    pub fn is_working_day(&self, d: Date) -> bool {
        if self.make_up_days.contains(&d) {
            return true;
        }
        !is_weekend(d) && !self.days_off.contains(&d)
    }

    /// The first working day strictly after `d`.
    pub fn next_working_day(&self, d: Date) -> Date {
        let mut day = d;
        // At most a few weeks of days off in a row; `Date::MAX` stops it.
        while let Some(next) = day.next_day() {
            day = next;
            if self.is_working_day(day) {
                return day;
            }
        }
        day
    }

    /// The day the result of a dossier received at `received` is due, in
    /// Vietnam: for a same-day procedure the day received, or the next
    /// working day when received on a day off or after the cutoff (`HH:MM`,
    /// strictly after it: 15:00:00 is on time, 15:00:01 is not); for N
    /// working days the Nth working day after the day received.
    /// A malformed cutoff (the catalog check refuses one) is ignored.
    pub fn due(&self, received: OffsetDateTime, processing: &ProcessingTime) -> Date {
        let local = received.to_offset(VIETNAM_OFFSET);
        let day = local.date();
        match processing {
            ProcessingTime::SameDay { cutoff } => {
                let late = cutoff
                    .as_deref()
                    .and_then(parse_hh_mm)
                    .is_some_and(|c| local.time() > c);
                if self.is_working_day(day) && !late {
                    day
                } else {
                    self.next_working_day(day)
                }
            }
            ProcessingTime::WorkingDays { days } => {
                let mut due = day;
                for _ in 0..(*days).max(1) {
                    due = self.next_working_day(due);
                }
                due
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn cal() -> HolidayCalendar {
        HolidayCalendar::bundled().unwrap_or_else(|e| panic!("bundled calendar: {e}"))
    }

    fn same_day(cutoff: Option<&str>) -> ProcessingTime {
        ProcessingTime::SameDay {
            cutoff: cutoff.map(str::to_owned),
        }
    }

    fn days(n: u32) -> ProcessingTime {
        ProcessingTime::WorkingDays { days: n }
    }

    #[test]
    fn the_bundled_file_covers_2025_to_2027_and_marks_estimates() {
        let c = cal();
        assert_eq!(c.years(), (2025, 2027));
        assert!(c.covers(2026) && !c.covers(2028));
        assert!(!c.is_estimate(date!(2025 - 01 - 28)));
        assert!(c.is_estimate(date!(2027 - 02 - 08)));
    }

    #[test]
    fn working_days_table() {
        let c = cal();
        for (d, working) in [
            (date!(2026 - 11 - 27), true),  // Friday
            (date!(2026 - 11 - 28), false), // Saturday
            (date!(2026 - 11 - 29), false), // Sunday
            (date!(2025 - 01 - 01), false), // Tết Dương lịch
            (date!(2025 - 01 - 29), false), // mùng 1 Tết Ất Tỵ
            (date!(2025 - 04 - 26), true),  // Saturday worked for 02/5
            (date!(2025 - 05 - 02), false), // moved day off
            (date!(2025 - 09 - 02), false), // Quốc khánh
            (date!(2026 - 02 - 17), false), // mùng 1 Tết Bính Ngọ
            (date!(2026 - 02 - 23), true),  // back to work
            (date!(2026 - 04 - 27), false), // Giỗ Tổ, compensating Monday
            (date!(2028 - 01 - 03), true),  // outside the file: weekdays work
        ] {
            assert_eq!(c.is_working_day(d), working, "{d}");
        }
    }

    #[test]
    fn due_dates_table() {
        let c = cal();
        // (received UTC, processing, due in Vietnam)
        let table = [
            // Same day, no cutoff, on a working day: that day.
            (
                datetime!(2026-11-26 02:00 UTC),
                same_day(None),
                date!(2026 - 11 - 26),
            ),
            // Friday after the cutoff: Monday.
            (
                datetime!(2026-11-27 08:30 UTC),
                same_day(Some("15:00")),
                date!(2026 - 11 - 30),
            ),
            // Cutoff boundary: 15:00:00 Vietnam is on time, 15:00:01 is not.
            (
                datetime!(2026-11-26 08:00 UTC),
                same_day(Some("15:00")),
                date!(2026 - 11 - 26),
            ),
            (
                datetime!(2026-11-26 08:00:01 UTC),
                same_day(Some("15:00")),
                date!(2026 - 11 - 27),
            ),
            // 23:30 UTC Thursday is Friday 06:30 in Vietnam.
            (
                datetime!(2026-11-26 23:30 UTC),
                same_day(Some("15:00")),
                date!(2026 - 11 - 27),
            ),
            // Received on Saturday: Monday.
            (
                datetime!(2026-11-28 03:00 UTC),
                same_day(None),
                date!(2026 - 11 - 30),
            ),
            // Friday + 3 working days: Wednesday.
            (
                datetime!(2026-11-27 03:00 UTC),
                days(3),
                date!(2026 - 12 - 02),
            ),
            // Friday + 1: Monday.
            (
                datetime!(2026-11-27 03:00 UTC),
                days(1),
                date!(2026 - 11 - 30),
            ),
            // Before Tết Bính Ngọ (Friday 13/2/2026) + 1: Monday 23/2.
            (
                datetime!(2026-02-13 02:00 UTC),
                days(1),
                date!(2026 - 02 - 23),
            ),
            // Same day during Tết: the first day back.
            (
                datetime!(2026-02-18 02:00 UTC),
                same_day(None),
                date!(2026 - 02 - 23),
            ),
            // Across 30/4–1/5/2025 and the moved 2/5; the make-up Saturday
            // 26/4 counts: Friday 25/4 + 1 = Saturday 26/4.
            (
                datetime!(2025-04-25 02:00 UTC),
                days(1),
                date!(2025 - 04 - 26),
            ),
            (
                datetime!(2025-04-29 02:00 UTC),
                days(1),
                date!(2025 - 05 - 05),
            ),
            // Received on a day off, N working days counted after it.
            (
                datetime!(2026-11-28 03:00 UTC),
                days(3),
                date!(2026 - 12 - 02),
            ),
            // Permanent residence, 7 working days across a weekend.
            (
                datetime!(2026-11-26 02:00 UTC),
                days(7),
                date!(2026 - 12 - 07),
            ),
        ];
        for (received, processing, want) in table {
            assert_eq!(
                c.due(received, &processing),
                want,
                "{received} {processing:?}"
            );
        }
    }

    #[test]
    fn bad_files_are_refused_naming_the_problem() {
        let head = "first_year = 2026\nlast_year = 2026\n";
        for (src, needle) in [
            ("not toml [", "TOML"),
            ("first_year = 2026\n", "TOML"),
            ("first_year = 2027\nlast_year = 2026\n", "out of order"),
            (
                &format!(
                    "{head}[[holidays]]\nname = \"X\"\nstatus = \"announced\"\ndays = [\"2026-02-30\"]\n"
                ),
                "not a YYYY-MM-DD",
            ),
            (
                &format!(
                    "{head}[[holidays]]\nname = \"X\"\nstatus = \"announced\"\ndays = [\"2025-01-01\"]\n"
                ),
                "outside",
            ),
            (
                &format!(
                    "{head}[[holidays]]\nname = \"X\"\nstatus = \"announced\"\ndays = [\"2026-11-28\"]\n"
                ),
                "weekend",
            ),
            (
                &format!(
                    "{head}[[holidays]]\nname = \"X\"\nstatus = \"maybe\"\ndays = [\"2026-11-27\"]\n"
                ),
                "status",
            ),
            (
                &format!(
                    "{head}[[holidays]]\nname = \"X\"\nstatus = \"estimate\"\ndays = [\"2026-11-27\", \"2026-11-27\"]\n"
                ),
                "twice",
            ),
            (
                &format!(
                    "{head}[[make_up_days]]\ndate = \"2026-11-27\"\nreason = \"r\"\nstatus = \"announced\"\n"
                ),
                "not a Saturday",
            ),
            (&format!("{head}surprise = 1\n"), "TOML"),
        ] {
            match HolidayCalendar::from_toml(src) {
                Ok(c) => panic!("accepted {src:?}: {c:?}"),
                Err(e) => assert!(e.to_string().contains(needle), "{src:?}: {e}"),
            }
        }
    }
}

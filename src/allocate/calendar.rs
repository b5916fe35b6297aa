//! Working days for the public notice: Monday to Friday, less the public holidays, plus the
//! weekend days worked in their place (调休).
//!
//! The State Council's holiday arrangements (国务院办公厅关于部分节假日安排的通知) for the
//! years they cover are built in, from `assets/calendar/cn-holidays.toml`; a policy's
//! `[calendar]` adds its own holidays and working days to them. Outside the covered years only
//! weekends are known, and [`Calendar::uncovered_years`] names the years a period falls in
//! that nobody has described, so that the notice can say so.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

/// The State Council's holiday calendar, as data.
const STATE_COUNCIL_TOML: &str = include_str!("../../assets/calendar/cn-holidays.toml");

/// Which days are working days.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Days off that would otherwise be working days (weekend days may be listed too).
    pub holidays: BTreeSet<NaiveDate>,
    /// Weekend days that are working days.
    pub workdays: BTreeSet<NaiveDate>,
    /// The years whose holidays are known (the built-in calendar's years).
    pub covered: BTreeSet<i32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    #[allow(dead_code)]
    source: String,
    holidays: Vec<String>,
    workdays: Vec<String>,
}

impl Calendar {
    /// Monday to Friday, no holidays at all.
    pub fn weekends_only() -> Calendar {
        Calendar::default()
    }

    /// The State Council's published holidays and make-up working days for the years the
    /// built-in table covers (2024 to 2026).
    pub fn state_council() -> &'static Calendar {
        static CALENDAR: OnceLock<Calendar> = OnceLock::new();
        CALENDAR.get_or_init(|| {
            parse_builtin(STATE_COUNCIL_TOML)
                .unwrap_or_else(|e| panic!("assets/calendar/cn-holidays.toml: {e}"))
        })
    }

    /// This calendar with more holidays and working days (a policy's own): a day listed
    /// here overrides what the calendar said of it.
    pub fn with(
        &self,
        holidays: impl IntoIterator<Item = NaiveDate>,
        workdays: impl IntoIterator<Item = NaiveDate>,
    ) -> Calendar {
        let mut c = self.clone();
        for d in holidays {
            c.workdays.remove(&d);
            c.holidays.insert(d);
        }
        for d in workdays {
            c.holidays.remove(&d);
            c.workdays.insert(d);
        }
        c
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }

    /// `date` plus `n` working days.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut d = date;
        let mut left = n;
        while left > 0 {
            d += chrono::Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// The last working day before `date` (the last day of a notice period that allows
    /// payment on `date`), never before `floor`.
    pub fn working_day_before(&self, date: NaiveDate, floor: NaiveDate) -> NaiveDate {
        let mut d = date - chrono::Duration::days(1);
        while d > floor && !self.is_working_day(d) {
            d -= chrono::Duration::days(1);
        }
        d.max(floor)
    }

    /// The years from `from` to `to` (inclusive) whose holidays this calendar does not know.
    pub fn uncovered_years(&self, from: NaiveDate, to: NaiveDate) -> Vec<i32> {
        (from.year()..=to.year())
            .filter(|y| !self.covered.contains(y))
            .collect()
    }

    /// The covered years as people write them: `2024–2026`, or `2024, 2026`.
    pub fn covered_label(&self) -> String {
        let years: Vec<i32> = self.covered.iter().copied().collect();
        match (years.first(), years.last()) {
            (None, _) | (_, None) => String::new(),
            (Some(a), Some(b)) if (b - a) as usize + 1 == years.len() && a != b => {
                format!("{a}–{b}")
            }
            _ => years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// The built-in table: one section per year, each day in that year, a make-up working day
/// always a weekend day, no day both a holiday and a working day.
fn parse_builtin(text: &str) -> Result<Calendar, String> {
    let years: std::collections::BTreeMap<String, RawYear> =
        toml::from_str(text).map_err(|e| e.to_string())?;
    let mut c = Calendar::default();
    for (year, raw) in years {
        let y: i32 = year
            .parse()
            .map_err(|_| crate::tr!("calendar-not-a-year", year = &year))?;
        let day = |s: &String| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .filter(|d| d.year() == y)
                .ok_or_else(|| crate::tr!("calendar-not-a-date", year = &year, text = s))
        };
        for s in &raw.holidays {
            c.holidays.insert(day(s)?);
        }
        for s in &raw.workdays {
            let d = day(s)?;
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                return Err(crate::tr!(
                    "calendar-workday-not-weekend",
                    year = &year,
                    date = d
                ));
            }
            if c.holidays.contains(&d) {
                return Err(crate::tr!("calendar-both", year = &year, date = d));
            }
            c.workdays.insert(d);
        }
        c.covered.insert(y);
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The weekdays off and the weekend days worked, by year, as the notices list them.
    #[test]
    fn the_state_councils_notices_as_published() {
        let c = Calendar::state_council();
        assert_eq!(c.covered_label(), "2024–2026");
        let weekdays_off = |y: i32| {
            c.holidays
                .iter()
                .filter(|h| h.year() == y && !matches!(h.weekday(), Weekday::Sat | Weekday::Sun))
                .count()
        };
        let worked = |y: i32| -> Vec<NaiveDate> {
            c.workdays
                .iter()
                .filter(|w| w.year() == y)
                .copied()
                .collect()
        };
        // 2024: 11 statutory days and 8 days moved; 2025 and 2026: 13 statutory days (a day
        // more at the Spring Festival and on Labour Day), 5 and 6 days moved.
        assert_eq!(weekdays_off(2024), 19);
        assert_eq!(weekdays_off(2025), 18);
        assert_eq!(weekdays_off(2026), 19);
        assert_eq!(
            worked(2024),
            [
                d(2024, 2, 4),
                d(2024, 2, 18),
                d(2024, 4, 7),
                d(2024, 4, 28),
                d(2024, 5, 11),
                d(2024, 9, 14),
                d(2024, 9, 29),
                d(2024, 10, 12)
            ]
        );
        assert_eq!(
            worked(2025),
            [
                d(2025, 1, 26),
                d(2025, 2, 8),
                d(2025, 4, 27),
                d(2025, 9, 28),
                d(2025, 10, 11)
            ]
        );
        assert_eq!(
            worked(2026),
            [
                d(2026, 1, 4),
                d(2026, 2, 14),
                d(2026, 2, 28),
                d(2026, 5, 9),
                d(2026, 9, 20),
                d(2026, 10, 10)
            ]
        );
        // 2025's new rule: New Year's Eve of the lunar year and 2 May are days off.
        assert!(!c.is_working_day(d(2025, 1, 28)));
        assert!(!c.is_working_day(d(2025, 5, 2)));
        assert!(!c.is_working_day(d(2025, 1, 1)));
        assert!(c.is_working_day(d(2025, 1, 2)));
        // 2024's Spring Festival eve (9 February) was a working day.
        assert!(c.is_working_day(d(2024, 2, 9)));
        // 2026: 1–3 January off, Sunday 4 January worked; 15–23 February off.
        assert!(!c.is_working_day(d(2026, 1, 2)));
        assert!(c.is_working_day(d(2026, 1, 4)));
        assert!(!c.is_working_day(d(2026, 2, 23)));
        assert!(c.is_working_day(d(2026, 2, 24)));
    }

    #[test]
    fn notice_periods_skip_holidays_and_count_make_up_days() {
        let c = Calendar::state_council();
        // Published Monday 2024-12-30: 31 Dec, 2, 3, 6, 7 January (New Year's Day off).
        assert_eq!(c.add_working_days(d(2024, 12, 30), 5), d(2025, 1, 7));
        assert_eq!(
            c.working_day_before(d(2025, 1, 7), d(2024, 12, 30)),
            d(2025, 1, 6)
        );
        // Friday 2025-01-24: Sunday 26th is worked, then 27th, then the Spring Festival to
        // 4 February, then 5th, 6th and 7th.
        assert_eq!(c.add_working_days(d(2025, 1, 24), 5), d(2025, 2, 7));
        // The weekend-only calendar knows none of it.
        let w = Calendar::weekends_only();
        assert_eq!(w.add_working_days(d(2024, 12, 30), 5), d(2025, 1, 6));
        assert_eq!(
            w.uncovered_years(d(2024, 12, 30), d(2025, 1, 6)),
            [2024, 2025]
        );
        assert_eq!(c.uncovered_years(d(2026, 12, 28), d(2027, 1, 5)), [2027]);
        assert!(c.uncovered_years(d(2024, 12, 30), d(2025, 1, 7)).is_empty());
    }

    #[test]
    fn a_policys_days_override_the_built_in_ones() {
        let c = Calendar::state_council().with([d(2025, 1, 2)], [d(2025, 1, 1)]);
        assert!(c.is_working_day(d(2025, 1, 1)));
        assert!(!c.is_working_day(d(2025, 1, 2)));
        assert_eq!(c.add_working_days(d(2024, 12, 30), 5), d(2025, 1, 7));
        assert_eq!(c.covered, Calendar::state_council().covered);
    }

    #[test]
    fn a_bad_table_is_refused() {
        assert!(parse_builtin(
            "[2025]\nsource = \"x\"\nholidays = [\"2024-01-01\"]\nworkdays = []\n"
        )
        .unwrap_err()
        .contains("not a date of 2025"));
        assert!(parse_builtin(
            "[2025]\nsource = \"x\"\nholidays = []\nworkdays = [\"2025-01-02\"]\n"
        )
        .unwrap_err()
        .contains("not a weekend day"));
    }
}

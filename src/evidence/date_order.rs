//! The order of day and month in an export's slashed dates, as the manifest (or the dataset's preset) declares
//! it: never guessed from the values.
//!
//! `4/1/2021` is 4 January in a UK export and 1 April in a US one, and nothing in the value says which. A
//! dataset may declare `dates: us` (month first, as `Get-ADUser` and Excel write under an en-US locale, often
//! with a 12-hour clock: `4/1/2021 9:00:00 AM`) or `dates: uk` (day first). Slashed dates of a declared dataset
//! are read in that order when it loads and kept as ISO 8601 (`2021-04-01T09:00:00`), which is what findings
//! then show. A value that is not a date in the declared order (`13/01/2021` under `us`) is kept as written
//! with a note, so it reads as no date at all rather than being read the other way round.
//!
//! Undeclared, slashed dates are read day first (UK, the convention of the exports this pack is for) and a
//! value with AM/PM is not read, so a US export is reported (with how to declare it) rather than misread.

use super::{Evidence, Record};
use crate::core::vocab::DateOrder;
use crate::spec::manifest::DatasetSource;
use serde_json::Value;
use std::collections::BTreeMap;

impl DateOrder {
    fn words(self) -> &'static str {
        match self {
            DateOrder::Uk => "day/month/year",
            DateOrder::Us => "month/day/year",
        }
    }
}

/// Reads the slashed dates of every dataset whose manifest entry (or preset) declares an order.
pub fn apply(evidence: &mut Evidence, datasets: &BTreeMap<String, DatasetSource>, presets: &super::load::Presets) {
    for (name, src) in datasets {
        let preset = src.preset.as_ref().and_then(|p| presets.get(p));
        let Some(order) = src.dates.or_else(|| preset.and_then(|p| p.dates)) else {
            continue;
        };
        if let Some(dataset) = evidence.datasets.get_mut(name) {
            for record in &mut dataset.records {
                if let Some(read) = reread(record, order, name) {
                    *record = read;
                }
            }
        }
    }
}

/// The record with its slashed dates read in `order`, or `None` when it has none to change.
fn reread(record: &Record, order: DateOrder, dataset: &str) -> Option<Record> {
    let mut changed = false;
    let mut value = record.to_value();
    if let Value::Object(map) = &mut value {
        for v in map.values_mut() {
            if let Value::String(s) = v
                && let Some(read) = read(s, order, dataset)
            {
                *s = read;
                changed = true;
            }
        }
    }
    if !changed {
        return None;
    }
    let lines: Vec<(String, u32)> = record
        .fields()
        .iter()
        .map(|(k, _)| (k.to_string(), record.field_line(k)))
        .collect();
    Some(Record::from_value(value, record.file(), record.line(), lines))
}

/// A slashed date read in `order`: ISO 8601, or the text with a note when it is no date in that order. `None`
/// when the text is not a slashed date, or (`uk`) is one the default reading already reads the same way.
pub fn read(text: &str, order: DateOrder, dataset: &str) -> Option<String> {
    let t = text.trim();
    let (date, time) = match t.split_once([' ', 'T']) {
        Some((d, rest)) => (d, Some(rest.trim())),
        None => (t, None),
    };
    let mut parts = date.split('/');
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    let numeric = |s: &str, max: usize| !s.is_empty() && s.len() <= max && s.bytes().all(|c| c.is_ascii_digit());
    if parts.next().is_some() || !numeric(a, 2) || !numeric(b, 2) || y.len() != 4 || !numeric(y, 4) {
        return None;
    }
    let clock = time.map(clock);
    let twelve_hour = matches!(clock, Some(Some((_, _, _, true))));
    // Day first without AM/PM is what the default reading does: nothing to change.
    if order == DateOrder::Uk && !twelve_hour {
        return None;
    }
    let unreadable = || {
        Some(format!(
            "{t} (not a {} date, the order dataset `{dataset}` declares)",
            order.words()
        ))
    };
    let (first, second): (i8, i8) = (a.parse().ok()?, b.parse().ok()?);
    let (month, day) = match order {
        DateOrder::Us => (first, second),
        DateOrder::Uk => (second, first),
    };
    let Ok(d) = jiff::civil::Date::new(y.parse().ok()?, month, day) else {
        return unreadable();
    };
    match clock {
        None => Some(d.to_string()),
        Some(None) => unreadable(),
        Some(Some((h, m, s, _))) => match jiff::civil::Time::new(h, m, s, 0) {
            Ok(time) => Some(d.to_datetime(time).to_string()),
            Err(_) => unreadable(),
        },
    }
}

/// `h:mm[:ss][ AM|PM]` as a 24-hour (hour, minute, second) and whether it had AM/PM; `None` if it is no time.
fn clock(text: &str) -> Option<(i8, i8, i8, bool)> {
    let upper = text.to_ascii_uppercase();
    let (hms, meridiem) = match upper.strip_suffix("AM") {
        Some(rest) => (rest.trim_end(), Some(false)),
        None => match upper.strip_suffix("PM") {
            Some(rest) => (rest.trim_end(), Some(true)),
            None => (upper.as_str(), None),
        },
    };
    let mut parts = hms.split(':');
    let h: i8 = parts.next()?.parse().ok()?;
    let m: i8 = parts.next()?.parse().ok()?;
    let s: i8 = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    if parts.next().is_some() {
        return None;
    }
    let h = match meridiem {
        None => h,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(false) => h % 12,
        Some(true) => h % 12 + 12,
    };
    Some((h, m, s, meridiem.is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use DateOrder::{Uk, Us};

    #[test]
    fn the_declared_order_decides_and_both_sides_of_each_boundary_hold() {
        assert_eq!(read("12/01/2021", Us, "d").as_deref(), Some("2021-12-01"));
        assert_eq!(read("01/12/2021", Us, "d").as_deref(), Some("2021-01-12"));
        assert_eq!(
            read("4/1/2021 9:00:00 AM", Us, "d").as_deref(),
            Some("2021-04-01T09:00:00")
        );
        assert_eq!(
            read("4/1/2021 12:30:00 AM", Us, "d").as_deref(),
            Some("2021-04-01T00:30:00")
        );
        assert_eq!(
            read("4/1/2021 12:30 PM", Us, "d").as_deref(),
            Some("2021-04-01T12:30:00")
        );
        assert_eq!(
            read("4/1/2021 1:05:09 pm", Us, "d").as_deref(),
            Some("2021-04-01T13:05:09")
        );
        assert_eq!(read("4/1/2021 13:05", Us, "d").as_deref(), Some("2021-04-01T13:05:00"));
        // Day first: the default reading already reads a 24-hour UK date; AM/PM ones are read here.
        assert_eq!(read("12/01/2021", Uk, "d"), None);
        assert_eq!(
            read("4/1/2021 9:00:00 PM", Uk, "d").as_deref(),
            Some("2021-01-04T21:00:00")
        );
        // Not a date in the declared order: kept with a note, so it is read as no date at all.
        let invalid = read("13/01/2021", Us, "accounts").unwrap();
        assert!(
            invalid.starts_with("13/01/2021 (not a month/day/year date"),
            "{invalid}"
        );
        assert!(read("2/30/2021", Us, "d").unwrap().contains("not a month/day/year"));
        assert!(
            read("4/1/2021 13:00 PM", Us, "d")
                .unwrap()
                .contains("not a month/day/year")
        );
        assert!(
            read("4/1/2021 0:00 AM", Uk, "d").is_none(),
            "no 12-hour clock reads hour 0"
        );
        for not_a_date in [
            "2021-04-01",
            "1/2",
            "a/b/2021",
            "1/2/21",
            "10.0.19045",
            "1/2/2021/3",
            "",
        ] {
            assert_eq!(read(not_a_date, Us, "d"), None, "{not_a_date}");
        }
    }
}

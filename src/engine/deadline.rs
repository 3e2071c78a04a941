//! Deadlines (`deadline:`): a clock per record that is met, missed or still running.
//!
//! The clock starts at `from` and runs for `within`; the record is due at their sum. Done by then is met;
//! done after it is missed (late); not done is *pending* while the assessment date has not passed the due time
//! and missed (overdue) once it has. A limit is met at the limit: done exactly at the due time is in time, and a
//! record due exactly at the assessment date is still pending. Counted in dates (`as: date`), the times of
//! `from` and `done` are dropped, so a 14-day window includes day 14 at any time of day.

use super::check::Deadline;
use super::condition::{Scope, View, Why, is_empty};
use super::types::{Typed, convert, describe, utc_date};
use crate::core::vocab::ValueType;
use jiff::Timestamp;
use serde_json::Value;

/// Where one record's clock stands at the assessment date.
#[derive(Debug, Clone, PartialEq)]
pub enum Clock {
    /// Done by the due time.
    Met,
    /// Not done, and the due time has not passed: not a failure.
    Pending { due: Timestamp },
    /// Done, after the due time.
    Late { due: Timestamp, done: Timestamp },
    /// Not done, and the due time has passed.
    Overdue { due: Timestamp },
    /// The start (or the completion) cannot be read, so the clock cannot be judged: a failure naming it.
    Unreadable { field: String, why: String },
}

impl Clock {
    pub fn fails(&self) -> bool {
        !matches!(self, Clock::Met | Clock::Pending { .. })
    }
}

/// The record's clock at `as_of` (midnight UTC of the assessment date).
pub fn clock(deadline: &Deadline, scope: &Scope<'_>, view: View<'_>, as_of: Timestamp) -> Clock {
    let read = |path: &crate::core::path::FieldPath| -> Result<Option<Timestamp>, String> {
        let value = scope.get(view, path);
        if is_empty(value) {
            return Ok(None);
        }
        let field = value.unwrap_or(crate::evidence::Field::Null);
        let ty = if deadline.dates {
            ValueType::Date
        } else {
            ValueType::Datetime
        };
        match convert(field, ty, false) {
            Ok(Typed::Time(t)) => Ok(Some(t)),
            Ok(Typed::Date(d)) => Ok(jiff::tz::Offset::UTC
                .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .ok()),
            _ => Err(format!("{} is not a {}", describe(field), super::types::type_name(ty))),
        }
    };
    let from = match read(&deadline.from) {
        Ok(Some(t)) => t,
        Ok(None) => {
            return Clock::Unreadable {
                field: deadline.from.to_string(),
                why: format!("{} is not recorded, so the clock's start is unknown", deadline.from),
            };
        }
        Err(why) => {
            return Clock::Unreadable {
                field: deadline.from.to_string(),
                why: format!("{}: {why}", deadline.from),
            };
        }
    };
    let Ok(due) = from.checked_add(deadline.within) else {
        return Clock::Unreadable {
            field: deadline.from.to_string(),
            why: format!("{} plus {} is out of range", deadline.from, deadline.within_text),
        };
    };
    let done = match &deadline.done {
        None => None,
        Some(path) => match read(path) {
            Ok(done) => done,
            Err(why) => {
                return Clock::Unreadable {
                    field: path.to_string(),
                    why: format!("{path}: {why}"),
                };
            }
        },
    };
    match done {
        Some(done) if done <= due => Clock::Met,
        Some(done) => Clock::Late { due, done },
        None if as_of <= due => Clock::Pending { due },
        None => Clock::Overdue { due },
    }
}

/// A due or completion time as reports show it: a date when counted in dates, else an RFC 3339 time.
pub fn due_text(deadline: &Deadline, t: Timestamp) -> String {
    if deadline.dates {
        utc_date(t).to_string()
    } else {
        t.to_string()
    }
}

/// Why a failing clock fails, for a finding.
pub fn why(deadline: &Deadline, clock: &Clock) -> Why {
    let done_field = deadline.done.as_ref().map(ToString::to_string);
    match clock {
        Clock::Late { due, done } => {
            let done_text = due_text(deadline, *done);
            Why {
                text: format!(
                    "{} {done_text} is after the due time {} ({} from {})",
                    done_field.clone().unwrap_or_default(),
                    due_text(deadline, *due),
                    deadline.within_text,
                    deadline.from
                ),
                field: done_field,
                observed: Some(Value::String(done_text)),
            }
        }
        Clock::Overdue { due } => Why {
            field: done_field.clone().or_else(|| Some(deadline.from.to_string())),
            observed: None,
            text: match &done_field {
                Some(f) => format!(
                    "{f} is empty and the due time {} ({} from {}) has passed",
                    due_text(deadline, *due),
                    deadline.within_text,
                    deadline.from
                ),
                None => format!(
                    "open past its due time {} ({} from {})",
                    due_text(deadline, *due),
                    deadline.within_text,
                    deadline.from
                ),
            },
        },
        Clock::Unreadable { field, why } => Why {
            field: Some(field.clone()),
            observed: None,
            text: why.clone(),
        },
        Clock::Met | Clock::Pending { .. } => Why::default(),
    }
}

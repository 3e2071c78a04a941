//! Confidential values in everything a check prints, whoever wrote the check.
//!
//! Findings are rendered from a copy of their record with `secret` fields reading `[secret]` and, under
//! `--redact`, `personal` fields pseudonymised ([`printable`]). The other places a value from the evidence can
//! reach an output go through here too: a `min`/`max` expectation's actual value ([`masked`]), a record that
//! could not be evaluated (its error is worked out again on the printable copy, [`error_text`]) and a field
//! no value of which can be read ([`masked`], from `reads`).

use super::check::Check;
use super::error::EvalError;
use crate::evidence::Record;
use std::borrow::Cow;

/// The (secret, personal) fields of `dataset` as the check knows them: its own dataset's, a lookup's, or an
/// `exists_in` set's.
fn fields_of<'c>(check: &'c Check, dataset: &str) -> Option<&'c (Vec<String>, Vec<String>)> {
    let index = if dataset == check.dataset {
        0
    } else if let Some(i) = check.lookups.iter().position(|l| l.dataset == dataset) {
        1 + i
    } else {
        1 + check.lookups.len() + check.sets.iter().position(|s| s.dataset == dataset)?
    };
    check.confidential.get(index)
}

/// What prints in place of `text`, a value of `dataset`'s top-level `field`: `[secret]` for a secret field,
/// a pseudonym for a personal one under `--redact`; `None` when it may be printed as it is.
pub fn masked(check: &Check, dataset: &str, field: &str, text: &str) -> Option<String> {
    let (secret, personal) = fields_of(check, dataset)?;
    if secret.iter().any(|f| f == field) {
        return Some(crate::core::redact::SECRET.to_string());
    }
    let redaction = check.redaction.as_ref()?;
    personal.iter().any(|f| f == field).then(|| redaction.pseudonym(text))
}

/// Whether anything of the check's datasets would be hidden or pseudonymised in this run.
pub fn any(check: &Check) -> bool {
    check
        .confidential
        .iter()
        .any(|(s, p)| !s.is_empty() || (check.redaction.is_some() && !p.is_empty()))
}

/// The record as it may be printed: the `index`th dataset's (0: the check's own, then the lookups') secret
/// fields hidden and, under `--redact`, its personal fields pseudonymised.
pub fn printable<'r>(check: &Check, index: usize, record: &'r Record) -> Cow<'r, Record> {
    if !any(check) {
        return Cow::Borrowed(record);
    }
    let Some((secret, personal)) = check.confidential.get(index) else {
        return Cow::Borrowed(record);
    };
    // A record holding none of them prints as it is (a device export without IMEIs): no copy per finding.
    let holds_secret = secret.iter().any(|f| record.get(f).is_some_and(|v| !v.is_null()));
    let holds_personal = check.redaction.is_some() && personal.iter().any(|f| record.get(f).is_some());
    if !holds_secret && !holds_personal {
        return Cow::Borrowed(record);
    }
    let value = crate::core::redact::sanitise(&record.value(), secret, personal, check.redaction.as_ref());
    Cow::Owned(Record::from_value(value, record.file(), record.line(), Vec::new()))
}

/// The error to report for a record that could not be evaluated: `again` run on its printable copy, which
/// says the same with confidential values hidden; if the copy does not fail (hiding changed the outcome), a
/// sentence that withholds the cause.
pub fn error_text<E: From<EvalError>>(
    check: &Check,
    record: &Record,
    again: impl Fn(&Record) -> Option<E>,
) -> Option<E> {
    error_text_in(check, &check.dataset, record, again)
}

/// [`error_text`] for a record of `dataset`: the check's own, or one it joins (a lookup's or set's `where`
/// can fail on a record of that dataset, quoting its value).
pub fn error_text_in<E: From<EvalError>>(
    check: &Check,
    dataset: &str,
    record: &Record,
    again: impl Fn(&Record) -> Option<E>,
) -> Option<E> {
    let shown = match fields_of(check, dataset) {
        Some((secret, personal)) if !secret.is_empty() || (check.redaction.is_some() && !personal.is_empty()) => {
            let value = crate::core::redact::sanitise(&record.value(), secret, personal, check.redaction.as_ref());
            Cow::Owned(Record::from_value(value, record.file(), record.line(), Vec::new()))
        }
        _ => Cow::Borrowed(record),
    };
    match shown {
        Cow::Borrowed(r) => again(r),
        Cow::Owned(r) => again(&r).or_else(|| Some(EvalError::Withheld { line: r.line() }.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::redact::Redaction;

    fn check(redact: bool) -> Check {
        let mut c = Check::blank("T1", crate::core::vocab::Severity::Low, jiff::Timestamp::UNIX_EPOCH);
        c.manual = Some("m".into());
        c.dataset = "devices".into();
        c.confidential = vec![(vec!["imei".into()], vec!["upn".into()])];
        c.redaction = redact.then(|| Redaction::with_key(b"0123456789abcdef"));
        c
    }

    #[test]
    fn secret_values_are_hidden_always_and_personal_ones_under_redact() {
        let plain = check(false);
        assert_eq!(masked(&plain, "devices", "imei", "3520").as_deref(), Some("[secret]"));
        assert_eq!(masked(&plain, "devices", "upn", "a@b"), None);
        assert_eq!(masked(&plain, "devices", "os", "10"), None);
        assert_eq!(
            masked(&plain, "other", "imei", "3520"),
            None,
            "another dataset's fields"
        );
        let redacted = check(true);
        let pseudonym = Redaction::with_key(b"0123456789abcdef").pseudonym("a@b");
        assert_eq!(masked(&redacted, "devices", "upn", "a@b"), Some(pseudonym));
    }

    #[test]
    fn an_error_is_worked_out_again_on_the_printable_record() {
        let c = check(false);
        let r = Record::from_value(serde_json::json!({"imei": "3520", "os": "x"}), 0, 4, Vec::new());
        let said = |r: &Record| Some(format!("{} is not a number", r.value()["imei"]));
        assert_eq!(
            error_text(&c, &r, said).as_deref(),
            Some("\"[secret]\" is not a number")
        );
        let withheld = error_text(&c, &r, |_| None::<String>).unwrap();
        assert!(
            withheld.contains("withheld") && withheld.contains("line 4"),
            "{withheld}"
        );
    }
}

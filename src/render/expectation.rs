//! Set-level expectations in plain words for people who read the report, not the check language:
//! `failing: expected eq 0, found 2` reads "No record in scope may fail; 2 do.", and `ratio: expected ge 90%,
//! found 87.3%` reads "At least 90% of the records in scope must pass; 87.3% do."
//!
//! The words are built from the expectation's own `expected` and `actual` (as `--format json` has them), so a
//! parameter override shows the threshold in force.

use crate::assess::Expectation;

/// The comparison in words, before a quantity: `at least`, `at most`, `exactly` ...
fn op_words(op: &str) -> Option<&'static str> {
    Some(match op {
        "eq" => "exactly",
        "ne" => "other than",
        "lt" => "fewer than",
        "le" => "at most",
        "gt" => "more than",
        "ge" => "at least",
        _ => return None,
    })
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `record` or `records` (or the distinct values counted instead) for a quantity.
fn things(quantity: &str, distinct: Option<&str>) -> String {
    let one = quantity == "1";
    match distinct {
        Some(f) if one => format!("distinct value of `{f}`"),
        Some(f) => format!("distinct values of `{f}`"),
        None if one => "record".into(),
        None => "records".into(),
    }
}

/// A count in the answer: `none`, `1`, `2` ...
fn found(actual: &str) -> &str {
    if actual == "0" { "none" } else { actual }
}

/// The expectation as one plain sentence; the raw form when it is not one of the known shapes.
pub fn plain(e: &Expectation) -> String {
    let raw = || format!("{}: expected {}, found {}", e.name, e.expected, e.actual);
    if matches!(e.name.as_str(), "min" | "max") {
        // `min of FIELD OP VALUE`
        let rest = e.expected.strip_prefix(&format!("{} of ", e.name)).unwrap_or("");
        let mut parts = rest.splitn(3, ' ');
        let (Some(field), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            return raw();
        };
        let Some(words) = op_words(op) else { return raw() };
        let which = if e.name == "min" { "lowest" } else { "highest" };
        return format!("The {which} `{field}` must be {words} {value}; it is {}.", e.actual);
    }
    let (expected, distinct) = match e.expected.rsplit_once(" (distinct ") {
        Some((head, tail)) => (head, tail.strip_suffix(')')),
        None => (e.expected.as_str(), None),
    };
    let Some((op, value)) = expected.split_once(' ') else {
        return raw();
    };
    let Some(words) = op_words(op) else { return raw() };
    let none = op == "eq" && value == "0";
    let amount = if none {
        "no".to_string()
    } else {
        format!("{words} {value}")
    };
    let unit = things(value, distinct);
    let sentence = match e.name.as_str() {
        "failing" if none => format!(
            "No {} in scope may fail; {} {}.",
            things("1", distinct),
            found(&e.actual),
            do_word(&e.actual)
        ),
        "failing" => format!(
            "{amount} {unit} in scope may fail; {} {}.",
            found(&e.actual),
            do_word(&e.actual)
        ),
        "passing" => format!(
            "{amount} {unit} in scope must pass; {} {}.",
            found(&e.actual),
            do_word(&e.actual)
        ),
        "count" => format!(
            "{amount} {unit} must be in scope; {} {}.",
            found(&e.actual),
            be_word(&e.actual)
        ),
        "ratio" => format!(
            "{amount} of the {} in scope must pass; {} do.",
            things("2", distinct),
            e.actual
        ),
        _ => return raw(),
    };
    capitalised(&sentence)
}

fn do_word(actual: &str) -> &'static str {
    match actual {
        "0" => "does",
        "1" => "does",
        _ => "do",
    }
}

fn be_word(actual: &str) -> &'static str {
    match actual {
        "0" | "1" => "is",
        _ => "are",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(name: &str, expected: &str, actual: &str) -> Expectation {
        Expectation {
            name: name.into(),
            expected: expected.into(),
            actual: actual.into(),
            measured: None,
            threshold: None,
            holds: false,
        }
    }

    #[test]
    fn counts_read_as_sentences() {
        assert_eq!(plain(&e("failing", "eq 0", "2")), "No record in scope may fail; 2 do.");
        assert_eq!(
            plain(&e("failing", "eq 0", "1")),
            "No record in scope may fail; 1 does."
        );
        assert_eq!(
            plain(&e("failing", "le 3", "5")),
            "At most 3 records in scope may fail; 5 do."
        );
        assert_eq!(
            plain(&e("passing", "ge 1", "0")),
            "At least 1 record in scope must pass; none does."
        );
        assert_eq!(
            plain(&e("count", "eq 3", "2")),
            "Exactly 3 records must be in scope; 2 are."
        );
        assert_eq!(
            plain(&e("count", "ge 1", "0")),
            "At least 1 record must be in scope; none is."
        );
        assert_eq!(
            plain(&e("failing", "eq 0 (distinct host)", "4")),
            "No distinct value of `host` in scope may fail; 4 do."
        );
    }

    #[test]
    fn a_ratio_shows_the_threshold_in_force() {
        assert_eq!(
            plain(&e("ratio", "ge 90%", "87.3%")),
            "At least 90% of the records in scope must pass; 87.3% do."
        );
        assert_eq!(
            plain(&e("ratio", "ge 95%", "87.3%")),
            "At least 95% of the records in scope must pass; 87.3% do."
        );
    }

    #[test]
    fn min_and_max_name_the_field() {
        assert_eq!(
            plain(&e("max", "max of tested_on ge 2025-11-01", "2025-06-30")),
            "The highest `tested_on` must be at least 2025-11-01; it is 2025-06-30."
        );
    }

    #[test]
    fn an_unknown_shape_keeps_the_raw_form() {
        assert_eq!(plain(&e("other", "zz 1", "2")), "other: expected zz 1, found 2");
        assert_eq!(plain(&e("count", "weird", "2")), "count: expected weird, found 2");
    }
}

//! A leaf's op tested on one value: the [`Test`] of its row in the op table ([`crate::spec::ops`]) applied to
//! its compiled operand, then turned round when the row is negated. Each kind of test is evaluated here once,
//! so an op of an existing kind needs no code; also what the kinds mean for the rest of the engine (whether a
//! list value needs a quantifier, whether a result is worth remembering).

use super::check::{Arg, Leaf, Op, SetRef};
use super::lookup::fold_key;
use super::types::{Typed, convert, describe, scalar_text};
use crate::core::vocab::{CmpOp, ValueType};
use crate::evidence::Field;
use crate::spec::ops::Test;
use foldhash::HashSet;
use std::borrow::Cow;

/// The `exists_in` sets a check's leaves test against: the values, and how they were folded.
#[derive(Clone, Copy)]
pub(super) struct Sets<'s, 'a> {
    pub values: &'s [HashSet<Cow<'a, str>>],
    pub specs: &'s [SetRef],
}

/// Tests one value. `Err` explains a value that is missing or cannot be converted (the test fails).
pub(super) fn test_value(leaf: &Leaf, value: Option<Field<'_>>, sets: Sets<'_, '_>) -> Result<bool, String> {
    // `quantifier: count` without an op: every item counts.
    let Some(op) = &leaf.op else { return Ok(true) };
    let present = value.filter(|v| !v.is_null());
    let held = match (op.def.test, &op.arg, present) {
        (Test::Exists, _, _) => present.is_some(),
        (Test::Empty, Arg::Flag(want), _) => super::condition::is_empty(present) == *want,
        (_, _, Some(v)) => holds(leaf, op, v, sets)?,
        // A value the record lacks is in no dataset.
        (Test::InDataset, _, None) if op.def.negated => false,
        (_, _, None) => return Err("is missing".to_string()),
    };
    Ok(held != op.def.negated)
}

/// Whether the row's test (before any negation) holds for a present value.
fn holds(leaf: &Leaf, op: &Op, v: Field<'_>, sets: Sets<'_, '_>) -> Result<bool, String> {
    let ic = leaf.ignore_case;
    // Text against text literals, the commonest test, without copying (or lowercasing) the text.
    if leaf.ty == ValueType::String
        && let Some(t) = scalar_text(v)
    {
        let text = LiteralMatch::new(&t, ic);
        let equal = |lit: &Typed| matches!(lit, Typed::Str(s) if text.equals(s));
        match (op.def.test, &op.arg) {
            (Test::Member, Arg::List(list)) => return Ok(list.iter().any(equal)),
            (Test::Compare(CmpOp::Eq), Arg::Value(lit)) => return Ok(equal(lit)),
            (Test::Compare(CmpOp::Ne), Arg::Value(lit)) => return Ok(!equal(lit)),
            (Test::Prefix, Arg::Text(s)) if ic && t.is_ascii() => {
                return Ok(t.get(..s.len()).is_some_and(|head| head.eq_ignore_ascii_case(s)));
            }
            (Test::Suffix, Arg::Text(s)) if ic && t.is_ascii() => {
                let tail = t.len().checked_sub(s.len()).and_then(|at| t.get(at..));
                return Ok(tail.is_some_and(|tail| tail.eq_ignore_ascii_case(s)));
            }
            _ => {}
        }
    }
    let not_text = || format!("{} is not text", describe(v));
    let text = || {
        scalar_text(v)
            .map(|t| if ic { Cow::Owned(t.to_lowercase()) } else { t })
            .ok_or_else(not_text)
    };
    let typed = || -> Result<Typed, String> {
        let t = convert(v, leaf.ty, ic)?;
        let Some(d) = leaf.plus else { return Ok(t) };
        let out_of_range = || format!("{} plus {d} is out of range", describe(v));
        Ok(match t {
            Typed::Date(x) => Typed::Date(x.checked_add(d).map_err(|_| out_of_range())?),
            Typed::Time(x) => Typed::Time(x.checked_add(d).map_err(|_| out_of_range())?),
            other => other,
        })
    };
    Ok(match (op.def.test, &op.arg) {
        (Test::Compare(_) | Test::Member, _) => holds_typed(op, &typed()?),
        (Test::Contains, Arg::Value(lit)) => contains(v, lit, leaf.ty, ic)?,
        (Test::Prefix, Arg::Text(s)) => text()?.starts_with(s.as_str()),
        (Test::Suffix, Arg::Text(s)) => text()?.ends_with(s.as_str()),
        (Test::Regex, Arg::Regex(re)) => re.is_match(&scalar_text(v).ok_or_else(not_text)?),
        (Test::Subnet, Arg::Networks(nets)) => match convert(v, ValueType::Cidr, false)? {
            Typed::Cidr(n) => nets.iter().any(|net| net.contains(&n)),
            _ => false,
        },
        (Test::InDataset, Arg::Set(i)) => {
            let t = text()?;
            let (Some(set), Some(spec)) = (sets.values.get(*i), sets.specs.get(*i)) else {
                return Ok(false);
            };
            if spec.host_names {
                set.contains(fold_key(t, true, true).as_ref())
            } else if spec.ignore_case && !ic {
                set.contains(t.to_lowercase().as_str())
            } else {
                set.contains(t.as_ref())
            }
        }
        // The compiler gives each test its operand's argument; presence tests are answered before.
        _ => false,
    })
}

/// Whether a comparing op (before any negation) holds for a typed value.
fn holds_typed(op: &Op, value: &Typed) -> bool {
    let equal = |l: &Typed| value.compare(l).is_some_and(|o| o.is_eq());
    match (op.def.test, &op.arg) {
        (Test::Compare(cmp), Arg::Value(lit)) => cmp.holds(value.compare(lit)),
        (Test::Member, Arg::List(list)) => list.iter().any(equal),
        _ => false,
    }
}

/// Tests a computed value (a `minus` duration); only comparing ops take one.
pub(super) fn test_typed(op: Option<&Op>, value: &Typed) -> bool {
    op.is_some_and(|op| op.def.test.compares() && holds_typed(op, value) != op.def.negated)
}

/// Whether the op tests a list's items (and so needs a quantifier on a list value), rather than the list whole.
pub(super) fn tests_items(op: Option<&Op>) -> bool {
    !op.is_some_and(|op| matches!(op.def.test, Test::Contains | Test::Exists | Test::Empty))
}

/// Whether a leaf's test costs more than a lookup of its result: a conversion, a pattern or a list of texts.
/// One text compared, or a value looked up in a set, is as cheap as the lookup.
pub(super) fn worth_remembering(leaf: &Leaf) -> bool {
    match leaf.op.as_ref().map(|op| op.def.test) {
        None | Some(Test::Exists | Test::Empty | Test::InDataset) => false,
        Some(Test::Compare(_)) => leaf.ty != ValueType::String,
        Some(_) => true,
    }
}

/// Record text made ready, once per value, to compare with text literals (lowercased when compiled if
/// `ignore_case`): an `in` list of several literals decides how to fold case once, not per literal.
enum LiteralMatch<'t> {
    Exact(&'t str),
    /// ASCII text lowercases byte for byte, so it is compared in place.
    AsciiFolded(&'t str),
    Lowered(String),
}

impl<'t> LiteralMatch<'t> {
    fn new(text: &'t str, ignore_case: bool) -> Self {
        match ignore_case {
            false => LiteralMatch::Exact(text),
            true if text.is_ascii() => LiteralMatch::AsciiFolded(text),
            true => LiteralMatch::Lowered(text.to_lowercase()),
        }
    }

    fn equals(&self, literal: &str) -> bool {
        match self {
            LiteralMatch::Exact(text) => *text == literal,
            LiteralMatch::AsciiFolded(text) => text.eq_ignore_ascii_case(literal),
            LiteralMatch::Lowered(text) => text == literal,
        }
    }
}

fn contains(v: Field<'_>, lit: &Typed, ty: ValueType, ic: bool) -> Result<bool, String> {
    match v.as_list() {
        Some(items) => Ok(items.iter().any(|i| {
            convert(Field::of(i), ty, ic)
                .ok()
                .and_then(|t| t.compare(lit))
                .is_some_and(|o| o.is_eq())
        })),
        None => match (convert(v, ty, ic)?, lit) {
            (Typed::Cidr(net), Typed::Cidr(inner)) => Ok(net.contains(inner)),
            (Typed::Str(s), Typed::Str(sub)) => Ok(s.contains(sub.as_str())),
            (t, lit) => Ok(t.to_string().contains(&lit.to_string())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::LiteralMatch;

    fn same_text(text: &str, literal: &str, ignore_case: bool) -> bool {
        LiteralMatch::new(text, ignore_case).equals(literal)
    }

    #[test]
    fn text_compares_with_literals_as_lowercasing_would() {
        // Literals are lowercased when compiled with `ignore_case`.
        for (text, literal) in [
            ("Critical", "critical"),
            ("ÉCOLE", "école"),
            ("High", "critical"),
            ("İ", "i̇"),
        ] {
            assert_eq!(
                same_text(text, literal, true),
                text.to_lowercase() == literal,
                "{text} ~ {literal}"
            );
        }
        assert!(same_text("High", "High", false) && !same_text("High", "high", false));
    }
}

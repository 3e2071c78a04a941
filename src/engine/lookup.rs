//! Lookups: another dataset's records indexed under their join keys, and the one a record joins.
//!
//! A lookup's index is built once per check, in parallel, a slice of records at a time; `version_prefix`,
//! `latest`, `prefer` and `earliest` choose among the candidates under one key.

use super::check::Lookup;
use super::condition::{Scope, lowercase};
use super::error::EvalError;
use super::types::{Typed, Version, convert, scalar_text};
use crate::core::path::FieldPath;
use crate::core::vocab::ValueType;
use crate::evidence::{Field, Record};
use std::borrow::Cow;
// Join keys are hashed once per record: a fast hash (they are never iterated, so order cannot leak).
use foldhash::{HashMap, HashSet};
use rayon::prelude::*;

/// A record of the other dataset under a join key, with what `version_prefix` or `latest` ranks it by.
struct Candidate<'a> {
    record: &'a Record,
    version: Option<Version>,
    when: Option<Typed>,
    /// With `prefer`: the values the candidate names (lowercased).
    names: Vec<String>,
    /// With `earliest`: the candidate's date.
    earliest: Option<Typed>,
}

/// A candidate under its join key.
type Keyed<'a> = (Cow<'a, str>, Candidate<'a>);

pub struct LookupIndex<'a> {
    lookup: &'a Lookup,
    map: HashMap<Cow<'a, str>, Vec<Candidate<'a>>>,
}

impl<'a> Scope<'a> {
    /// Builds the check's lookup indexes. With `needing`, the only records that will read a join (those a
    /// `where` naming no lookup selects), a lookup into a larger dataset keeps just the keys they ask for:
    /// eight role holders then index eight staff, not all 50,000.
    pub fn add_lookups(&mut self, needing: Option<&[&'a Record]>) -> Result<(), EvalError> {
        let check = self.check;
        for lookup in &check.lookups {
            let others = self.records(&lookup.dataset)?;
            let wanted: Option<HashSet<Cow<'a, str>>> = needing.filter(|n| n.len() < others.len()).map(|n| {
                n.par_iter()
                    .filter_map(|r| join_key(r, lookup.on.iter().map(|(this, _)| this), lookup))
                    .collect()
            });
            // Keys and ranks are computed in parallel (lowercasing and date parsing dominate); the index is
            // filled in record order, so candidates under one key keep the dataset's order.
            // Every result is kept until the first error is taken, so that error does not depend on the threads.
            // A plain `latest` needs only the latest candidate of each key: the others are dropped as they
            // come (in file order, so ties keep the first), not kept in a list per key. The candidates are
            // made a slice of records at a time, so they are never all held at once.
            let only_latest = lookup.latest.is_some()
                && lookup.version_prefix.is_none()
                && lookup.prefer.is_none()
                && lookup.earliest.is_none();
            let mut map: HashMap<Cow<'a, str>, Vec<Candidate<'_>>> = HashMap::default();
            for slice in others.chunks(CANDIDATES_AT_ONCE) {
                let keyed: Vec<Result<Option<Keyed<'a>>, EvalError>> = slice
                    .par_iter()
                    .map(|r| self.keyed_candidate(lookup, r, wanted.as_ref()))
                    .collect();
                if let Some(e) = keyed.iter().find_map(|k| k.as_ref().err()) {
                    return Err(e.clone());
                }
                for (key, candidate) in keyed.into_iter().flatten().flatten() {
                    // Most keys name one record: a list sized for one, not the four a first push reserves.
                    let list = map.entry(key).or_insert_with(|| Vec::with_capacity(1));
                    match list.first_mut() {
                        Some(best) if only_latest => {
                            if later(&candidate, best) {
                                *best = candidate;
                            }
                        }
                        _ => list.push(candidate),
                    }
                }
            }
            self.lookups.push(LookupIndex { lookup, map });
        }
        Ok(())
    }

    /// A record of a lookup's dataset under its join key, if the lookup's `where` selects it and it has one
    /// (among the `wanted` keys, when given).
    fn keyed_candidate(
        &self,
        lookup: &Lookup,
        r: &'a Record,
        wanted: Option<&HashSet<Cow<'a, str>>>,
    ) -> Result<Option<Keyed<'a>>, EvalError> {
        if !self.selected_joined(&lookup.dataset, lookup.where_.as_ref(), r)? {
            return Ok(None);
        }
        let Some(key) = join_key(r, lookup.on.iter().map(|(_, other)| other), lookup) else {
            return Ok(None);
        };
        if wanted.is_some_and(|w| !w.contains(key.as_ref())) {
            return Ok(None);
        }
        let version = lookup
            .version_prefix
            .as_ref()
            .and_then(|(_, other)| r.get_path(other, 0))
            .and_then(scalar_text)
            .and_then(|t| Version::parse(&t));
        let when = lookup
            .latest
            .as_ref()
            .and_then(|f| r.get_path(f, 0))
            .and_then(|v| convert(v, ValueType::Datetime, false).ok());
        let names = lookup
            .prefer
            .as_ref()
            .and_then(|(_, other)| r.get_path(other, 0))
            .map(|v| match v.as_list() {
                Some(items) => items
                    .iter()
                    .filter_map(|i| scalar_text(Field::of(i)).map(|t| t.trim().to_lowercase()))
                    .collect(),
                None => scalar_text(v)
                    .map(|t| t.split([',', ';']).map(|n| n.trim().to_lowercase()).collect())
                    .unwrap_or_default(),
            })
            .unwrap_or_default();
        let earliest = lookup
            .earliest
            .as_ref()
            .and_then(|f| r.get_path(f, 0))
            .and_then(|v| convert(v, ValueType::Datetime, false).ok());
        Ok(Some((
            key,
            Candidate {
                record: r,
                version,
                when,
                names,
                earliest,
            },
        )))
    }
}

impl<'a> LookupIndex<'a> {
    /// `prefer` then `earliest` among `pool`: the candidates naming this record's value if any do, else all of
    /// them; then the earliest dated (undated only when none is dated), else the first in file order.
    fn choose(&self, record: &Record, pool: Vec<&Candidate<'a>>) -> Option<&'a Record> {
        let wanted = self
            .lookup
            .prefer
            .as_ref()
            .and_then(|(field, _)| record.get_path(field, 0))
            .and_then(scalar_text)
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty());
        let named: Vec<&Candidate<'a>> = match &wanted {
            Some(w) => pool
                .iter()
                .copied()
                .filter(|c| c.names.iter().any(|n| n == w))
                .collect(),
            None => Vec::new(),
        };
        let pool = if named.is_empty() { pool } else { named };
        if self.lookup.earliest.is_none() {
            return pool.first().map(|c| c.record);
        }
        by_date(pool, |c| c.earliest.as_ref(), std::cmp::Ordering::Less)
    }

    pub(super) fn find(&self, record: &Record) -> Option<&'a Record> {
        let key = join_key(record, self.lookup.on.iter().map(|(this, _)| this), self.lookup)?;
        let candidates = self.map.get(key.as_ref())?;
        if let Some((field, _)) = &self.lookup.version_prefix {
            let version = record
                .get_path(field, 0)
                .and_then(scalar_text)
                .and_then(|t| Version::parse(&t))?;
            let prefixes = candidates
                .iter()
                .filter(|c| c.version.as_ref().is_some_and(|v| v.is_prefix_of(&version)));
            if self.lookup.prefer.is_none() && self.lookup.earliest.is_none() {
                // The longest prefix; among equals the last in file order (a trust's own records follow the pack's).
                return prefixes
                    .max_by_key(|c| c.version.as_ref().map_or(0, Version::len))
                    .map(|c| c.record);
            }
            let prefixes: Vec<&Candidate<'a>> = prefixes.collect();
            let longest = prefixes
                .iter()
                .map(|c| c.version.as_ref().map_or(0, Version::len))
                .max()?;
            let best: Vec<&Candidate<'a>> = prefixes
                .into_iter()
                .filter(|c| c.version.as_ref().map_or(0, Version::len) == longest)
                .collect();
            return self.choose(record, best);
        }
        if self.lookup.prefer.is_some() || self.lookup.earliest.is_some() {
            return self.choose(record, candidates.iter().collect());
        }
        if self.lookup.latest.is_some() {
            return by_date(candidates, |c| c.when.as_ref(), std::cmp::Ordering::Greater);
        }
        candidates.first().map(|c| c.record)
    }
}

/// Records of a lookup's dataset whose candidates are made in parallel before they join the index.
const CANDIDATES_AT_ONCE: usize = 1 << 14;

/// Whether `c` would replace `best` as the latest candidate in [`by_date`]: a dated one replaces an undated
/// one, a later date an earlier one.
fn later(c: &Candidate<'_>, best: &Candidate<'_>) -> bool {
    match (&best.when, &c.when) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(b), Some(d)) => d.compare(b) == Some(std::cmp::Ordering::Greater),
    }
}

/// The candidate whose date compares as `wanted` (Greater: latest, Less: earliest) with every other; undated
/// candidates only when none is dated; ties keep file order.
fn by_date<'c, 'a: 'c>(
    pool: impl IntoIterator<Item = &'c Candidate<'a>>,
    date: impl Fn(&'c Candidate<'a>) -> Option<&'c Typed>,
    wanted: std::cmp::Ordering,
) -> Option<&'a Record> {
    let mut best: Option<&Candidate<'a>> = None;
    for c in pool {
        let better = match (best.and_then(&date), date(c)) {
            (_, None) => best.is_none(),
            (None, Some(_)) => true,
            (Some(b), Some(d)) => d.compare(b) == Some(wanted),
        };
        if better {
            best = Some(c);
        }
    }
    best.map(|c| c.record)
}

/// A record's join key: the text of its key field, or for several fields each one's length and text (so no
/// two different lists of values make the same key). Borrowed from the evidence for one field when it can be.
fn join_key<'r, 'p>(
    record: &'r Record,
    mut paths: impl ExactSizeIterator<Item = &'p FieldPath>,
    lookup: &Lookup,
) -> Option<Cow<'r, str>> {
    let text = |p: &FieldPath| {
        let t = scalar_text(record.get_path(p, 0)?)?;
        Some(fold_key(t, lookup.ignore_case, lookup.host_names))
    };
    if paths.len() == 1 {
        return text(paths.next()?);
    }
    let mut key = String::new();
    for p in paths {
        let t = text(p)?;
        key.push_str(&t.len().to_string());
        key.push(':');
        key.push_str(&t);
    }
    Some(Cow::Owned(key))
}

/// A join key or set value as compared: as written, lowercased, or as a host name (lowercased, and a fully
/// qualified name cut to its first label, so `rxx-lt-0002.rxx.nhs.uk.` is `rxx-lt-0002`; an IP address whole).
pub(crate) fn fold_key(t: Cow<'_, str>, ignore_case: bool, host_names: bool) -> Cow<'_, str> {
    if !host_names {
        return if ignore_case { lowercase(t) } else { t };
    }
    let name = t.trim().trim_end_matches('.');
    let short = if name.parse::<std::net::IpAddr>().is_ok() {
        name
    } else {
        name.split('.').next().unwrap_or(name)
    };
    Cow::Owned(short.to_lowercase())
}

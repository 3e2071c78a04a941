//! Typed values: how record values and literals convert to numbers, dates, durations, versions and networks.
//!
//! [`Typed`] is what ops compare. [`convert`] turns a record value into the type a leaf asks for (or explains
//! why it cannot); [`parse_literal`] does the same for values written in a standard, where strings may also be
//! assessment-date expressions such as `as_of - 365d`.

use crate::core::vocab::ValueType;
use crate::evidence::Field;
use ipnet::IpNet;
use jiff::civil::{Date, DateTime};
use jiff::{SignedDuration, Timestamp, tz::TimeZone};
use serde_json::Value;
use std::cmp::Ordering;
use std::net::IpAddr;

/// A value converted to a comparable type.
#[derive(Debug, Clone, PartialEq)]
pub enum Typed {
    Str(String),
    Num(f64),
    Bool(bool),
    Date(Date),
    Time(Timestamp),
    Duration(SignedDuration),
    Version(Version),
    Cidr(IpNet),
}

impl Typed {
    /// Ordering between two values of the same type; `None` when unordered (e.g. two networks).
    pub fn compare(&self, other: &Typed) -> Option<Ordering> {
        match (self, other) {
            (Typed::Str(a), Typed::Str(b)) => Some(a.cmp(b)),
            (Typed::Num(a), Typed::Num(b)) => a.partial_cmp(b),
            (Typed::Bool(a), Typed::Bool(b)) => Some(a.cmp(b)),
            (Typed::Date(a), Typed::Date(b)) => Some(a.cmp(b)),
            (Typed::Time(a), Typed::Time(b)) => Some(a.cmp(b)),
            (Typed::Duration(a), Typed::Duration(b)) => Some(a.cmp(b)),
            (Typed::Version(a), Typed::Version(b)) => Some(a.cmp(b)),
            (Typed::Cidr(a), Typed::Cidr(b)) => (a == b).then_some(Ordering::Equal),
            _ => None,
        }
    }
}

impl std::fmt::Display for Typed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Typed::Str(s) => write!(f, "{s}"),
            Typed::Num(n) => write!(f, "{n}"),
            Typed::Bool(b) => write!(f, "{b}"),
            Typed::Date(d) => write!(f, "{d}"),
            Typed::Time(t) => write!(f, "{t}"),
            Typed::Duration(d) => write!(f, "{}", format_duration(*d)),
            Typed::Version(v) => write!(f, "{}", v.text),
            Typed::Cidr(n) => write!(f, "{n}"),
        }
    }
}

/// A dotted version such as `10.0.19045.5247`: numeric parts compare as numbers, missing parts as 0.
#[derive(Debug, Clone)]
pub struct Version {
    pub text: String,
    parts: Vec<VersionPart>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum VersionPart {
    Num(u64),
    Text(String),
}

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let parts = text
            .split(['.', '-', '+'])
            .map(|p| {
                p.parse::<u64>()
                    .map_or_else(|_| VersionPart::Text(p.to_string()), VersionPart::Num)
            })
            .collect::<Vec<_>>();
        matches!(parts.first(), Some(VersionPart::Num(_))).then(|| Version {
            text: text.to_string(),
            parts,
        })
    }

    /// Whether `self`'s components are a leading run of `other`'s (`10.0.19045` prefixes `10.0.19045.5247`).
    pub fn is_prefix_of(&self, other: &Version) -> bool {
        self.parts.len() <= other.parts.len() && self.parts.iter().zip(&other.parts).all(|(a, b)| a == b)
    }

    pub fn len(&self) -> usize {
        self.parts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Version {}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = VersionPart::Num(0);
        let n = self.parts.len().max(other.parts.len());
        (0..n)
            .map(|i| {
                self.parts
                    .get(i)
                    .unwrap_or(&zero)
                    .cmp(other.parts.get(i).unwrap_or(&zero))
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

/// The plain-text form of a scalar (numbers and booleans as written); `None` for containers and null.
pub fn scalar_text(value: Field<'_>) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    match value.normalised() {
        Field::Text(s) => Some(Cow::Borrowed(s)),
        Field::Int(n) => Some(Cow::Owned(n.to_string())),
        Field::Json(Value::Number(n)) => Some(Cow::Owned(n.to_string())),
        Field::Json(Value::Bool(b)) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        _ => None,
    }
}

/// Converts a record value to `ty`, or says why it cannot.
pub fn convert(value: Field<'_>, ty: ValueType, ignore_case: bool) -> Result<Typed, String> {
    let text = || scalar_text(value).ok_or_else(|| format!("{} is not a {}", describe(value), type_name(ty)));
    let fail = || format!("{} is not a {}", describe(value), type_name(ty));
    let value = value.normalised();
    match ty {
        ValueType::String => {
            let t = text()?;
            Ok(Typed::Str(if ignore_case { t.to_lowercase() } else { t.into_owned() }))
        }
        ValueType::Number => match value {
            Field::Json(Value::Number(n)) => n.as_f64().map(Typed::Num).ok_or_else(fail),
            Field::Int(n) => Ok(Typed::Num(n as f64)),
            Field::Text(s) => parse_number(s).map(Typed::Num).ok_or_else(fail),
            _ => Err(fail()),
        },
        ValueType::Bool => match value {
            Field::Json(Value::Bool(b)) => Ok(Typed::Bool(*b)),
            Field::Json(Value::Number(n)) if n.as_i64() == Some(1) => Ok(Typed::Bool(true)),
            Field::Json(Value::Number(n)) if n.as_i64() == Some(0) => Ok(Typed::Bool(false)),
            Field::Int(1) => Ok(Typed::Bool(true)),
            Field::Int(0) => Ok(Typed::Bool(false)),
            Field::Text(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => Ok(Typed::Bool(true)),
                "false" | "no" | "0" => Ok(Typed::Bool(false)),
                _ => Err(fail()),
            },
            _ => Err(fail()),
        },
        ValueType::Date => parse_time(&text()?).map(|t| Typed::Date(utc_date(t))).ok_or_else(fail),
        ValueType::Datetime => parse_time(&text()?).map(Typed::Time).ok_or_else(fail),
        ValueType::Duration => match value {
            Field::Json(Value::Number(n)) => n
                .as_f64()
                .map(|s| Typed::Duration(SignedDuration::from_secs_f64(s)))
                .ok_or_else(fail),
            Field::Int(n) => Ok(Typed::Duration(SignedDuration::from_secs(n))),
            _ => parse_duration(&text()?).map(Typed::Duration).ok_or_else(fail),
        },
        ValueType::Version => Version::parse(&text()?).map(Typed::Version).ok_or_else(fail),
        ValueType::Cidr => parse_cidr(&text()?).map(Typed::Cidr).ok_or_else(fail),
    }
}

/// Parses a value written in a standard. Strings beginning with `as_of` are date expressions.
pub fn parse_literal(value: &Value, ty: ValueType, ignore_case: bool, as_of: Timestamp) -> Result<Typed, String> {
    if let Value::String(s) = value {
        let s = s.trim();
        if s.starts_with("as_of") {
            let t = eval_as_of(s, as_of)?;
            return match ty {
                ValueType::Date => Ok(Typed::Date(utc_date(t))),
                ValueType::Datetime => Ok(Typed::Time(t)),
                other => Err(format!(
                    "`{s}` is a date, but the comparison is by {}",
                    type_name(other)
                )),
            };
        }
    }
    convert(Field::of(value), ty, ignore_case).map_err(|_| {
        let shown = scalar_text(Field::of(value)).map_or_else(|| value.to_string(), |t| t.into_owned());
        format!("`{shown}` is not a valid {}{}", type_name(ty), type_hint(ty))
    })
}

fn type_hint(ty: ValueType) -> &'static str {
    match ty {
        ValueType::Date | ValueType::Datetime => " (write 2026-03-31, 2026-03-31T09:00:00Z or as_of - 365d)",
        ValueType::Duration => " (write 12h, 365d, 2w or 1d12h)",
        ValueType::Version => " (write a dotted version such as 10.0.19045)",
        ValueType::Cidr => " (write 10.0.0.0/8 or an address)",
        ValueType::Bool => " (write true or false)",
        _ => "",
    }
}

/// `as_of`, `as_of - 365d`, `as_of + 12h`.
fn eval_as_of(expr: &str, as_of: Timestamp) -> Result<Timestamp, String> {
    let rest = expr["as_of".len()..].trim();
    if rest.is_empty() {
        return Ok(as_of);
    }
    let (sign, amount) = match rest.split_at(1) {
        ("-", a) => (-1, a.trim()),
        ("+", a) => (1, a.trim()),
        _ => {
            return Err(format!(
                "`{expr}` is not a date expression: write as_of, as_of - 365d or as_of + 30d"
            ));
        }
    };
    let d = parse_duration(amount)
        .ok_or_else(|| format!("`{amount}` in `{expr}` is not a duration (write 365d, 12h, 2w)"))?;
    let d = if sign < 0 { -d } else { d };
    as_of
        .checked_add(d)
        .map_err(|e| format!("`{expr}` is out of range: {e}"))
}

/// `12h`, `365d`, `2w`, `30m`, `45s` and combinations like `1d12h`; a leading `-` negates.
pub fn parse_duration(text: &str) -> Option<SignedDuration> {
    let text = text.trim();
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text),
    };
    if body.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    for c in body.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: i64 = digits.parse().ok()?;
        digits.clear();
        let unit = match c {
            'w' => 7 * 86_400,
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    if !digits.is_empty() {
        return None;
    }
    Some(SignedDuration::from_secs(if negative { -total } else { total }))
}

/// Shortest readable form of a duration, e.g. `1d12h`.
pub fn format_duration(d: SignedDuration) -> String {
    let mut secs = d.as_secs();
    let mut out = String::new();
    if secs < 0 {
        out.push('-');
        secs = -secs;
    }
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    if out.is_empty() || out == "-" {
        out.push_str("0s");
    }
    out
}

/// ISO 8601 datetimes (offset or `Z`; none means UTC), ISO dates (midnight UTC), and UK `dd/mm/yyyy[ hh:mm[:ss]]`.
pub fn parse_time(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let utc = |dt: DateTime| jiff::tz::Offset::UTC.to_timestamp(dt).ok();
    // A plain date (most export dates) is read digit by digit, and a UK date (dd/mm/yyyy, as Get-ADUser
    // writes them) goes to its own parser first: each failed attempt below builds an error.
    let b = text.as_bytes();
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (digits(&b[..4]), digits(&b[5..7]), digits(&b[8..]))
        && let Ok(date) = Date::new(y as i16, m as i8, d as i8)
    {
        return utc(date.to_datetime(jiff::civil::Time::midnight()));
    }
    if b.get(1..3).is_some_and(|head| head.contains(&b'/')) {
        return parse_uk(text).and_then(utc);
    }
    if let Some(inner) = text.strip_prefix("/Date(").and_then(|t| t.strip_suffix(")/")) {
        return parse_ms_date(inner);
    }
    if let Ok(t) = text.parse::<Timestamp>() {
        return Some(t);
    }
    if let Ok(dt) = text.parse::<DateTime>() {
        return utc(dt);
    }
    if let Ok(d) = text.parse::<Date>() {
        return utc(d.to_datetime(jiff::civil::Time::midnight()));
    }
    parse_uk(text).and_then(utc)
}

/// The inside of Windows PowerShell 5.1's `ConvertTo-Json` date, `/Date(1700000000000)/`: milliseconds since
/// 1970 UTC, with an optional `+hhmm` / `-hhmm` that only names the writer's zone (the instant is the same).
fn parse_ms_date(inner: &str) -> Option<Timestamp> {
    let (negative, digits_text) = match inner.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let end = digits_text.find(['+', '-']).unwrap_or(digits_text.len());
    let (number, zone) = digits_text.split_at(end);
    let zone_ok = zone.is_empty() || (zone.len() == 5 && zone[1..].bytes().all(|c| c.is_ascii_digit()));
    if number.is_empty() || number.len() > 15 || !zone_ok || !number.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let ms: i64 = number.parse().ok()?;
    Timestamp::from_millisecond(if negative { -ms } else { ms }).ok()
}

/// The value of a run of ASCII digits (at most 9).
fn digits(b: &[u8]) -> Option<u32> {
    b.iter()
        .try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
}

/// A number written as text, surrounding whitespace allowed; `None` unless finite.
///
/// A plain decimal of at most 15 digits (`-12.5`, `7`), the usual cell, is read by integer arithmetic: the
/// digits and the power of ten are then exact doubles, so one division rounds correctly, as the full parser
/// would. Anything else goes to the full parser.
pub fn parse_number(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let (negative, body) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let (whole, fraction) = match body.iter().position(|c| *c == b'.') {
        Some(dot) => (&body[..dot], &body[dot + 1..]),
        None => (body, &body[..0]),
    };
    const POWERS: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let plain = !whole.is_empty()
        && whole.len() + fraction.len() < POWERS.len()
        && whole.iter().chain(fraction).all(u8::is_ascii_digit);
    if plain {
        let mantissa = whole
            .iter()
            .chain(fraction)
            .fold(0u64, |n, c| n * 10 + u64::from(c - b'0'));
        let value = mantissa as f64 / POWERS[fraction.len()];
        return Some(if negative { -value } else { value });
    }
    text.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

fn parse_uk(text: &str) -> Option<DateTime> {
    let (date, time) = text.split_once(' ').map_or((text, None), |(d, t)| (d, Some(t.trim())));
    let mut dmy = date.split('/');
    let (d, m, y) = (
        dmy.next()?.parse().ok()?,
        dmy.next()?.parse().ok()?,
        dmy.next()?.parse().ok()?,
    );
    if dmy.next().is_some() {
        return None;
    }
    let date = Date::new(y, m, d).ok()?;
    let (mut h, mut mi, mut s) = (0i8, 0i8, 0i8);
    if let Some(time) = time {
        let mut parts = time.split(':');
        h = parts.next()?.parse().ok()?;
        mi = parts.next()?.parse().ok()?;
        s = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        if parts.next().is_some() {
            return None;
        }
    }
    Some(date.to_datetime(jiff::civil::Time::new(h, mi, s, 0).ok()?))
}

pub fn utc_date(t: Timestamp) -> Date {
    t.to_zoned(TimeZone::UTC).date()
}

/// An address (as a host network) or a network.
pub fn parse_cidr(text: &str) -> Option<IpNet> {
    let text = text.trim();
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}

pub fn type_name(ty: ValueType) -> &'static str {
    match ty {
        ValueType::String => "string",
        ValueType::Number => "number",
        ValueType::Bool => "bool",
        ValueType::Date => "date",
        ValueType::Datetime => "datetime",
        ValueType::Duration => "duration",
        ValueType::Version => "version",
        ValueType::Cidr => "cidr",
    }
}

/// A short quoted rendering of a value for messages.
pub fn describe(value: Field<'_>) -> String {
    match value.normalised() {
        Field::Null => "null".to_string(),
        Field::Text(s) => format!("{s:?}"),
        Field::Int(n) => n.to_string(),
        Field::Json(Value::Array(a)) => format!("a list of {}", a.len()),
        Field::Json(Value::Object(_)) | Field::Record(_) => "an object".to_string(),
        Field::Json(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn as_of() -> Timestamp {
        "2026-11-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn numbers_read_by_the_fast_path_equal_the_full_parser() {
        let mut rng = fastrand::Rng::with_seed(7);
        let alphabet = b"0123456789.-+ e";
        for _ in 0..200_000 {
            let len = rng.usize(1..20);
            // Mostly digits with one dot, sometimes anything from the alphabet.
            let text: String = if rng.bool() {
                let mut t: String = (0..len).map(|_| char::from(b'0' + rng.u8(0..10))).collect();
                if rng.bool() {
                    t.insert(rng.usize(0..=t.len()), '.');
                }
                if rng.u8(0..4) == 0 {
                    t.insert(0, '-');
                }
                t
            } else {
                (0..len)
                    .map(|_| char::from(alphabet[rng.usize(0..alphabet.len())]))
                    .collect()
            };
            let full = text.trim().parse::<f64>().ok().filter(|f| f.is_finite());
            let fast = parse_number(&text);
            assert_eq!(fast.map(f64::to_bits), full.map(f64::to_bits), "{text:?}");
        }
    }

    #[test]
    fn plain_and_uk_dates_read_by_the_fast_paths_equal_jiff() {
        for text in [
            "2026-10-01",
            "2024-02-29",
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1x-01",
            "0000-01-01",
            "9999-12-31",
        ] {
            let full = text.parse::<Date>().ok().and_then(|d| {
                jiff::tz::Offset::UTC
                    .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                    .ok()
            });
            assert_eq!(parse_time(text), full, "{text}");
        }
        let uk = parse_time("03/11/2026 09:05:00").unwrap();
        assert_eq!(uk, "2026-11-03T09:05:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(parse_time("31/02/2026"), None);
        assert!(parse_time("2026-10-01T08:00:00+01:00[Europe/London]").is_some());
    }

    #[test]
    fn powershell_json_dates_are_milliseconds_since_1970_utc() {
        let t = |s: &str| parse_time(s).map(|t| t.to_string());
        // 1700000000000 ms is 2023-11-14T22:13:20Z; the zone suffix names the writer's zone, not a shift.
        assert_eq!(t("/Date(1700000000000)/").as_deref(), Some("2023-11-14T22:13:20Z"));
        assert_eq!(t("/Date(1700000000000+0100)/").as_deref(), Some("2023-11-14T22:13:20Z"));
        assert_eq!(t("/Date(-86400000)/").as_deref(), Some("1969-12-31T00:00:00Z"));
        assert_eq!(t("/Date(0)/").as_deref(), Some("1970-01-01T00:00:00Z"));
        for bad in [
            "/Date()/",
            "/Date(12a)/",
            "/Date(1+01)/",
            "/Date(1700000000000",
            "Date(1)",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
    }

    #[test]
    fn versions_compare_numerically() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("10.0.19045.5247") > v("10.0.9999"));
        assert_eq!(v("10.0"), v("10.0.0"));
        assert!(v("10.0.19045").is_prefix_of(&v("10.0.19045.5247")));
        assert!(!v("10.0.19045").is_prefix_of(&v("10.0.190451")));
        assert!(Version::parse("Windows").is_none());
    }

    #[test]
    fn dates_accept_iso_graph_and_uk_forms() {
        let t = |s| parse_time(s).unwrap().to_string();
        assert_eq!(t("2026-03-14"), "2026-03-14T00:00:00Z");
        assert_eq!(t("2026-03-14T09:12:00.1234567Z"), "2026-03-14T09:12:00.1234567Z");
        assert_eq!(t("2026-03-14T09:12:00+01:00"), "2026-03-14T08:12:00Z");
        assert_eq!(t("14/03/2026 09:12:00"), "2026-03-14T09:12:00Z");
        assert_eq!(t("14/03/2026"), "2026-03-14T00:00:00Z");
        assert_eq!(t("2026-03-14T09:12:00"), "2026-03-14T09:12:00Z");
        assert!(parse_time("2026-02-30").is_none());
        assert!(parse_time("31/02/2026").is_none());
        assert!(parse_time("soon").is_none());
    }

    #[test]
    fn durations_parse_and_format() {
        assert_eq!(parse_duration("1d12h"), Some(SignedDuration::from_hours(36)));
        assert_eq!(parse_duration("2w"), Some(SignedDuration::from_hours(336)));
        assert_eq!(parse_duration("12"), None);
        assert_eq!(format_duration(SignedDuration::from_hours(36)), "1d12h");
    }

    #[test]
    fn as_of_expressions() {
        let d = parse_literal(&json!("as_of - 365d"), ValueType::Date, false, as_of()).unwrap();
        assert_eq!(d, Typed::Date(Date::new(2025, 11, 1).unwrap()));
        assert!(parse_literal(&json!("as_of * 2"), ValueType::Date, false, as_of()).is_err());
        assert!(parse_literal(&json!("as_of"), ValueType::Number, false, as_of()).is_err());
    }

    #[test]
    fn conversions_explain_failures() {
        assert_eq!(
            convert(Field::Text("True"), ValueType::Bool, false),
            Ok(Typed::Bool(true))
        );
        assert_eq!(
            convert(Field::of(&json!(42)), ValueType::Number, false),
            Ok(Typed::Num(42.0))
        );
        let err = convert(Field::Text("not yet"), ValueType::Datetime, false).unwrap_err();
        assert_eq!(err, "\"not yet\" is not a datetime");
        assert!(matches!(
            convert(Field::Text("10.1.2.3"), ValueType::Cidr, false),
            Ok(Typed::Cidr(_))
        ));
    }
}

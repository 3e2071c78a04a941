//! The direction of travel in the Markdown summary: the headline, the share of checks passing at each recent
//! date (with a text sparkline, since GitHub shows no inline SVG), per standard, and the fixed / new /
//! still-open findings since the previous result. Record keys are evidence, escaped like every other value.

use super::markdown::text;
use super::trend::{RECENT, TrendView};
use crate::assess::history::{Changes, KEYS_LISTED};
use std::fmt::Write;

/// Eight levels, lowest first.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A text sparkline of percentages (0 to 100); `·` where there is no value.
pub fn sparkline(values: &[Option<f64>]) -> String {
    values
        .iter()
        .map(|v| match v {
            Some(p) => BARS[((p.clamp(0.0, 100.0) / 100.0) * 7.0).round() as usize],
            None => '·',
        })
        .collect()
}

/// The headline and the tables of dates, overall and per standard.
pub fn overview(t: &TrendView<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### Direction of travel\n\n{}\n", text(&t.headline));
    let from = t.points.len().saturating_sub(RECENT);
    let _ = writeln!(
        out,
        "| as of | status | checks passing | failing | in error | findings |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|");
    for v in &t.points[from..] {
        let p = v.point;
        let _ = writeln!(
            out,
            "| {} | {} | {}% ({} of {}) | {} | {} | {} |",
            text(&p.as_of),
            text(&p.status),
            v.percent,
            p.passing,
            p.assessed,
            p.fail,
            p.error,
            p.findings
        );
    }
    out.push('\n');
    let _ = write!(out, "| standard |");
    for d in &t.recent {
        let _ = write!(out, " {} |", text(d));
    }
    let _ = writeln!(out, " trend | since previous |");
    let _ = writeln!(out, "|---|{}---|---|", "---:|".repeat(t.recent.len()));
    for s in &t.standards {
        let _ = write!(out, "| {}. {} |", s.number.unwrap_or_default(), text(&s.title));
        for c in &s.cells {
            match c {
                Some(c) => {
                    let _ = write!(out, " {} of {} |", c.passing, c.assessed);
                }
                None => out.push_str(" – |"),
            }
        }
        let values: Vec<Option<f64>> = s
            .cells
            .iter()
            .map(|c| c.as_ref().map(|c| c.percent.parse().unwrap_or(0.0)))
            .collect();
        let _ = writeln!(out, " {} | {} |", sparkline(&values), s.change);
    }
    out.push('\n');
    out
}

/// Fixed, new and still-open findings since the previous result, per check with anything new or fixed.
pub fn changes(c: &Changes) -> String {
    let mut out = format!(
        "**Since {}:** {} finding(s) fixed, {} new, {} still open.\n\n",
        text(&c.previous_as_of),
        c.fixed,
        c.new,
        c.still_open
    );
    let moved: Vec<_> = c.checks.iter().filter(|k| k.new + k.fixed > 0).collect();
    if moved.is_empty() {
        return out;
    }
    out.push_str("| check | severity | fixed | new | still open | new records |\n|---|---|---:|---:|---:|---|\n");
    for k in moved {
        let mut keys: Vec<String> = k.new_keys.iter().map(|key| key_text(key)).collect();
        if k.new > KEYS_LISTED {
            keys.push(format!("… {} more", k.new - KEYS_LISTED));
        }
        let _ = writeln!(
            out,
            "| **{}** {} | {} | {} | {} | {} | {} |",
            text(&k.id),
            text(&k.title),
            text(&k.severity),
            k.fixed,
            k.new,
            k.still_open,
            keys.join(", ")
        );
    }
    out.push('\n');
    out
}

/// A finding's record key as shown; the empty key is the check as a whole.
fn key_text(key: &str) -> String {
    if key.is_empty() {
        "(the check as a whole)".into()
    } else {
        text(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_spans_the_levels() {
        assert_eq!(sparkline(&[Some(0.0), Some(50.0), Some(100.0), None]), "▁▅█·");
    }
}

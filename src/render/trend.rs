//! The direction of travel as report templates receive it: a [`crate::assess::history::History`] with the geometry of
//! its inline SVG charts worked out (a line of the share of checks passing at each date, overall and per
//! standard), the words a chart's text alternative needs, and the fixed / new / still-open findings.
//!
//! Coordinates are strings rounded to 0.1 so the HTML is the same byte for byte on every machine.

use crate::assess::history::{Changes, History, Point, percent};
use serde::Serialize;

/// The overall chart's drawing area, in SVG user units.
pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 200.0;
pub const LEFT: f64 = 64.0;
pub const RIGHT: f64 = 596.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 168.0;
/// A sparkline's drawing area.
const SPARK_WIDTH: f64 = 120.0;
const SPARK_HEIGHT: f64 = 24.0;
/// Dates shown as columns of the per-standard table (the chart shows them all).
pub const RECENT: usize = 6;

#[derive(Debug, Serialize)]
pub struct PointView<'a> {
    pub point: &'a Point,
    /// Percent of assessed checks passing, rounded to a whole number for reading.
    pub percent: String,
    pub x: String,
    pub y: String,
    /// Baseline of the value written above the point.
    pub label_y: String,
    /// Whether its date is written under the axis (every date when there are few).
    pub labelled: bool,
}

#[derive(Debug, Serialize)]
pub struct Cell {
    pub passing: usize,
    pub assessed: usize,
    pub percent: String,
}

#[derive(Debug, Serialize)]
pub struct StandardTrend {
    pub id: String,
    /// The standard's section in the report, e.g. `std-ndg1`.
    pub anchor: String,
    pub number: Option<u32>,
    pub title: String,
    /// One cell per recent date (`None` when the standard had no assessed check then).
    pub cells: Vec<Option<Cell>>,
    /// Sparkline `points` over every date, and its last point.
    pub line: String,
    pub last_x: String,
    pub last_y: String,
    /// Change in passing checks since the previous result, in words (`2 more passing`, `no change`).
    pub change: String,
    /// The values in words, for the sparkline's title.
    pub words: String,
}

#[derive(Debug, Serialize)]
pub struct TrendView<'a> {
    pub points: Vec<PointView<'a>>,
    /// The `points` attribute of the overall polyline.
    pub line: String,
    /// The dates of [`StandardTrend::cells`], oldest first.
    pub recent: Vec<&'a str>,
    pub standards: Vec<StandardTrend>,
    pub changes: Option<&'a Changes>,
    /// One sentence: where things stand and which way they moved since the previous result.
    pub headline: String,
    /// Every date's value in words: the chart's description for screen readers.
    pub description: String,
    /// Gridlines: (label, y).
    pub grid: Vec<(String, String)>,
}

fn fmt(v: f64) -> String {
    format!("{:.1}", (v * 10.0).round() / 10.0)
}

fn whole(v: f64) -> String {
    format!("{}", v.round() as i64)
}

fn day_number(date: &str) -> Option<i64> {
    let d: jiff::civil::Date = date.parse().ok()?;
    let epoch = jiff::civil::date(2000, 1, 1);
    Some(i64::from(epoch.until(d).ok()?.get_days()))
}

/// X positions in `[left, right]`: by date when every date reads as one (so gaps show), else evenly.
fn xs(points: &[Point], left: f64, right: f64) -> Vec<f64> {
    let days: Option<Vec<i64>> = points.iter().map(|p| day_number(&p.as_of)).collect();
    let len = points.len();
    match days {
        Some(d) if len > 1 && d[len - 1] > d[0] => {
            let span = (d[len - 1] - d[0]) as f64;
            d.iter()
                .map(|x| left + (right - left) * ((x - d[0]) as f64) / span)
                .collect()
        }
        _ if len > 1 => (0..len)
            .map(|i| left + (right - left) * i as f64 / (len - 1) as f64)
            .collect(),
        _ => vec![(left + right) / 2.0; len],
    }
}

fn y_of(pct: f64, top: f64, bottom: f64) -> f64 {
    bottom - (bottom - top) * pct / 100.0
}

fn change_words(before: Option<(usize, usize)>, now: Option<(usize, usize)>) -> String {
    match (before, now) {
        (Some((b, _)), Some((n, _))) if n > b => format!("{} more passing", n - b),
        (Some((b, _)), Some((n, _))) if n < b => format!("{} fewer passing", b - n),
        (Some(_), Some(_)) => "no change".into(),
        (None, Some(_)) => "newly assessed".into(),
        (_, None) => "not assessed".into(),
    }
}

impl<'a> TrendView<'a> {
    /// The trend of `history` for the `standards` of the report, in its order.
    pub fn new(history: &'a History, standards: &[crate::assess::StandardInfo]) -> TrendView<'a> {
        let points = &history.points;
        let x = xs(points, LEFT, RIGHT);
        // At most about eight dates fit under the axis; the rest are in the table and the description.
        let step = points.len().div_ceil(8).max(1);
        let views: Vec<PointView> = points
            .iter()
            .enumerate()
            .map(|(i, p)| PointView {
                point: p,
                percent: whole(p.percent()),
                x: fmt(x[i]),
                y: fmt(y_of(p.percent(), TOP, BOTTOM)),
                label_y: fmt((y_of(p.percent(), TOP, BOTTOM) - 8.0).max(11.0)),
                labelled: (points.len() - 1 - i).is_multiple_of(step),
            })
            .collect();
        let line = views
            .iter()
            .map(|v| format!("{},{}", v.x, v.y))
            .collect::<Vec<_>>()
            .join(" ");
        let recent_from = points.len().saturating_sub(RECENT);
        let spark_x = xs(points, 2.0, SPARK_WIDTH - 2.0);
        let standards = standards
            .iter()
            .map(|info| {
                let (id, number, title) = (&info.id, &info.number, &info.title);
                let counts: Vec<Option<(usize, usize)>> = points
                    .iter()
                    .map(|p| p.standards.get(id).copied().filter(|(_, assessed)| *assessed > 0))
                    .collect();
                let drawn: Vec<(f64, f64)> = counts
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| {
                        c.map(|(pass, all)| (spark_x[i], y_of(percent(pass, all), 2.0, SPARK_HEIGHT - 2.0)))
                    })
                    .collect();
                let len = counts.len();
                let before = if len > 1 { counts[len - 2] } else { None };
                let now = counts.last().copied().flatten();
                let words = points
                    .iter()
                    .zip(&counts)
                    .map(|(p, c)| match c {
                        Some((pass, all)) => format!("{}: {pass} of {all} passing", p.as_of),
                        None => format!("{}: not assessed", p.as_of),
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                StandardTrend {
                    anchor: super::view::anchor("std", id),
                    id: id.clone(),
                    number: *number,
                    title: title.clone(),
                    cells: counts[recent_from..]
                        .iter()
                        .map(|c| {
                            c.map(|(passing, assessed)| Cell {
                                passing,
                                assessed,
                                percent: whole(percent(passing, assessed)),
                            })
                        })
                        .collect(),
                    line: drawn
                        .iter()
                        .map(|(x, y)| format!("{},{}", fmt(*x), fmt(*y)))
                        .collect::<Vec<_>>()
                        .join(" "),
                    last_x: drawn.last().map_or_else(String::new, |(x, _)| fmt(*x)),
                    last_y: drawn.last().map_or_else(String::new, |(_, y)| fmt(*y)),
                    change: if len > 1 {
                        change_words(before, now)
                    } else {
                        String::new()
                    },
                    words,
                }
            })
            .collect();
        let description = points
            .iter()
            .map(|p| {
                format!(
                    "{}: {}% ({} of {} checks) passing, {}",
                    p.as_of,
                    whole(p.percent()),
                    p.passing,
                    p.assessed,
                    p.status
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        TrendView {
            headline: headline(points),
            line,
            points: views,
            recent: points[recent_from..].iter().map(|p| p.as_of.as_str()).collect(),
            standards,
            changes: history.changes.as_ref(),
            description,
            grid: [0.0, 25.0, 50.0, 75.0, 100.0]
                .iter()
                .map(|v| (format!("{}%", whole(*v)), fmt(y_of(*v, TOP, BOTTOM))))
                .collect(),
        }
    }
}

/// `82% of assessed checks pass as of 2026-11-01, up from 70% on 2026-10-01 (12 points).`
pub fn headline(points: &[Point]) -> String {
    let Some(now) = points.last() else {
        return String::new();
    };
    let head = format!(
        "{}% of assessed checks pass as of {} ({} of {})",
        whole(now.percent()),
        now.as_of,
        now.passing,
        now.assessed
    );
    match points.len().checked_sub(2).map(|i| &points[i]) {
        None => format!("{head}; no earlier result to compare with."),
        Some(before) => {
            let (b, n) = (whole(before.percent()), whole(now.percent()));
            let moved = match n.parse::<i64>().unwrap_or(0) - b.parse::<i64>().unwrap_or(0) {
                0 => "unchanged from".to_string(),
                d if d > 0 => format!("up {d} points from"),
                d => format!("down {} points from", -d),
            };
            format!("{head}, {moved} {b}% on {}.", before.as_of)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(points: &[(&str, usize, usize)]) -> History {
        let doc = |as_of: &str, pass: usize, fail: usize| {
            let mut results = Vec::new();
            for i in 0..pass + fail {
                let state = if i < pass { "pass" } else { "fail" };
                results.push(
                    serde_json::json!({ "id": format!("C{i}"), "standard": "S1", "state": state, "findings": [] }),
                );
            }
            serde_json::json!({ "as_of": as_of, "results": results })
        };
        let points: Vec<Point> = points
            .iter()
            .map(|(d, p, f)| crate::assess::history::point_of(&doc(d, *p, *f)))
            .collect();
        History { points, changes: None }
    }

    #[test]
    fn the_headline_says_up_down_or_unchanged() {
        assert!(
            headline(&history(&[("2026-01-01", 1, 3), ("2026-02-01", 2, 2)]).points).contains("up 25 points from 25%")
        );
        assert!(
            headline(&history(&[("2026-01-01", 2, 2), ("2026-02-01", 1, 3)]).points)
                .contains("down 25 points from 50%")
        );
        assert!(
            headline(&history(&[("2026-01-01", 2, 2), ("2026-02-01", 2, 2)]).points).contains("unchanged from 50%")
        );
        assert!(headline(&history(&[("2026-02-01", 2, 2)]).points).contains("no earlier result"));
    }

    #[test]
    fn dates_are_placed_by_the_days_between_them() {
        let h = history(&[("2026-01-01", 1, 1), ("2026-01-11", 1, 1), ("2026-02-10", 1, 1)]);
        let x = xs(&h.points, 0.0, 40.0);
        assert_eq!(x, vec![0.0, 10.0, 40.0]);
        // Dates that do not read as dates are spaced evenly.
        let mut odd = history(&[("2026-01-01", 1, 1), ("2026-01-11", 1, 1), ("2026-02-10", 1, 1)]);
        odd.points[1].as_of = "soon".into();
        assert_eq!(xs(&odd.points, 0.0, 40.0), vec![0.0, 20.0, 40.0]);
    }

    fn one_standard() -> [crate::assess::StandardInfo; 1] {
        [crate::assess::StandardInfo {
            id: "S1".into(),
            number: Some(1),
            title: "One".into(),
            statement: String::new(),
            obligation: None,
            attribution: None,
        }]
    }

    #[test]
    fn the_table_keeps_the_last_six_dates_and_the_axis_at_most_eight_labels() {
        let dates: Vec<String> = (1..=9).map(|m| format!("2026-{m:02}-01")).collect();
        let eight: Vec<(&str, usize, usize)> = dates[..8].iter().map(|d| (d.as_str(), 1, 1)).collect();
        let h = history(&eight);
        let t = TrendView::new(&h, &one_standard());
        assert_eq!(t.recent, dates[2..8].iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(t.standards[0].cells.len(), RECENT);
        assert!(t.points.iter().all(|p| p.labelled), "eight dates all fit");
        let nine: Vec<(&str, usize, usize)> = dates.iter().map(|d| (d.as_str(), 1, 1)).collect();
        let h = history(&nine);
        let t = TrendView::new(&h, &one_standard());
        let labelled: Vec<bool> = t.points.iter().map(|p| p.labelled).collect();
        assert_eq!(
            labelled,
            [true, false, true, false, true, false, true, false, true],
            "every other, ending on this run"
        );
        let six: Vec<(&str, usize, usize)> = dates[..6].iter().map(|d| (d.as_str(), 1, 1)).collect();
        let h = history(&six);
        assert_eq!(TrendView::new(&h, &one_standard()).recent.len(), 6);
    }

    #[test]
    fn the_chart_runs_from_0_at_the_bottom_to_100_at_the_top() {
        let h = history(&[("2026-01-01", 0, 4), ("2026-02-01", 4, 0)]);
        let t = TrendView::new(&h, &one_standard());
        assert_eq!(
            t.line,
            format!("{},{} {},{}", fmt(LEFT), fmt(BOTTOM), fmt(RIGHT), fmt(TOP))
        );
        assert_eq!(t.standards[0].change, "4 more passing");
        assert_eq!(
            t.standards[0].words,
            "2026-01-01: 0 of 4 passing; 2026-02-01: 4 of 4 passing"
        );
    }
}

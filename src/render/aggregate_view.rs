//! What the roll-up template needs beyond the [`crate::assess::aggregate::Aggregate`] itself: the geometry of its
//! charts (organisations per overall status as one stacked bar; per standard, the share of organisations with
//! no failing check) and the heat map of organisations by standards, one row per organisation so the page
//! keeps its width however many organisations there are.

use crate::assess::aggregate::Aggregate;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct StatusSegment {
    pub status: String,
    pub count: usize,
    /// CSS class of its colour (`status-met`, `status-approaching`, `status-not-met`, `status-other`).
    pub class: &'static str,
    /// Left edge and width in percent, rounded to 0.1.
    pub x: String,
    pub width: String,
}

#[derive(Debug, Serialize)]
pub struct StandardBar {
    pub number: Option<u64>,
    pub title: String,
    pub clear: usize,
    /// Width of the clear share in percent, rounded to 0.1.
    pub width: String,
    pub percent: String,
}

#[derive(Debug, Serialize)]
pub struct HeatCell {
    pub failing: usize,
    /// 0, 1, 2 or 3 (three or more failing checks): the cell's colour.
    pub level: usize,
}

#[derive(Debug, Serialize)]
pub struct HeatRow<'a> {
    pub name: &'a str,
    pub ods_code: &'a str,
    pub status: &'a str,
    pub cells: Vec<HeatCell>,
}

#[derive(Debug, Serialize)]
pub struct AggregateView<'a> {
    pub statuses: Vec<StatusSegment>,
    pub standards: Vec<StandardBar>,
    pub heat: Vec<HeatRow<'a>>,
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        ((part as f64) * 1000.0 / (whole as f64)).round() / 10.0
    }
}

fn status_class(status: &str) -> &'static str {
    match status {
        "Standards Met" | "Standards Exceeded" => "status-met",
        "Approaching Standards" => "status-approaching",
        "Standards Not Met" => "status-not-met",
        _ => "status-other",
    }
}

/// Worst first, so the bar reads from the problems: not met, approaching, met, then anything else by name.
fn status_rank(status: &str) -> usize {
    match status {
        "Standards Not Met" => 0,
        "Approaching Standards" => 1,
        "Standards Met" => 2,
        "Standards Exceeded" => 3,
        _ => 4,
    }
}

/// The heat map's colour for a number of failing checks: 0, 1, 2, or 3 for three or more.
fn heat_level(failing: usize) -> usize {
    failing.min(3)
}

impl<'a> AggregateView<'a> {
    pub fn new(agg: &'a Aggregate) -> AggregateView<'a> {
        let total = agg.organisations.len();
        let mut statuses: Vec<(&String, &usize)> = agg.statuses.iter().collect();
        statuses.sort_by(|a, b| (status_rank(a.0), a.0).cmp(&(status_rank(b.0), b.0)));
        let mut x = 0.0;
        let statuses = statuses
            .into_iter()
            .map(|(status, count)| {
                let width = percent(*count, total);
                let seg = StatusSegment {
                    status: status.clone(),
                    count: *count,
                    class: status_class(status),
                    x: format!("{x:.1}"),
                    width: format!("{width:.1}"),
                };
                x += width;
                seg
            })
            .collect();
        let standards = agg
            .standards
            .iter()
            .map(|s| StandardBar {
                number: s.number,
                title: s.title.clone(),
                clear: s.organisations_clear,
                width: format!("{:.1}", percent(s.organisations_clear, total)),
                percent: format!("{:.0}", percent(s.organisations_clear, total)),
            })
            .collect();
        let heat = agg
            .organisations
            .iter()
            .enumerate()
            .map(|(i, o)| HeatRow {
                name: &o.name,
                ods_code: &o.ods_code,
                status: &o.status,
                cells: agg
                    .standards
                    .iter()
                    .map(|s| {
                        let failing = s.failing.get(i).copied().unwrap_or(0);
                        HeatCell {
                            failing,
                            level: heat_level(failing),
                        }
                    })
                    .collect(),
            })
            .collect();
        AggregateView {
            statuses,
            standards,
            heat,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_status_comes_first_and_three_or_more_failing_is_the_top_level() {
        let mut ranked = vec!["Standards Met", "Other", "Standards Not Met", "Approaching Standards"];
        ranked.sort_by_key(|s| status_rank(s));
        assert_eq!(
            ranked,
            ["Standards Not Met", "Approaching Standards", "Standards Met", "Other"]
        );
        let levels: Vec<usize> = [0, 1, 2, 3, 7].into_iter().map(heat_level).collect();
        assert_eq!(levels, [0, 1, 2, 3, 3]);
        assert_eq!(status_class("Standards Exceeded"), "status-met");
        assert_eq!(status_class("Not stated"), "status-other");
    }
}

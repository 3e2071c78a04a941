//! Markdown summary for a GitHub step summary or a pull-request comment: the assessment condensed, every
//! evidence value escaped so it cannot inject Markdown or HTML, and the whole bounded in size with a note
//! when it is cut.

use crate::assess::waivers::WaiverStatus;
use crate::assess::{Assessment, CheckResult, Outcome, State};
use std::fmt::Write;

/// Largest output, in characters: under GitHub's 65,536-character limit for a comment.
pub const MAX_CHARS: usize = 60_000;
/// Findings listed per failing check.
pub const FINDINGS_PER_CHECK: usize = 10;
/// Pending records listed (soonest due first) before the rest are counted.
pub const PENDING_LISTED: usize = 20;

pub fn render(a: &Assessment) -> String {
    render_bounded(a, MAX_CHARS)
}

/// The summary with the direction of travel from earlier results (`assure report --history DIR`).
pub fn render_with_history(a: &Assessment, history: Option<&crate::assess::history::History>) -> String {
    render_bounded_with(a, history, MAX_CHARS)
}

/// Renders at most `max_chars` characters (plus the closing note when cut).
pub fn render_bounded(a: &Assessment, max_chars: usize) -> String {
    render_bounded_with(a, None, max_chars)
}

fn render_bounded_with(a: &Assessment, history: Option<&crate::assess::history::History>, max_chars: usize) -> String {
    let mut out = String::new();
    let s = &a.summary;
    let _ = writeln!(
        out,
        "## assure: {} ({})\n",
        text(&a.organisation.name),
        text(&a.organisation.ods_code)
    );
    let _ = writeln!(
        out,
        "Assessed as of **{}** against {} {} (pack SHA-256 `{}`).\n",
        a.as_of,
        text(&a.pack.name),
        text(&a.pack.version),
        &a.pack.sha256.get(..12).unwrap_or("")
    );
    let _ = writeln!(
        out,
        "| checks | pass | fail | error | not applicable | waived | manual | findings |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
        s.checks, s.pass, s.fail, s.error, s.not_applicable, s.waived, s.manual, s.findings
    );

    let _ = writeln!(
        out,
        "**Overall status: {}.** {}\n",
        text(&a.status.status),
        text(&a.status.rule)
    );
    if let Some(why) = &a.organisation.critical {
        let _ = writeln!(out, "**Critical site:** {} (critical findings first).\n", text(why));
    }
    if let Some(d) = &a.dspt {
        let _ = writeln!(out, "{}\n", text(&super::human::dspt_line(d)));
    }
    let view = super::view::ReportView::new(a, 0);
    let _ = writeln!(out, "| standard | pass | fail | error | waived | not applicable |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
    for sv in &view.standards {
        let c = &sv.counts;
        let _ = writeln!(
            out,
            "| {}. {} | {} | {} | {} | {} | {} |",
            sv.info.number.unwrap_or_default(),
            text(&sv.info.title),
            c.pass,
            c.fail,
            c.error,
            c.waived,
            c.not_applicable
        );
    }
    out.push('\n');
    let trend = history.map(|h| super::trend::TrendView::new(h, &a.standards));
    if let Some(t) = &trend {
        out.push_str(&super::markdown_trend::overview(t));
    }
    for fw in &a.frameworks {
        let count = |o: Outcome| fw.requirements.iter().filter(|r| r.outcome == o).count();
        let (yes, part, no) = if fw.id == "caf" {
            ("achieved", "partially achieved", "not achieved")
        } else {
            ("met", "partially met", "not met")
        };
        let _ = writeln!(
            out,
            "- **{}**: {} {yes}, {} {part}, {} {no}, {} not assessed, {} need manual evidence",
            text(&fw.title),
            count(Outcome::Achieved),
            count(Outcome::PartiallyAchieved),
            count(Outcome::NotAchieved),
            count(Outcome::NotAssessed),
            count(Outcome::Manual)
        );
    }
    if !a.frameworks.is_empty() {
        out.push('\n');
    }

    let mut attention: Vec<&CheckResult> = a
        .results
        .iter()
        .filter(|r| matches!(r.state, State::Fail | State::Error))
        .collect();
    attention.sort_by(|x, y| y.severity.cmp(&x.severity).then_with(|| x.id.cmp(&y.id)));
    // Everything after the header goes through `fits`, which stops at the size bound.
    let mut cut = false;
    let mut fits = |out: &mut String, block: &str| {
        if cut || out.chars().count() + block.chars().count() > max_chars {
            cut = true;
            return false;
        }
        out.push_str(block);
        true
    };
    if let Some(changes) = trend.as_ref().and_then(|t| t.changes) {
        fits(&mut out, &super::markdown_trend::changes(changes));
    }
    if attention.is_empty() {
        fits(&mut out, "No check failed.\n\n");
    } else {
        fits(&mut out, "| severity | check | result | summary |\n|---|---|---|---|\n");
        for r in &attention {
            let row = format!(
                "| {} | **{}** {} | {} | {} |\n",
                r.severity.as_str(),
                r.id,
                text(&r.title),
                state(r.state),
                text(&r.summary)
            );
            fits(&mut out, &row);
        }
        fits(&mut out, "\n");
    }

    for r in &attention {
        let mut block = String::new();
        let _ = writeln!(
            block,
            "<details><summary>{} · {} finding(s)</summary>\n",
            r.id,
            r.findings.len()
        );
        if let Some(e) = &r.error {
            let _ = writeln!(block, "Could not be assessed: {}\n", text(e));
        }
        for f in r.findings.iter().take(FINDINGS_PER_CHECK) {
            let waived = f
                .waived_by
                .as_ref()
                .map_or(String::new(), |w| format!(" _(waived: {})_", text(w)));
            let _ = writeln!(
                block,
                "- `{}:{}` {} — {}{waived}",
                code(&f.file),
                f.line,
                text(&f.key),
                text(&f.message)
            );
        }
        if r.findings.len() > FINDINGS_PER_CHECK {
            let _ = writeln!(block, "- … and {} more", r.findings.len() - FINDINGS_PER_CHECK);
        }
        for rv in &r.reviews {
            let _ = writeln!(
                block,
                "\n**{:?}** by {} on {}: {} (`{}`)",
                rv.verdict,
                text(&rv.assessor),
                text(&rv.date),
                text(&rv.comment),
                code(&rv.location)
            );
        }
        if let Some(rem) = &r.remediation {
            let _ = writeln!(block, "\n**Fix:** {}", text(rem));
        }
        let _ = writeln!(block, "\n</details>\n");
        if !fits(&mut out, &block) {
            break;
        }
    }
    // Clocks still running, across checks and soonest due first: not failures yet, the next ones if nothing is done.
    let mut pending: Vec<(&CheckResult, &crate::assess::Pending)> = a
        .results
        .iter()
        .flat_map(|r| r.pending.iter().map(move |p| (r, p)))
        .collect();
    if !pending.is_empty() {
        pending.sort_by(|(r1, p1), (r2, p2)| (&p1.due, &r1.id).cmp(&(&p2.due, &r2.id)));
        let mut block = format!(
            "**Pending: {} record(s) with a deadline still to come**\n\n| due | check | record | where |\n|---|---|---|---|\n",
            pending.len()
        );
        for (r, p) in pending.iter().take(PENDING_LISTED) {
            let _ = writeln!(
                block,
                "| {} | {} | {} | `{}:{}` |",
                text(&p.due),
                r.id,
                text(&p.key),
                code(&p.file),
                p.line
            );
        }
        if pending.len() > PENDING_LISTED {
            let _ = writeln!(block, "\n… and {} more", pending.len() - PENDING_LISTED);
        }
        block.push('\n');
        fits(&mut out, &block);
    }
    let stale: Vec<String> = a
        .waivers
        .iter()
        .filter(|w| w.status != WaiverStatus::Applied)
        .map(|w| format!("- `{}` for {}: {:?}", code(&w.location), text(&w.check), w.status).to_lowercase())
        .collect();
    if !stale.is_empty() {
        fits(
            &mut out,
            &format!("**Waivers needing attention**\n\n{}\n\n", stale.join("\n")),
        );
    }
    if cut {
        let _ = writeln!(
            out,
            "_This summary was cut to stay within {max_chars} characters: see the JSON or HTML report for every finding._"
        );
    }
    out
}

fn state(s: State) -> &'static str {
    match s {
        State::Fail => "fail",
        State::Error => "error",
        State::Pass => "pass",
        State::NotApplicable => "not applicable",
        State::Waived => "waived",
        State::Manual => "manual evidence",
    }
}

/// Evidence text for Markdown: one line (so nothing can start a heading, list or quote), control characters
/// dropped, HTML escaped, and the inline Markdown punctuation backslash-escaped, so `[x](y)`, `*bold*`, `|` and
/// backticks stay literal text.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text inside a code span: backticks cannot close it, control characters dropped.
fn code(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '`' { '\'' } else { c })
        .collect()
}

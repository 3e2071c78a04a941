//! `assure diff` as Markdown: the pack's changes, then each organisation's changed results.

use crate::assess::State;
use crate::assess::impact::DiffReport;
use crate::render::markdown::text;
use std::fmt::Write as _;

fn state(s: Option<State>) -> &'static str {
    s.map_or("—", State::as_str)
}

fn compact(v: Option<&serde_json::Value>) -> String {
    v.map_or_else(|| "(none)".to_string(), |v| text(&v.to_string()))
}

pub fn render(r: &DiffReport) -> String {
    let p = &r.pack;
    let mut out = String::new();
    let _ = writeln!(out, "## Standards pack changes: {} → {}\n", text(&p.old), text(&p.new));
    let _ = writeln!(
        out,
        "{} check(s) added, {} removed, {} changed ({} in meaning).\n",
        p.added.len(),
        p.removed.len(),
        p.changed.len(),
        p.changed.iter().filter(|c| c.changes_meaning()).count()
    );
    if !p.added.is_empty() {
        let _ = writeln!(out, "### Added\n");
        for id in &p.added {
            let _ = writeln!(out, "- {}", text(id));
        }
        out.push('\n');
    }
    if !p.removed.is_empty() {
        let _ = writeln!(out, "### Removed\n");
        for rm in &p.removed {
            let fate = match (&rm.replaced_by, rm.migrated) {
                (Some(to), _) => format!("replaced by {}", text(to)),
                (None, true) => "retired".to_string(),
                (None, false) => "**no migration given**".to_string(),
            };
            let note = rm.note.as_deref().map_or(String::new(), |n| format!(": {}", text(n)));
            let _ = writeln!(out, "- {}: {fate}{note}", text(&rm.id));
        }
        out.push('\n');
    }
    if !p.changed.is_empty() {
        let _ = writeln!(out, "### Changed\n");
        let _ = writeln!(out, "| check | version | field | before | after | meaning |");
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for c in &p.changed {
            let version = if c.unversioned() {
                format!("{} (**not bumped**)", c.new_version)
            } else if c.new_version != c.old_version {
                format!("{} → {}", c.old_version, c.new_version)
            } else {
                c.new_version.to_string()
            };
            for f in &c.changes {
                let _ = writeln!(
                    out,
                    "| {} | {version} | `{}` | {} | {} | {} |",
                    text(&c.id),
                    f.path.replace('`', "'"),
                    compact(f.old.as_ref()),
                    compact(f.new.as_ref()),
                    if f.meaning { "yes" } else { "wording" }
                );
            }
        }
        out.push('\n');
    }
    if !r.impact.is_empty() {
        let _ = writeln!(out, "### Impact\n");
        for i in &r.impact {
            let _ = writeln!(
                out,
                "**{} ({})**: {} → {}\n",
                text(&i.organisation),
                text(&i.ods_code),
                text(&i.old_status),
                text(&i.new_status)
            );
            if i.changes.is_empty() {
                let _ = writeln!(out, "No result changes.\n");
                continue;
            }
            let _ = writeln!(out, "| check | before | after | findings |");
            let _ = writeln!(out, "|---|---|---|---|");
            for c in &i.changes {
                let id = match &c.old_id {
                    Some(old) => format!("{} (was {})", text(&c.check), text(old)),
                    None => text(&c.check),
                };
                let _ = writeln!(
                    out,
                    "| {id} | {} | {} | {} → {} |",
                    state(c.old_state),
                    state(c.new_state),
                    c.old_findings,
                    c.new_findings
                );
            }
            out.push('\n');
        }
    }
    out
}

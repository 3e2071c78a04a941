//! `docs/standards.md`, generated from the pack: standards with their statements, and every check with its
//! severity and mappings. `assure list --format markdown` prints it; a test fails when the file is stale.

use super::Pack;
use std::fmt::Write;

pub fn render(pack: &Pack) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} ({})\n", pack.meta.title, pack.meta.version);
    let _ = writeln!(
        out,
        "Generated from `standards/` by `assure list --format markdown`; do not edit by hand.\n"
    );
    if let Some(d) = &pack.meta.description {
        let _ = writeln!(out, "{}\n", d.trim());
    }
    let _ = writeln!(out, "| standard | title | obligation | checks |");
    let _ = writeln!(out, "|---|---|---|---:|");
    for s in &pack.standards {
        let n = pack.checks.iter().filter(|c| c.standard == s.spec.id).count();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {n} |",
            s.spec.id,
            cell(&s.spec.title),
            s.spec.obligation.as_deref().unwrap_or("")
        );
    }
    for s in &pack.standards {
        let _ = writeln!(out, "\n## {} {}\n", s.spec.id, s.spec.title);
        let _ = writeln!(out, "> {}\n", s.spec.statement.trim());
        if let Some(a) = &s.spec.attribution {
            let _ = writeln!(out, "_{}_\n", a.trim());
        }
        let _ = writeln!(
            out,
            "| check | severity | title | dataset | DSPT | CAF | Cyber Essentials | tests |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---:|");
        for c in pack.checks.iter().filter(|c| c.standard == s.spec.id) {
            let maps = |f: &str| c.spec.maps.get(f).map_or(String::new(), |ids| ids.join(", "));
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                c.spec.id,
                c.spec.severity.as_str(),
                cell(&crate::pack::titles::with_defaults(&c.spec)),
                c.spec.dataset,
                maps("dspt"),
                maps("caf"),
                maps("cyber_essentials"),
                c.spec.tests.len()
            );
        }
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

//! The lint rule against a pack's previous release (`assure lint --previous DIR`): a check whose meaning changed
//! without a version bump (`assure::unversioned-change`), and a check removed without a migration
//! (`assure::removed-check`).

use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::pack::Pack;

/// Warnings from comparing the pack with its previous release.
pub fn warnings(old: &Pack, new: &Pack) -> Vec<Diagnostic> {
    let diff = crate::pack::versions::diff(old, new);
    let mut out = Vec::new();
    for change in diff.changed.iter().filter(|c| c.unversioned()) {
        let Some(def) = new.check(&change.id) else { continue };
        let what: Vec<String> = change
            .changes
            .iter()
            .filter(|c| c.meaning)
            .map(|c| c.path.clone())
            .collect();
        let pointer = if def.spec.version.is_some() {
            format!("{}/version", def.pointer)
        } else {
            format!("{}/id", def.pointer)
        };
        out.push(
            Diagnostic::warning(
                Code::UnversionedChange,
                format!(
                    "{} changed meaning since {} ({}) but its version is still {}",
                    change.id,
                    diff.old,
                    what.join(", "),
                    change.new_version
                ),
            )
            .at(&def.file, def.spans.value(&pointer), "bump this")
            .help(format!(
                "set `version: {}` and say what changed in pack.yaml's changelog",
                change.old_version + 1
            )),
        );
    }
    for removed in diff.removed.iter().filter(|r| !r.migrated) {
        out.push(
            Diagnostic::warning(
                Code::RemovedCheck,
                format!("check {} of {} is gone without a migration", removed.id, diff.old),
            )
            .in_path("pack.yaml")
            .help(format!(
                "add `{{ from: {}, to: NEW-ID, since: {} }}` (or no `to:` if it was retired) under `migrations:`",
                removed.id, new.meta.version
            )),
        );
    }
    out
}

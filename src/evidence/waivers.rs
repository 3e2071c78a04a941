//! Loading `waivers.yaml` ([`crate::spec::waivers`]): each waiver checked against its schema and its expiry
//! read as a date; an invalid waiver is left out with a diagnostic. Applying them is the assessment's job.

use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::spec::schema::Kind;
use crate::spec::waivers::{WAIVERS, WaiverSpec};

/// A loaded waiver and where it was written.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub spec: WaiverSpec,
    pub expires: jiff::civil::Date,
    /// `waivers.yaml:LINE`.
    pub location: String,
}

/// Loads `waivers.yaml` if present. Invalid waivers are left out, each with a diagnostic.
pub fn load(jail: &crate::core::repo_file::Jail, limit: u64) -> (Vec<Waiver>, Vec<Diagnostic>) {
    let (list, mut diags) = crate::evidence::repo_yaml::load::<WaiverSpec>(
        jail,
        limit,
        WAIVERS,
        "waivers",
        Kind::Waivers,
        Code::Waiver,
        "every waiver needs check, reason, approver and expires (YYYY-MM-DD)",
    );
    let mut waivers = Vec::new();
    for entry in list.entries {
        match entry.spec.expires.parse::<jiff::civil::Date>() {
            Ok(expires) => waivers.push(Waiver {
                spec: entry.spec,
                expires,
                location: format!("{WAIVERS}:{}", entry.line),
            }),
            Err(_) => {
                let mut d = Diagnostic::error(
                    Code::Waiver,
                    format!("waiver rejected: `{}` is not a date", entry.spec.expires),
                );
                if let Some((file, spans)) = &list.file {
                    d = d.at(file, spans.value(&format!("{}/expires", entry.pointer)), "here");
                }
                diags.push(d);
            }
        }
    }
    (waivers, diags)
}

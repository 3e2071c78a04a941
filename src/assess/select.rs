//! Which checks run: `--check` / `--skip-check` (ids and globs), `--severity` and `--framework`, resolved
//! against the pack before anything runs. A pattern that matches no check, or a framework or requirement the
//! pack does not have, is a usage error with a did-you-mean. Checks left out are not run, so they appear
//! nowhere in the outputs; the JSON records the selection.

use crate::assess::Selection;
use crate::core::suggest::did_you_mean;
use crate::core::vocab::Severity;
use crate::pack::Pack;

/// A selection as asked for; empty runs every check.
#[derive(Debug, Default, Clone)]
pub struct Selector {
    /// Ids or globs to run (`NDG9-*`); empty for all.
    pub checks: Vec<String>,
    /// Ids or globs to leave out.
    pub skip_checks: Vec<String>,
    /// Only checks of this severity or higher.
    pub severity: Option<Severity>,
    /// Only checks mapped to these frameworks (`caf`) or requirements (`caf:B4.d`).
    pub frameworks: Vec<String>,
}

/// A selection resolved against a pack: which check ids run.
#[derive(Debug)]
pub struct Resolved {
    /// Check ids selected, in pack order.
    pub ids: Vec<String>,
    /// What to record, or `None` when no option was given (every check runs).
    pub recorded: Option<Selection>,
}

impl Resolved {
    pub fn includes(&self, id: &str) -> bool {
        self.recorded.is_none() || self.ids.iter().any(|i| i == id)
    }
}

impl Selector {
    pub fn is_empty(&self) -> bool {
        self.checks.is_empty() && self.skip_checks.is_empty() && self.severity.is_none() && self.frameworks.is_empty()
    }

    /// Resolves the selection against `pack`; `Err` is the message of a usage error.
    pub fn resolve(&self, pack: &Pack) -> Result<Resolved, String> {
        let all: Vec<&str> = pack.checks.iter().map(|c| c.spec.id.as_str()).collect();
        if self.is_empty() {
            return Ok(Resolved {
                ids: all.iter().map(|s| s.to_string()).collect(),
                recorded: None,
            });
        }
        let only = patterns(&self.checks, "--check", &all)?;
        let skip = patterns(&self.skip_checks, "--skip-check", &all)?;
        let frameworks = self
            .frameworks
            .iter()
            .map(|f| framework(pack, f))
            .collect::<Result<Vec<_>, _>>()?;
        let threshold = self.severity;
        let (ids, left_out): (Vec<&crate::pack::checks::CheckDef>, Vec<_>) = pack.checks.iter().partition(|c| {
            let id = c.spec.id.as_str();
            (only.is_empty() || only.iter().any(|p| p.is_match(id)))
                && !skip.iter().any(|p| p.is_match(id))
                && threshold.is_none_or(|t| c.spec.severity >= t)
                && (frameworks.is_empty()
                    || frameworks.iter().any(|(f, req)| {
                        c.spec
                            .maps
                            .get(*f)
                            .is_some_and(|reqs| !reqs.is_empty() && req.is_none_or(|r| reqs.iter().any(|x| x == r)))
                    }))
        });
        if ids.is_empty() {
            return Err(format!("the selection ({}) leaves no check to run", self.describe()));
        }
        Ok(Resolved {
            ids: ids.iter().map(|c| c.spec.id.clone()).collect(),
            recorded: Some(Selection {
                checks: self.checks.clone(),
                skip_checks: self.skip_checks.clone(),
                severity: threshold,
                frameworks: self.frameworks.clone(),
                left_out: left_out.iter().map(|c| c.spec.id.clone()).collect(),
            }),
        })
    }

    /// The options, as a user would type them.
    fn describe(&self) -> String {
        let mut words: Vec<String> = Vec::new();
        words.extend(self.checks.iter().map(|c| format!("--check {c}")));
        words.extend(self.skip_checks.iter().map(|c| format!("--skip-check {c}")));
        if let Some(s) = self.severity {
            words.push(format!("--severity {}", s.as_str()));
        }
        words.extend(self.frameworks.iter().map(|f| format!("--framework {f}")));
        words.join(" ")
    }
}

/// Compiles id-or-glob patterns, each of which must match at least one check.
fn patterns(given: &[String], flag: &str, ids: &[&str]) -> Result<Vec<globset::GlobMatcher>, String> {
    given
        .iter()
        .map(|p| {
            let glob = globset::GlobBuilder::new(p)
                .case_insensitive(true)
                .literal_separator(false)
                .build()
                .map_err(|e| format!("{flag} {p}: not an id or a glob: {}", e.kind()))?
                .compile_matcher();
            if ids.iter().any(|id| glob.is_match(id)) {
                return Ok(glob);
            }
            let hint = did_you_mean(&p.to_ascii_uppercase(), ids.iter().copied()).map_or_else(
                || "run `assure list` to see the check ids".to_string(),
                |m| format!("did you mean `{m}`?"),
            );
            Err(format!("{flag} {p} matches no check in the pack; {hint}"))
        })
        .collect()
}

/// A `--framework ID[:REQ]` checked against the pack's catalogues.
fn framework<'a>(pack: &Pack, given: &'a str) -> Result<(&'a str, Option<&'a str>), String> {
    let (id, req) = given.split_once(':').map_or((given, None), |(f, r)| (f, Some(r)));
    let Some(catalogue) = pack.frameworks.get(id) else {
        let hint = did_you_mean(id, pack.frameworks.keys().map(String::as_str))
            .map_or_else(String::new, |m| format!("did you mean `{m}`? "));
        return Err(format!(
            "--framework {given}: no framework `{id}`; {hint}the pack has: {}",
            pack.frameworks.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    };
    if let Some(r) = req
        && !catalogue.requirements.iter().any(|(x, _)| x == r)
    {
        let hint = did_you_mean(r, catalogue.requirements.iter().map(|(x, _)| x.as_str())).map_or_else(
            || format!("run `assure list --framework {id}`"),
            |m| format!("did you mean `{m}`?"),
        );
        return Err(format!(
            "--framework {given}: `{r}` is not a requirement of {id}; {hint}"
        ));
    }
    Ok((id, req))
}

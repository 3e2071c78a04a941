//! The HTML assurance report: one self-contained file rendered from `templates/report.html.j2` (or a user's
//! `--templates DIR`), with the stylesheet inlined and a Content-Security-Policy that allows that stylesheet
//! (by hash) and nothing else: no script, no fetch, no images from anywhere.
//!
//! Evidence reaches the template only as data. Auto-escaping is always on for HTML and control characters are
//! shown as `\u{..}` text, so an export value can never become markup or template code.

use super::view::ReportView;
use crate::assess::Assessment;
use crate::core::repo_file::{CONFIG_LIMIT, Jail, Refusal, read_cli_path};
use base64::Engine as _;
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Output, State};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

pub const TEMPLATE: &str = "report.html.j2";
pub const AGGREGATE_TEMPLATE: &str = "aggregate.html.j2";
const BUILTIN_AGGREGATE: &str = include_str!("../../templates/aggregate.html.j2");
pub const STYLESHEET: &str = "report.css";
const BUILTIN_TEMPLATE: &str = include_str!("../../templates/report.html.j2");
const BUILTIN_STYLESHEET: &str = include_str!("../../templates/report.css");

/// Where templates come from: the built-in ones, or a directory whose files replace them by name.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    pub dir: Option<PathBuf>,
    /// The config repo being reported on: a templates directory inside it is the repo's, so its files may not
    /// lead out of it (a template is printed into the report).
    pub repo: Option<PathBuf>,
}

impl Templates {
    /// The named template: from the directory when it holds one, else built in. A template that is there but
    /// refused (outside the repo, not a regular file, over 16 MiB) is an error, not a silent fallback.
    fn read(&self, name: &str, builtin: &'static str) -> Result<String, String> {
        let Some(dir) = &self.dir else {
            return Ok(builtin.to_string());
        };
        let path = dir.join(name);
        let shown = path.display().to_string();
        let jail = self.repo.as_deref().and_then(|r| Jail::new(r).ok());
        match read_cli_path(jail.as_ref(), &path, CONFIG_LIMIT) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| format!("{shown} is not UTF-8 text")),
            Err(Refusal::Missing) => Ok(builtin.to_string()),
            Err(r) => Err(format!("{}; {}", r.message(&shown), r.help())),
        }
    }
}

/// Shows control characters (other than newline and tab) and bidirectional overrides as visible escapes.
pub fn visible_controls(s: &str) -> std::borrow::Cow<'_, str> {
    crate::core::text::visible_lines(s)
}

/// Every `{{ value }}` goes through here: control characters made visible, then the auto-escape of the template.
fn formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), minijinja::Error> {
    if let Some(s) = value.as_str()
        && !value.is_safe()
    {
        let shown = visible_controls(s);
        return minijinja::escape_formatter(out, state, &Value::from(shown.as_ref()));
    }
    minijinja::escape_formatter(out, state, value)
}

/// An environment for report templates: HTML auto-escaping for `.html*` names, strict undefined values.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.contains(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    env.set_formatter(formatter);
    env
}

/// The Content-Security-Policy for a report whose only active content is `stylesheet`.
pub fn content_security_policy(stylesheet: &str) -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(stylesheet.as_bytes()));
    format!("default-src 'none'; style-src 'sha256-{hash}'; img-src data:; base-uri 'none'; form-action 'none'")
}

pub fn render(a: &Assessment, templates: &Templates, findings_limit: usize) -> Result<String, String> {
    render_with_history(a, None, templates, findings_limit)
}

/// The report with the direction of travel from earlier results (`assure report --history DIR`).
pub fn render_with_history(
    a: &Assessment,
    history: Option<&crate::assess::history::History>,
    templates: &Templates,
    findings_limit: usize,
) -> Result<String, String> {
    let view = ReportView::with_history(a, findings_limit, history);
    render_with(templates, TEMPLATE, BUILTIN_TEMPLATE, |ctx| {
        ctx.insert("report", Value::from(minijinja::value::Serde(&view)));
        ctx.insert("a", Value::from(minijinja::value::Serde(a)));
    })
}

/// The regional or national roll-up across organisations, in the same look.
pub fn render_aggregate(agg: &crate::assess::aggregate::Aggregate, templates: &Templates) -> Result<String, String> {
    render_with(templates, AGGREGATE_TEMPLATE, BUILTIN_AGGREGATE, |ctx| {
        ctx.insert("agg", Value::from(minijinja::value::Serde(agg)));
        let view = super::aggregate_view::AggregateView::new(agg);
        ctx.insert("view", Value::from(minijinja::value::Serde(&view)));
        ctx.insert("tool", Value::from(format!("assure {}", env!("CARGO_PKG_VERSION"))));
    })
}

fn render_with(
    templates: &Templates,
    name: &'static str,
    builtin: &'static str,
    fill: impl FnOnce(&mut std::collections::BTreeMap<&'static str, Value>),
) -> Result<String, String> {
    let template = templates.read(name, builtin)?;
    let css = templates.read(STYLESHEET, BUILTIN_STYLESHEET)?;
    let mut env = environment();
    env.add_template_owned(name, template)
        .map_err(|e| format!("template {name}: {e}"))?;
    let mut ctx = std::collections::BTreeMap::new();
    ctx.insert("csp", Value::from(content_security_policy(&css)));
    ctx.insert("css", Value::from_safe_string(css));
    fill(&mut ctx);
    env.get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| format!("template {name}: {e}"))
}

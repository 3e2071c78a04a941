//! Renderers: an [`crate::assess::Assessment`] in, text out. One output format per file; [`Output`] names them
//! all behind one [`Render`] signature, so a caller picks a format and writes it the same way for each.

pub mod aggregate_view;
pub mod csv_plan;
pub mod expectation;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod markdown_trend;
pub mod oscal;
pub mod pack_diff;
pub mod sarif;
pub mod trend;
pub mod view;

use crate::assess::Assessment;
use std::io::Write;

/// One output format, written from an assessment.
pub trait Render {
    fn render(&self, a: &Assessment, out: &mut dyn Write) -> std::io::Result<()>;

    /// The whole output as text (formats rendered to text are UTF-8).
    fn to_text(&self, a: &Assessment) -> std::io::Result<String> {
        let mut out = Vec::new();
        self.render(a, &mut out)?;
        String::from_utf8(out).map_err(std::io::Error::other)
    }
}

/// Every output format with its options. `base` is the repo's path as given, for the formats that name files
/// relative to the checkout (SARIF, GitHub annotations).
pub enum Output<'a> {
    Human {
        quiet: bool,
    },
    Json,
    Sarif {
        base: &'a str,
    },
    Junit,
    Github {
        base: &'a str,
    },
    CsvPlan,
    Oscal,
    Markdown,
    Html {
        templates: &'a html::Templates,
        findings_limit: usize,
    },
}

impl Render for Output<'_> {
    fn render(&self, a: &Assessment, out: &mut dyn Write) -> std::io::Result<()> {
        let text = match self {
            Output::Json => return json::write(a, out),
            Output::Human { quiet: true } => human::render_quiet(a),
            Output::Human { quiet: false } => human::render(a),
            Output::Sarif { base } => sarif::render(a, base),
            Output::Junit => junit::render(a),
            Output::Github { base } => github::render(a, base),
            Output::CsvPlan => csv_plan::render(a),
            Output::Oscal => oscal::assessment_results(a),
            Output::Markdown => markdown::render(a),
            Output::Html {
                templates,
                findings_limit,
            } => html::render(a, templates, *findings_limit).map_err(std::io::Error::other)?,
        };
        out.write_all(text.as_bytes())
    }
}

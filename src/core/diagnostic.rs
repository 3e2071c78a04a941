//! Diagnostics: every problem with a standards file, manifest or export, with a stable code, the file, the
//! exact span and what to do about it.
//!
//! A [`Diagnostic`] is a `miette::Diagnostic`, so the CLI renders it with a labelled snippet; [`render`] gives
//! the same text without colour at a fixed width for snapshot tests, and [`Diagnostic::location`] the plain
//! `file:line:col` used in JSON output.

use crate::core::codes::Code;
use crate::core::snippet::{Confidential, Layout, Snippet, excerpt};
use crate::core::source::{SourceFile, Span};
use crate::core::text::{visible, visible_lines};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Stable code such as `assure::schema` or `assure::unknown-dataset`.
    pub code: Code,
    pub level: Level,
    pub message: String,
    pub help: Option<String>,
    pub file: Option<Arc<SourceFile>>,
    /// Path of the file when its text is not at hand (e.g. an unreadable export).
    pub path: Option<String>,
    pub span: Option<Span>,
    pub label: Option<String>,
    /// The excerpt shown, built from `file` and `span` ([`crate::core::snippet`]); none for evidence until
    /// [`Diagnostic::protect`] has said what to mask.
    snippet: Option<Snippet>,
    /// How the file is laid out, when it is an export.
    layout: Option<std::sync::Arc<Layout>>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            level: Level::Error,
            message: message.into(),
            help: None,
            file: None,
            path: None,
            span: None,
            label: None,
            snippet: None,
            layout: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Points at `span` in `file` with a label.
    pub fn at(mut self, file: &Arc<SourceFile>, span: Option<Span>, label: impl Into<String>) -> Self {
        self.snippet = match (&self.layout, span) {
            (None, Some(span)) => Some(excerpt(file, span, None)),
            _ => None,
        };
        self.file = Some(file.clone());
        self.path = Some(file.name.clone());
        self.span = span;
        self.label = Some(label.into());
        self
    }

    /// Marks the file as an export laid out as `layout`: its excerpt is withheld until [`Diagnostic::protect`].
    pub fn evidence(mut self, layout: std::sync::Arc<Layout>) -> Self {
        self.layout = Some(layout);
        self.snippet = None;
        self
    }

    /// The export layout, for a diagnostic about an export.
    pub fn layout(&self) -> Option<&Layout> {
        self.layout.as_deref()
    }

    /// Builds an export's excerpt with the fields `confidential` names masked.
    pub fn protect(&mut self, confidential: &Confidential) {
        if let (Some(file), Some(span), Some(layout)) = (&self.file, self.span, &self.layout) {
            self.snippet = Some(excerpt(file, span, Some((layout, confidential))));
        }
    }

    /// Names a file whose text is not available.
    pub fn in_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// `file:line:col`, `file`, or nothing.
    pub fn location(&self) -> Option<String> {
        let path = self.path.as_ref()?;
        match (&self.file, self.span) {
            (Some(file), Some(span)) => {
                let (line, col) = file.line_col(span.start);
                Some(format!("{path}:{line}:{col}"))
            }
            _ => Some(path.clone()),
        }
    }

    /// One line: `file:line:col: error[code]: message`.
    pub fn one_line(&self) -> String {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        match self.location() {
            Some(loc) => format!("{loc}: {level}[{}]: {}", self.code, self.message),
            None => format!("{level}[{}]: {}", self.code, self.message),
        }
    }
}

// What reaches a terminal has control characters escaped: messages quote file names and values from exports.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible_lines(&self.message))
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(visible_lines(h).into_owned()) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        // The snippet's own span: the excerpt is not the whole file.
        let span = self.snippet.as_ref()?.span;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            self.label.clone(),
            span,
        ))))
    }
}

/// Renders diagnostics as miette does on a terminal, optionally without colour at a fixed width.
pub fn render(diagnostics: &[Diagnostic], color: bool, width: usize) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let mut out = String::new();
    for d in diagnostics {
        let mut one = String::new();
        if handler.render_report(&mut one, d).is_err() {
            one = d.one_line();
        }
        // miette names the file in the snippet header; also lead with file:line:col so the location is greppable.
        if let Some(loc) = d.location() {
            out.push_str(&visible(&loc));
            out.push('\n');
        }
        out.push_str(&one);
        out.push('\n');
    }
    out
}

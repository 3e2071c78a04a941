//! Diagnostics: every problem with a standards file, manifest or export, with a stable code, the file, the
//! exact span and what to do about it.
//!
//! A [`Diagnostic`] is a `miette::Diagnostic`, so the CLI renders it with a labelled snippet; [`render`] gives
//! the same text without colour at a fixed width for snapshot tests, and [`Diagnostic::location`] the plain
//! `file:line:col` used in JSON output.

use crate::source::{SourceFile, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
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
    pub code: &'static str,
    pub level: Level,
    pub message: String,
    pub help: Option<String>,
    pub file: Option<Arc<SourceFile>>,
    /// Path of the file when its text is not at hand (e.g. an unreadable export).
    pub path: Option<String>,
    pub span: Option<Span>,
    pub label: Option<String>,
    source: Option<NamedSource<String>>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            level: Level::Error,
            message: message.into(),
            help: None,
            file: None,
            path: None,
            span: None,
            label: None,
            source: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
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
        self.source = Some(file.named_source());
        self.file = Some(file.clone());
        self.path = Some(file.name.clone());
        self.span = span;
        self.label = Some(label.into());
        self
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

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
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
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        self.source.as_ref()?;
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
            out.push_str(&loc);
            out.push('\n');
        }
        out.push_str(&one);
        out.push('\n');
    }
    out
}

//! The command line: argument definitions (clap) and one module per subcommand.
//!
//! Exit codes: 0 clean; 1 failing checks at or above `--fail-on`, or failing inline tests; 2 unusable input
//! (arguments, standards, manifest); 3 no failing checks but some could not be assessed (errors).

/// `println!` that ignores a closed stdout (e.g. piped into `head`) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `print!` without the newline, with the same tolerance.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod aggregate;
pub mod check;
mod collect;
mod completions;
mod diff;
mod explain;
mod init;
mod lint;
mod list;
mod outputs;
mod report;
mod schema;
mod select;
mod test;
mod verify;

use crate::core::diagnostic::Diagnostic;
use crate::pack::{Pack, embedded_files, load_dir};
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;

/// How a command ends: its exit status, as docs/ci.md gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing at or above `--fail-on` failed (or the command did what it was asked).
    Clean = 0,
    /// A check failed at or above `--fail-on`, or what was compared differs.
    Failing = 1,
    /// The inputs cannot be used: a bad manifest, pack, option or output path.
    Unusable = 2,
    /// Some checks could not be assessed (their datasets errored).
    Incomplete = 3,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "assure",
    version,
    about = "Data security standards as code for NHS organisations in England"
)]
#[command(
    after_help = "Exit codes: 0 clean · 1 failing checks (or failing tests) · 2 unusable input · 3 checks that could not be assessed"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Assess a config repo against the standards
    Check(check::Args),
    /// Write the assurance report (HTML and/or Markdown) of a config repo
    Report(report::Args),
    /// Roll up many organisations' JSON assessments into one regional or national view (JSON and HTML)
    Aggregate(aggregate::Args),
    /// Compare two versions of a standards pack, and their impact on config repos
    Diff(diff::Args),
    /// Draft assure.yaml by recognising known exports in a config repo
    Init(init::Args),
    /// Refresh Microsoft-sourced evidence (Intune, Entra, Defender) from the APIs, as the manifest's `collect:` says
    Collect(collect::Args),
    /// Validate a standards pack and report every problem
    Lint(lint::Args),
    /// Run the inline tests of a standards pack
    Test(test::Args),
    /// List checks with severity and framework mappings
    List(list::Args),
    /// Explain one check: what it asks, why, and how it is written
    Explain(explain::Args),
    /// Print the JSON Schema of a file kind (or write them all)
    Schema(schema::Args),
    /// Check that the evidence on disk is still what a JSON report assessed
    Verify(verify::Args),
    /// Print shell completions (bash, zsh, fish, powershell, elvish)
    Completions(completions::CompletionArgs),
    /// Print the man page (or write one per subcommand with --out DIR)
    Man(completions::ManArgs),
}

/// Options shared by commands that read a standards pack.
#[derive(Debug, Default, clap::Args)]
pub struct PackArgs {
    /// Standards pack directory (default: the pack built into assure)
    #[arg(long, value_name = "DIR")]
    pub standards: Option<PathBuf>,
}

impl PackArgs {
    /// Loads the pack; on any error prints the diagnostics and returns the exit code.
    pub fn load(&self) -> Result<Pack, Exit> {
        Self::load_from(self.files()?)
    }

    /// The pack's files, read from `--standards` or built in.
    pub fn files(&self) -> Result<Vec<(String, Vec<u8>)>, Exit> {
        match &self.standards {
            Some(dir) => load_dir(dir).map_err(|d| {
                eprint_diagnostics(&d);
                Exit::Unusable
            }),
            None => Ok(embedded_files()),
        }
    }

    /// [`PackArgs::load`] from files already read.
    pub fn load_from(files: Vec<(String, Vec<u8>)>) -> Result<Pack, Exit> {
        crate::assess::run::load_pack(files).map_err(check::stopped_code)
    }
}

/// The pack `lint` and `test` read: DIR when given; else `./standards` when it exists (a pack checkout, whose
/// own pack is the one being worked on); else the pack built into assure.
fn working_pack(given: Option<&PathBuf>) -> Option<PathBuf> {
    given.cloned().or_else(|| {
        let here = PathBuf::from("standards");
        here.is_dir().then_some(here)
    })
}

/// How `lint` and `test` name the pack they read, on their first line.
fn pack_line(dir: Option<&PathBuf>, pack: &Pack) -> String {
    let name = match pack.meta.name.as_str() {
        "" => "pack:".to_string(),
        name => format!("pack: {name} {}", pack.meta.version),
    };
    match dir {
        Some(d) => format!("{name} in {}/", d.display().to_string().trim_end_matches('/')),
        None => format!("{name}, built into assure (no ./standards here; pass DIR to check another)"),
    }
}

pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Check(a) => check::run(a),
        Command::Report(a) => report::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Aggregate(a) => aggregate::run(a),
        Command::Init(a) => init::run(a),
        Command::Collect(a) => collect::run(a),
        Command::Lint(a) => lint::run(a),
        Command::Test(a) => test::run(a),
        Command::List(a) => list::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Schema(a) => schema::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Completions(a) => completions::completions(a),
        Command::Man(a) => completions::man(a),
    }
}

/// Whether stderr should get colour (a terminal, and `NO_COLOR` unset).
fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Width for diagnostics: `COLUMNS` when set, else 100.
fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(100)
}

pub fn eprint_diagnostics(diags: &[Diagnostic]) {
    if !diags.is_empty() {
        eprint!("{}", crate::core::diagnostic::render(diags, stderr_color(), width()));
    }
}

/// Whether `text` holds a character that stripping removes: a C0 control other than ASCII whitespace (ESC
/// among them) or DEL.
fn has_controls(text: &str) -> bool {
    text.bytes()
        .any(|b| (b < 0x20 && !b.is_ascii_whitespace()) || b == 0x7f)
}

/// Writes output to `--output FILE` or stdout. Escape sequences (colour) and other control characters are
/// stripped from files, and from stdout unless it is a colour terminal. Text without any (machine formats
/// escape them) is written as it is: stripping walks a terminal parser over every byte.
fn emit(text: &str, output: Option<&PathBuf>) -> Result<(), Exit> {
    let plain = !has_controls(text);
    match output {
        Some(path) => {
            let text = if plain {
                std::borrow::Cow::Borrowed(text)
            } else {
                std::borrow::Cow::Owned(anstream::adapter::strip_str(text).to_string())
            };
            std::fs::write(path, text.as_bytes()).map_err(|e| {
                eprintln!("error: cannot write {}: {e}", path.display());
                Exit::Unusable
            })
        }
        None if plain => write_out(std::io::stdout().lock(), text),
        None => write_out(anstream::stdout(), text),
    }
}

/// Writes output that `write` produces piece by piece (a format that escapes control characters itself) to
/// `--output FILE` or stdout, without holding it all as text.
fn emit_with(
    output: Option<&PathBuf>,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), Exit> {
    use std::io::Write;
    match output {
        Some(path) => {
            let written = std::fs::File::create(path).and_then(|file| {
                let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
                write(&mut out)?;
                out.flush()
            });
            written.map_err(|e| {
                eprintln!("error: cannot write {}: {e}", path.display());
                Exit::Unusable
            })
        }
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let _ = write(&mut out).and_then(|()| out.flush());
            Ok(())
        }
    }
}

/// Writes to stdout, whose errors (a closed pipe) are not worth failing over.
fn write_out(mut out: impl std::io::Write, text: &str) -> Result<(), Exit> {
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::has_controls;

    #[test]
    fn text_is_written_as_is_exactly_when_stripping_would_not_change_it() {
        for text in [
            "{\"message\": \"plain \\u001b json\"}\n",
            "tabs\tand\r\nlines\x0c, é, €, Ā, 日本",
            "colour \x1b[31mred\x1b[0m",
            "bell \x07",
            "delete \x7f",
            "C1 \u{9b}31m",
            "NEL \u{85}",
        ] {
            let stripped = anstream::adapter::strip_str(text).to_string();
            assert_eq!(has_controls(text), stripped != text, "{text:?}");
        }
    }
}

//! The standards pack: policymakers' YAML loaded, validated, linted and compiled into runnable checks.
//!
//! - [`load`]: a pack's files into a [`Pack`], collecting every problem as a
//!   [`crate::core::diagnostic::Diagnostic`] with file, line and a labelled snippet;
//! - [`files`]: reading a pack directory through its jail, or the pack embedded in the binary; its fingerprint;
//! - [`checks`]: checks as written, read one by one from the standards files, and their pack-wide rules;
//! - [`frameworks`]: the framework catalogues;
//! - [`references`]: the pack's reference records, joined to a repo's evidence;
//! - [`rules`]: lint rules, one per file;
//! - [`compile`]: a check spec with parameters and an assessment date -> a runnable [`crate::engine::Check`];
//! - [`versions`]: comparing two versions of a pack (what changed, and whether versions were bumped);
//! - [`testing`]: the inline tests a check carries, run through the engine;
//! - [`titles`]: check titles with the parameters in force;
//! - [`docs`]: the pack's catalogue as Markdown (`docs/standards.md`).
pub mod checks;
pub mod compile;
pub mod docs;
pub mod files;
pub mod frameworks;
pub mod load;
pub mod references;
pub mod rules;
pub mod testing;
pub mod titles;
pub mod versions;

pub use files::{embedded_files, load_dir};
pub use load::{Pack, load_files, load_files_for_run};

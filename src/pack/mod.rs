//! The standards pack: policymakers' YAML loaded, validated, linted and compiled into runnable checks.
//!
//! - [`load`]: reading a directory (or the pack embedded in the binary) into a [`Pack`], collecting every
//!   problem as a [`crate::core::diagnostic::Diagnostic`] with file, line and a labelled snippet;
//! - [`references`]: the pack's reference records, joined to a repo's evidence;
//! - [`rules`]: lint rules, one per file;
//! - [`compile`]: a check spec with parameters and an assessment date -> a runnable [`crate::engine::Check`];
//! - [`versions`]: comparing two versions of a pack (what changed, and whether versions were bumped);
//! - [`testing`]: the inline tests a check carries, run through the engine;
//! - [`titles`]: check titles with the parameters in force;
//! - [`docs`]: the pack's catalogue as Markdown (`docs/standards.md`).
pub mod compile;
pub mod docs;
pub mod load;
pub mod references;
pub mod rules;
pub mod testing;
pub mod titles;
pub mod versions;

pub use load::{Pack, embedded_files, load_dir, load_files, load_files_for_run};

//! The standards pack: policymakers' YAML loaded, validated and ready to compile.
//!
//! - [`spec`]: the types as written (and the JSON Schemas generated from them, [`schema`]);
//! - [`load`]: reading a directory (or the pack embedded in the binary) into a [`Pack`], collecting every
//!   problem as a [`crate::diagnostic::Diagnostic`] with file, line and a labelled snippet;
//! - [`last_day`]: the lint rule for last-day dates compared as if over on their last day;
//! - [`secret_field`]: the lint rule for checks that name a secret field where it would be printed;
//! - [`versions`]: comparing two versions of a pack (what changed, and whether versions were bumped);
//! - [`test_data`]: the lint rule for inline test records, checked against their datasets' schemas;
//! - [`compile`]: a check spec with parameters and an assessment date -> a runnable [`crate::engine::Check`].

pub mod compile;
pub mod docs;
pub mod last_day;
pub mod load;
pub mod schema;
pub mod secret_field;
pub mod spec;
pub mod test_data;
pub mod versions;

pub use load::{Pack, embedded_files, load_dir, load_files, load_files_for_run};

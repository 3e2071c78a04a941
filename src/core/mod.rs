//! The ground floor: what every later room shares and nothing here imports from them.
//!
//! - [`source`]: source files, spans and lines; [`yaml`] and [`json`]: span-aware parsers into values plus a
//!   JSON-pointer -> span map;
//! - [`diagnostic`]: problems with file, line and a labelled [`snippet`]; [`codes`]: every diagnostic code;
//! - [`text`]: control characters escaped for terminals; [`redact`]: stable pseudonyms;
//! - [`repo_file`]: the one jailed reader of files inside the repo, with size limits;
//! - [`vocab`]: the words the standards, the engine and the renderers share (severity, value types...);
//! - [`path`]: field paths into records; [`hash`]: hex digests; [`suggest`]: "did you mean".
pub mod codes;
pub mod diagnostic;
pub mod hash;
pub mod json;
pub mod path;
pub mod redact;
pub mod repo_file;
pub mod snippet;
pub mod source;
pub mod suggest;
pub mod text;
pub mod vocab;
pub mod yaml;

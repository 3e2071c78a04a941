//! Renderers: an [`crate::assessment::Assessment`] in, text out. One output format per file.

pub mod human;
pub mod json;

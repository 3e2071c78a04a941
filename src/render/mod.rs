//! Renderers: an [`crate::assess::Assessment`] in, text out. One output format per file.

pub mod csv_plan;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod oscal;
pub mod pack_diff;
pub mod sarif;
pub mod view;

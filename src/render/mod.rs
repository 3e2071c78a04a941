//! Renderers: an [`crate::assessment::Assessment`] in, text out. One output format per file.

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
pub mod sarif;
pub mod text;
pub mod trend;
pub mod view;

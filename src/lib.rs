//! assure: data security standards as code for NHS organisations in England.
//!
//! One pipeline, one direction: a standards directory loads into a [`standards::Pack`] of checks; a config
//! repo loads into [`evidence::Evidence`]; [`engine::run`] evaluates the checks in parallel into the results of
//! an [`assessment::Assessment`], which the renderers in [`render`] turn into human or machine output.
#![forbid(unsafe_code)]
// Input-derived data never unwraps: every failure becomes a diagnostic or a check error.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
// Diagnostics are large but only travel on cold error paths.
#![allow(clippy::result_large_err)]

pub mod aggregate;
pub mod assessment;
pub mod baseline;
pub mod cli;
pub mod diagnostic;
pub mod engine;
pub mod evidence;
pub mod exceptions;
pub mod fuzzing;
pub mod init;
pub mod json;
pub mod redact;
pub mod redact_reviews;
pub mod render;
pub mod repo_file;
pub mod repo_yaml;
pub mod reviews;
pub mod snippet;
pub mod source;
pub mod standards;
pub mod testing;
pub mod waivers;
pub mod yaml;

//! The `assure` binary: parse arguments, run the subcommand, exit with its code.
#![forbid(unsafe_code)]

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = assure::cli::Cli::parse();
    std::process::ExitCode::from(assure::cli::run(cli))
}

//! `assure test`: run the inline tests of a standards pack.

use super::{Exit, PackArgs};
use crate::pack::testing::run_tests;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Standards pack directory (default: ./standards when it exists, else the pack built into assure)
    pub dir: Option<std::path::PathBuf>,
    /// Only the tests of these checks
    #[arg(long = "check", value_name = "ID")]
    pub checks: Vec<String>,
    /// Print every test, not only failures
    #[arg(long, short)]
    pub verbose: bool,
}

pub fn run(args: Args) -> Exit {
    let dir = super::working_pack(args.dir.as_ref());
    let pack = match (PackArgs { standards: dir.clone() }).load() {
        Ok(p) => p,
        Err(code) => return code,
    };
    say!("{}", super::pack_line(dir.as_ref(), &pack));
    for id in &args.checks {
        if pack.check(id).is_none() {
            eprintln!("error: no check `{id}` in the pack");
            return super::Exit::Unusable;
        }
    }
    let outcomes = run_tests(&pack, &args.checks);
    let failed = outcomes.iter().filter(|o| o.failure.is_some()).count();
    for o in &outcomes {
        match &o.failure {
            Some(why) => say!("FAIL {} · {} ({})\n     {why}", o.check, o.name, o.location),
            None if args.verbose => say!("ok   {} · {}", o.check, o.name),
            None => {}
        }
    }
    let untested: Vec<&str> = pack
        .checks
        .iter()
        .filter(|c| c.spec.tests.is_empty() && c.spec.manual.is_none())
        .map(|c| c.spec.id.as_str())
        .collect();
    if !untested.is_empty() && args.checks.is_empty() {
        say!("checks without inline tests: {}", untested.join(", "));
    }
    say!("{} passed, {} failed", outcomes.len() - failed, failed);
    if failed > 0 { Exit::Failing } else { Exit::Clean }
}

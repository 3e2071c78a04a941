//! `assure collect`: refresh the Microsoft-sourced evidence of a config repo (the library: `crate::collect`).

use super::{Exit, PackArgs, eprint_diagnostics};
use crate::collect::auth::{Credentials, Endpoints};
use crate::collect::http::{Client, Retry};
use crate::collect::{fetch, plan, write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Credentials: ASSURE_TENANT_ID, ASSURE_CLIENT_ID, ASSURE_CLIENT_SECRET (or the AZURE_* names). Base URLs: ASSURE_LOGIN_URL, ASSURE_GRAPH_URL, ASSURE_DEFENDER_URL. Exit codes: 0 every dataset written · 2 unusable input (manifest, credentials) · 3 some datasets could not be collected (their files are unchanged)"
)]
pub struct Args {
    /// The config repo
    #[arg(default_value = ".")]
    pub repo: PathBuf,
    /// Collect only this dataset (repeatable; default: every dataset with `collect:`)
    #[arg(long = "dataset", value_name = "NAME")]
    pub datasets: Vec<String>,
    /// Print what would be collected, from where and into which file, without signing in or fetching
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub pack: PackArgs,
}

pub fn run(args: Args) -> Exit {
    let pack = match args.pack.load() {
        Ok(p) => p,
        Err(code) => return code,
    };
    let plan = match plan(&args.repo, &pack.presets, &args.datasets) {
        Ok(p) => p,
        Err(diags) => {
            eprint_diagnostics(&diags);
            return Exit::Unusable;
        }
    };
    let get = |name: &str| std::env::var(name).ok();
    let endpoints = match Endpoints::from_env(&get) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Unusable;
        }
    };
    if args.dry_run {
        for job in &plan.jobs {
            let (method, path) = job.source.request_line();
            say!(
                "{}: {method} {}{path} -> {} (preset {}; permission {})",
                job.dataset,
                endpoints.base(job.source.api),
                job.file,
                job.source.id,
                job.source.permission
            );
        }
        return Exit::Clean;
    }
    let credentials = match Credentials::from_env(&get) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Unusable;
        }
    };
    let mut client = Client::new(credentials, endpoints, Retry::default(), plan.limits.evidence);
    let mut failed = 0;
    for job in &plan.jobs {
        let written = fetch(&mut client, job.source).and_then(|collected| {
            write::write_atomically(&plan.jail, &job.file, &collected.to_bytes()?)?;
            Ok(collected)
        });
        match written {
            Ok(c) => {
                let s = |n: usize| if n == 1 { "" } else { "s" };
                say!(
                    "{}: {} record{} from {} page{} -> {}",
                    job.dataset,
                    c.records.len(),
                    s(c.records.len()),
                    c.pages,
                    s(c.pages),
                    job.file
                );
                if !job.also_read.is_empty() {
                    eprintln!(
                        "warning: {}: `files` also matches {}, which `assure check` reads as well; remove what the collected file replaces",
                        job.dataset,
                        job.also_read.join(", ")
                    );
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!(
                    "error: {} ({}): {e}; {} was left as it was",
                    job.dataset, job.source.id, job.file
                );
            }
        }
    }
    if failed > 0 {
        eprintln!("error: {failed} of {} datasets could not be collected", plan.jobs.len());
        Exit::Incomplete
    } else {
        Exit::Clean
    }
}

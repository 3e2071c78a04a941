//! `assure init`: write a draft assure.yaml for a config repo.

use super::{Exit, PackArgs};
use crate::spec::manifest::MANIFEST;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The config repo
    #[arg(default_value = ".")]
    pub repo: PathBuf,
    #[command(flatten)]
    pub pack: PackArgs,
    /// Overwrite an existing assure.yaml
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> Exit {
    let pack = match args.pack.load() {
        Ok(p) => p,
        Err(code) => return code,
    };
    let target = args.repo.join(MANIFEST);
    if target.exists() && !args.force {
        eprintln!("error: {} exists; pass --force to replace it", target.display());
        return Exit::Unusable;
    }
    let found = match crate::init::recognise(&args.repo, &pack) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Unusable;
        }
    };
    let text = crate::init::draft(&pack, &found);
    if let Err(e) = std::fs::write(&target, &text) {
        eprintln!("error: cannot write {}: {e}", target.display());
        return Exit::Unusable;
    }
    // The schema the draft's first line names, so an editor completes and validates it as it is filled in.
    let schema = args.repo.join(crate::init::MANIFEST_SCHEMA);
    let written = schema
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&schema, crate::spec::schema::Kind::Manifest.schema_text()));
    if let Err(e) = written {
        eprintln!("error: cannot write {}: {e}", schema.display());
        return Exit::Unusable;
    }
    let recognised = found.iter().filter(|f| f.preset.is_some()).count();
    say!(
        "wrote {}: {recognised} of {} files recognised; replace the TODOs, then run `assure check`",
        target.display(),
        found.len()
    );
    say!(
        "wrote {}: its JSON Schema, for editors (named on the draft's first line)",
        schema.display()
    );
    for f in &found {
        match &f.preset {
            Some(p) => say!(
                "  {}  ->  {p}: matched by {}",
                f.file,
                f.reason.as_deref().unwrap_or_default()
            ),
            None => say!("  {}  (not recognised)", f.file),
        }
    }
    Exit::Clean
}

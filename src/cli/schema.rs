//! `assure schema`: print the JSON Schema of a file kind, or write them all (as checked in under standards/schema).

use super::{EXIT_CLEAN, EXIT_UNUSABLE};
use crate::standards::schema::Kind;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which schema to print
    #[arg(value_enum, default_value = "standard")]
    pub kind: Kind,
    /// Write every schema into DIR instead of printing one
    #[arg(long, value_name = "DIR")]
    pub write: Option<PathBuf>,
}

pub fn run(args: Args) -> u8 {
    if let Some(dir) = &args.write {
        for kind in Kind::ALL {
            let path = dir.join(kind.file_name());
            if let Err(e) = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(&path, kind.schema_text())) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return EXIT_UNUSABLE;
            }
            say!("wrote {}", path.display());
        }
        return EXIT_CLEAN;
    }
    let kind = args.kind;
    say_raw!("{}", kind.schema_text());
    EXIT_CLEAN
}

//! `assure completions SHELL` and `assure man`: generated from the clap definitions, so they never drift.

use super::{Cli, Exit};
use clap::CommandFactory;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct CompletionArgs {
    /// The shell to generate completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write assure.1 and one page per subcommand (assure-check.1, ...) into DIR instead of printing assure.1
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn completions(args: CompletionArgs) -> Exit {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "assure", &mut out);
    say_raw!("{}", String::from_utf8_lossy(&out));
    Exit::Clean
}

pub fn man(args: ManArgs) -> Exit {
    let cmd = Cli::command();
    let Some(dir) = args.out else {
        let mut out = Vec::new();
        if let Err(e) = clap_mangen::Man::new(cmd).render(&mut out) {
            eprintln!("error: cannot render the man page: {e}");
            return Exit::Unusable;
        }
        say_raw!("{}", String::from_utf8_lossy(&out));
        return Exit::Clean;
    };
    let mut pages = vec![("assure.1".to_string(), cmd.clone())];
    for sub in cmd.get_subcommands() {
        let name = format!("assure-{}", sub.get_name());
        pages.push((format!("{name}.1"), sub.clone().name(name)));
    }
    for (file, page) in pages {
        let mut out = Vec::new();
        let path = dir.join(&file);
        let written = clap_mangen::Man::new(page)
            .render(&mut out)
            .and_then(|_| std::fs::create_dir_all(&dir))
            .and_then(|_| std::fs::write(&path, out));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return Exit::Unusable;
        }
        say!("wrote {}", path.display());
    }
    Exit::Clean
}

//! The layout runs one way: each room of `src/` imports only itself and the rooms before it in [`ROOMS`]
//! (`docs/architecture.md` draws the order). An import that runs back up it, or a new top-level module
//! not placed in the order, fails here with the file and line.

use std::collections::BTreeSet;
use std::path::Path;

/// The rooms in dependency order: a room may use the rooms before it, never those after.
const ROOMS: &[&str] = &[
    "core", "spec", "evidence", "engine", "pack", "init", "collect", "assess", "render", "cli", "fuzzing",
];

/// Files at the top of `src/` that are not rooms: the crate root and the binary.
const ROOTS: &[&str] = &["lib", "main"];

fn rank(room: &str) -> Option<usize> {
    ROOMS.iter().position(|r| *r == room)
}

/// The rooms a line of code names through `crate::room` (also inside `crate::{a, b::c}` groups).
fn rooms_named(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or_default();
            for item in inner.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.push(name);
            }
        } else {
            found.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
        }
    }
    found.retain(|n| !n.is_empty());
    found
}

struct Import {
    file: String,
    line: usize,
    from: String,
    to: String,
}

fn imports() -> (Vec<Import>, BTreeSet<String>) {
    let mut all = Vec::new();
    let mut rooms = BTreeSet::new();
    for entry in walkdir::WalkDir::new("src") {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix("src").unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_str().unwrap();
        let room = Path::new(first).file_stem().unwrap().to_str().unwrap().to_string();
        rooms.insert(room.clone());
        let text = std::fs::read_to_string(path).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for to in rooms_named(code) {
                all.push(Import {
                    file: path.display().to_string(),
                    line: i + 1,
                    from: room.clone(),
                    to,
                });
            }
        }
    }
    (all, rooms)
}

#[test]
fn no_import_runs_back_up_the_layout() {
    let (imports, rooms) = imports();
    // The walk saw the code: every room imports something, and the pipeline's rooms import the floor.
    assert!(
        imports.len() > 200,
        "only {} imports found: is the walk reading src/?",
        imports.len()
    );
    for room in ["spec", "evidence", "engine", "pack", "assess", "render", "cli"] {
        assert!(
            imports.iter().any(|i| i.from == room && i.to == "core"),
            "{room} imports nothing from core"
        );
    }
    let unplaced: Vec<&String> = rooms
        .iter()
        .filter(|r| rank(r).is_none() && !ROOTS.contains(&r.as_str()))
        .collect();
    assert!(
        unplaced.is_empty(),
        "rooms not placed in ROOMS (tests/layout.rs): {unplaced:?}"
    );
    let backward: Vec<String> = imports
        .iter()
        .filter_map(|i| {
            let (from, to) = (rank(&i.from)?, rank(&i.to)?);
            (to > from).then(|| format!("{}:{}: {} imports {}", i.file, i.line, i.from, i.to))
        })
        .collect();
    assert!(
        backward.is_empty(),
        "imports that run back up the layout:\n{}",
        backward.join("\n")
    );
}

#[test]
fn the_import_scanner_sees_groups_and_paths() {
    assert_eq!(rooms_named("use crate::engine::check::Check;"), ["engine"]);
    assert_eq!(
        rooms_named("use crate::{assess::State, core::vocab::Severity};"),
        ["assess", "core"]
    );
    assert_eq!(
        rooms_named("let x = crate::pack::load::x(crate::spec::Y);"),
        ["pack", "spec"]
    );
    assert!(rooms_named("let y = 1;").is_empty());
}

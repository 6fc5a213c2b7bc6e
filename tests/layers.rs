//! The layer rule: each folder of `src/` imports only the layers below it.
//!
//! core -> normalize -> matching -> io -> commands. Every `crate::LAYER` path in a source file
//! (a `use` line, or a path written inline, in tests too) must name the file's own layer or
//! one below it. `lib.rs` and `main.rs` are glue and exempt.

use std::path::{Path, PathBuf};

const LAYERS: [&str; 5] = ["core", "normalize", "matching", "io", "commands"];

fn rank(layer: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == layer)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layers a source text refers to through `crate::NAME`, with line numbers.
fn crate_refs(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().last();
            rest = &rest[at + "crate::".len()..];
            // `dedupe_crate::x` or `my_crate::x` are other names, not this crate's root.
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push((i + 1, name));
        }
    }
    out
}

#[test]
fn crate_refs_are_found() {
    let refs = crate_refs(
        "use crate::io::load;\n  let x = crate::core::rng::Rng::new(1); // crate::commands\n",
    );
    assert_eq!(refs, vec![(1, "io".to_string()), (2, "core".to_string())]);
}

#[test]
fn no_layer_imports_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut checked = 0;
    let mut violations = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under src");
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("");
        let Some(own) = rank(top) else {
            assert!(
                matches!(top, "lib.rs" | "main.rs"),
                "{}: every module belongs in a layer folder ({LAYERS:?})",
                rel.display()
            );
            continue;
        };
        checked += 1;
        let text = std::fs::read_to_string(file).expect("readable");
        for (line, name) in crate_refs(&text) {
            match rank(&name) {
                Some(r) if r > own => violations.push(format!(
                    "{}:{line}: layer `{top}` imports `crate::{name}`, a layer above it",
                    rel.display()
                )),
                Some(_) => {}
                None => violations.push(format!(
                    "{}:{line}: `crate::{name}` is not a layer ({LAYERS:?})",
                    rel.display()
                )),
            }
        }
    }
    assert!(checked >= 20, "only {checked} files checked");
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

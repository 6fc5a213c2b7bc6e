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
    text.lines()
        .enumerate()
        .flat_map(|(i, line)| {
            line_paths(line)
                .into_iter()
                .map(move |p| (i + 1, p.into_iter().next().unwrap_or_default()))
        })
        .collect()
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

/// The module paths a source text names through `crate::` (a `use` line's braces
/// expanded one level: `crate::io::{files, output}` names both).
fn module_paths(text: &str) -> Vec<Vec<String>> {
    text.lines().flat_map(line_paths).collect()
}

/// The paths one line names through `crate::`, comments left out; `dedupe_crate::x` or
/// `my_crate::x` are other names, not this crate's root.
fn line_paths(line: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    let mut rest = line.split("//").next().unwrap_or("");
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let mut path = Vec::new();
        let mut tail = rest;
        loop {
            let name = ident(tail);
            if name.is_empty() {
                break;
            }
            tail = &tail[name.len()..];
            path.push(name);
            match tail.strip_prefix("::") {
                Some(t) => tail = t,
                None => break,
            }
        }
        match tail.strip_prefix('{') {
            Some(group) => {
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let mut p = path.clone();
                    p.extend(item.trim().split("::").map(ident).filter(|s| !s.is_empty()));
                    out.push(p);
                }
            }
            None => out.push(path),
        }
    }
    out
}

/// The source file a module path lives in: its longest prefix that is a file.
fn file_of(src: &Path, path: &[String]) -> Option<PathBuf> {
    (1..=path.len()).rev().find_map(|n| {
        let dir = path[..n].iter().fold(src.to_path_buf(), |d, p| d.join(p));
        [dir.with_extension("rs"), dir.join("mod.rs")]
            .into_iter()
            .find(|f| f.is_file())
    })
}

/// `code` of `file` with each `super::` written from the crate root (`crate::io::load::`
/// in `src/io/load/csv.rs`), so that siblings' imports of each other are edges too.
fn with_super_resolved(src: &Path, file: &Path, code: &str) -> String {
    let rel = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut module: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if module.last().is_some_and(|m| m == "mod") {
        module.pop();
    }
    module.pop();
    let parent: String = module.iter().map(|m| format!("{m}::")).collect();
    code.replace("super::", &format!("crate::{parent}"))
}

/// A cycle in `graph`, as the files along it.
fn find_cycle(graph: &std::collections::BTreeMap<PathBuf, Vec<PathBuf>>) -> Option<Vec<PathBuf>> {
    fn visit(
        node: &PathBuf,
        graph: &std::collections::BTreeMap<PathBuf, Vec<PathBuf>>,
        state: &mut std::collections::BTreeMap<PathBuf, u8>,
        stack: &mut Vec<PathBuf>,
    ) -> Option<Vec<PathBuf>> {
        state.insert(node.clone(), 1);
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(next, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.clone(), 2);
        None
    }
    let mut state = std::collections::BTreeMap::new();
    for node in graph.keys() {
        if state.get(node).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(node, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn module_paths_are_read_with_their_braces() {
    let paths = module_paths(
        "use crate::io::{files, output::Summary};\nlet x = crate::core::rng::Rng::new(1);\n",
    );
    let want: Vec<Vec<&str>> = vec![
        vec!["io", "files"],
        vec!["io", "output", "Summary"],
        vec!["core", "rng", "Rng", "new"],
    ];
    assert_eq!(
        paths,
        want.iter()
            .map(|p| p.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    );
    let src = Path::new("/p/src");
    assert_eq!(
        with_super_resolved(src, &src.join("io/load/csv.rs"), "use super::header::x;"),
        "use crate::io::load::header::x;"
    );
    assert_eq!(
        with_super_resolved(src, &src.join("io/load/mod.rs"), "use super::files;"),
        "use crate::io::files;"
    );
    let mut graph = std::collections::BTreeMap::new();
    let (a, b, c) = (PathBuf::from("a"), PathBuf::from("b"), PathBuf::from("c"));
    graph.insert(a.clone(), vec![b.clone()]);
    graph.insert(b.clone(), vec![c.clone()]);
    assert_eq!(find_cycle(&graph), None);
    graph.insert(c.clone(), vec![a.clone()]);
    assert_eq!(find_cycle(&graph), Some(vec![a.clone(), b, c, a]));
}

#[test]
fn no_import_cycle_between_files() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph = std::collections::BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        // A file's unit tests (its last `#[cfg(test)]` module) may use a sibling that
        // uses the file: that is no cycle of the program.
        let code = text.split("\n#[cfg(test)]").next().unwrap_or("");
        let code = with_super_resolved(&src, file, code);
        let mut to: Vec<PathBuf> = module_paths(&code)
            .iter()
            .filter_map(|p| file_of(&src, p))
            // A folder's mod.rs names its files; they are below it, not beside it.
            .filter(|t| t != file && !file.ends_with("mod.rs"))
            .collect();
        to.sort();
        to.dedup();
        graph.insert(file.clone(), to);
    }
    assert!(graph.len() >= 20, "only {} files read", graph.len());
    if let Some(cycle) = find_cycle(&graph) {
        let names: Vec<String> = cycle
            .iter()
            .map(|f| f.strip_prefix(&src).unwrap_or(f).display().to_string())
            .collect();
        panic!("import cycle between files: {}", names.join(" -> "));
    }
}

/// Functions over the limit that are data tables, not logic (file, function).
const DATA_TABLES: &[(&str, &str)] = &[
    // The header names recognised per field: one line per field's aliases.
    ("core/config.rs", "aliases"),
];

/// Whether the quote at `i` opens a byte literal (`b'x'`).
fn byte_prefix(b: &[u8], i: usize) -> bool {
    i > 0 && b[i - 1] == b'b' && (i < 2 || !(b[i - 2].is_ascii_alphanumeric() || b[i - 2] == b'_'))
}

/// Comments, strings and character literals blanked out, newlines kept (so lines count
/// the same and no brace inside them counts).
fn code_only(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let ident_before = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        let end = if rest.starts_with(b"//") {
            i + rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len())
        } else if rest.starts_with(b"/*") {
            i + 2 + text[i + 2..].find("*/").map_or(rest.len() - 2, |k| k + 2)
        } else if !ident_before && (rest.starts_with(b"r\"") || rest.starts_with(b"r#")) {
            let hashes = rest[1..].iter().take_while(|&&c| c == b'#').count();
            if rest.get(1 + hashes) != Some(&b'"') {
                i += 1;
                continue;
            }
            let close = format!("\"{}", "#".repeat(hashes));
            let start = i + 2 + hashes;
            start
                + text[start..]
                    .find(&close)
                    .map_or(b.len() - start, |k| k + close.len())
        } else if rest[0] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            j + 1
        } else if rest[0] == b'\'' && (!ident_before || byte_prefix(b, i)) {
            // A character literal ('x', '\n', '\u{..}'), not a lifetime ('a).
            match (rest.get(1), rest.get(2)) {
                (Some(b'\\'), _) => {
                    i + 2
                        + rest[2..]
                            .iter()
                            .position(|&c| c == b'\'')
                            .map_or(0, |k| k + 1)
                }
                (Some(_), Some(b'\'')) => i + 3,
                _ => i + 1,
            }
        } else {
            i += 1;
            continue;
        };
        blank(&mut out, i, end);
        i = end.max(i + 1);
    }
    out
}

/// The index just past the brace that closes the one opened before `from`.
fn block_end(code: &[u8], from: usize) -> usize {
    let mut depth = 1;
    let mut j = from;
    while j < code.len() && depth > 0 {
        match code[j] {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            _ => {}
        }
        j += 1;
    }
    j
}

/// Each function of the code outside `#[cfg(test)]` modules: its name and line count.
fn function_lengths(text: &str) -> Vec<(String, usize)> {
    let mut code = code_only(text);
    let s = String::from_utf8_lossy(&code).into_owned();
    let mut at = 0;
    while let Some(k) = s[at..].find("#[cfg(test)]") {
        let start = at + k;
        let after = s[start..].trim_start_matches("#[cfg(test)]").trim_start();
        if after.starts_with("mod ") {
            if let Some(open) = s[start..].find('{') {
                let end = block_end(&code, start + open + 1);
                code[start..end].iter_mut().for_each(|c| *c = b' ');
            }
        }
        at = start + 1;
    }
    let s = String::from_utf8_lossy(&code).into_owned();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(k) = s[at..].find("fn ") {
        let start = at + k;
        at = start + 3;
        if start > 0 && (code[start - 1].is_ascii_alphanumeric() || code[start - 1] == b'_') {
            continue;
        }
        let name: String = s[at..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let Some(open) = s[at..].find(['{', ';']) else {
            continue;
        };
        if name.is_empty() || s.as_bytes()[at + open] == b';' {
            continue;
        }
        let end = block_end(&code, at + open + 1);
        out.push((name, s[start..end].matches('\n').count() + 1));
    }
    out
}

#[test]
fn functions_are_read_with_their_lengths() {
    let text = "fn a() {\n    let s = \"}\";\n    // }\n}\nfn b(x: u8) -> u8 { x == b'\"' }\n\
                #[cfg(test)]\nmod tests {\n    fn long() {\n\n\n    }\n}\n\
                pub(crate) fn c<'a>(s: &'a str) -> char {\n    let _ = s;\n    '{'\n}\n";
    assert_eq!(
        function_lengths(text),
        [
            ("a".to_string(), 4),
            ("b".to_string(), 1),
            ("c".to_string(), 4)
        ]
    );
}

/// A file its folder's `mod.rs` declares under `#[cfg(test)]` (a folder's unit tests kept
/// beside its files, as `io/load/tests.rs`).
fn test_only(path: &Path) -> bool {
    let (Some(dir), Some(stem)) = (path.parent(), path.file_stem()) else {
        return false;
    };
    let decl = format!("#[cfg(test)]\nmod {};", stem.to_string_lossy());
    std::fs::read_to_string(dir.join("mod.rs")).is_ok_and(|m| m.contains(&decl))
}

#[test]
fn no_production_function_is_longer_than_a_page() {
    const LIMIT: usize = 80;
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut long = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        if test_only(&path) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        for (name, lines) in function_lengths(&text) {
            if lines > LIMIT && !DATA_TABLES.contains(&(rel.as_str(), name.as_str())) {
                long.push(format!("{rel}::{name} ({lines} lines)"));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {LIMIT} lines (split them into named stages): {long:?}"
    );
}

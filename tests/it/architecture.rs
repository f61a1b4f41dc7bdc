//! The shape of the code, as docs/ARCHITECTURE.md draws it: one-way layers,
//! files a reader can hold in mind, functions that fit on a screen or two.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The library's top-level modules, lowest layer first. A module may use
/// only the modules before it in this list (never one after it), so the
/// layers import one way and there is no cycle between them.
const LAYERS: [&str; 10] = [
    "error", "simd", "sampling", "dist", "model", "stats", "engine", "analysis", "output", "files",
];

/// Longest file under src/, in lines.
const MAX_FILE_LINES: usize = 600;
/// Longest function, in lines (signature to closing brace).
const MAX_FUNCTION_LINES: usize = 120;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p
                .strip_prefix(&src)
                .expect("under src/")
                .to_string_lossy()
                .replace('\\', "/");
            (
                name,
                fs::read_to_string(&p).expect("a readable source file"),
            )
        })
        .collect()
}

/// The text with comments, string literals and character literals blanked
/// out (newlines kept), so that braces and paths inside them do not count.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                out.push(blank(chars[i]));
                i += 1;
            }
            out.push_str("  ");
            i += 2;
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !is_ident(chars.get(i.wrapping_sub(1)))
        {
            // A raw string r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            let closes =
                |k: usize| chars[k] == '"' && (1..=hashes).all(|h| chars.get(k + h) == Some(&'#'));
            while j < chars.len() && !closes(j) {
                j += 1;
            }
            let end = (j + 1 + hashes).min(chars.len());
            out.extend(chars[i..end].iter().map(|&c| blank(c)));
            i = end;
        } else if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(chars.len());
            out.extend(chars[i..end].iter().map(|&c| blank(c)));
            i = end;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1F600}'), not a lifetime.
            let end = if next == Some('\\') {
                (i + 2..chars.len())
                    .find(|&k| chars[k] == '\'')
                    .map(|k| k + 1)
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 3)
            } else {
                None
            };
            match end {
                Some(end) => {
                    out.extend(chars[i..end].iter().map(|&c| blank(c)));
                    i = end;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// The library's top-level module a file under src/ belongs to (`None` for
/// the binary's files and lib.rs).
fn layer_of(file: &str) -> Option<&str> {
    let top = file.split('/').next()?.trim_end_matches(".rs");
    (!matches!(top, "lib" | "main" | "cli")).then_some(top)
}

#[test]
fn every_library_module_is_one_of_the_listed_layers() {
    for (file, _) in sources() {
        if let Some(top) = layer_of(&file) {
            assert!(
                LAYERS.contains(&top),
                "src/{file}: top-level module `{top}` is not in the layer list; add it where it belongs (and to docs/ARCHITECTURE.md)"
            );
        }
    }
}

#[test]
fn each_layer_uses_only_the_layers_below_it() {
    let mut wrong: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (file, text) in sources() {
        let Some(top) = layer_of(&file) else { continue };
        let Some(own) = LAYERS.iter().position(|l| *l == top) else {
            continue;
        };
        let code = code_only(&text);
        for (at, _) in code.match_indices("crate::") {
            if is_ident(code[..at].chars().last().as_ref()) {
                continue;
            }
            let used: String = code[at + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if let Some(other) = LAYERS.iter().position(|l| *l == used) {
                if other > own {
                    wrong.entry(format!("src/{file}")).or_default().push(used);
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "these files use a layer above their own (order: {LAYERS:?}): {wrong:?}"
    );
}

#[test]
fn the_library_does_not_use_the_command_line() {
    for (file, text) in sources() {
        if layer_of(&file).is_some() {
            let code = code_only(&text);
            assert!(
                !code.contains("crate::cli") && !code.contains("clap::"),
                "src/{file}: the library must not depend on the command line"
            );
        }
    }
}

#[test]
fn no_source_file_is_longer_than_600_lines() {
    let long: Vec<String> = sources()
        .into_iter()
        .map(|(file, text)| (file, text.lines().count()))
        .filter(|(_, lines)| *lines > MAX_FILE_LINES)
        .map(|(file, lines)| format!("src/{file}: {lines} lines"))
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_FILE_LINES} lines: {long:?}"
    );
}

/// Every `fn` item with a body: (name, first line, length in lines).
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let code = code_only(text);
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(at) = words.iter().position(|w| *w == "fn") else {
            continue;
        };
        let Some(name) = words.get(at + 1) else {
            continue;
        };
        let name: String = name
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // Walk to the body's opening brace (or a `;`: no body), then to the
        // brace that closes it.
        let mut depth = 0usize;
        let mut opened = false;
        let mut parens = 0i32;
        'scan: for (k, l) in lines.iter().enumerate().skip(start) {
            let from = if k == start {
                line.find("fn ").unwrap_or(0)
            } else {
                0
            };
            for c in l[from..].chars() {
                match c {
                    '(' | '[' if !opened => parens += 1,
                    ')' | ']' if !opened => parens -= 1,
                    ';' if !opened && parens == 0 => break 'scan,
                    '{' => {
                        opened = true;
                        depth += 1;
                    }
                    '}' if opened => {
                        depth -= 1;
                        if depth == 0 {
                            found.push((name.clone(), start + 1, k - start + 1));
                            break 'scan;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    found
}

#[test]
fn no_function_is_longer_than_120_lines() {
    let mut long = Vec::new();
    for (file, text) in sources() {
        for (name, line, length) in functions(&text) {
            if length > MAX_FUNCTION_LINES {
                long.push(format!("src/{file}:{line} fn {name}: {length} lines"));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines: {long:?}"
    );
}

#[test]
fn the_function_measure_counts_a_known_function_right() {
    let text = "fn outer() {\n    let s = \"}\";\n    let c = '{';\n    // }\n    if true {\n        inner();\n    }\n}\nfn decl();\n";
    let found = functions(text);
    assert_eq!(found, vec![("outer".to_string(), 1, 8)]);
}

#[test]
fn unsafe_code_lives_only_in_the_simd_layer() {
    // The one exception: registering a Ctrl-C handler where there is no
    // signal iterator thread (not Unix), in files/signals.rs.
    let outside: Vec<String> = sources()
        .into_iter()
        .filter(|(file, _)| !file.starts_with("simd/") && file != "files/signals.rs")
        .filter(|(_, text)| {
            code_only(text)
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|word| word == "unsafe")
        })
        .map(|(file, _)| format!("src/{file}"))
        .collect();
    assert!(outside.is_empty(), "unsafe outside src/simd/: {outside:?}");
}

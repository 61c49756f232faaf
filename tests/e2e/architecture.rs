//! The house shows the pipeline, and imports point one way: `model` is a leaf (it uses only
//! `source` and `paths`), stages never import `app`, and no two files import each other,
//! directly or in a circle. Read from the source: `crate::` and `super::` paths of every file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path of each source file (`stage::scan`), and its text.
fn modules() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap().with_extension("");
        let mut name = rel.to_string_lossy().replace('/', "::");
        if let Some(parent) = name.strip_suffix("::mod") {
            name = parent.to_string();
        }
        if name == "lib" || name == "main" {
            continue;
        }
        out.insert(name, std::fs::read_to_string(path).unwrap());
    }
    out
}

/// `use` trees with their groups spelt out: `use crate::{a::B, c::{d, e}};` gives
/// `crate::a::B`, `crate::c::d` and `crate::c::e`.
fn use_paths(code: &str) -> Vec<String> {
    fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
        let tree = tree.trim();
        match tree.find('{') {
            Some(open) if tree.ends_with('}') => {
                let head = tree[..open].trim().trim_end_matches("::");
                let prefix = match (prefix.is_empty(), head.is_empty()) {
                    (true, _) => head.to_string(),
                    (false, true) => prefix.to_string(),
                    (false, false) => format!("{prefix}::{head}"),
                };
                // Split the group's items at top-level commas.
                let inner = &tree[open + 1..tree.len() - 1];
                let (mut depth, mut start) = (0, 0);
                for (i, c) in inner.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            expand(&prefix, &inner[start..i], out);
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                expand(&prefix, &inner[start..], out);
            }
            _ if tree.is_empty() => {}
            _ => {
                let item = tree.split(" as ").next().unwrap_or(tree).trim();
                out.push(if prefix.is_empty() {
                    item.to_string()
                } else {
                    format!("{prefix}::{item}")
                });
            }
        }
    }
    let statement = regex::Regex::new(r"(?s)\buse\s+([^;]+);").unwrap();
    let mut out = Vec::new();
    for cap in statement.captures_iter(code) {
        let tree: String = cap[1].split_whitespace().collect::<Vec<_>>().join(" ");
        expand("", &tree, &mut out);
    }
    out
}

/// Each module's imports of other modules (the longest module path a `crate::` or
/// `super::` path names, in code or in a grouped `use`), leaving out its own tests.
fn imports(mods: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let path = regex::Regex::new(r"\b(crate|super)((?:::[a-z_][a-z0-9_]*)+)").unwrap();
    let mut out = BTreeMap::new();
    for (name, text) in mods {
        let code = text.split("#[cfg(test)]").next().unwrap_or(text);
        let parent = name.rsplit_once("::").map_or("", |(p, _)| p);
        let mut deps = BTreeSet::new();
        let spelt_out = use_paths(code).join("\n");
        for cap in path
            .captures_iter(code)
            .chain(path.captures_iter(&spelt_out))
        {
            let base = if &cap[1] == "crate" { "" } else { parent };
            let segments: Vec<&str> = cap[2].trim_start_matches("::").split("::").collect();
            let mut found = false;
            for i in (1..=segments.len()).rev() {
                let joined = segments[..i].join("::");
                let candidate = if base.is_empty() {
                    joined
                } else {
                    format!("{base}::{joined}")
                };
                if mods.contains_key(&candidate) {
                    if candidate != *name {
                        deps.insert(candidate);
                    }
                    found = true;
                    break;
                }
            }
            // `super::Item`: an item of the parent module itself.
            if !found && !base.is_empty() && mods.contains_key(base) && base != name.as_str() {
                deps.insert(base.to_string());
            }
        }
        out.insert(name.clone(), deps);
    }
    out
}

/// Every import cycle (strongly connected sets of more than one module).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for start in graph.keys() {
        if done.contains(start) {
            continue;
        }
        // The modules reachable from `start` that reach it back.
        let reach = |from: &str| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from.to_string()];
            while let Some(m) = stack.pop() {
                for d in graph.get(&m).into_iter().flatten() {
                    if seen.insert(d.clone()) {
                        stack.push(d.clone());
                    }
                }
            }
            seen
        };
        let forward = reach(start);
        let mut component: Vec<String> = forward
            .iter()
            .filter(|m| reach(m).contains(start))
            .cloned()
            .collect();
        if !component.is_empty() {
            if !component.contains(start) {
                component.push(start.clone());
            }
            component.sort();
            done.extend(component.iter().cloned());
            if component.len() > 1 {
                found.push(component);
            }
        }
    }
    found
}

/// The layers' rules, folder by folder: what each may not import. `report` is below the
/// stages (they render through it), the stages below the commands.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("report", &["stage", "app", "pipeline"]),
    ("stage", &["app"]),
    ("pipeline", &["app"]),
    ("settings", &["stage", "app", "pipeline", "report"]),
];

fn folder(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

/// Every import that breaks a layer rule: (module, what it imports).
fn back_edges(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (name, deps) in graph {
        for (layer, never) in FORBIDDEN {
            if folder(name) != *layer {
                continue;
            }
            for d in deps {
                if never.contains(&folder(d)) {
                    found.push((name.clone(), d.clone()));
                }
            }
        }
    }
    found
}

#[test]
fn imports_point_one_way() {
    let mods = modules();
    assert!(mods.contains_key("stage::scan") && mods.contains_key("model"));
    let graph = imports(&mods);
    assert_eq!(cycles(&graph), Vec::<Vec<String>>::new(), "import cycles");
    // The model folder is a leaf: its files use each other, `source` and `paths`, nothing else.
    let model: Vec<(&String, &String)> = graph
        .iter()
        .filter(|(name, _)| folder(name) == "model")
        .flat_map(|(name, deps)| deps.iter().map(move |d| (name, d)))
        .filter(|(_, d)| !["model", "source", "paths"].contains(&folder(d)))
        .collect();
    assert_eq!(model, Vec::<(&String, &String)>::new(), "model imports");
    assert!(
        graph["environment"].is_empty(),
        "environment is a leaf: {:?}",
        graph["environment"]
    );
    assert_eq!(
        back_edges(&graph),
        Vec::<(String, String)>::new(),
        "layer rules"
    );
    // Folders, as the layers they are: no two import each other, directly or in a circle.
    let folders: BTreeMap<String, BTreeSet<String>> =
        graph.iter().fold(BTreeMap::new(), |mut acc, (name, deps)| {
            let from = folder(name).to_string();
            let to: Vec<String> = deps
                .iter()
                .map(|d| folder(d).to_string())
                .filter(|d| *d != from)
                .collect();
            acc.entry(from).or_default().extend(to);
            acc
        });
    for cycle in cycles(&folders) {
        assert!(
            !cycle
                .iter()
                .any(|f| ["report", "stage", "app", "settings"].contains(&f.as_str())),
            "a cycle between folders: {cycle:?}"
        );
    }
}

#[test]
fn a_grouped_import_and_a_folder_back_edge_are_seen() {
    let mods: BTreeMap<String, String> = [
        (
            "report::json",
            "use crate::{model::Severity, stage::{group::FindingRef, intel}};",
        ),
        ("report", "pub mod json;"),
        ("model", ""),
        ("stage::group", "use super::{intel::Intel};"),
        ("stage::intel", ""),
        ("stage", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let graph = imports(&mods);
    assert_eq!(
        graph["report::json"].iter().collect::<Vec<_>>(),
        ["model", "stage::group", "stage::intel"]
    );
    assert!(graph["stage::group"].contains("stage::intel"));
    assert_eq!(
        back_edges(&graph),
        [
            ("report::json".to_string(), "stage::group".to_string()),
            ("report::json".to_string(), "stage::intel".to_string()),
        ]
    );
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", &["b"][..]),
        ("b", &["c"]),
        ("c", &["a"]),
        ("d", &["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
    .collect();
    assert_eq!(cycles(&graph), [vec!["a", "b", "c"]]);
}

/// The environment is read once, in `main`, into `environment::Environment`, and passed
/// down (a test gives the code exactly the environment it means).
#[test]
fn only_the_environment_module_reads_variables() {
    let readers: Vec<String> = modules()
        .into_iter()
        .filter(|(name, text)| {
            name != "environment"
                && ["env::var(", "env::vars(", "env::var_os(", "env::vars_os("]
                    .iter()
                    .any(|read| text.contains(read))
        })
        .map(|(name, _)| name)
        .collect();
    assert_eq!(readers, Vec::<String>::new());
}

/// Longest a file in src/ and a function may be: past these, a piece does more than one job
/// (issue 29). Counted on rustfmt's layout, which CI enforces.
const MOST_FILE_LINES: usize = 800;
const MOST_FUNCTION_LINES: usize = 100;

/// (name, lines) of each function in `code`, up to its tests module: from its `fn` line to
/// the `}` at the same indentation.
fn function_lengths(code: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let after_visibility = trimmed
            .strip_prefix("pub ")
            .or_else(|| {
                trimmed
                    .strip_prefix("pub(")
                    .and_then(|r| r.split_once(") ").map(|(_, r)| r))
            })
            .unwrap_or(trimmed);
        let Some(rest) = after_visibility
            .strip_prefix("const fn ")
            .or_else(|| after_visibility.strip_prefix("fn "))
        else {
            continue;
        };
        // A declaration or an empty body: one line.
        if line.ends_with(';') || line.ends_with("{}") {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let end = format!("{indent}}}");
        if let Some(len) = lines[i..].iter().position(|l| *l == end) {
            out.push((name, len + 1));
        }
    }
    out
}

#[test]
fn no_file_or_function_is_too_long() {
    let mut too_long = Vec::new();
    for (module, code) in modules() {
        let lines = code.lines().count();
        if lines > MOST_FILE_LINES {
            too_long.push(format!("{module}: {lines} lines"));
        }
        for (function, lines) in function_lengths(&code) {
            if lines > MOST_FUNCTION_LINES {
                too_long.push(format!("{module}::{function}: {lines} lines"));
            }
        }
    }
    assert_eq!(too_long, Vec::<String>::new());
}

#[test]
fn the_length_check_sees_a_long_function() {
    let body = "    let x = 1;\n".repeat(MOST_FUNCTION_LINES);
    let code = format!(
        "fn short() {{}}\n\npub(crate) fn long() {{\n{body}}}\n\nimpl X {{\n    pub fn m(&self) {{\n        1\n    }}\n}}\n"
    );
    assert_eq!(
        function_lengths(&code),
        [
            ("long".to_string(), MOST_FUNCTION_LINES + 2),
            ("m".to_string(), 3)
        ]
    );
}

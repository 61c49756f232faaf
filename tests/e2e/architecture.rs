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

/// Each module's imports of other modules (the longest module path a `crate::` or
/// `super::` path names), leaving out its own tests.
fn imports(mods: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let path = regex::Regex::new(r"\b(crate|super)((?:::[a-z_][a-z0-9_]*)+)").unwrap();
    let mut out = BTreeMap::new();
    for (name, text) in mods {
        let code = text.split("#[cfg(test)]").next().unwrap_or(text);
        let parent = name.rsplit_once("::").map_or("", |(p, _)| p);
        let mut deps = BTreeSet::new();
        for cap in path.captures_iter(code) {
            let base = if &cap[1] == "crate" { "" } else { parent };
            let segments: Vec<&str> = cap[2].trim_start_matches("::").split("::").collect();
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
                    break;
                }
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

#[test]
fn imports_point_one_way() {
    let mods = modules();
    assert!(mods.contains_key("stage::scan") && mods.contains_key("model"));
    let graph = imports(&mods);
    assert_eq!(cycles(&graph), Vec::<Vec<String>>::new(), "import cycles");
    let model: Vec<&String> = graph["model"].iter().collect();
    assert!(
        model.iter().all(|m| *m == "source" || *m == "paths"),
        "model imports {model:?}"
    );
    for (name, deps) in &graph {
        if name.starts_with("stage::") || name.starts_with("report::") {
            let up: Vec<&String> = deps.iter().filter(|d| d.starts_with("app")).collect();
            assert!(up.is_empty(), "{name} imports {up:?}");
        }
    }
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

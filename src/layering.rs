//! Which module may name which, checked by reading the sources: a change that makes
//! `interchange` depend on an HTTP type (so that editing the API silently changes an import
//! format), or lets rows escape `store`, fails here rather than in review.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/<dir>`.
fn sources(dir: &str) -> Vec<PathBuf> {
    let mut todo = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir)];
    let mut out = Vec::new();
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).expect("a source folder") {
            let p = e.expect("a folder entry").path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    assert!(!out.is_empty(), "no sources under src/{dir}");
    out
}

/// The code of a line: comments are prose and may name anything.
fn code(line: &str) -> &str {
    line.split("//").next().unwrap_or_default()
}

/// Whether `code` names the crate module `module`, as `crate::module`, or within a grouped
/// `use crate::{…}`, or (for an external crate) by its name as a path root.
fn names(code: &str, module: &str) -> bool {
    let word = |s: &str, at: usize| {
        let before = s[..at].chars().next_back();
        let after = s[at + module.len()..].chars().next();
        let ident = |c: char| c.is_alphanumeric() || c == '_';
        !before.is_some_and(ident) && !after.is_some_and(ident)
    };
    let crate_path = code.contains(&format!("crate::{module}::")) || code.contains(&format!("crate::{module};"));
    let grouped = code.contains("crate::{") && code.match_indices(module).any(|(at, _)| word(code, at));
    let external =
        code.match_indices(&format!("{module}::")).any(|(at, _)| word(code, at) && !code[..at].ends_with("::"));
    crate_path || grouped || external
}

/// `file:line: text` of every line under `src/<dir>` that names one of `forbidden`.
fn offences(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for file in sources(dir) {
        let text = std::fs::read_to_string(&file).expect("a readable source");
        for (n, line) in text.lines().enumerate() {
            if forbidden.iter().any(|m| names(code(line), m)) {
                out.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    out
}

#[test]
fn the_scan_sees_each_way_of_naming_a_module() {
    assert!(names("use crate::api::paging;", "api"));
    assert!(names("use crate::{api, store};", "api"));
    assert!(names("    let x: sea_orm::DbErr = e;", "sea_orm"));
    assert!(names("use crate::entity;", "entity"));
    assert!(!names("use crate::store::tables;", "api"));
    assert!(!names("use crate::interchange::oparl::view::apis;", "api"));
    assert!(!names("use crate::documents::enums::{Provenance, RecordStatus};", "api"));
    assert!(!names(code("// see crate::api::oparl"), "api"));
}

#[test]
fn interchange_never_imports_api_entity_or_sea_orm() {
    let found = offences("interchange", &["api", "entity", "sea_orm"]);
    assert!(found.is_empty(), "interchange must not depend on HTTP types or rows:\n{}", found.join("\n"));
}

#[test]
fn documents_import_neither_api_nor_store_nor_interchange_nor_rows() {
    let found = offences("documents", &["api", "store", "interchange", "entity", "sea_orm"]);
    assert!(found.is_empty(), "documents are used by api and interchange alike:\n{}", found.join("\n"));
}

#[test]
fn domain_imports_nothing_outside_itself() {
    let modules = ["api", "auth", "cli", "config", "demo", "documents", "entity", "interchange", "startup", "store"];
    let found = offences("domain", &[&modules[..], &["telemetry", "verify", "web", "sea_orm", "poem"]].concat());
    assert!(found.is_empty(), "domain is pure rules and maths:\n{}", found.join("\n"));
}

#[test]
fn api_web_and_service_never_import_entity_or_sea_orm() {
    for dir in ["api", "web", "service"] {
        let found = offences(dir, &["entity", "sea_orm"]);
        assert!(found.is_empty(), "{dir} must read typed models from store, never rows:\n{}", found.join("\n"));
    }
}

#[test]
fn api_and_web_reach_the_database_only_through_service() {
    for dir in ["api", "web"] {
        let found = offences(dir, &["store"]);
        assert!(found.is_empty(), "{dir} must call service, not store:\n{}", found.join("\n"));
    }
}

/// The code of a file, comments removed, as one string (grouped `use`s span lines).
fn code_of(file: &Path) -> String {
    std::fs::read_to_string(file).expect("a readable source").lines().map(code).collect::<Vec<_>>().join("\n")
}

/// The sibling modules `text` names after `prefix` (`super::`, `crate::store::`, …): the first
/// segment of each path, including each item of a group `prefix{a, b::c}`.
fn named_after(text: &str, prefix: &str) -> Vec<String> {
    let ident = |s: &str| s.trim().split("::").next().unwrap_or_default().trim().to_owned();
    let mut out = Vec::new();
    for (at, _) in text.match_indices(prefix) {
        if text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue; // `super::super::x` is seen from its first `super::`
        }
        let rest = &text[at + prefix.len()..];
        if rest.starts_with("super::") {
            continue; // further up than `prefix` leads
        }
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or_default();
            out.extend(inner.split(',').map(ident).filter(|s| !s.is_empty()));
        } else {
            out.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
        }
    }
    out
}

/// Which children of `src/<dir>` name which others: a child is a file (`x.rs`) or a folder
/// (`x/`, all its files); a name is `crate::<dir>::y` or as many `super::` as lead back to
/// `<dir>`.
fn sibling_edges(dir: &str) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let absolute = format!("crate::{}::", dir.replace('/', "::"));
    let mut children: Vec<String> = Vec::new();
    for e in std::fs::read_dir(&root).expect("a source folder") {
        let p = e.expect("a folder entry").path();
        let name = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let module = p.is_dir() && p.join("mod.rs").exists() || p.extension().is_some_and(|x| x == "rs");
        if module && name != "mod" {
            children.push(name);
        }
    }
    let mut edges = std::collections::BTreeMap::new();
    for child in &children {
        let folder = root.join(child);
        let files =
            if folder.is_dir() { sources(&format!("{dir}/{child}")) } else { vec![root.join(format!("{child}.rs"))] };
        let mut named = std::collections::BTreeSet::new();
        for file in files {
            // The module's depth below `dir`: `x.rs` and `x/mod.rs` are 1, `x/y.rs` is 2.
            let rel = file.strip_prefix(&root).expect("under the folder");
            let depth = rel.components().count() - usize::from(rel.ends_with("mod.rs"));
            let text = code_of(&file);
            named.extend(named_after(&text, &"super::".repeat(depth)));
            named.extend(named_after(&text, &absolute));
        }
        named.retain(|n| n != child && children.contains(n));
        edges.insert(child.clone(), named);
    }
    edges
}

/// A cycle among `edges` (as the path round it), if there is one.
fn cycle(edges: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit<'a>(
        n: &'a str,
        edges: &'a std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut std::collections::BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| *p == n) {
            return Some(path[at..].iter().chain([&n]).map(|s| (*s).to_owned()).collect());
        }
        if !done.insert(n) {
            return None;
        }
        path.push(n);
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = std::collections::BTreeSet::new();
    edges.keys().find_map(|n| visit(n, edges, &mut Vec::new(), &mut done))
}

#[test]
fn the_cycle_scan_sees_super_groups_and_absolute_paths() {
    assert_eq!(named_after("use super::{log, tables::Row};", "super::"), ["log", "tables"]);
    assert_eq!(named_after("let x = super::super::version::head();", "super::super::"), ["version"]);
    assert!(named_after("use super::super::version;", "super::").is_empty());
    assert_eq!(named_after("crate::store::tiles::read(db)", "crate::store::"), ["tiles"]);
    let e = |pairs: &[(&str, &str)]| {
        let mut m = std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new();
        for (a, b) in pairs {
            m.entry((*a).to_owned()).or_default().insert((*b).to_owned());
            m.entry((*b).to_owned()).or_default();
        }
        m
    };
    assert_eq!(
        cycle(&e(&[("a", "b"), ("b", "c"), ("c", "a")])),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(cycle(&e(&[("a", "b"), ("b", "c"), ("a", "c")])), None);
}

#[test]
fn no_import_cycles_between_sibling_modules() {
    for dir in ["store", "domain", "domain/metrics", "service", "api", "web", "interchange", "documents", "verify"] {
        let edges = sibling_edges(dir);
        assert!(edges.len() > 1, "src/{dir} has modules");
        if let Some(c) = cycle(&edges) {
            panic!("src/{dir}: its modules import each other in a cycle: {}", c.join(" → "));
        }
    }
}

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

//! The log as C2SP tlog-tiles, read over HTTP by a reader written here from the specification
//! (its own path encoding, entry-bundle parsing and Merkle hashing; nothing of the server's tile
//! code): every tile and entry bundle of random tree sizes rebuilds the signed checkpoint's root.
//! Also: cache headers, refusals, a log that predates tiles getting them on start, and an origin
//! that survives a new `public_url` and a key rotation.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use maslikhat::auth::KeyRing;
use maslikhat::domain::log::note;
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, party, spawn_app_with};

type H = [u8; 32];

/// `N` as 3-digit groups, all but the last prefixed with `x` (c2sp.org/tlog-tiles).
fn spec_index(mut n: u64) -> String {
    let mut groups = vec![format!("{:03}", n % 1000)];
    n /= 1000;
    while n > 0 {
        groups.insert(0, format!("x{:03}", n % 1000));
        n /= 1000;
    }
    groups.join("/")
}

fn spec_path(level: &str, n: u64, width: u64) -> String {
    let partial = if width == 256 { String::new() } else { format!(".p/{width}") };
    format!("/log/tile/{level}/{}{partial}", spec_index(n))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha(parts: &[&[u8]]) -> H {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// RFC 6962 §2.1 Merkle tree hash, recursively.
fn mth(leaves: &[H]) -> H {
    match leaves.len() {
        0 => sha(&[]),
        1 => leaves[0],
        n => {
            // Split at the largest power of two below n.
            let mut k = 1;
            while k * 2 < n {
                k *= 2;
            }
            sha(&[&[1], &mth(&leaves[..k]), &mth(&leaves[k..])])
        }
    }
}

async fn fetch(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let r = app.client.get(format!("{}{path}", app.base)).send().await.expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.bytes().await.expect("body").to_vec())
}

fn header<'a>(h: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// Reads the whole log of the served checkpoint from tiles and entry bundles, checking every
/// hash, and returns the checkpoint's size.
async fn read_whole_log(app: &TestApp) -> u64 {
    let (status, h, body) = fetch(app, "/log/checkpoint").await;
    assert_eq!(status, 200);
    assert_eq!(header(&h, "content-type"), "text/plain; charset=utf-8");
    let note_text = String::from_utf8(body).unwrap();
    let keys = app.get("/v1/log/keys").await;
    let vkey = keys.body["items"][0]["verifier_key"].as_str().unwrap();
    let text = note::open_note(&note_text, &note::parse_verifier_key(vkey).unwrap()).expect("signed by the log");
    let lines: Vec<&str> = text.lines().collect();
    let size: u64 = lines[1].parse().unwrap();
    let root: H = STANDARD.decode(lines[2]).unwrap().try_into().unwrap();

    let mut leaves: Vec<H> = vec![];
    for n in 0..size.div_ceil(256) {
        let width = (size - n * 256).min(256);
        let (status, h, tile) = fetch(app, &spec_path("0", n, width)).await;
        assert_eq!((status, tile.len() as u64), (200, 32 * width), "level 0 tile {n} of size {size}");
        assert_eq!(header(&h, "content-type"), "application/octet-stream");
        let hashes: Vec<H> = tile.chunks(32).map(|c| c.try_into().unwrap()).collect();
        let (status, _, bundle) = fetch(app, &spec_path("entries", n, width)).await;
        assert_eq!(status, 200);
        let mut rest = bundle.as_slice();
        let mut entries = 0;
        while !rest.is_empty() {
            let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
            let entry = &rest[2..2 + len];
            assert_eq!(sha(&[&[0], entry]), hashes[entries], "entry {} hashes to its leaf", n * 256 + entries as u64);
            let data: serde_json::Value = serde_json::from_slice(entry).expect("leaf data is JSON");
            assert_eq!(data["index"], n * 256 + entries as u64);
            rest = &rest[2 + len..];
            entries += 1;
        }
        assert_eq!(entries as u64, width);
        leaves.extend(hashes);
    }
    // Each level-L hash is the tree hash of its 256^L leaves.
    let mut level = 1u32;
    while size >> (8 * level) > 0 {
        let count = size >> (8 * level);
        let span = 1usize << (8 * level);
        for n in 0..count.div_ceil(256) {
            let width = (count - n * 256).min(256);
            let (status, _, tile) = fetch(app, &spec_path(&level.to_string(), n, width)).await;
            assert_eq!((status, tile.len() as u64), (200, 32 * width), "level {level} tile {n}");
            for (i, h) in tile.chunks(32).enumerate() {
                let j = (n * 256) as usize + i;
                assert_eq!(h, mth(&leaves[j * span..(j + 1) * span]), "level {level} hash {j}");
            }
        }
        level += 1;
    }
    assert_eq!(mth(&leaves), root, "the tiles rebuild the signed root of {size} entries");
    size
}

async fn grow(app: &TestApp, from: u64, to: u64) {
    let admin = app.admin();
    for i in from..to {
        let r = app.put(&format!("/v1/parties/p{i}"), &admin, &party(&format!("p{i}"))).await;
        assert_eq!(r.status, 201, "{r:?}");
    }
}

#[tokio::test]
async fn tiles_and_entry_bundles_of_random_tree_sizes_rebuild_the_signed_root() {
    let app = spawn_app_with(|s| s.response_cache_seconds = 0).await;
    // A seeded walk, printed so a failure can be replayed.
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    eprintln!("tile sizes seed {seed}");
    let mut x = seed | 1;
    let mut next = |bound: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        1 + x % bound
    };
    let mut sizes: Vec<u64> = (0..3).map(|_| next(560)).chain([1, 256, 257, 513]).collect();
    sizes.sort_unstable();
    sizes.dedup();
    let mut size = 0;
    let mut first_tile = None;
    for target in sizes {
        grow(&app, size, target).await;
        size = target;
        assert_eq!(read_whole_log(&app).await, size, "seed {seed}");
        if size >= 256 {
            let (_, h, bytes) = fetch(&app, "/log/tile/0/000").await;
            assert_eq!(header(&h, "cache-control"), "public, max-age=31536000, immutable");
            // A full tile never changes as the log grows.
            assert_eq!(first_tile.get_or_insert(bytes.clone()), &bytes, "seed {seed}");
        }
    }
}

#[tokio::test]
async fn partial_tiles_are_short_lived_and_tiles_beyond_the_tree_or_misspelt_are_refused() {
    let app = spawn_app_with(|s| s.response_cache_seconds = 0).await;
    grow(&app, 0, 260).await;
    let (status, h, bytes) = fetch(&app, "/log/tile/0/001.p/4").await;
    assert_eq!((status, bytes.len()), (200, 128));
    assert_eq!(header(&h, "cache-control"), "public, max-age=60");
    // A narrower partial tile of a size the log has passed is still served (a prefix).
    let (_, _, narrow) = fetch(&app, "/log/tile/0/001.p/2").await;
    assert_eq!(narrow, bytes[..64]);
    let (status, h, level1) = fetch(&app, "/log/tile/1/000.p/1").await;
    assert_eq!((status, level1.len(), header(&h, "cache-control")), (200, 32, "public, max-age=60"));
    let (_, h, _) = fetch(&app, "/log/checkpoint").await;
    assert_eq!(header(&h, "cache-control"), "public, max-age=2");
    for missing in
        ["/log/tile/0/001.p/5", "/log/tile/0/001", "/log/tile/0/002.p/1", "/log/tile/1/000", "/log/tile/2/000.p/1"]
    {
        let r = app.get(missing).await;
        assert_eq!(r.status, 404, "{missing}");
        assert!(r.is_problem(), "{missing}");
    }
    for bad in ["/log/tile/0/1", "/log/tile/00/000", "/log/tile/0/000.p/256", "/log/tile/0/x000/001", "/log/tile/x/000"]
    {
        let r = app.get(bad).await;
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.is_problem() && r.body["detail"].as_str().unwrap().contains("tlog-tiles"), "{bad}: {r:?}");
    }
}

#[tokio::test]
async fn a_log_without_tile_hashes_gets_them_on_start_and_serves_the_same_tiles() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let app = spawn_app_with(|s| s.response_cache_seconds = 0).await;
    grow(&app, 0, 300).await;
    let (_, _, before) = fetch(&app, "/log/tile/1/000.p/1").await;
    maslikhat::entity::log_tile_hash::Entity::delete_many().exec(&app.state.service.db).await.unwrap();
    assert_eq!(fetch(&app, "/log/tile/1/000.p/1").await.0, 500, "the hash is gone, and its absence is an error");
    let (db, keys) = (app.database_url.clone(), app.keys_dir.clone());
    let restarted = spawn_app_with(|s| {
        s.database_url = Some(db.into());
        s.keys_dir = keys;
    })
    .await;
    assert_eq!(maslikhat::entity::log_tile_hash::Entity::find().count(&app.state.service.db).await.unwrap(), 1);
    assert_eq!(fetch(&restarted, "/log/tile/1/000.p/1").await.2, before);
    assert_eq!(read_whole_log(&restarted).await, 300);
    let p = restarted.get("/v1/log/proofs/inclusion?leaf_index=299&tree_size=300").await;
    assert_eq!(p.status, 200, "{p:?}");
}

#[tokio::test]
async fn the_origin_survives_a_new_public_url_and_a_key_rotation_and_old_verifiers_still_verify() {
    let a = spawn_app_with(|s| s.public_url = "https://old.example.kz".into()).await;
    grow(&a, 0, 3).await;
    let cp = a.get("/v1/log/checkpoint").await;
    assert_eq!(cp.body["origin"], "old.example.kz/log");
    let tmp = tempfile::tempdir().unwrap();
    let state = tmp.path().join("verify.json");
    let report = crate::log::verify(&a, &state).await;
    assert!(report.failures.is_empty(), "{:?}", report.lines);

    // The same database served under another address: links change, the log does not.
    let (db, keys) = (a.database_url.clone(), a.keys_dir.clone());
    let (db2, keys2) = (db.clone(), keys.clone());
    let b = spawn_app_with(move |s| {
        s.database_url = Some(db2.into());
        s.keys_dir = keys2;
        s.public_url = "https://new.example.kz".into();
    })
    .await;
    grow(&b, 3, 5).await;
    assert_eq!(b.get("/v1/log/checkpoint").await.body["origin"], "old.example.kz/log");
    assert_eq!(b.get("/v1/log/keys").await.body["origin"], "old.example.kz/log");
    let report = crate::log::verify(&b, &state).await;
    assert!(report.failures.is_empty(), "{:?}", report.lines);
    assert!(
        report.lines.iter().any(|l| l.contains("consistent with the remembered checkpoint of 3")),
        "{:?}",
        report.lines
    );

    // Naming another origin explicitly is refused at start: it would orphan every checkpoint.
    let settings = maslikhat::config::Settings {
        database_url: Some(db.clone().into()),
        keys_dir: keys.clone(),
        log_origin: Some("other.example/log".into()),
        ..Default::default()
    };
    let refused = maslikhat::startup::build_state(settings).await.err().expect("refused");
    assert!(refused.to_string().contains("old.example.kz/log"), "{refused}");

    // A second key: same origin, both keys sign, the verifier that pinned the first still verifies.
    KeyRing::generate(&keys).unwrap();
    let c = spawn_app_with(move |s| {
        s.database_url = Some(db.into());
        s.keys_dir = keys;
    })
    .await;
    grow(&c, 5, 6).await;
    let listed = c.get("/v1/log/keys").await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 2);
    let cp = c.get("/v1/log/checkpoint").await;
    let note_text = cp.body["note"].as_str().unwrap();
    for k in listed.body["items"].as_array().unwrap() {
        let vkey = k["verifier_key"].as_str().unwrap();
        assert!(vkey.starts_with("old.example.kz/log+"));
        assert!(note::open_note(note_text, &note::parse_verifier_key(vkey).unwrap()).is_ok(), "signed by {vkey}");
    }
    let report = crate::log::verify(&c, &state).await;
    assert!(report.failures.is_empty(), "{:?}", report.lines);
}

#[tokio::test]
async fn the_session_page_names_its_log_entry_for_the_browser_check_and_the_script_is_served() {
    let app = crate::log::app_with_a_vote().await;
    let session = app.get("/v1/sessions/alpha-s1").await;
    let index = session.body["version"]["log_index"].as_i64().expect("log index");
    let html =
        app.client.get(format!("{}/sessions/alpha-s1?lang=en", app.base)).send().await.unwrap().text().await.unwrap();
    for needle in [
        format!("data-index=\"{index}\""),
        format!("data-document=\"/v1/log/entries/{index}/document\""),
        format!(
            "data-leaf-hash=\"{}\"",
            hex(&STANDARD.decode(session.body["version"]["leaf_hash"].as_str().unwrap()).unwrap())
        ),
        "data-kind=\"session_record\"".to_owned(),
        "data-document-id=\"alpha-s1\"".to_owned(),
        "data-option=\"no\"".to_owned(),
        "<script src=\"/assets/log-check.js\" defer>".to_owned(),
    ] {
        assert!(html.contains(&needle), "the page lacks {needle}");
    }
    let (status, h, js) = fetch(&app, "/assets/log-check.js").await;
    assert_eq!((status, header(&h, "content-type")), (200, "text/javascript; charset=utf-8"));
    let js = String::from_utf8(js).unwrap();
    assert!(js.contains("crypto.subtle.verify") && !js.contains("://"), "WebCrypto, and no outside URL");
    let verify = app.client.get(format!("{}/verify", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(verify.contains("data-log-check=\"static\"") && !verify.contains("data-index="));
}

#[tokio::test]
async fn audit_names_a_changed_a_missing_and_an_extra_tile_hash() {
    use maslikhat::entity::log_tile_hash;
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let app = spawn_app_with(|s| s.response_cache_seconds = 0).await;
    grow(&app, 0, 256).await;
    let audit = || maslikhat::store::audit::audit(&app.state.service.db);
    assert!(audit().await.unwrap().findings.is_empty());
    let tile_findings = |f: &[maslikhat::store::audit::Finding]| {
        f.iter().filter(|x| x.table == "log_tile_hash").map(|x| format!("{} {x}", x.row)).collect::<Vec<_>>()
    };
    // Changed: the served tile and every proof through it would no longer match the leaves.
    let row =
        log_tile_hash::Entity::find_by_id((1, 0)).one(&app.state.service.db).await.unwrap().expect("tile hash 1/0");
    let good = row.hash.clone();
    let mut m: log_tile_hash::ActiveModel = row.into();
    m.hash = Set("00".repeat(32));
    m.update(&app.state.service.db).await.unwrap();
    let f = audit().await.unwrap().findings;
    assert_eq!(tile_findings(&f).len(), 1, "{f:?}");
    assert!(tile_findings(&f)[0].contains("level 1 index 0") && tile_findings(&f)[0].contains(&good), "{f:?}");
    // Missing.
    log_tile_hash::Entity::delete_by_id((1, 0)).exec(&app.state.service.db).await.unwrap();
    let f = audit().await.unwrap().findings;
    assert!(tile_findings(&f).iter().any(|x| x.contains("level 1 index 0") && x.contains("missing")), "{f:?}");
    // Extra, beyond what the leaves make.
    log_tile_hash::ActiveModel { level: Set(1), idx: Set(0), hash: Set(good) }
        .insert(&app.state.service.db)
        .await
        .unwrap();
    log_tile_hash::ActiveModel { level: Set(2), idx: Set(0), hash: Set("11".repeat(32)) }
        .insert(&app.state.service.db)
        .await
        .unwrap();
    let f = audit().await.unwrap().findings;
    assert_eq!(tile_findings(&f).len(), 1, "{f:?}");
    assert!(tile_findings(&f)[0].contains("level 2 index 0"), "{f:?}");
}

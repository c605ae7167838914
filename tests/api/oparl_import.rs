//! `import --oparl`: the full OParl 1.0 dump of a real council (Hürtgenwald, in
//! `tests/data/oparl-huertgenwald/`) imported through the publication path and read back through
//! the HTTP API: counts match the dump, every object left out is named with its reason, importing
//! it twice changes nothing; and an import from a live OParl server (this platform's own view).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use maslikhat::interchange::oparl::import::{OparlOptions, OparlReport, Tally, import_dir, import_url};
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

pub const COUNCIL: &str = "gemeinde-huertgenwald";
const COUNCIL_ORG: &str = "https://sdnetrim.kdvz-frechen.de/rim4220/webservice/oparl/v1.0/body/1/organization/1-8";

/// Unpacks the dump (a zstd-compressed ustar archive, kept as published) into a temporary folder.
pub fn unpack_dump() -> tempfile::TempDir {
    let archive =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/oparl-huertgenwald/huertgenwald-oparl-1.0.tar.zst");
    let tar = zstd::stream::decode_all(std::fs::File::open(&archive).expect("archive")).expect("zstd");
    let dir = tempfile::tempdir().expect("tempdir");
    let field = |h: &[u8]| String::from_utf8_lossy(h.split(|b| *b == 0).next().unwrap_or_default()).into_owned();
    let mut at = 0;
    while at + 512 <= tar.len() && tar[at..at + 512].iter().any(|b| *b != 0) {
        let h = &tar[at..at + 512];
        let size = usize::from_str_radix(field(&h[124..136]).trim(), 8).expect("octal size");
        let mut name = field(&h[0..100]);
        if &h[257..262] == b"ustar" && h[345] != 0 {
            name = format!("{}/{name}", field(&h[345..500]));
        }
        assert!(!name.contains(".."), "{name}");
        let path = dir.path().join(name.trim_start_matches("./"));
        match h[156] {
            b'0' | 0 => {
                std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                std::fs::write(&path, &tar[at + 512..at + 512 + size]).expect("write");
            }
            b'5' => std::fs::create_dir_all(&path).expect("mkdir"),
            t => panic!("unexpected tar entry type {t} for {name}"),
        }
        at += 512 + size.div_ceil(512) * 512;
    }
    dir
}

/// Every object of the list pages `name.json`, `name?page=2.json` … of the dump.
fn list(dir: &Path, name: &str) -> Vec<Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("body/1"))
        .expect("body folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let f = p.file_name().and_then(|f| f.to_str()).unwrap_or_default();
            f == format!("{name}.json") || f.starts_with(&format!("{name}?page="))
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no {name} pages");
    files
        .iter()
        .flat_map(|p| {
            let v: Value = serde_json::from_slice(&std::fs::read(p).expect("read")).expect("json");
            v["data"].as_array().expect("data").clone()
        })
        .collect()
}

fn tail(id: &str) -> &str {
    id.rsplit('/').next().expect("tail")
}

fn deleted(v: &Value) -> bool {
    v["deleted"] == Value::Bool(true)
}

/// What the dump holds, counted from its files directly (not by the importer).
pub struct Expected {
    /// The council's meetings (not deleted, with a start), as session ids.
    pub sessions: BTreeSet<String>,
    /// Their agenda items (not deleted), as agenda item ids.
    pub items: BTreeSet<String>,
    /// Persons with a dated membership in the council, as deputy ids.
    pub deputies: BTreeSet<String>,
    /// Every other meeting and person, by OParl id.
    pub other_meetings: BTreeSet<String>,
    pub deleted_meetings: BTreeSet<String>,
    pub other_persons: BTreeSet<String>,
    /// Organizations that are committees (every `Gremium` but the council).
    pub committees: BTreeSet<String>,
    pub departments: BTreeSet<String>,
}

pub fn expected(dir: &Path) -> Expected {
    let mut e = Expected {
        sessions: BTreeSet::new(),
        items: BTreeSet::new(),
        deputies: BTreeSet::new(),
        other_meetings: BTreeSet::new(),
        deleted_meetings: BTreeSet::new(),
        other_persons: BTreeSet::new(),
        committees: BTreeSet::new(),
        departments: BTreeSet::new(),
    };
    for m in list(dir, "meeting") {
        let id = m["id"].as_str().expect("id").to_owned();
        let of_council = m["organization"].as_array().is_some_and(|os| os.iter().any(|o| o == COUNCIL_ORG));
        if deleted(&m) {
            e.deleted_meetings.insert(id);
        } else if of_council && m["start"].is_string() {
            e.sessions.insert(format!("{COUNCIL}-m{}", tail(&id)));
            for a in m["agendaItem"].as_array().into_iter().flatten().filter(|a| !deleted(a)) {
                e.items.insert(format!("{COUNCIL}-ai{}", tail(a["id"].as_str().expect("id"))));
            }
        } else {
            e.other_meetings.insert(id);
        }
    }
    for p in list(dir, "person") {
        let id = p["id"].as_str().expect("id").to_owned();
        let sits = p["membership"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|m| m["organization"] == COUNCIL_ORG && m["startDate"].is_string());
        if sits && !deleted(&p) {
            e.deputies.insert(format!("{COUNCIL}-p{}", tail(&id)));
        } else {
            e.other_persons.insert(id);
        }
    }
    for o in list(dir, "organization") {
        let id = o["id"].as_str().expect("id").to_owned();
        match o["organizationType"].as_str() {
            Some("Gremium") if id != COUNCIL_ORG => {
                e.committees.insert(id);
            }
            Some("Gremium" | "Fraktion") => {}
            _ => {
                e.departments.insert(id);
            }
        }
    }
    e
}

pub fn options() -> OparlOptions {
    OparlOptions {
        council_id: None,
        replace: false,
        now: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().expect("time"),
        continue_on_error: false,
    }
}

/// Every item of a `/v1` list, following `links.next`.
async fn all_items(app: &TestApp, path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut next = Some(path.to_owned());
    while let Some(p) = next {
        let r = app.get(&p).await;
        assert_eq!(r.status, 200, "{p}: {:?}", r.body);
        out.extend(r.body["items"].as_array().expect("items").iter().cloned());
        next = r.body["links"]["next"]
            .as_str()
            .map(|n| n.split_once("/v1/").map_or(n.to_owned(), |(_, p)| format!("/v1/{p}")));
    }
    out
}

fn ids_of(items: &[Value]) -> BTreeSet<String> {
    items.iter().map(|x| x["id"].as_str().expect("id").to_owned()).collect()
}

/// Imports the full dump into `app` and checks the first import's report; returns it.
pub async fn import_huertgenwald(app: &TestApp, dir: &Path) -> OparlReport {
    let r = import_dir(&app.state.service.db, dir, &options()).await.expect("import");
    assert_eq!(r.council_id, COUNCIL);
    assert!(r.refused.is_empty(), "refused: {:#?}", r.refused);
    r
}

#[tokio::test]
async fn the_full_dump_imports_with_counts_matching_it_and_a_second_import_changes_nothing() {
    let app = spawn_app().await;
    let dir = unpack_dump();
    let want = expected(dir.path());
    assert_eq!((want.sessions.len(), want.items.len(), want.deputies.len()), (124, 2754, 33));

    let before = app.version_count().await;
    let r = import_huertgenwald(&app, dir.path()).await;
    assert_eq!(r.councils, Tally { stored: 1, unchanged: 0, refused: 0 });
    assert_eq!(r.rosters, Tally { stored: 1, unchanged: 0, refused: 0 });
    assert_eq!(r.parties, Tally { stored: 5, unchanged: 0, refused: 0 });
    assert_eq!(r.sessions, Tally { stored: want.sessions.len() as u64, unchanged: 0, refused: 0 });
    assert_eq!(r.agenda_items.stored, want.items.len() as u64);
    assert_eq!(r.deputies.stored, want.deputies.len() as u64);
    assert_eq!(r.commissions, want.committees.len() as u64);
    let stored = r.councils.stored + r.parties.stored + r.rosters.stored + r.sessions.stored;
    assert_eq!(app.version_count().await - before, stored, "every stored document is one new version");

    // Exactly the objects the domain has no place for are left out, each with its reason.
    let skipped = |kind: &str, reason: &str| -> BTreeSet<String> {
        r.skipped.iter().filter(|s| s.kind == kind && s.reason.contains(reason)).map(|s| s.source.clone()).collect()
    };
    assert_eq!(skipped("Meeting", "not of the council"), want.other_meetings, "committee meetings");
    assert_eq!(skipped("Meeting", "deleted"), want.deleted_meetings);
    assert_eq!(r.skipped.iter().filter(|s| s.kind == "Meeting").count(), want.other_meetings.len() + 21);
    assert_eq!(r.meetings_skipped as usize, want.other_meetings.len() + want.deleted_meetings.len());
    assert_eq!(skipped("Person", "a roster holds deputies only"), want.other_persons);
    assert_eq!(r.skipped.iter().filter(|s| s.kind == "Person").count(), want.other_persons.len());
    assert_eq!(skipped("Organization", "not a committee"), want.departments);
    assert_eq!(r.skipped.iter().filter(|s| s.kind == "Organization").count(), want.departments.len());
    let committee_meeting = r.skipped.iter().find(|s| s.source.ends_with("/meeting/936")).expect("meeting 936");
    assert!(committee_meeting.reason.contains("Ausschuss"), "{committee_meeting:?}");
    // Papers: every one is either attached to an agenda item of a council session, or named.
    let papers = list(dir.path(), "paper");
    let left: BTreeSet<&str> = r.skipped.iter().filter(|s| s.kind == "Paper").map(|s| s.source.as_str()).collect();
    assert!(r.papers > 1000, "{} papers attached", r.papers);
    assert!(papers.iter().filter(|p| deleted(p)).all(|p| left.contains(p["id"].as_str().expect("id"))));
    assert!(left.len() < papers.len());
    // Every id made is kept with the OParl id it came from.
    assert_eq!(
        r.identifiers.get(&format!("{COUNCIL}-m2531")).map(String::as_str),
        Some("https://sdnetrim.kdvz-frechen.de/rim4220/webservice/oparl/v1.0/body/1/meeting/2531")
    );
    assert!(want.sessions.iter().chain(&want.items).chain(&want.deputies).all(|id| r.identifiers.contains_key(id)));

    // The platform serves what the dump holds: the same sessions, agenda items and deputies.
    let sessions = all_items(&app, &format!("/v1/sessions?council={COUNCIL}&limit=100")).await;
    assert_eq!(ids_of(&sessions), want.sessions);
    let items = all_items(&app, &format!("/v1/agenda-items?council={COUNCIL}&limit=500")).await;
    assert_eq!(ids_of(&items), want.items);
    let roster = app.get(&format!("/v1/councils/{COUNCIL}/roster")).await;
    assert_eq!(roster.status, 200, "{:?}", roster.body);
    assert_eq!(roster.body["version"]["provenance"], "public_sources");
    let deputies = roster.body["document"]["deputies"].as_array().expect("deputies");
    assert_eq!(ids_of(deputies), want.deputies);
    let commissions = roster.body["document"]["commissions"].as_array().expect("commissions");
    assert_eq!(commissions.len(), want.committees.len());
    assert!(commissions.iter().any(|c| c["names"]["de"] == "Haupt- und Finanzausschuss"));
    let roles = roster.body["document"]["roles"].as_array().expect("roles");
    assert!(roles.iter().any(|x| x["role"] == "commission_chair"), "committee chairs are commission chairs");
    assert!(roles.iter().filter(|x| x["role"] == "commission_member").count() > 20);

    // The council, a deputy and a session in detail.
    let c = app.get(&format!("/v1/councils/{COUNCIL}")).await;
    assert_eq!(c.status, 200, "{:?}", c.body);
    assert_eq!(c.body["names"]["de"], "Gemeinde Hürtgenwald");
    assert_eq!(c.body["synthetic"], false);
    assert_eq!(c.body["convocations"][0]["start_date"], "2002-05-16");
    let hurtgen = app.get(&format!("/v1/deputies/{COUNCIL}-p279")).await;
    assert_eq!(hurtgen.status, 200, "{:?}", hurtgen.body);
    assert_eq!(hurtgen.body["names"]["de"], "Iris Hürtgen");
    assert_eq!(hurtgen.body["gender"], "female");
    assert!(hurtgen.body["roles"].as_array().expect("roles").iter().any(|x| x["role"] == "deputy_chairman"));
    // Three council memberships in a row (member, deputy mayor, member) make one mandate.
    let maus = app.get(&format!("/v1/deputies/{COUNCIL}-p39")).await;
    assert_eq!(maus.body["names"]["de"], "Franz-Josef Maus");
    let mandates = maus.body["mandates"].as_array().expect("mandates");
    assert_eq!(mandates.len(), 1, "{mandates:?}");
    assert_eq!(mandates[0]["start_date"], "2003-04-01");
    assert!(!maus.body["party_memberships"].as_array().expect("memberships").is_empty());

    let s = app.get(&format!("/v1/sessions/{COUNCIL}-m2531")).await;
    assert_eq!(s.status, 200, "{:?}", s.body);
    assert_eq!(s.body["status"], "held");
    assert_eq!(s.body["version"]["provenance"], "public_sources");
    assert_eq!(
        s.body["scheduled_start"].as_str().and_then(|t| t.parse::<chrono::DateTime<Utc>>().ok()),
        Utc.with_ymd_and_hms(2021, 9, 16, 16, 0, 0).single()
    );
    let agenda = s.body["agenda"].as_array().expect("agenda");
    assert_eq!(agenda.len(), 33);
    assert_eq!(agenda[1]["titles"]["de"], "Fragestunde der Einwohner der Gemeinde Hürtgenwald");
    assert_eq!(agenda[1]["number_label"], "1.");
    assert!(agenda[1]["result"].is_null(), "OParl results are free text: unknown stays unknown");
    assert_eq!(
        agenda[4]["titles"]["de"],
        "Neuwahl eines Mitgliedes im Ausschuss für Tourismus, Kultur und Ehrenamt: hier: SPD-Fraktion"
    );
    let closed = agenda.iter().position(|a| a["is_open"] == false).expect("a closed part");
    assert_eq!(agenda[closed]["titles"]["de"], "Nichtöffentliche Sitzung");
    assert!(agenda[closed..].iter().all(|a| a["is_open"] == false));
    let docs = s.body["documents"].as_array().expect("documents");
    assert!(docs.iter().any(|d| d["kind"] == "agenda" && d["title"] == "Bekanntmachung (Gemeinderat)"));
    // Papers (Beschlussvorlagen) consulted at agenda items are their draft decisions.
    assert!(
        docs.iter().any(|d| d["kind"] == "draft_decision" && d["agenda_item"].is_string()),
        "{}",
        serde_json::to_string_pretty(docs).unwrap_or_default()
    );
    let s = app.get(&format!("/v1/sessions/{COUNCIL}-m2383")).await;
    let minutes = s.body["minutes_document"].as_str().expect("minutes");
    let docs = s.body["documents"].as_array().expect("documents");
    assert!(docs.iter().any(|d| d["id"] == minutes && d["kind"] == "minutes"));
    assert!(docs.iter().any(|d| d["kind"] == "decision" && d["agenda_item"].is_string()));
    assert!(s.body["vote_events"].as_array().is_none_or(Vec::is_empty), "OParl has no votes: none invented");

    // Twice: nothing new — the same versions, the same log, the same change numbers.
    let count = app.version_count().await;
    let checkpoint = app.get("/v1/log/checkpoint").await;
    let changes = all_items(&app, &format!("/v1/changes?council={COUNCIL}&limit=500")).await;
    let again = import_dir(&app.state.service.db, dir.path(), &options()).await.expect("import again");
    assert!(again.refused.is_empty(), "{:#?}", again.refused);
    assert_eq!(again.councils, Tally { stored: 0, unchanged: 1, refused: 0 });
    assert_eq!(again.rosters, Tally { stored: 0, unchanged: 1, refused: 0 });
    assert_eq!(again.parties, Tally { stored: 0, unchanged: 5, refused: 0 });
    assert_eq!(again.sessions, Tally { stored: 0, unchanged: want.sessions.len() as u64, refused: 0 });
    assert_eq!(again.skipped, r.skipped);
    assert_eq!(again.identifiers, r.identifiers);
    assert_eq!(app.version_count().await, count);
    let after = app.get("/v1/log/checkpoint").await;
    assert_eq!(after.body["tree_size"], checkpoint.body["tree_size"]);
    assert_eq!(after.body["root_hash"], checkpoint.body["root_hash"]);
    assert_eq!(all_items(&app, &format!("/v1/changes?council={COUNCIL}&limit=500")).await, changes);
}

/// A free local address, so that a server's `public_url` (the base of its OParl ids and links)
/// is the address it really listens on.
fn free_addr() -> std::net::SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr")
}

/// Spawns an app whose `public_url` is where it listens, with pages of at most `page` objects.
pub async fn spawn_addressable(page: u64) -> TestApp {
    let addr = free_addr();
    spawn_app_with(|s| {
        s.bind = addr;
        s.public_url = format!("http://{addr}");
        s.max_page_size = page;
    })
    .await
}

#[tokio::test]
async fn an_import_from_a_live_oparl_server_reads_every_page_of_its_lists() {
    // The source: a demo council published in one platform, served by its OParl view.
    let source = spawn_addressable(10).await;
    let mut cfg = maslikhat::demo::DemoConfig::national(3, 1, chrono::NaiveDate::from_ymd_opt(2024, 6, 30).expect("d"));
    cfg.councils = Some(vec!["astana-city".into()]);
    cfg.upcoming = false;
    maslikhat::demo::load(&source.state.service.db, &cfg, false).await.expect("demo council");
    let sessions = all_items(&source, "/v1/sessions?council=astana-city&limit=10").await;
    let items = all_items(&source, "/v1/agenda-items?council=astana-city&limit=10").await;
    let roster = source.get("/v1/councils/astana-city/roster").await;
    let deputies = roster.body["document"]["deputies"].as_array().expect("deputies").clone();
    assert!(sessions.len() > 3 && items.len() > 20 && deputies.len() > 10, "a council worth importing");

    // The target: an empty database, fed from the source's /oparl/v1.1/ over HTTP (pages of 10,
    // so that lists are followed through links.next).
    let first = source.get("/oparl/v1.1/bodies/astana-city/meetings").await;
    assert!(first.body["links"]["next"].is_string(), "the meeting list spans pages");
    let target = spawn_app().await;
    let url = format!("{}/oparl/v1.1/system", source.state.service.settings.public_url);
    let r = import_url(&target.state.service.db, &url, &options()).await.expect("import from URL");
    assert_eq!(r.council_id, "astana-city", "a name without a Latin slug falls back to the body id");
    assert!(r.refused.is_empty(), "{:#?}", r.refused);
    assert_eq!(r.sessions.stored as usize, sessions.len());
    let got_sessions = all_items(&target, "/v1/sessions?council=astana-city&limit=100").await;
    let got_items = all_items(&target, "/v1/agenda-items?council=astana-city&limit=500").await;
    let got_roster = target.get("/v1/councils/astana-city/roster").await;
    let got_deputies = got_roster.body["document"]["deputies"].as_array().expect("deputies");

    // The ids are the source's, with the council prefix the importer gives.
    let strip = |ids: BTreeSet<String>, kind: &str| -> BTreeSet<String> {
        ids.into_iter().map(|i| i.strip_prefix(&format!("astana-city-{kind}")).expect("prefix").to_owned()).collect()
    };
    assert_eq!(strip(ids_of(&got_sessions), "m"), ids_of(&sessions));
    assert_eq!(strip(ids_of(&got_items), "ai"), ids_of(&items));
    assert_eq!(strip(ids_of(got_deputies), "p"), ids_of(&deputies));
    // Same dates and titles, session by session.
    let by_id = |xs: &[Value], prefix: &str| -> BTreeMap<String, Value> {
        xs.iter().map(|x| (x["id"].as_str().expect("id").trim_start_matches(prefix).to_owned(), x.clone())).collect()
    };
    let (src, dst) = (by_id(&items, ""), by_id(&got_items, "astana-city-ai"));
    for (id, a) in &src {
        let b = &dst[id];
        let name = |x: &Value| x["titles"]["kk"].as_str().or(x["titles"]["ru"].as_str()).map(str::to_owned);
        assert_eq!(name(a), b["titles"]["de"].as_str().map(str::to_owned), "{id}");
        assert_eq!(a["is_open"], b["is_open"], "{id}");
    }
    let (src, dst) = (by_id(&sessions, ""), by_id(&got_sessions, "astana-city-m"));
    for id in src.keys() {
        let t = |x: &Value| x["scheduled_start"].as_str().and_then(|t| t.parse::<chrono::DateTime<Utc>>().ok());
        let a = source.get(&format!("/v1/sessions/{id}")).await;
        let start = a.body["actual_start"].as_str().or(a.body["scheduled_start"].as_str()).map(str::to_owned);
        assert_eq!(start.and_then(|x| x.parse::<chrono::DateTime<Utc>>().ok()), t(&dst[id]), "{id}");
    }
}

#[tokio::test]
async fn an_object_with_a_member_of_the_wrong_type_is_skipped_with_its_path_and_the_rest_imports() {
    let app = spawn_app().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let body = serde_json::json!({"id": "https://o.example/body/1", "type": "https://schema.oparl.org/1.1/Body",
                                  "name": "Gemeinde Probe"});
    let org = serde_json::json!({"id": "https://o.example/org/rat", "type": "https://schema.oparl.org/1.1/Organization",
                                 "name": "Gemeinderat", "organizationType": "Gremium"});
    let meeting = |id: &str, cancelled: Value| {
        serde_json::json!({"id": format!("https://o.example/meeting/{id}"), "type": "https://schema.oparl.org/1.1/Meeting",
               "start": "2024-05-15T18:00:00+02:00", "organization": ["https://o.example/org/rat"],
               "cancelled": cancelled, "agendaItem": [{"id": format!("https://o.example/ai/{id}"), "name": "TOP 1"}]})
    };
    let meetings = serde_json::json!({"data": [meeting("good", Value::Bool(false)), meeting("bad", "yes".into())]});
    for (name, v) in [("body.json", body), ("organization.json", org), ("meeting.json", meetings)] {
        std::fs::write(tmp.path().join(name), v.to_string()).expect("write");
    }
    let opts =
        OparlOptions { council_id: Some("probe".into()), replace: false, now: Utc::now(), continue_on_error: false };
    let r = import_dir(&app.state.service.db, tmp.path(), &opts).await.expect("import runs");
    assert_eq!(r.sessions.stored, 1, "the readable meeting is stored: {:?} {:?}", r.skipped, r.refused);
    let bad = r.skipped.iter().find(|s| s.source.ends_with("/meeting/bad")).expect("the bad meeting is reported");
    assert_eq!(bad.kind, "Meeting");
    assert!(bad.reason.contains("/cancelled") && bad.reason.contains("type"), "{bad:?}");
    assert!(!r.skipped.iter().any(|s| s.source.ends_with("/meeting/good")), "{:?}", r.skipped);
    let sessions = app.get("/v1/sessions?council=probe").await;
    assert_eq!(sessions.body["items"].as_array().map(Vec::len), Some(1), "{}", sessions.body);
}

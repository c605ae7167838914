//! `import --oparl`: a slice of a real council's OParl 1.0 API (Hürtgenwald, in
//! `tests/data/oparl-huertgenwald/`) imported through the publication path, then read back
//! through the HTTP API; importing it twice stores nothing new.

use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use maslikhat::oparl_import::{OparlOptions, Tally, import_dir};
use serde_json::Value;

use crate::helpers::spawn_app;

const COUNCIL: &str = "gemeinde-huertgenwald";
const COUNCIL_ORG: &str = "/organization/1-8";

fn dump() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/oparl-huertgenwald")
}

/// The council's meetings in the slice (not deleted), and their agenda items, counted from the
/// files directly.
fn expected_meetings() -> (Vec<String>, usize) {
    let raw = std::fs::read(dump().join("body/1/meeting.json")).expect("meeting page");
    let page: Value = serde_json::from_slice(&raw).expect("json");
    let mut ids = Vec::new();
    let mut items = 0;
    for m in page["data"].as_array().expect("data") {
        let of_council = m["organization"]
            .as_array()
            .is_some_and(|os| os.iter().any(|o| o.as_str().is_some_and(|o| o.ends_with(COUNCIL_ORG))));
        if of_council && m["deleted"] != Value::Bool(true) {
            let tail = m["id"].as_str().expect("id").rsplit('/').next().expect("tail");
            ids.push(format!("{COUNCIL}-m{tail}"));
            items += m["agendaItem"].as_array().map_or(0, Vec::len);
        }
    }
    (ids, items)
}

#[tokio::test]
async fn an_oparl_body_becomes_a_council_with_its_roster_and_sessions() {
    let app = spawn_app().await;
    let opts = OparlOptions {
        council_id: None,
        replace: false,
        now: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().expect("time"),
    };
    let before = app.version_count().await;
    let r = import_dir(&app.state.db, &dump(), &opts).await.expect("import");
    assert_eq!(r.council_id, COUNCIL);
    assert!(r.refused.is_empty(), "refused: {:#?}", r.refused);
    let (meetings, items) = expected_meetings();
    assert_eq!(meetings.len(), 3, "the slice holds three council meetings");
    assert_eq!(r.councils, Tally { stored: 1, unchanged: 0, refused: 0 });
    assert_eq!(r.rosters, Tally { stored: 1, unchanged: 0, refused: 0 });
    assert_eq!(r.sessions, Tally { stored: meetings.len() as u64, unchanged: 0, refused: 0 });
    assert_eq!(r.agenda_items.stored, items as u64);
    assert_eq!(r.meetings_skipped, 2, "a committee meeting and a deleted meeting");
    // Every stored document is one new version; nothing else was written.
    let stored = r.councils.stored + r.parties.stored + r.rosters.stored + r.sessions.stored;
    assert_eq!(app.version_count().await - before, stored);

    // The council, served by the API.
    let c = app.get(&format!("/v1/councils/{COUNCIL}")).await;
    assert_eq!(c.status, 200, "{:?}", c.body);
    assert_eq!(c.body["names"]["de"], "Gemeinde Hürtgenwald");
    assert_eq!(c.body["synthetic"], false);
    assert_eq!(c.body["convocations"][0]["number"], "I");
    assert_eq!(c.body["convocations"][0]["start_date"], "2002-05-16");

    // Named deputies, with their merged mandates, party groups and roles.
    let roster = app.get(&format!("/v1/councils/{COUNCIL}/roster")).await;
    assert_eq!(roster.status, 200, "{:?}", roster.body);
    assert_eq!(roster.body["version"]["provenance"], "public_sources");
    let deputies = roster.body["document"]["deputies"].as_array().expect("deputies");
    assert_eq!(deputies.len() as u64, r.deputies.stored);
    assert_eq!(deputies.len(), 6, "six of the seven persons sit on the council");
    let hurtgen = app.get(&format!("/v1/deputies/{COUNCIL}-p279")).await;
    assert_eq!(hurtgen.status, 200, "{:?}", hurtgen.body);
    assert_eq!(hurtgen.body["names"]["de"], "Iris Hürtgen");
    assert_eq!(hurtgen.body["family_names"]["de"], "Hürtgen");
    assert_eq!(hurtgen.body["gender"], "female");
    assert!(
        hurtgen.body["roles"].as_array().expect("roles").iter().any(|x| x["role"] == "deputy_chairman"),
        "{:?}",
        hurtgen.body["roles"]
    );
    // Three council memberships in a row (member, deputy mayor, member) make one mandate.
    let maus = app.get(&format!("/v1/deputies/{COUNCIL}-p39")).await;
    assert_eq!(maus.body["names"]["de"], "Franz-Josef Maus");
    let mandates = maus.body["mandates"].as_array().expect("mandates");
    assert_eq!(mandates.len(), 1, "{mandates:?}");
    assert_eq!(mandates[0]["start_date"], "2003-04-01");
    assert_eq!(mandates[0]["nomination"], "self_nominated");
    assert!(!maus.body["party_memberships"].as_array().expect("memberships").is_empty());
    let party = maus.body["party_memberships"][0]["party"].as_str().expect("party").to_owned();
    let p = app.get(&format!("/v1/parties/{party}")).await;
    assert_eq!(p.status, 200, "{:?}", p.body);
    assert!(p.body["names"]["de"].as_str().is_some_and(|n| !n.is_empty()));
    // A person with committee memberships only is no deputy.
    assert!(deputies.iter().all(|d| d["names"]["de"] != "Norbert Bergs"));

    // Sessions with their agenda titles and documents.
    let list = app.get(&format!("/v1/sessions?council={COUNCIL}&limit=50")).await;
    assert_eq!(list.status, 200, "{:?}", list.body);
    let mut served: Vec<String> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect();
    served.sort();
    let mut want = meetings.clone();
    want.sort();
    assert_eq!(served, want);
    let s = app.get(&format!("/v1/sessions/{COUNCIL}-m2531")).await;
    assert_eq!(s.status, 200, "{:?}", s.body);
    assert_eq!(s.body["status"], "held");
    assert_eq!(s.body["kind"], "regular");
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
    // Line breaks in OParl titles become spaces; items after "Nichtöffentliche Sitzung" are closed.
    assert_eq!(
        agenda[4]["titles"]["de"],
        "Neuwahl eines Mitgliedes im Ausschuss für Tourismus, Kultur und Ehrenamt: hier: SPD-Fraktion"
    );
    let closed = agenda.iter().position(|a| a["is_open"] == false).expect("a closed part");
    assert_eq!(agenda[closed]["titles"]["de"], "Nichtöffentliche Sitzung");
    assert!(agenda[closed..].iter().all(|a| a["is_open"] == false));
    let docs = s.body["documents"].as_array().expect("documents");
    assert!(docs.iter().any(|d| d["kind"] == "agenda" && d["title"] == "Bekanntmachung (Gemeinderat)"));
    // An earlier session has its minutes (the results protocol) and decisions on agenda items.
    let s = app.get(&format!("/v1/sessions/{COUNCIL}-m2383")).await;
    let minutes = s.body["minutes_document"].as_str().expect("minutes");
    let docs = s.body["documents"].as_array().expect("documents");
    assert!(docs.iter().any(|d| d["id"] == minutes && d["kind"] == "minutes"));
    assert!(docs.iter().any(|d| d["kind"] == "decision" && d["agenda_item"].is_string()));
    assert!(s.body["vote_events"].as_array().is_none_or(Vec::is_empty));

    // Twice: nothing new.
    let count = app.version_count().await;
    let again = import_dir(&app.state.db, &dump(), &opts).await.expect("import again");
    assert!(again.refused.is_empty(), "{:#?}", again.refused);
    assert_eq!(again.councils, Tally { stored: 0, unchanged: 1, refused: 0 });
    assert_eq!(again.rosters, Tally { stored: 0, unchanged: 1, refused: 0 });
    assert_eq!(again.sessions, Tally { stored: 0, unchanged: meetings.len() as u64, refused: 0 });
    assert_eq!(again.parties.stored, 0);
    assert_eq!(app.version_count().await, count);
}

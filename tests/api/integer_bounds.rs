//! Integers within their published range (issue 17, item 4): every integer of every document is
//! accepted at its minimum and maximum, served exactly as sent, and refused one past either end,
//! at 2³¹, 2³²−1 and 2⁵³, and as a float, with a 422 naming the field's JSON Pointer and nothing
//! stored. The same holds for the bulk imports (JSON Lines, Popolo, OParl, public records). The
//! ranges are read from the committed OpenAPI document, so the test fails if the code enforces
//! anything other than what is published.

use maslikhat::interchange::public_records::{ImportOptions, import_str};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

/// A session date safely in the past (10:00 in Kazakhstan on 15 May 2024).
const PAST: &str = "2024-05-15T05:00:00Z";
/// The national council (107 seats, the largest) every session here belongs to.
const COUNCIL: &str = "bounds";

/// The values every field is tried with, around its range `min..=max`.
fn probes(min: i64, max: i64) -> Vec<Value> {
    vec![
        json!(min - 1),
        json!(min),
        json!(max),
        json!(max + 1),
        json!(1u64 << 31),
        json!(u64::from(u32::MAX)),
        json!(1u64 << 53),
        json!(3.5),
    ]
}

fn in_range(v: &Value, min: i64, max: i64) -> bool {
    v.as_i64().is_some_and(|n| (min..=max).contains(&n))
}

/// The `minimum` and `maximum` the committed OpenAPI document publishes for `schema.field`.
fn published_range(schema: &str, field: &str) -> (i64, i64) {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json")).expect("spec");
    let spec: Value = serde_json::from_str(&text).expect("spec is JSON");
    let p = &spec["components"]["schemas"][schema]["properties"][field];
    let bound = |k: &str| p[k].as_f64().unwrap_or_else(|| panic!("{schema}.{field} publishes no {k}: {p}")) as i64;
    (bound("minimum"), bound("maximum"))
}

fn national_council(seats: Value) -> Value {
    json!({
        "names": {"kk": "Сынақ мәслихаты", "ru": "Тестовый маслихат"},
        "level": "national",
        "seats": seats,
        "convocations": [{"number": "VIII", "start_date": "2023-03-19"}]
    })
}

/// A held session `sid` with one agenda item, one vote event (by show of hands, counts stated)
/// and one speech by a guest.
fn session(sid: &str) -> Value {
    json!({
        "convocation": "VIII",
        "number": 1,
        "kind": "regular",
        "status": "held",
        "scheduled_start": PAST,
        "is_open": true,
        "agenda": [{"id": format!("{sid}-i1"), "position": 1, "titles": {"ru": "Вопрос"}, "initiator": "akimat"}],
        "vote_events": [{
            "id": format!("{sid}-v1"),
            "agenda_item": format!("{sid}-i1"),
            "motion": {"ru": "Принять"},
            "stage": "as_a_whole",
            "method": "show_of_hands",
            "majority_rule": "majority_of_present",
            "seats": 107,
            "result": "fail",
            "counts": {"yes": 0, "no": 0, "abstain": 0, "not_voting": 0, "absent": 0, "excused": 0}
        }],
        "speeches": [{
            "id": format!("{sid}-sp1"),
            "agenda_item": format!("{sid}-i1"),
            "speaker_name": "Гость",
            "speaker_role": "public",
            "speech_type": "speech",
            "language": "ru",
            "seconds": 60
        }]
    })
}

/// One integer field of a document, where it sits and where it is served.
struct Field {
    /// The OpenAPI schema and property that publish its range.
    schema: &'static str,
    property: &'static str,
    /// Its JSON Pointer in the document.
    pointer: &'static str,
}

impl Field {
    /// The document (`council` or `session`) with `value` at the field, for a document `id`.
    fn document(&self, id: &str, value: &Value) -> Value {
        let mut doc = if self.schema == "CouncilDoc" { national_council(json!(107)) } else { session(id) };
        *doc.pointer_mut(self.pointer).unwrap_or_else(|| panic!("{} is in the document", self.pointer)) = value.clone();
        // The declared result must agree with the counts: only yes votes carry the motion.
        if self.property == "yes" && value.as_i64().is_some_and(|n| n > 0) {
            doc["vote_events"][0]["result"] = json!("pass");
        }
        doc
    }

    fn path(&self, id: &str) -> String {
        if self.schema == "CouncilDoc" {
            format!("/v1/councils/{id}")
        } else {
            format!("/v1/councils/{COUNCIL}/sessions/{id}")
        }
    }

    /// The value as the read API serves it from the tables.
    async fn served(&self, app: &TestApp, id: &str) -> Value {
        let one = |r: crate::helpers::Reply| r.body["items"][0].clone();
        match self.schema {
            "CouncilDoc" => app.get(&format!("/v1/councils/{id}")).await.body["seats"].clone(),
            "SessionRecordDoc" => app.get(&format!("/v1/sessions/{id}")).await.body["number"].clone(),
            "AgendaItemDto" => one(app.get(&format!("/v1/agenda-items?session={id}")).await)["position"].clone(),
            "SpeechDto" => one(app.get(&format!("/v1/speeches?session={id}")).await)["seconds"].clone(),
            "VoteEventDto" => app.get(&format!("/v1/vote-events/{id}-v1")).await.body["seats"].clone(),
            _ => app.get(&format!("/v1/vote-events/{id}-v1")).await.body["counts"][self.property].clone(),
        }
    }
}

const FIELDS: [Field; 11] = [
    Field { schema: "CouncilDoc", property: "seats", pointer: "/seats" },
    Field { schema: "SessionRecordDoc", property: "number", pointer: "/number" },
    Field { schema: "AgendaItemDto", property: "position", pointer: "/agenda/0/position" },
    Field { schema: "VoteEventDto", property: "seats", pointer: "/vote_events/0/seats" },
    Field { schema: "CountsDto", property: "yes", pointer: "/vote_events/0/counts/yes" },
    Field { schema: "CountsDto", property: "no", pointer: "/vote_events/0/counts/no" },
    Field { schema: "CountsDto", property: "abstain", pointer: "/vote_events/0/counts/abstain" },
    Field { schema: "CountsDto", property: "not_voting", pointer: "/vote_events/0/counts/not_voting" },
    Field { schema: "CountsDto", property: "absent", pointer: "/vote_events/0/counts/absent" },
    Field { schema: "CountsDto", property: "excused", pointer: "/vote_events/0/counts/excused" },
    Field { schema: "SpeechDto", property: "seconds", pointer: "/speeches/0/seconds" },
];

/// Every row of every table, to prove a refusal changed nothing.
async fn tables(app: &TestApp) -> Vec<Vec<Value>> {
    use maslikhat::entity as e;
    let db = &app.state.service.db;
    macro_rules! rows {
        ($($m:ident),*) => {
            vec![$(e::$m::Entity::find().into_json().all(db).await.expect(stringify!($m))),*]
        };
    }
    rows!(
        council,
        convocation,
        party,
        deputy,
        mandate,
        party_membership,
        deputy_role,
        commission,
        session,
        agenda_item,
        document,
        vote_event,
        ballot,
        speech,
        public_record,
        document_version,
        log_entry,
        write_head
    )
}

async fn log_size(app: &TestApp) -> u64 {
    let cp = app.get("/v1/log/checkpoint").await;
    cp.body["tree_size"].as_u64().unwrap_or_else(|| panic!("checkpoint: {cp:?}"))
}

/// An app without the response cache: the imports below write through `store`, not over HTTP,
/// so a cached checkpoint would only learn of them at the next change poll.
async fn uncached_app() -> TestApp {
    spawn_app_with(|s| s.response_cache_seconds = 0).await
}

async fn app_with_national_council() -> TestApp {
    let app = spawn_app().await;
    let r = app.put(&format!("/v1/councils/{COUNCIL}"), &app.admin(), &national_council(json!(107))).await;
    assert_eq!(r.status, 201, "{r:?}");
    app
}

#[tokio::test]
async fn every_document_integer_is_accepted_exactly_within_its_published_range_and_refused_outside_it() {
    let app = app_with_national_council().await;
    let admin = app.admin();
    for (f, field) in FIELDS.iter().enumerate() {
        let (min, max) = published_range(field.schema, field.property);
        for (k, value) in probes(min, max).into_iter().enumerate() {
            let id = format!("b{f}-{k}");
            let label = format!("{}.{} = {value}", field.schema, field.property);
            let (before, log_before) = (tables(&app).await, log_size(&app).await);
            let r = app.put(&field.path(&id), &admin, &field.document(&id, &value)).await;
            if in_range(&value, min, max) {
                assert_eq!(r.status, 201, "{label} is accepted: {r:?}");
                assert_eq!(field.served(&app, &id).await, value, "{label} is served exactly");
                continue;
            }
            assert_eq!(r.status, 422, "{label} is refused: {r:?}");
            assert!(r.is_problem(), "{label}: {r:?}");
            let rule = if value.is_f64() { "type" } else { "range" };
            assert!(
                r.has_violation(field.pointer, rule),
                "{label} names {} {rule}: {:?}",
                field.pointer,
                r.violations()
            );
            assert_eq!(log_size(&app).await, log_before, "{label}: the log did not grow");
            assert!(tables(&app).await == before, "{label}: no table changed");
        }
    }
}

#[tokio::test]
async fn a_refused_integer_leaves_the_current_version_as_it_was() {
    let app = app_with_national_council().await;
    let admin = app.admin();
    let path = format!("/v1/councils/{COUNCIL}/sessions/kept");
    let r = app.put(&path, &admin, &session("kept")).await;
    assert_eq!(r.status, 201, "{r:?}");
    let etag = r.header("etag").expect("etag").to_owned();
    let (before, log_before) = (tables(&app).await, log_size(&app).await);
    for (pointer, value) in [("/number", json!(4_294_967_295u64)), ("/agenda/0/position", json!(2_147_483_648u64))] {
        let mut doc = session("kept");
        *doc.pointer_mut(pointer).expect("field") = value.clone();
        let r = app.put_if(&path, &admin, &doc, &etag).await;
        assert_eq!(r.status, 422, "{pointer} = {value}: {r:?}");
        assert!(r.has_violation(pointer, "range"), "{pointer}: {:?}", r.violations());
        let message = r.body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(&value.to_string()), "the message quotes the value: {message}");
    }
    assert_eq!(log_size(&app).await, log_before);
    assert!(tables(&app).await == before, "no table changed");
    assert_eq!(app.get("/v1/sessions/kept").await.body["number"], 1);
}

/// A public record with `value` at `pointer`.
fn public_record(id: &str, pointer: &str, value: &Value) -> Value {
    let mut r = json!({
        "id": id,
        "council": {"slug": "bounds-district", "ru": "Маслихат района"},
        "council_level": "district",
        "session_number": 1,
        "votes": [{"item": "Бюджет", "yes": 1, "no": 0, "abstain": 0, "source_url": "https://example.kz/a"}],
        "sources": ["https://example.kz/a"]
    });
    *r.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer}")) = value.clone();
    r
}

#[tokio::test]
async fn public_record_imports_take_integers_within_the_served_range_only() {
    let app = uncached_app().await;
    let fields = [
        ("/session_number", SessionRange::number()),
        ("/votes/0/yes", SessionRange::count()),
        ("/votes/0/no", SessionRange::count()),
        ("/votes/0/abstain", SessionRange::count()),
    ];
    for (f, (pointer, (min, max))) in fields.into_iter().enumerate() {
        for (k, value) in probes(min, max).into_iter().enumerate() {
            let id = format!("pr-{f}-{k}");
            let (before, log_before) = (tables(&app).await, log_size(&app).await);
            let file = json!([public_record(&id, pointer, &value)]).to_string();
            let report =
                import_str(&app.state.service.db, &file, &ImportOptions::default()).await.expect("import runs");
            if in_range(&value, min, max) {
                assert_eq!(report.stored, 1, "{pointer} = {value}: {report:?}");
                let served = app.get(&format!("/v1/public-records/{id}")).await;
                assert_eq!(served.body.pointer(pointer), Some(&value), "{pointer} = {value} served: {:?}", served.body);
                continue;
            }
            assert_eq!(report.stored, 0, "{pointer} = {value}: {report:?}");
            let reason = &report.refused.first().unwrap_or_else(|| panic!("{pointer} = {value} refused")).reason;
            assert!(reason.starts_with(pointer), "{pointer} = {value} names the path: {reason}");
            assert_eq!(log_size(&app).await, log_before, "{pointer} = {value}: the log did not grow");
            assert!(tables(&app).await == before, "{pointer} = {value}: no table changed");
        }
    }
}

/// The ranges of a public record's integers (public records are only imported, so no request
/// schema publishes them; `data/public-records/README.md` does).
struct SessionRange;

impl SessionRange {
    fn number() -> (i64, i64) {
        (1, i64::from(maslikhat::domain::public_record::MAX_SESSION_NUMBER))
    }
    fn count() -> (i64, i64) {
        (0, i64::from(maslikhat::domain::public_record::MAX_VOTE_COUNT))
    }
}

#[tokio::test]
async fn a_json_lines_import_refuses_an_integer_out_of_range_naming_its_path() {
    let app = app_with_national_council().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    for (pointer, value) in [
        ("/number", json!(0)),
        ("/number", json!(4_294_967_295u64)),
        ("/agenda/0/position", json!(501)),
        ("/vote_events/0/seats", json!(2_147_483_648u64)),
        ("/vote_events/0/counts/no", json!(9_007_199_254_740_992u64)),
        ("/speeches/0/seconds", json!(3.5)),
    ] {
        let mut body = session("jl");
        *body.pointer_mut(pointer).expect("field") = value.clone();
        let line =
            json!({"kind": "session_record", "id": "jl", "council": COUNCIL, "provenance": "council", "body": body});
        let file = tmp.path().join("one.jsonl");
        std::fs::write(&file, format!("{line}\n")).expect("write");
        let (before, log_before) = (tables(&app).await, log_size(&app).await);
        let report = maslikhat::interchange::jsonl::import(&app.state.service.db, &file, false, false, false)
            .await
            .expect("runs");
        assert_eq!(report.created, 0, "{pointer} = {value}: {report:?}");
        let reason = &report.refused.first().unwrap_or_else(|| panic!("{pointer} = {value} refused")).reason;
        assert!(reason.contains(pointer), "{pointer} = {value} names the path: {reason}");
        assert_eq!(log_size(&app).await, log_before);
        assert!(tables(&app).await == before, "{pointer} = {value}: no table changed");
    }
}

#[tokio::test]
async fn a_popolo_import_refuses_a_session_number_beyond_its_range_instead_of_wrapping_it() {
    use maslikhat::interchange::popolo::import::{PopoloOptions, import_value};
    let app = uncached_app().await;
    let doc = |number: Value| {
        json!({
            "organizations": [{"id": "popolo-c", "name": "Маслихат", "classification": "legislature"}],
            "events": [
                {"id": "term/8", "classification": "legislative period", "organization_id": "popolo-c", "start_date": "2023-03-19"},
                {"id": "sitting-1", "classification": "session", "organization_id": "popolo-c", "start_date": "2024-05-15", "number": number}
            ],
            "vote_events": [{"id": "v1", "legislative_session_id": "sitting-1", "start_date": "2024-05-15", "result": "fail",
                             "counts": [{"option": "yes", "value": 0}]}]
        })
    };
    let opts = PopoloOptions::default();
    // 2³² + 1 would be session 1 if the number were truncated to 32 bits.
    let report = import_value(&app.state.service.db, &doc(json!((1u64 << 32) + 1)), &Default::default(), &opts).await;
    let report = report.expect("import runs");
    assert_eq!(report.sessions, 0, "{report:?}");
    let refusal = report.refused.iter().find(|r| r.kind == "session_record").expect("the session is refused");
    assert!(refusal.reason.contains("/number"), "{refusal:?}");
    assert_eq!(app.get("/v1/sessions?council=popolo-c").await.body["items"], json!([]));
    let report =
        import_value(&app.state.service.db, &doc(json!(10_000)), &Default::default(), &opts).await.expect("runs");
    assert_eq!(report.sessions, 1, "the largest number is accepted: {report:?}");
}

#[tokio::test]
async fn an_oparl_import_refuses_a_meeting_whose_agenda_outgrows_the_position_range() {
    use maslikhat::interchange::oparl::import::{OparlOptions, import_dir};
    let app = uncached_app().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let max = published_range("AgendaItemDto", "position").1;
    let items =
        |n: i64| (1..=n).map(|i| json!({"id": format!("https://o.example/ai/{i}"), "name": format!("TOP {i}")}));
    let body = json!({"id": "https://o.example/body/1", "type": "https://schema.oparl.org/1.1/Body", "name": "Gemeinde Probe"});
    let org = json!({"id": "https://o.example/org/rat", "type": "https://schema.oparl.org/1.1/Organization",
                     "name": "Gemeinderat", "organizationType": "Gremium"});
    let meeting = |id: &str, n: i64| {
        json!({"id": format!("https://o.example/meeting/{id}"), "type": "https://schema.oparl.org/1.1/Meeting",
               "start": "2024-05-15T18:00:00+02:00", "organization": ["https://o.example/org/rat"],
               "agendaItem": items(n).collect::<Vec<_>>()})
    };
    for (name, v) in [
        ("body.json", body),
        ("organization.json", org),
        ("meeting.json", json!({"data": [meeting("full", max), meeting("over", max + 1)]})),
    ] {
        std::fs::write(tmp.path().join(name), v.to_string()).expect("write");
    }
    let opts = OparlOptions {
        council_id: Some("probe".into()),
        replace: false,
        now: chrono::Utc::now(),
        continue_on_error: false,
    };
    let report = import_dir(&app.state.service.db, tmp.path(), &opts).await.expect("import runs");
    assert_eq!((report.sessions.stored, report.kept), (0, false), "the dump is all or nothing: {:?}", report.refused);
    assert_eq!(app.version_count().await, 0, "nothing of the dump was stored");
    let opts = OparlOptions { continue_on_error: true, ..opts };
    let report = import_dir(&app.state.service.db, tmp.path(), &opts).await.expect("import runs");
    assert_eq!(report.sessions.stored, 1, "{:?}", report.refused);
    let refusal = report.refused.iter().find(|r| r.source.ends_with("/over")).expect("the long meeting is refused");
    assert!(refusal.reason.contains(&format!("/agenda/{max}/position")), "{refusal:?}");
}

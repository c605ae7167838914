//! Rosters: whole-document PUT semantics, every roster rule, concurrency, deputy reads.

use serde_json::{Value, json};

use crate::helpers::{TestApp, deputy, roster, spawn_app};

async fn app_with_roster() -> (TestApp, String) {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let r = app.put("/v1/councils/alpha/roster", &app.publisher("alpha"), &roster("alpha", 3)).await;
    assert_eq!(r.status, 201, "{r:?}");
    let etag = r.header("etag").expect("etag").to_owned();
    (app, etag)
}

#[tokio::test]
async fn updates_need_if_match_and_stale_tags_are_refused() {
    let (app, etag) = app_with_roster().await;
    let token = app.publisher("alpha");
    let v2 = roster("alpha", 4);
    let r = app.put("/v1/councils/alpha/roster", &token, &v2).await;
    assert_eq!(r.status, 428, "{r:?}");
    assert!(r.is_problem());
    assert_eq!(r.body["current_etag"], etag.as_str());
    let r = app.put_if("/v1/councils/alpha/roster", &token, &v2, "\"v0-0000000000000000\"").await;
    assert_eq!(r.status, 412);
    assert!(r.is_problem());
    let r = app.put_if("/v1/councils/alpha/roster", &token, &v2, &etag).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["version"], 2);
    let new_etag = r.header("etag").unwrap().to_owned();
    // Re-sending the same document (a retry) changes nothing and returns the current version,
    // even with the tag that was current before the retry's first attempt landed.
    let r = app.put_if("/v1/councils/alpha/roster", &token, &v2, &etag).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["version"], 2);
    assert_eq!(r.header("etag"), Some(new_etag.as_str()));
    let versions = app.get("/v1/councils/alpha/roster/versions").await;
    let items = versions.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["version"], 1);
    assert_eq!(items[1]["version"], 2);
    assert!(items[0]["received_at"].as_str().unwrap() <= items[1]["received_at"].as_str().unwrap());
    let current = app.get("/v1/councils/alpha/roster").await;
    assert_eq!(current.header("etag"), Some(new_etag.as_str()));
    assert_eq!(current.body["document"]["deputies"].as_array().unwrap().len(), 4);
    assert_eq!(current.body["version"]["version"], 2);
}

#[tokio::test]
async fn two_updates_with_the_same_if_match_exactly_one_wins() {
    let (app, etag) = app_with_roster().await;
    let token = app.publisher("alpha");
    for round in 0..3 {
        let cur = app.get("/v1/councils/alpha/roster").await.header("etag").unwrap().to_owned();
        let tag = if round == 0 { etag.clone() } else { cur };
        // Two editors start from the same version and send different documents.
        let mut a = roster("alpha", 4);
        a["deputies"][0]["names"]["kk"] = json!(format!("Басқа {round}"));
        let mut b = roster("alpha", 4);
        b["deputies"][0]["names"]["ru"] = json!(format!("Другое имя {round}"));
        let (ra, rb) = tokio::join!(
            app.put_if("/v1/councils/alpha/roster", &token, &a, &tag),
            app.put_if("/v1/councils/alpha/roster", &token, &b, &tag)
        );
        let mut statuses = [ra.status, rb.status];
        statuses.sort();
        assert_eq!(statuses, [200, 412], "round {round}: {ra:?} {rb:?}");
    }
    let versions = app.get("/v1/councils/alpha/roster/versions").await;
    assert_eq!(versions.body["items"].as_array().unwrap().len(), 4);
}

/// Applies `edit` to a valid roster and expects a 422 naming `path` and `rule`, with nothing stored.
async fn refused(app: &TestApp, etag: &str, edit: impl FnOnce(&mut Value), path: &str, rule: &str) {
    let mut doc = roster("alpha", 3);
    edit(&mut doc);
    let before = app.version_count().await;
    let r = app.put_if("/v1/councils/alpha/roster", &app.publisher("alpha"), &doc, etag).await;
    assert_eq!(r.status, 422, "{path} {rule}: {r:?}");
    assert!(r.is_problem());
    assert!(r.has_violation(path, rule), "expected {path} {rule}, got {:?}", r.violations());
    assert_eq!(app.version_count().await, before, "{rule}: nothing stored");
    let current = app.get("/v1/councils/alpha/roster").await;
    assert_eq!(current.body["version"]["version"], 1);
}

#[expect(clippy::too_many_lines, reason = "a table of roster rules, one broken document per rule; a list, not logic")]
#[tokio::test]
async fn each_roster_rule_refuses_a_document_that_breaks_it() {
    let (app, etag) = app_with_roster().await;
    // Another council owns a deputy id.
    app.seed_council("beta").await;
    assert_eq!(
        app.put("/v1/councils/beta/roster", &app.publisher("beta"), &json!({"deputies": [deputy("beta-d1")]}))
            .await
            .status,
        201
    );

    refused(&app, &etag, |d| d["deputies"][1]["id"] = json!("alpha-d1"), "/deputies/1/id", "unique").await;
    refused(&app, &etag, |d| d["deputies"][1]["id"] = json!("Alpha D1"), "/deputies/1/id", "id_format").await;
    refused(&app, &etag, |d| d["deputies"][1]["id"] = json!("beta-d1"), "/deputies/1/id", "owned_by_other_council")
        .await;
    refused(&app, &etag, |d| d["deputies"][0]["names"] = json!({}), "/deputies/0/names", "non_empty").await;
    refused(
        &app,
        &etag,
        |d| d["deputies"][0]["names"]["ru"] = json!("x".repeat(1001)),
        "/deputies/0/names/ru",
        "max_length",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| d["deputies"][0]["names"]["ru"] = json!("Имя\u{0007}"),
        "/deputies/0/names/ru",
        "no_control_characters",
    )
    .await;
    refused(&app, &etag, |d| d["deputies"][0]["mandates"] = json!([]), "/deputies/0/mandates", "mandate_required")
        .await;
    refused(
        &app,
        &etag,
        |d| d["deputies"][0]["mandates"][0]["convocation"] = json!("VII"),
        "/deputies/0/mandates/0/convocation",
        "known_convocation",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| d["deputies"][0]["mandates"][0]["start_date"] = json!("2020-01-01"),
        "/deputies/0/mandates/0/start_date",
        "within_convocation",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| d["deputies"][0]["mandates"][0]["end_date"] = json!("2023-03-01"),
        "/deputies/0/mandates/0/end_date",
        "date_order",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| d["deputies"][0]["mandates"][0]["end_reason"] = json!("resigned"),
        "/deputies/0/mandates/0/end_reason",
        "needs_end_date",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| {
            d["deputies"][0]["mandates"][0]["seat_type"] = json!("party_list");
            d["deputies"][0]["mandates"][0]["nomination"] = json!("party");
            d["deputies"][0]["mandates"][0]["nominating_party"] = json!("amanat");
        },
        "/deputies/0/mandates/0/seat_type",
        "party_list_level",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| d["deputies"][0]["mandates"][0]["nomination"] = json!("party"),
        "/deputies/0/mandates/0/nominating_party",
        "required",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| d["deputies"][0]["mandates"][0]["nominating_party"] = json!("amanat"),
        "/deputies/0/mandates/0/nominating_party",
        "not_allowed",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| {
            d["deputies"][0]["mandates"][0]["nomination"] = json!("party");
            d["deputies"][0]["mandates"][0]["nominating_party"] = json!("no-such-party");
        },
        "/deputies/0/mandates/0/nominating_party",
        "known_party",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| {
            let m = d["deputies"][0]["mandates"][0].clone();
            let mut m2 = m.clone();
            m2["start_date"] = json!("2024-01-01");
            d["deputies"][0]["mandates"] = json!([m, m2]);
        },
        "/deputies/0/mandates/1/start_date",
        "no_overlap",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| d["deputies"][0]["party_memberships"] = json!([{"party": "nope", "start_date": "2020-01-01"}]),
        "/deputies/0/party_memberships/0/party",
        "known_party",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| d["deputies"][0]["party_memberships"] = json!([{"party": "amanat", "start_date": "2020-01-01", "end_date": "2024-01-01"}, {"party": "auyl", "start_date": "2023-12-01"}]),
        "/deputies/0/party_memberships/1/start_date",
        "no_overlap",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| {
            d["deputies"][0]["party_memberships"] =
                json!([{"party": "amanat", "start_date": "2024-01-01", "end_date": "2023-01-01"}])
        },
        "/deputies/0/party_memberships/0/end_date",
        "date_order",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| d["deputies"][0]["contacts"] = json!([{"kind": "phone", "value": "900101 300123"}]),
        "/deputies/0/contacts/0/value",
        "no_national_id",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| d["deputies"][0]["contacts"] = json!([{"kind": "telegram", "value": "@x"}]),
        "/deputies/0/contacts/0/kind",
        "allowed_values",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| {
            for i in 4..=6 {
                d["deputies"].as_array_mut().unwrap().push(deputy(&format!("alpha-d{i}")));
            }
        },
        "/deputies",
        "seats_exceeded",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| d["roles"] = json!([{"deputy": "ghost", "role": "chairman", "start_date": "2023-03-20"}]),
        "/roles/0/deputy",
        "known_deputy",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| d["roles"] = json!([{"deputy": "alpha-d1", "role": "commission_member", "start_date": "2023-03-20"}]),
        "/roles/0/commission",
        "required",
    )
    .await;
    refused(&app, &etag, |d| d["roles"] = json!([{"deputy": "alpha-d1", "role": "commission_chair", "commission": "budget", "start_date": "2023-03-20"}]), "/roles/0/commission", "known_commission").await;
    refused(
        &app,
        &etag,
        |d| d["roles"] = json!([{"deputy": "alpha-d1", "role": "faction_leader", "start_date": "2023-03-20"}]),
        "/roles/0/party",
        "required",
    )
    .await;
    refused(&app, &etag, |d| d["roles"] = json!([{"deputy": "alpha-d1", "role": "chairman", "start_date": "2024-03-20", "end_date": "2024-01-01"}]), "/roles/0/end_date", "date_order").await;
    refused(
        &app,
        &etag,
        |d| d["commissions"] = json!([{"id": "budget", "names": {"ru": "Бюджет"}, "kind": "standing"}, {"id": "budget", "names": {"ru": "Бюджет 2"}, "kind": "temporary"}]),
        "/commissions/1/id",
        "unique",
    )
    .await;
    refused(
        &app,
        &etag,
        |d| d["deputies"][0]["mandates"][0]["seat_type"] = json!("appointed"),
        "/deputies/0/mandates/0/seat_type",
        "allowed_values",
    )
    .await;
    refused(&app, &etag, |d| d["deputies"][0]["nickname"] = json!("x"), "/deputies/0/nickname", "unknown_field").await;
}

#[tokio::test]
async fn a_full_roster_with_commissions_roles_and_party_history_round_trips() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let doc = json!({
        "deputies": [
            {
                "id": "alpha-d1",
                "names": {"kk": "Әлия Қасымова", "ru": "Алия Касымова", "kk-Latn": "Álııa Qasymova"},
                "given_names": {"kk": "Әлия"},
                "family_names": {"kk": "Қасымова"},
                "gender": "female",
                "contacts": [{"kind": "email", "value": "deputy@maslihat.example"}],
                "mandates": [{"convocation": "VIII", "seat_type": "single_member", "district": "№3", "nomination": "party", "nominating_party": "amanat", "start_date": "2023-03-20"}],
                "party_memberships": [{"party": "amanat", "start_date": "2019-05-01", "end_date": "2024-05-31"}, {"party": "auyl", "start_date": "2024-09-01"}]
            },
            deputy("alpha-d2")
        ],
        "commissions": [{"id": "alpha-budget", "names": {"ru": "Постоянная комиссия по бюджету"}, "kind": "standing", "start_date": "2023-03-20"}],
        "roles": [
            {"deputy": "alpha-d1", "role": "chairman", "start_date": "2023-03-20"},
            {"deputy": "alpha-d2", "role": "commission_chair", "commission": "alpha-budget", "start_date": "2023-03-20"}
        ]
    });
    let r = app.put("/v1/councils/alpha/roster", &app.admin(), &doc).await;
    assert_eq!(r.status, 201, "{r:?}");
    let back = app.get("/v1/councils/alpha/roster").await;
    assert_eq!(back.body["document"]["deputies"][0]["names"]["kk-Latn"], "Álııa Qasymova");
    assert_eq!(back.body["document"]["roles"][1]["commission"], "alpha-budget");

    // Party at a date follows the membership history to the day.
    let on = |date: &str| format!("/v1/deputies/alpha-d1?on={date}");
    let r = app.get(&on("2024-05-31")).await;
    assert_eq!(r.body["party"], "amanat");
    let r = app.get(&on("2024-06-01")).await;
    assert_eq!(r.body["non_partisan"], true);
    assert!(r.body.get("party").is_none());
    let r = app.get(&on("2024-09-01")).await;
    assert_eq!(r.body["party"], "auyl");
    assert_eq!(r.body["roles"][0]["role"], "chairman");

    let ids = |r: &crate::helpers::Reply| {
        r.body["items"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    let r = app.get("/v1/councils/alpha/deputies?party=amanat&on=2024-01-10").await;
    assert_eq!(ids(&r), ["alpha-d1"]);
    let r = app.get("/v1/councils/alpha/deputies?non_partisan=true&on=2024-07-01").await;
    assert_eq!(ids(&r), ["alpha-d1", "alpha-d2"]);
    let r = app.get("/v1/councils/alpha/deputies?non_partisan=false&on=2024-07-01").await;
    assert!(ids(&r).is_empty());
    let r = app.get("/v1/councils/alpha/deputies?on=2020-01-01").await;
    assert!(ids(&r).is_empty(), "nobody served before the convocation");
    let r = app.get("/v1/councils/alpha/deputies?seat_type=party_list").await;
    assert!(ids(&r).is_empty());
    let r = app.get("/v1/councils/alpha/deputies?limit=1").await;
    assert_eq!(ids(&r), ["alpha-d1"]);
    let next = r.body["links"]["next"].as_str().expect("next").to_owned();
    assert_eq!(ids(&app.get(&next).await), ["alpha-d2"]);
    assert_eq!(app.get("/v1/deputies/nobody").await.status, 404);
    assert_eq!(app.get("/v1/councils/nowhere/deputies").await.status, 404);
}

#[tokio::test]
async fn strings_are_trimmed_and_nfc_normalized_before_storing() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let mut doc = roster("alpha", 1);
    doc["deputies"][0]["names"]["kk-Latn"] = json!("  Qasymova Ae\u{301}  ");
    let r = app.put("/v1/councils/alpha/roster", &app.admin(), &doc).await;
    assert_eq!(r.status, 201);
    let back = app.get("/v1/councils/alpha/roster").await;
    assert_eq!(back.body["document"]["deputies"][0]["names"]["kk-Latn"], "Qasymova A\u{e9}");
}

/// A held session of alpha on 2024-02-01: a roll call of `deputies` and a speech by the first.
fn session_with_ballots(deputies: &[&str]) -> Value {
    let ballots: Vec<Value> = deputies.iter().map(|d| json!({"deputy": d, "option": "yes"})).collect();
    json!({
        "convocation": "VIII", "number": 1, "kind": "regular", "status": "held",
        "scheduled_start": "2024-02-01T10:00:00+05:00", "is_open": true,
        "agenda": [{"id": "alpha-s1-i1", "position": 1, "titles": {"ru": "О бюджете"}, "initiator": "akimat"}],
        "vote_events": [{"id": "alpha-s1-v1", "agenda_item": "alpha-s1-i1", "motion": {"ru": "Принять"},
            "stage": "as_a_whole", "method": "roll_call", "majority_rule": "majority_of_seats", "seats": 5,
            "result": "pass", "ballots": ballots}],
        "speeches": [{"id": "alpha-s1-sp1", "agenda_item": "alpha-s1-i1", "deputy": deputies[0],
            "speaker_role": "deputy", "speech_type": "question", "language": "ru", "seconds": 60}]
    })
}

#[tokio::test]
async fn a_roster_change_that_would_orphan_stored_ballots_is_refused_naming_the_sessions_and_votes() {
    let (app, etag) = app_with_roster().await;
    let token = app.publisher("alpha");
    let session = session_with_ballots(&["alpha-d2", "alpha-d1", "alpha-d3"]);
    let r = app.put("/v1/councils/alpha/sessions/alpha-s1", &token, &session).await;
    assert_eq!(r.status, 201, "{r:?}");
    let before = app.version_count().await;

    // alpha-d2's mandate shortened to its first day, long before the session.
    let mut shortened = roster("alpha", 3);
    shortened["deputies"][1]["mandates"][0]["end_date"] = json!("2023-03-20");
    let r = app.put_if("/v1/councils/alpha/roster", &token, &shortened, &etag).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.has_violation("/deputies/1/mandates", "stored_ballots"), "{r:?}");
    let message = r.body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("alpha-s1 of 2024-02-01 (vote alpha-s1-v1; speech alpha-s1-sp1)"), "{message}");

    // alpha-d3 left out of the roster altogether.
    let mut removed = roster("alpha", 3);
    removed["deputies"].as_array_mut().expect("deputies").pop();
    let r = app.put_if("/v1/councils/alpha/roster", &token, &removed, &etag).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.has_violation("/deputies", "stored_ballots"), "{r:?}");
    assert!(
        r.body["errors"][0]["message"].as_str().is_some_and(|m| m.contains("alpha-d3") && m.contains("alpha-s1-v1"))
    );
    assert_eq!(app.version_count().await, before, "nothing was stored");

    // A change that keeps every stored ballot valid is accepted, and the record can still be
    // sent again as it is.
    let mut later = roster("alpha", 3);
    let mut newcomer = deputy("alpha-d4");
    newcomer["mandates"][0]["start_date"] = json!("2024-03-01");
    later["deputies"].as_array_mut().expect("deputies").push(newcomer);
    let r = app.put_if("/v1/councils/alpha/roster", &token, &later, &etag).await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = app.put("/v1/councils/alpha/sessions/alpha-s1", &token, &session).await;
    assert_eq!(r.status, 200, "an identical re-send: {r:?}");
}

//! The reads whose bodies serde writes straight into the response (issue 25: no
//! `serde_json::Value` tree in between) answer the JSON the API's schema types write. In a
//! debug build each such body is also compared with its `ToJSON` form before it is sent (a
//! difference is a 500); here every one of them on the demo sample is read through the router,
//! and each is compared with what a read still written by poem-openapi answers for the same
//! thing: a council in the council list with `get_council`, a vote event with its line in
//! `list_vote_events`, and a line of a deputy's ballots with that vote event and its ballot.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use maslikhat::demo::{self, DemoConfig};
use sea_orm::EntityTrait;
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};

/// Every page of a list, following `links.next` from `first`.
async fn pages(app: &TestApp, first: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut next = Some(first.to_owned());
    while let Some(path) = next {
        let r = app.get(&path).await;
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
        assert!(r.header("content-type").is_some_and(|c| c == "application/json; charset=utf-8"), "{path}");
        next = r.body["links"]["next"].as_str().map(|n| n.trim_start_matches(&app.base).to_owned());
        out.extend(r.body["items"].as_array().expect("items").iter().cloned());
    }
    out
}

#[tokio::test]
async fn bodies_written_by_serde_are_what_the_schema_types_write_for_every_read_of_the_demo_sample() {
    let app = spawn_app().await;
    demo::load(&app.state.service.db, &DemoConfig::sample(NaiveDate::from_ymd_opt(2025, 6, 30).expect("date")), false)
        .await
        .expect("the sample loads");

    // The council list, two a page, against each council read alone.
    let councils = pages(&app, "/v1/councils?limit=2").await;
    assert!(councils.len() >= 4, "{} councils", councils.len());
    for c in &councils {
        let id = c["id"].as_str().expect("id");
        let alone = app.get(&format!("/v1/councils/{id}")).await;
        assert_eq!(alone.status, 200);
        assert_eq!(c, &alone.body, "council {id} in the list and alone");
        assert!(c.get("created_at").and_then(Value::as_str).is_some_and(|t| t.ends_with("+00:00")), "{c}");
    }

    // Every vote event, alone (with its ballots) against its line in the list (without them).
    let mut ballots: BTreeMap<(String, String), Value> = BTreeMap::new();
    let mut events: BTreeMap<String, Value> = BTreeMap::new();
    for c in &councils {
        let id = c["id"].as_str().expect("id");
        for line in pages(&app, &format!("/v1/vote-events?council={id}&limit=500")).await {
            let vid = line["id"].as_str().expect("id").to_owned();
            let r = app.get(&format!("/v1/vote-events/{vid}")).await;
            assert_eq!(r.status, 200, "{vid}: {:?}", r.body);
            let mut alone = r.body.clone();
            let theirs = alone.as_object_mut().expect("object").remove("ballots").unwrap_or_default();
            assert_eq!(alone, line, "vote event {vid} alone and in the list");
            for b in theirs.as_array().into_iter().flatten() {
                let deputy = b["deputy"].as_str().expect("deputy").to_owned();
                assert_eq!(b["non_partisan"].as_bool(), Some(b.get("party").is_none()), "{b}");
                ballots.insert((deputy, vid.clone()), b.clone());
            }
            events.insert(vid, line);
        }
    }
    assert!(events.len() > 50 && ballots.len() > 1000, "{} vote events, {} ballots", events.len(), ballots.len());
    // Absent values are left out, as the schema types leave them out: a non-partisan's party, an
    // oblast's parent.
    assert!(ballots.values().any(|b| b.get("party").is_none()), "a non-partisan ballot");
    assert!(councils.iter().any(|c| c.get("parent").is_none()), "a council without a parent");

    // Every deputy's ballots, seven a page, against the vote events and their ballots.
    let deputies = maslikhat::entity::deputy::Entity::find().all(&app.state.service.db).await.expect("deputies");
    let mut lines = 0;
    for d in &deputies {
        for line in pages(&app, &format!("/v1/deputies/{}/ballots?limit=7", d.id)).await {
            let vid = line["vote_event"].as_str().expect("vote_event");
            let e = &events[vid];
            let b = &ballots[&(d.id.clone(), vid.to_owned())];
            for (mine, theirs) in
                [("session", "session"), ("session_date", "session_date"), ("agenda_item", "agenda_item")]
            {
                assert_eq!(line[mine], e[theirs], "{line} against {e}");
            }
            assert_eq!((&line["motion"], &line["result"]), (&e["motion"], &e["result"]), "{line}");
            assert_eq!((&line["option"], line.get("party")), (&b["option"], b.get("party")), "{line} against {b}");
            assert_eq!(line["non_partisan"], b["non_partisan"], "{line}");
            lines += 1;
        }
    }
    assert_eq!(lines, ballots.len(), "every ballot is on its deputy's pages once");
}

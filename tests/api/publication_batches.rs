//! The publication path writes a record's rows in multi-row statements of bounded size: a record
//! with more rows than one statement carries is stored whole, in its order, and a new version
//! replaces the old rows whole.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::helpers::{TestApp, roster, spawn_app_with};
use maslikhat::entity::{ballot, speech, vote_event};

const SID: &str = "alpha-big";
const DEPS: [&str; 4] = ["alpha-d1", "alpha-d2", "alpha-d3", "alpha-d4"];

/// A held session with one agenda item, `votes` named votes (every deputy votes, the last one
/// no) and `speeches` speeches by the akim.
fn big_session(votes: usize, speeches: usize) -> Value {
    let item = format!("{SID}-i1");
    let ballots: Vec<Value> = DEPS
        .iter()
        .enumerate()
        .map(|(i, d)| json!({"deputy": d, "option": if i + 1 == DEPS.len() { "no" } else { "yes" }}))
        .collect();
    let vote = |n: usize| {
        json!({
            "id": format!("{SID}-v{n}"),
            "agenda_item": item,
            "motion": {"kk": format!("Шешім {n}"), "ru": format!("Решение {n}")},
            "stage": "as_a_whole",
            "method": "roll_call",
            "majority_rule": "majority_of_present",
            "seats": 5,
            "result": "pass",
            "counts": {"yes": 3, "no": 1},
            "ballots": ballots
        })
    };
    let speech = |n: usize| {
        json!({
            "id": format!("{SID}-s{n}"),
            "agenda_item": item,
            "speaker_name": "Аким района",
            "speaker_role": "executive",
            "speech_type": "speech",
            "language": "ru",
            "text": format!("Выступление {n}")
        })
    };
    json!({
        "convocation": "VIII",
        "number": 1,
        "kind": "regular",
        "status": "held",
        "scheduled_start": "2024-05-15T05:00:00Z",
        "is_open": true,
        "agenda": [{
            "id": item,
            "position": 1,
            "number_label": "1",
            "titles": {"kk": "Мәселе", "ru": "Вопрос"},
            "initiator": "akimat",
            "result": "adopted"
        }],
        "vote_events": (1..=votes).map(vote).collect::<Vec<_>>(),
        "speeches": (1..=speeches).map(speech).collect::<Vec<_>>()
    })
}

/// The stored speech ids of the session in position order, and the number of stored ballots and
/// vote events.
async fn stored(app: &TestApp) -> (Vec<String>, usize, usize) {
    let db = &app.state.service.db;
    let speeches: Vec<String> = speech::Entity::find()
        .filter(speech::Column::SessionId.eq(SID))
        .order_by_asc(speech::Column::Position)
        .all(db)
        .await
        .expect("speeches")
        .into_iter()
        .map(|s| s.id)
        .collect();
    let ballots = ballot::Entity::find().filter(ballot::Column::SessionId.eq(SID)).all(db).await.expect("ballots");
    let events = vote_event::Entity::find().filter(vote_event::Column::SessionId.eq(SID)).all(db).await.expect("votes");
    (speeches, ballots.len(), events.len())
}

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("{SID}-{prefix}{i}")).collect()
}

#[tokio::test]
async fn a_record_larger_than_one_statement_is_stored_whole_and_replaced_whole() {
    // The record is larger than the tests' default body limit.
    let app = spawn_app_with(|s| s.max_body_bytes = 8 * 1024 * 1024).await;
    app.seed_council("alpha").await;
    let r = app.put("/v1/councils/alpha/roster", &app.publisher("alpha"), &roster("alpha", 4)).await;
    assert_eq!(r.status, 201, "{r:?}");
    let path = format!("/v1/councils/alpha/sessions/{SID}");
    let token = app.publisher("alpha");

    // 1,230 speeches and 310 votes with 1,240 ballots: several statements' worth of each.
    let v1 = big_session(310, 1_230);
    let r1 = app.put(&path, &token, &v1).await;
    assert_eq!(r1.status, 201, "{r1:?}");
    let (speeches, ballots, events) = stored(&app).await;
    assert_eq!(speeches, ids("s", 1_230), "every speech, in the record's order");
    assert_eq!((ballots, events), (1_240, 310));
    let v = app.get(&format!("/v1/vote-events/{SID}-v310")).await;
    assert_eq!(v.status, 200, "{v:?}");
    assert_eq!(v.body["ballots"].as_array().map(Vec::len), Some(4));

    // A correction with fewer votes and speeches replaces every row: none of the old ones stay.
    let mut v2 = big_session(120, 501);
    v2["reason"] = json!("Исправлен протокол");
    let etag = r1.header("etag").expect("etag").to_owned();
    let r2 = app.put_if(&path, &token, &v2, &etag).await;
    assert_eq!(r2.status, 200, "{r2:?}");
    let (speeches, ballots, events) = stored(&app).await;
    assert_eq!(speeches, ids("s", 501));
    assert_eq!((ballots, events), (480, 120));
    assert_eq!(app.get(&format!("/v1/vote-events/{SID}-v121")).await.status, 404);

    // The normalized rows match the logged documents, and the log is whole.
    let audit = maslikhat::store::audit::audit(&app.state.service.db).await.expect("audit");
    assert!(audit.findings.is_empty(), "{:?}", audit.findings);
    let rows = &audit.summary.rows;
    assert_eq!((rows["ballot"], rows["vote_event"], rows["speech"]), (480, 120, 501), "{rows:?}");
}

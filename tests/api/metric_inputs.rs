//! Metrics computed from a part of the stored rows (issue 25): the voting metrics from the vote
//! events' counts kept at publication, without a ballot, the unanimity rate and the contested
//! share from the per-session vote tallies, without a vote event, the composition from the deputies
//! alone, the council means of the per-deputy metrics from the per-session tallies kept at
//! publication, without a ballot or speech, and the other debate metrics from the per-session
//! debate counts, without an item, vote event or speech, give what the whole computation gives,
//! on every council of the demo sample, for several periods and moments; and the rankings that
//! use them rank by the same values.

use chrono::{DateTime, NaiveDate, Utc};
use maslikhat::demo::{self, DemoConfig};
use maslikhat::domain::metrics as m;
use maslikhat::store::metrics::{
    Inputs, load_debated, load_inputs, load_openness, load_period, load_tallied, load_vote_tallied,
};

use crate::helpers::spawn_app;

fn day(y: i32, mo: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, d).expect("date")
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc)
}

fn until() -> NaiveDate {
    day(2025, 6, 30)
}

/// Periods: the default one, a half year, one month, one day with no session, and a wide one.
fn periods() -> Vec<(NaiveDate, NaiveDate)> {
    vec![
        (day(2023, 3, 19), until()),
        (day(2024, 1, 1), day(2024, 6, 30)),
        (day(2025, 3, 1), day(2025, 3, 31)),
        (day(2024, 1, 1), day(2024, 1, 1)),
        (day(2020, 1, 1), day(2030, 12, 31)),
    ]
}

/// Moments: before any record, in the middle of the history, at its end, and long after.
fn moments() -> Vec<DateTime<Utc>> {
    vec![at("2023-01-01T00:00:00Z"), at("2024-09-15T12:00:00Z"), at("2025-06-30T18:59:59Z"), at("2027-01-01T00:00:00Z")]
}

/// Sessions in a comparable order: rows come in no particular order (PostgreSQL's differs from
/// one query to the next), and the metrics do not depend on it.
fn sessions(v: &[m::Session]) -> Vec<String> {
    let mut out: Vec<String> = v
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.unattached_documents.sort_by_key(|t| format!("{t:?}"));
            format!("{s:?}")
        })
        .collect();
    out.sort();
    out
}

/// Agenda items in a comparable order (see [`sessions`]).
fn items(v: &[m::AgendaItem]) -> Vec<String> {
    let mut out: Vec<String> = v
        .iter()
        .map(|i| {
            let mut i = i.clone();
            i.documents_first_public.sort_by_key(|t| format!("{t:?}"));
            format!("{i:?}")
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn metrics_from_the_partial_inputs_equal_the_whole_computation_on_every_demo_council() {
    let app = spawn_app().await;
    let db = &app.state.service.db;
    let cfg = DemoConfig::sample(until());
    demo::load(db, &cfg, false).await.expect("the sample loads");
    let councils: Vec<String> = cfg.plans().into_iter().map(|p| p.id).collect();
    assert_eq!(councils.len(), 4);
    let votes = load_inputs(db, &councils, Inputs::Votes).await.expect("vote inputs");
    let deputies = load_inputs(db, &councils, Inputs::Deputies).await.expect("deputy inputs");
    let tallied = load_tallied(db, &councils).await.expect("tallies");
    let opened = load_openness(db, &councils).await.expect("openness inputs");
    let debated = load_debated(db, &councils).await.expect("debate counts");
    let vote_tallied = load_vote_tallied(db, &councils).await.expect("vote tallies");
    let offset = m::almaty_offset();
    let (mut compared, mut with_value, mut with_means, mut with_gini, mut with_score) = (0, 0, 0, 0, 0);
    let (mut ballots, mut tally_rows, mut with_items, mut with_executive) = (0, 0, 0, 0);
    for c in &councils {
        let full = load_period(db, c).await.expect("whole inputs");
        ballots += full.vote_events.iter().map(|v| v.ballots.len()).sum::<usize>();
        let v = votes.get(c).expect("the council's vote inputs");
        assert!(v.vote_events.iter().all(|e| e.ballots.is_empty()), "no ballot is read for the voting metrics");
        assert!(v.speeches.is_empty() && v.agenda_items.is_empty() && v.deputies.is_empty());
        assert_eq!(v.vote_events.len(), full.vote_events.len());
        let d = deputies.get(c).expect("the council's deputies");
        assert!(d.sessions.is_empty() && d.vote_events.is_empty());
        let (t, tallies) = tallied.get(c).expect("the council's tallies");
        assert!(t.vote_events.is_empty() && t.speeches.is_empty() && !tallies.is_empty());
        tally_rows += tallies.len();
        let (e, debates) = debated.get(c).expect("the council's debate counts");
        assert!(
            e.vote_events.is_empty() && e.speeches.is_empty() && e.agenda_items.is_empty() && e.deputies.is_empty()
        );
        assert_eq!(debates.len(), full.sessions.len(), "{c}: one row of debate counts per session");
        let (r, vote_tallies) = vote_tallied.get(c).expect("the council's vote tallies");
        assert!(
            r.vote_events.is_empty() && r.speeches.is_empty() && r.agenda_items.is_empty() && r.deputies.is_empty()
        );
        assert_eq!(vote_tallies.len(), full.sessions.len(), "{c}: one vote tally per session");
        let counted: u64 = vote_tallies.iter().map(|t| t.tally.counted).sum();
        assert!(counted > 0 && counted <= full.vote_events.len() as u64, "{c}: {counted} counted vote events");
        let (o, vote_counts) = opened.get(c).expect("the council's openness inputs");
        assert!(o.vote_events.is_empty() && o.speeches.is_empty() && !o.agenda_items.is_empty());
        assert_eq!(
            sessions(&o.sessions),
            sessions(&full.sessions),
            "{c}: the same sessions, documents' times included"
        );
        assert_eq!(items(&o.agenda_items), items(&full.agenda_items), "{c}: the same items, documents' times included");
        let counted: u64 = vote_counts.values().map(|n| n.vote_events).sum();
        assert_eq!(counted, full.vote_events.len() as u64, "{c}: every vote event counted");
        assert!(vote_counts.values().any(|n| n.named > 0 && n.named < n.vote_events), "{c}: named and not");
        for (from, to) in periods() {
            for as_of in moments() {
                let whole = m::council_metrics(&full, from, to, as_of, offset);
                let voting = m::council_voting_metrics(v, from, to, as_of, offset);
                assert_eq!(voting, whole.voting, "{c} {from}..{to} as of {as_of}: voting");
                let rates = m::council_vote_rates(r, vote_tallies, from, to, as_of, offset);
                let expected = m::VoteRates {
                    unanimity_rate: whole.voting.unanimity_rate,
                    contested_share: whole.voting.contested_share,
                };
                assert_eq!(rates, expected, "{c} {from}..{to} as of {as_of}: voting from vote tallies");
                let composition = m::council_composition(d, from, to, as_of, offset);
                assert_eq!(composition, whole.composition, "{c} {from}..{to} as of {as_of}: composition");
                let means = m::council_tally_means(t, tallies, from, to, as_of, offset);
                let expected = m::TallyMeans {
                    attendance_rate: whole.deputy_means.attendance_rate,
                    abstention_rate: whole.deputy_means.abstention_rate,
                    losing_side_rate: whole.deputy_means.losing_side_rate,
                    speeches_per_session: whole.deputy_means.speeches_per_session,
                };
                assert_eq!(means, expected, "{c} {from}..{to} as of {as_of}: deputy means");
                let debate = m::council_tally_debate(t, tallies, from, to, as_of, offset);
                let expected = m::TallyDebate {
                    silent_deputy_share: whole.debate.silent_deputy_share,
                    speaking_time_gini: whole.debate.speaking_time_gini,
                };
                assert_eq!(debate, expected, "{c} {from}..{to} as of {as_of}: debate from tallies");
                with_gini += usize::from(whole.debate.speaking_time_gini.value.is_some());
                let rest = m::council_session_debate(e, debates, from, to, as_of, offset);
                let expected = m::SessionsDebate {
                    undiscussed_item_share: whole.debate.undiscussed_item_share,
                    speakers_per_item: whole.debate.speakers_per_item,
                    executive_share: whole.debate.executive_share,
                    questions_per_session: whole.debate.questions_per_session,
                };
                assert_eq!(rest, expected, "{c} {from}..{to} as of {as_of}: debate from debate counts");
                with_items += usize::from(whole.debate.speakers_per_item.value.is_some_and(|v| v > 0.0));
                with_executive += usize::from(whole.debate.executive_share.value.is_some_and(|v| v > 0.0));
                let openness = m::council_openness(o, vote_counts, from, to, as_of, offset);
                assert_eq!(openness, whole.openness, "{c} {from}..{to} as of {as_of}: openness");
                with_score += usize::from(whole.openness.score.value.is_some());
                with_means += usize::from(whole.deputy_means.attendance_rate.value.is_some());
                compared += 1;
                with_value += usize::from(whole.voting.contested_share.value.is_some());
            }
        }
    }
    assert_eq!(compared, 4 * periods().len() * moments().len());
    // Not a comparison of nulls: most evaluations have counted votes, and the whole inputs have
    // ballots the partial ones go without.
    assert!(with_value * 2 > compared, "{with_value} of {compared} evaluations have a contested share");
    assert!(with_means * 3 >= compared, "{with_means} of {compared} evaluations have a mean attendance");
    assert!(with_gini * 3 >= compared, "{with_gini} of {compared} evaluations have a speaking-time Gini");
    assert!(with_score * 2 > compared, "{with_score} of {compared} evaluations have an openness score");
    assert!(with_items * 3 >= compared, "{with_items} of {compared} evaluations have speakers on items put to vote");
    assert!(with_executive * 3 >= compared, "{with_executive} of {compared} evaluations have executive speaking time");
    assert!(ballots > 1000, "{ballots} ballots in the sample");
    assert!(tally_rows < ballots, "{tally_rows} tallies for {ballots} ballots");
}

#[tokio::test]
async fn rankings_by_partial_inputs_rank_the_values_each_council_is_served() {
    let app = spawn_app().await;
    let cfg = DemoConfig::sample(until());
    demo::load(&app.state.service.db, &cfg, false).await.expect("the sample loads");
    let metrics = [
        ("contested_share", "voting"),
        ("unanimity_rate", "voting"),
        ("mean_dissent", "voting"),
        ("non_partisan_share", "composition"),
        ("largest_party_share", "composition"),
        ("enp_seats", "composition"),
        ("enp_seats_bloc", "composition"),
        ("attendance_rate", "deputy_means"),
        ("abstention_rate", "deputy_means"),
        ("losing_side_rate", "deputy_means"),
        ("speeches_per_session", "deputy_means"),
        ("openness_score", "openness"),
        ("notice", "openness"),
        ("documents", "openness"),
        ("open_items", "openness"),
        ("broadcast", "openness"),
        ("minutes", "openness"),
        ("roll_call", "openness"),
        ("silent_deputy_share", "debate"),
        ("speaking_time_gini", "debate"),
        ("undiscussed_item_share", "debate"),
        ("speakers_per_item", "debate"),
        ("executive_share", "debate"),
        ("questions_per_session", "debate"),
    ];
    let periods =
        ["from=2024-01-01&to=2024-06-30&as_of=2025-01-01T00:00:00Z", "to=2025-06-30&as_of=2025-06-30T18:00:00Z"];
    for q in periods {
        // Every ranking first, so that no council's whole metrics are cached yet: the rankings
        // compute from the partial inputs.
        let mut rankings = vec![];
        for (metric, _) in metrics {
            let r = app.get(&format!("/v1/rankings?metric={metric}&{q}")).await;
            assert_eq!(r.status, 200, "{r:?}");
            rankings.push(r.body);
        }
        for ((metric, family), ranking) in metrics.iter().zip(&rankings) {
            let rows = ranking["items"].as_array().expect("items");
            assert_eq!(rows.len(), 4, "{metric}: every council of the sample");
            for row in rows {
                let c = row["council"].as_str().expect("council");
                let served = app.get(&format!("/v1/councils/{c}/metrics?{q}")).await;
                assert_eq!(served.status, 200, "{served:?}");
                let value = match (*family, *metric) {
                    ("openness", "openness_score") => &served.body["openness"]["openness_score"],
                    ("openness", component) => &served.body["openness"][component]["value"],
                    (family, metric) => &served.body[family][metric],
                };
                assert_eq!(row["value"]["value"], value["value"], "{metric} of {c} ({q})");
                assert_eq!(row["value"]["n"], value["n"], "{metric} of {c} ({q})");
            }
        }
    }
}

/// Rows of a table, by a plain count.
async fn count(db: &sea_orm::DatabaseConnection, table: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.expect("count");
    row.expect("a row").try_get::<i64>("", "n").expect("n")
}

#[tokio::test]
async fn a_database_from_before_the_tallies_serves_the_same_rankings_after_its_next_start() {
    use migration::MigratorTrait;
    let before = spawn_app().await;
    let cfg = DemoConfig::sample(until());
    demo::load(&before.state.service.db, &cfg, false).await.expect("the sample loads");
    let metrics = [
        ("deputy_means", "attendance_rate"),
        ("deputy_means", "abstention_rate"),
        ("deputy_means", "losing_side_rate"),
        ("deputy_means", "speeches_per_session"),
        ("debate", "undiscussed_item_share"),
        ("debate", "speakers_per_item"),
        ("debate", "executive_share"),
        ("debate", "questions_per_session"),
        ("voting", "contested_share"),
        ("voting", "unanimity_rate"),
        ("openness", "openness_score"),
    ];
    let periods =
        ["from=2024-01-01&to=2024-06-30&as_of=2025-01-01T00:00:00Z", "to=2025-06-30&as_of=2025-06-30T18:00:00Z"];
    // What the whole computation serves for each council, before anything is undone.
    let mut expected = std::collections::BTreeMap::new();
    for q in periods {
        for c in cfg.plans().into_iter().map(|p| p.id) {
            let served = before.get(&format!("/v1/councils/{c}/metrics?{q}")).await;
            assert_eq!(served.status, 200, "{served:?}");
            for (family, metric) in metrics {
                expected.insert((q, c.clone(), metric), served.body[family][metric].clone());
            }
        }
    }
    // The council list as served before, from each council's stored JSON.
    let list_before = before.get("/v1/councils?limit=500").await;
    assert_eq!(list_before.status, 200, "{list_before:?}");
    // The database as the release before the tallies left it: the three migrations undone (their
    // tables dropped; the index, vote-count and served-council migrations after them as well),
    // then redone as bare schema changes, which leave the new tables and column empty.
    let db = maslikhat::store::connect(&before.database_url, 2).await.expect("connects");
    migration::Migrator::down(&db, Some(6)).await.expect("the migrations are undone");
    migration::Migrator::up(&db, None).await.expect("the schema is redone");
    assert_eq!(count(&db, "session_deputy_tally").await, 0, "a table created empty");
    assert_eq!(count(&db, "session_debate_tally").await, 0, "a table created empty");
    let unserved = count(&db, "council WHERE served = ''").await;
    assert_eq!(unserved, count(&db, "council").await, "a column created empty");
    assert_eq!(count(&db, "derived_fill").await, 3, "both tables and the council column are named for filling");
    assert!(count(&db, "ballot").await > 1000);
    // The next start fills the table before serving.
    let url = before.database_url.clone();
    let after = crate::helpers::spawn_app_with(move |s| s.database_url = Some(url.into())).await;
    let mut compared = 0;
    for q in periods {
        for (_, metric) in metrics {
            let r = after.get(&format!("/v1/rankings?metric={metric}&{q}")).await;
            assert_eq!(r.status, 200, "{r:?}");
            let rows = r.body["items"].as_array().expect("items");
            assert_eq!(rows.len(), 4, "{metric}: every council of the sample");
            for row in rows {
                let c = row["council"].as_str().expect("council").to_owned();
                let whole = &expected[&(q, c.clone(), metric)];
                assert_eq!(row["value"]["value"], whole["value"], "{metric} of {c} ({q})");
                assert_eq!(row["value"]["n"], whole["n"], "{metric} of {c} ({q})");
                compared += usize::from(!whole["value"].is_null());
            }
        }
    }
    assert!(compared >= 44, "{compared} rankings values compared");
    assert!(count(&db, "session_deputy_tally").await > 1000, "every tally");
    assert_eq!(count(&db, "session_debate_tally").await, count(&db, "session").await, "every session's debate counts");
    assert_eq!(count(&db, "derived_fill").await, 0, "nothing left to fill");
    // The same councils, each the same but for its URL (the second server listens elsewhere).
    let without_urls = |body: &serde_json::Value| {
        let mut items = body["items"].as_array().cloned().unwrap_or_default();
        items.iter_mut().filter_map(serde_json::Value::as_object_mut).for_each(|c| drop(c.remove("url")));
        items
    };
    let list_after = after.get("/v1/councils?limit=500").await;
    assert_eq!(list_after.status, 200, "{list_after:?}");
    assert_eq!(without_urls(&list_after.body), without_urls(&list_before.body), "the council list as before");
    assert_eq!(without_urls(&list_after.body).len(), 4, "{list_after:?}");
    let audit = maslikhat::store::audit::audit(&db).await.expect("audit");
    assert!(audit.findings.is_empty(), "{:#?}", &audit.findings[..audit.findings.len().min(10)]);
}

/// What a council's metrics are served with, read in one query, is what the separate reads
/// give: the council's `synthetic`, its data version and its documents' provenance kinds, on
/// the demo councils (synthetic) and on one published by an administrator; no state for a
/// council that does not exist. A council's page reads the council's row and data version in one
/// statement: the same data version, and the council as its read gives it.
#[tokio::test]
async fn a_councils_state_read_in_one_query_equals_its_separate_reads() {
    use maslikhat::store::metrics::{CouncilState, council_state, data_version};
    use maslikhat::store::read::council_page::council_versioned;
    use maslikhat::store::read::{councils::get_council, public_records::provenance_kinds};

    let app = spawn_app().await;
    let db = &app.state.service.db;
    let cfg = DemoConfig::sample(until());
    demo::load(db, &cfg, false).await.expect("the sample loads");
    let r = app.put("/v1/councils/zeta", &app.admin(), &crate::helpers::council("zeta")).await;
    assert_eq!(r.status, 201, "{r:?}");
    let mut councils: Vec<String> = cfg.plans().into_iter().map(|p| p.id).collect();
    councils.push("zeta".into());
    let mut kinds = std::collections::BTreeSet::new();
    let mut synthetic = 0;
    for c in &councils {
        let (seq, newest) = data_version(db, Some(c)).await.expect("data version");
        let expected = CouncilState {
            synthetic: get_council(db, c).await.expect("the council").council.synthetic,
            seq,
            newest,
            provenance: provenance_kinds(db, Some(c)).await.expect("provenance kinds"),
        };
        assert!(seq > 0 && newest.is_some(), "{c}: has documents");
        assert_eq!(council_state(db, c).await.expect("state"), Some(expected.clone()), "{c}");
        // A council's page reads its row and data version in one statement too.
        let read = get_council(db, c).await.expect("the council");
        let (row, page_seq, page_newest) = council_versioned(db, c).await.expect("the page's council");
        assert_eq!((page_seq, page_newest), (seq, newest), "{c}: the page's data version");
        assert_eq!(
            (&row.id, &row.names, row.level, &row.parent_id, row.seats, row.synthetic, row.version, row.updated_at),
            (
                c,
                &read.council.names,
                read.council.level,
                &read.council.parent,
                read.council.seats,
                read.council.synthetic,
                read.version,
                read.updated_at
            ),
            "{c}: the page's council row"
        );
        synthetic += usize::from(expected.synthetic);
        kinds.extend(expected.provenance);
    }
    assert_eq!(synthetic, councils.len() - 1, "the demo councils are synthetic, the published one is not");
    assert!(kinds.len() >= 2, "more than one provenance kind compared: {kinds:?}");
    assert_eq!(council_state(db, "no-such-council").await.expect("state"), None);
    let missing = council_versioned(db, "no-such-council").await;
    assert!(matches!(missing, Err(maslikhat::store::StoreError::NotFound(_))), "{missing:?}");
}

/// A council's page reads in one statement its composition (each deputy's names, and their seat
/// type and party on the day), every party's names and its latest sessions. On every council of
/// the sample and on days around every start and end of a mandate or a party membership, the
/// composition equals what the full roster's `mandate_on`/`party_on` give; the parties are every
/// party as listed; the latest sessions are the council's sessions as listed, newest first, cut
/// to the number asked.
#[tokio::test]
async fn a_councils_page_reads_in_one_statement_equal_the_full_reads() {
    use std::collections::BTreeMap;

    use maslikhat::store::read::council_page::{SessionLine, council_page};
    use maslikhat::store::read::councils::all_parties;
    use maslikhat::store::read::deputies::{DeputyOnDay, council_deputies};
    use maslikhat::store::read::sessions::{SessionFilter, list_sessions};

    let app = spawn_app().await;
    let db = &app.state.service.db;
    let cfg = DemoConfig::sample(until());
    demo::load(db, &cfg, false).await.expect("the sample loads");
    let (mut compared, mut without_mandate, mut non_partisan, mut in_party) = (0, 0, 0, 0);
    let parties: Vec<(String, BTreeMap<String, String>)> =
        all_parties(db).await.expect("the parties").into_iter().map(|p| (p.id, p.party.names)).collect();
    assert!(parties.len() > 2, "{} parties", parties.len());
    let mut latest_compared = 0;
    for c in cfg.plans().into_iter().map(|p| p.id) {
        let full = council_deputies(db, &c).await.expect("the roster");
        assert!(!full.is_empty(), "{c}: has deputies");
        let mut days = std::collections::BTreeSet::new();
        for d in &full {
            let dated = d.deputy.mandates.iter().map(|m| (m.start_date, m.end_date));
            let dated = dated.chain(d.deputy.party_memberships.iter().map(|m| (m.start_date, m.end_date)));
            for (start, end) in dated {
                days.extend([start.pred_opt().unwrap(), start, start.succ_opt().unwrap()]);
                if let Some(end) = end {
                    days.extend([end, end.succ_opt().unwrap()]);
                }
            }
        }
        // Every session of the council, newest first; then the latest few of them.
        let filter = SessionFilter { council: Some(c.clone()), ..SessionFilter::default() };
        let mut sessions = list_sessions(db, &filter, None, 100_000).await.expect("the sessions").items;
        assert!(sessions.len() > 12, "{c}: {} sessions", sessions.len());
        sessions.sort_by(|a, b| (b.scheduled_start, &b.id).cmp(&(a.scheduled_start, &a.id)));
        let lines: Vec<SessionLine> = sessions
            .iter()
            .map(|s| SessionLine {
                id: s.id.clone(),
                convocation: s.convocation.clone(),
                number: s.number,
                kind: s.kind,
                status: s.status,
                scheduled_start: s.scheduled_start,
            })
            .collect();
        for n in [0, 1, 12, 100_000] {
            let got = council_page(db, &c, until(), n).await.expect("the page's reads");
            assert_eq!(got.latest, lines[..lines.len().min(n as usize)], "{c}: the {n} latest sessions");
            assert_eq!(got.parties, parties, "{c}: every party");
        }
        latest_compared += 1;
        for day in days {
            let expected: Vec<DeputyOnDay> = full
                .iter()
                .map(|d| DeputyOnDay {
                    id: d.deputy.id.clone(),
                    names: d.deputy.names.clone(),
                    seat_type: d.mandate_on(day).map(|m| m.seat_type),
                    party: d.party_on(day).map(str::to_owned),
                })
                .collect();
            let got = council_page(db, &c, day, 3).await.expect("the roster on the day").deputies;
            assert_eq!(got, expected, "{c} on {day}");
            compared += got.len();
            without_mandate += got.iter().filter(|d| d.seat_type.is_none()).count();
            non_partisan += got.iter().filter(|d| d.seat_type.is_some() && d.party.is_none()).count();
            in_party += got.iter().filter(|d| d.party.is_some()).count();
        }
    }
    assert!(without_mandate > 0 && non_partisan > 0 && in_party > 0, "{without_mandate} {non_partisan} {in_party}");
    assert!(compared > 1_000, "{compared} deputy-days compared");
    assert_eq!(latest_compared, cfg.plans().len());
    let none = council_page(db, "no-such-council", until(), 12).await.expect("read");
    assert!(none.deputies.is_empty() && none.latest.is_empty());
    assert_eq!(none.parties, parties);
}

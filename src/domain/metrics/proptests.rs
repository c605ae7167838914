//! Property tests: values stay in their ranges, and the order of the input
//! does not change any result.

use proptest::prelude::*;

use super::tests::{date, deputy, item, range, session, speech, ts, vote};
use super::*;

const OPTIONS: [BallotOption; 6] = [
    BallotOption::Yes,
    BallotOption::No,
    BallotOption::Abstain,
    BallotOption::NotVoting,
    BallotOption::Absent,
    BallotOption::Excused,
];
const METHODS: [VoteMethod; 5] = [
    VoteMethod::RollCall,
    VoteMethod::Electronic,
    VoteMethod::ShowOfHands,
    VoteMethod::Secret,
    VoteMethod::Acclamation,
];
const ROLES: [SpeakerRole; 6] = [
    SpeakerRole::Deputy,
    SpeakerRole::Chair,
    SpeakerRole::Rapporteur,
    SpeakerRole::Executive,
    SpeakerRole::Official,
    SpeakerRole::Public,
];
const TYPES: [SpeechType; 5] =
    [SpeechType::Speech, SpeechType::Question, SpeechType::Answer, SpeechType::Report, SpeechType::Procedural];

/// Session genes: day, hour, kind/status/flag bits, agenda lead hours, minutes delay hours.
type SessionGene = (u8, u8, u8, Option<u16>, Option<u16>);
/// Vote genes: item index, method, pass, option per deputy, given counts.
type VoteGene = (u8, u8, bool, Vec<u8>, Option<(u8, u8, u8)>);
/// Speech genes: session index, item index, deputy index, role, type, seconds.
type SpeechGene = (u8, Option<u8>, Option<u8>, u8, u8, Option<u16>);

/// A compact random description of a council period, expanded by [`build`].
#[derive(Debug, Clone)]
struct Spec {
    /// Per deputy: mandate start/end day offsets, party choice (0 = none) and switch day.
    deputies: Vec<(u8, Option<u8>, u8, u8, u8)>,
    /// Per session: day, hour, kind/status/flags bits, agenda lead hours, minutes delay hours.
    sessions: Vec<SessionGene>,
    /// Per item: session index, open, document lead hours.
    items: Vec<(u8, bool, Vec<i16>)>,
    /// Per vote: item index, method, pass, options per deputy, given counts.
    votes: Vec<VoteGene>,
    /// Per speech: session index, item index, deputy index, role, type, seconds.
    speeches: Vec<SpeechGene>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec((0_u8..30, prop::option::of(0_u8..150), 0_u8..4, 0_u8..4, 20_u8..160), 1..8),
        prop::collection::vec(
            (0_u8..100, 0_u8..24, any::<u8>(), prop::option::of(0_u16..400), prop::option::of(0_u16..1200)),
            1..6,
        ),
        prop::collection::vec((any::<u8>(), any::<bool>(), prop::collection::vec(-100_i16..400, 0..3)), 1..8),
        prop::collection::vec(
            (
                any::<u8>(),
                0_u8..9,
                any::<bool>(),
                prop::collection::vec(0_u8..8, 2..8),
                prop::option::weighted(0.3, (0_u8..8, 0_u8..8, 0_u8..8)),
            ),
            0..12,
        ),
        prop::collection::vec(
            (
                any::<u8>(),
                prop::option::of(any::<u8>()),
                prop::option::of(any::<u8>()),
                0_u8..6,
                0_u8..5,
                prop::option::of(0_u16..900),
            ),
            0..20,
        ),
    )
        .prop_map(|(deputies, sessions, items, votes, speeches)| Spec {
            deputies,
            sessions,
            items,
            votes,
            speeches,
        })
}

fn pick<T: Copy>(list: &[T], i: u8) -> T {
    list[usize::from(i) % list.len()]
}

/// Expands a spec into a council period; base date 2025-01-01, period of 100 days.
fn build(spec: &Spec) -> CouncilPeriod {
    let base = date(2024, 12, 1);
    let day = |d: u8| base + chrono::Days::new(u64::from(d));
    let deputies: Vec<Deputy> = spec
        .deputies
        .iter()
        .enumerate()
        .map(|(k, &(start, end, party, party2, switch))| {
            let mandate = range(day(start), end.map(|e| day(start.saturating_add(e))));
            let mut memberships = Vec::new();
            let first = range(day(0), Some(day(switch)));
            let second = range(day(switch.saturating_add(1)), None);
            if party > 0 {
                memberships.push((["", "A", "B", "A"][usize::from(party)], first));
            }
            if party2 > 0 {
                memberships.push((["", "A", "B", "A"][usize::from(party2)], second));
            }
            deputy(&format!("d{k}"), mandate, &memberships)
        })
        .collect();
    let base_ts = ts(2024, 12, 1, 0, 0);
    let sessions: Vec<Session> = spec
        .sessions
        .iter()
        .enumerate()
        .map(|(k, &(d, h, bits, lead, delay))| {
            let start = base_ts + chrono::Duration::days(i64::from(d) + 20) + chrono::Duration::hours(i64::from(h));
            let kind = [SessionKind::Regular, SessionKind::Extraordinary, SessionKind::Constituent, SessionKind::Joint]
                [usize::from(bits % 4)];
            let mut s = session(&format!("s{k}"), kind, start);
            s.status = if bits & 0xC0 != 0xC0 { SessionStatus::Held } else { SessionStatus::Cancelled };
            s.is_open = bits & 0x04 != 0;
            s.has_livestream = bits & 0x08 != 0;
            s.has_recording = bits & 0x10 != 0;
            s.backfilled = bits & 0x20 != 0;
            s.provenance = [Provenance::Council, Provenance::PublicSources, Provenance::Synthetic][k % 3];
            let make = |at| {
                if bits & 0x40 != 0 { PublicTime::declared(at) } else { PublicTime::witnessed(at) }
            };
            s.scheduled_end = (bits & 0x02 != 0).then(|| start + chrono::Duration::hours(3));
            s.agenda_first_public = lead.map(|l| make(start - chrono::Duration::hours(i64::from(l) - 40)));
            s.minutes_first_public = delay.map(|m| make(start + chrono::Duration::hours(i64::from(m))));
            s
        })
        .collect();
    let session_ids: Vec<String> = sessions.iter().map(|s| s.id.clone()).collect();
    let mut items = Vec::new();
    if !session_ids.is_empty() {
        for (k, (si, open, docs)) in spec.items.iter().enumerate() {
            let sid = &session_ids[usize::from(*si) % session_ids.len()];
            let start = sessions[usize::from(*si) % sessions.len()].scheduled_start;
            let docs = docs
                .iter()
                .enumerate()
                .map(|(j, h)| {
                    let at = start - chrono::Duration::hours(i64::from(*h));
                    if j % 2 == 0 { PublicTime::witnessed(at) } else { PublicTime::declared(at) }
                })
                .collect();
            items.push(item(&format!("i{k}"), sid, *open, docs));
        }
    }
    let mut votes = Vec::new();
    if !items.is_empty() {
        for (k, (ii, method, pass, options, counts)) in spec.votes.iter().enumerate() {
            let it: &AgendaItem = &items[usize::from(*ii) % items.len()];
            // Named methods twice as likely, so that per-deputy metrics get data.
            let method = pick(&METHODS, method.saturating_sub(4));
            let ballots: Vec<(String, BallotOption)> = if method == VoteMethod::Secret {
                Vec::new()
            } else {
                options
                    .iter()
                    .enumerate()
                    .take(deputies.len())
                    .map(|(d, o)| (format!("d{d}"), pick(&OPTIONS, o.saturating_sub(2))))
                    .collect()
            };
            let refs: Vec<(&str, BallotOption)> = ballots.iter().map(|(d, o)| (d.as_str(), *o)).collect();
            let result = if *pass { VoteResult::Pass } else { VoteResult::Fail };
            let mut v = vote(&format!("v{k}"), &it.session_id, &it.id, method, result, &refs);
            v.counts =
                counts.map(|(y, n, a)| VoteCounts { yes: u64::from(y), no: u64::from(n), abstain: u64::from(a) });
            votes.push(v);
        }
    }
    let mut speeches = Vec::new();
    if !sessions.is_empty() {
        for (si, ii, di, role, kind, secs) in &spec.speeches {
            let sid = &session_ids[usize::from(*si) % session_ids.len()];
            let item_id = ii.and_then(|i| (!items.is_empty()).then(|| items[usize::from(i) % items.len()].id.clone()));
            let role = pick(&ROLES, *role);
            let deputy_id =
                di.and_then(|d| (!deputies.is_empty()).then(|| deputies[usize::from(d) % deputies.len()].id.clone()));
            speeches.push(speech(
                sid,
                item_id.as_deref(),
                deputy_id.as_deref(),
                role,
                pick(&TYPES, *kind),
                secs.map(u64::from),
            ));
        }
    }
    CouncilPeriod { council_id: "c".into(), sessions, agenda_items: items, vote_events: votes, speeches, deputies }
}

/// Reorders a list by sorting its indexes on random keys.
fn permute<T: Clone>(list: &[T], keys: &[u32]) -> Vec<T> {
    let mut idx: Vec<usize> = (0..list.len()).collect();
    idx.sort_by_key(|&i| (keys.get(i % keys.len().max(1)).copied().unwrap_or(0), i));
    idx.reverse();
    idx.into_iter().map(|i| list[i].clone()).collect()
}

fn shuffled(input: &CouncilPeriod, keys: &[u32]) -> CouncilPeriod {
    let mut out = CouncilPeriod {
        council_id: input.council_id.clone(),
        sessions: permute(&input.sessions, keys),
        agenda_items: permute(&input.agenda_items, keys),
        vote_events: permute(&input.vote_events, keys),
        speeches: permute(&input.speeches, keys),
        deputies: permute(&input.deputies, keys),
    };
    for v in &mut out.vote_events {
        v.ballots = permute(&v.ballots, keys);
    }
    for d in &mut out.deputies {
        d.party_memberships = permute(&d.party_memberships, keys);
    }
    for i in &mut out.agenda_items {
        i.documents_first_public = permute(&i.documents_first_public, keys);
    }
    out
}

fn evaluate(input: &CouncilPeriod) -> CouncilMetrics {
    council_metrics(input, date(2025, 1, 1), date(2025, 3, 1), ts(2025, 2, 20, 0, 0), almaty_offset())
}

fn in_range(v: &MetricValue, lo: f64, hi: f64) -> Result<(), TestCaseError> {
    prop_assert_eq!(v.value.is_none(), v.reason.is_some(), "value xor reason: {:?}", v);
    if let Some(x) = v.value {
        prop_assert!(x.is_finite() && lo - 1e-12 <= x && x <= hi + 1e-12, "{} not in [{}, {}]", x, lo, hi);
    }
    Ok(())
}

fn unit(v: &MetricValue) -> Result<(), TestCaseError> {
    in_range(v, 0.0, 1.0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn values_stay_in_their_ranges(s in spec()) {
        let m = evaluate(&build(&s));
        let o = &m.openness;
        for c in [&o.notice, &o.documents, &o.open_items, &o.broadcast, &o.minutes, &o.roll_call] {
            unit(&c.value)?;
        }
        in_range(&o.score, 0.0, 100.0)?;
        in_range(&o.coverage, 0.0, 1.0)?;
        prop_assert!(o.coverage.value.is_some());
        for s in &o.sessions {
            for c in [&s.notice, &s.documents, &s.open_items, &s.broadcast, &s.minutes, &s.roll_call] {
                unit(c)?;
            }
        }
        let d = &m.debate;
        unit(&d.undiscussed_item_share)?;
        in_range(&d.speakers_per_item, 0.0, m.deputies.len().max(1) as f64 + 7.0)?;
        unit(&d.silent_deputy_share)?;
        in_range(&d.speaking_time_gini, 0.0, 1.0)?;
        unit(&d.executive_share)?;
        in_range(&d.questions_per_session, 0.0, 1e6)?;
        unit(&m.voting.unanimity_rate)?;
        unit(&m.voting.contested_share)?;
        unit(&m.voting.mean_dissent)?;
        for dm in &m.deputies {
            unit(&dm.attendance_rate)?;
            unit(&dm.abstention_rate)?;
            unit(&dm.losing_side_rate)?;
            unit(&dm.rebellion_rate)?;
            in_range(&dm.speeches_per_session, 0.0, 1e6)?;
        }
        for g in &m.cohesion {
            unit(&g.agreement_index)?;
            unit(&g.rice_index)?;
        }
        let c = &m.composition;
        unit(&c.non_partisan_share)?;
        unit(&c.largest_party_share)?;
        let seats = c.seats.value.unwrap_or(1.0);
        in_range(&c.enp_seats, 1.0, seats)?;
        in_range(&c.enp_seats_bloc, 1.0, seats)?;
        in_range(&m.non_partisan_comparison.attendance_rate.difference, -1.0, 1.0)?;
    }

    #[test]
    fn council_components_are_means_of_the_served_session_components(s in spec()) {
        let input = build(&s);
        let m = evaluate(&input);
        for c in Component::ALL {
            let values: Vec<f64> = m.openness.sessions.iter().filter_map(|x| x.get(c).value).collect();
            prop_assert_eq!(m.openness.get(c).value.n, values.len() as u64);
            prop_assert_eq!(m.openness.get(c).value.value, mean(&values));
        }
        // Only sessions held by `as_of` are scored (v1.1).
        let as_of = ts(2025, 2, 20, 0, 0);
        for x in &m.openness.sessions {
            let session = input.sessions.iter().find(|s| s.id == x.session_id);
            prop_assert!(session.is_some_and(|s| s.scheduled_start <= as_of));
        }
    }

    #[test]
    fn input_order_does_not_change_results(s in spec(), keys in prop::collection::vec(any::<u32>(), 1..16)) {
        let input = build(&s);
        prop_assert_eq!(evaluate(&input), evaluate(&shuffled(&input, &keys)));
    }

    #[test]
    fn gini_stays_in_unit_range_and_ignores_order(xs in prop::collection::vec(0.0_f64..1e4, 0..40)) {
        let g = gini(&xs);
        if let Some(g) = g {
            prop_assert!((0.0..1.0).contains(&g));
        }
        let mut rev = xs.clone();
        rev.reverse();
        prop_assert_eq!(g, gini(&rev));
    }

    #[test]
    fn cohesion_indexes_stay_in_unit_range(y in 0_u64..200, n in 0_u64..200, a in 0_u64..200) {
        if let Some(v) = agreement_index(y, n, a) {
            prop_assert!((-1e-12..=1.0 + 1e-12).contains(&v));
        }
        if let Some(v) = rice_index(y, n) {
            prop_assert!((0.0..=1.0).contains(&v));
        }
    }
}

//! A session record: one versioned document per session with its agenda, documents, vote events
//! (with every ballot) and speeches, and the rules of `docs/domain.md` it must satisfy.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::bounded::MAX_SPEECH_SECONDS;
use super::council::Council;
use super::enums::{
    BallotOption, DocumentKind, Initiator, ItemResult, MajorityRule, SessionKind, SessionStatus, SpeakerRole,
    SpeechType, VoteMethod, VoteResult, VoteStage,
};
use super::violation::{Violations, join};

/// Kazakhstan has used one time zone, UTC+5, since 1 March 2024. A session's *date* is its
/// scheduled start's calendar date in UTC+5 (for the few earlier sessions held in the former
/// UTC+6 east, a daytime session falls on the same date either way).
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&local_offset()).date_naive()
}

/// Kazakhstan's time zone, UTC+5 (see [`local_date`]).
pub fn local_offset() -> FixedOffset {
    FixedOffset::east_opt(5 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"))
}

/// The whole record of one session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// Convocation (Roman numeral) declared on the council.
    pub convocation: String,
    /// Session number within the convocation.
    pub number: u32,
    /// Regular, extraordinary, constituent or joint.
    pub kind: SessionKind,
    /// Planned, convened, held, cancelled or postponed.
    pub status: SessionStatus,
    /// Scheduled start.
    pub scheduled_start: DateTime<Utc>,
    /// Scheduled end.
    pub scheduled_end: Option<DateTime<Utc>>,
    /// Actual start.
    pub actual_start: Option<DateTime<Utc>>,
    /// Actual end.
    pub actual_end: Option<DateTime<Utc>>,
    /// Where it sits.
    pub place: Option<String>,
    /// Open to the public.
    pub is_open: bool,
    /// Live stream.
    pub livestream_url: Option<String>,
    /// Recording.
    pub recording_url: Option<String>,
    /// Id of the minutes among `documents`.
    pub minutes_document: Option<String>,
    /// A notice the council says it published elsewhere (newspaper, website), with its source.
    pub declared_notice: Option<DeclaredNotice>,
    /// Agenda items in order.
    pub agenda: Vec<AgendaItem>,
    /// Documents.
    pub documents: Vec<Document>,
    /// Vote events.
    pub vote_events: Vec<VoteEvent>,
    /// Speeches in order.
    pub speeches: Vec<Speech>,
}

/// A declared external notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclaredNotice {
    /// When it was published, as declared.
    pub published_at: DateTime<Utc>,
    /// Where (http/https).
    pub source_url: String,
}

/// A time the publisher declares something first became public, with its source: what the
/// metrics use for a backfilled record (see [`SessionRecord::is_backfilled`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclaredTime {
    /// When it first became public, as declared.
    pub published_at: DateTime<Utc>,
    /// Where that can be seen (http/https).
    pub source_url: String,
}

/// An agenda item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    /// Stable id.
    pub id: String,
    /// Order on the agenda, from 1.
    pub position: u32,
    /// Number as printed (`1`, `2-1`).
    pub number_label: Option<String>,
    /// Titles per language tag.
    pub titles: BTreeMap<String, String>,
    /// Who put it on the agenda.
    pub initiator: Initiator,
    /// Considered in public.
    pub is_open: bool,
    /// What became of it, once known.
    pub result: Option<ItemResult>,
}

/// A document of the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Stable id.
    pub id: String,
    /// The agenda item it belongs to, if any.
    pub agenda_item: Option<String>,
    /// Kind.
    pub kind: DocumentKind,
    /// Title.
    pub title: String,
    /// Media type, e.g. `application/pdf`.
    pub media_type: String,
    /// Where to get it.
    pub url: String,
    /// SHA-256 of the file (64 lowercase hex), when known.
    pub sha256: Option<String>,
    /// Language tag.
    pub language: String,
    /// Its text, when given.
    pub text: Option<String>,
    /// When it first became public, as declared (for a backfilled record). Absent from the
    /// stored document when not given, so records without it keep their canonical form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_public: Option<DeclaredTime>,
}

/// Counts by option.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Yes.
    pub yes: u32,
    /// No.
    pub no: u32,
    /// Abstain.
    pub abstain: u32,
    /// Present, did not vote.
    pub not_voting: u32,
    /// Absent.
    pub absent: u32,
    /// Absent with a reason.
    pub excused: u32,
}

impl Counts {
    /// Tallies ballots.
    pub fn of(ballots: &[Ballot]) -> Self {
        let mut c = Counts::default();
        for b in ballots {
            match b.option {
                BallotOption::Yes => c.yes += 1,
                BallotOption::No => c.no += 1,
                BallotOption::Abstain => c.abstain += 1,
                BallotOption::NotVoting => c.not_voting += 1,
                BallotOption::Absent => c.absent += 1,
                BallotOption::Excused => c.excused += 1,
            }
        }
        c
    }

    /// Each option with its count, `not_voting` as the platform spells it.
    pub fn by_option(&self) -> [(BallotOption, u32); 6] {
        [
            (BallotOption::Yes, self.yes),
            (BallotOption::No, self.no),
            (BallotOption::Abstain, self.abstain),
            (BallotOption::NotVoting, self.not_voting),
            (BallotOption::Absent, self.absent),
            (BallotOption::Excused, self.excused),
        ]
    }

    /// Deputies present (yes, no, abstain, not voting).
    pub fn present(&self) -> u32 {
        self.yes + self.no + self.abstain + self.not_voting
    }

    /// True when dissent (no and abstain on a pass, yes on a fail) is at least 10 % of those who
    /// voted yes, no or abstain: the `contested` definition of metrics v1.
    pub fn contested(&self, result: VoteResult) -> bool {
        let t = self.yes + self.no + self.abstain;
        let dissent = match result {
            VoteResult::Pass => self.no + self.abstain,
            VoteResult::Fail => self.yes,
        };
        t > 0 && dissent * 10 >= t
    }
}

/// Whether `yes` of `counts` carries the motion under `rule` with `seats`.
pub fn passes(rule: MajorityRule, counts: &Counts, seats: u32) -> bool {
    match rule {
        MajorityRule::MajorityOfPresent => counts.yes * 2 > counts.present(),
        MajorityRule::MajorityOfSeats => counts.yes * 2 > seats,
        MajorityRule::TwoThirdsOfSeats => counts.yes * 3 >= seats * 2,
    }
}

/// A vote event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteEvent {
    /// Stable id.
    pub id: String,
    /// The agenda item voted on.
    pub agenda_item: String,
    /// The motion, per language tag.
    pub motion: BTreeMap<String, String>,
    /// Stage.
    pub stage: VoteStage,
    /// Method.
    pub method: VoteMethod,
    /// Majority rule.
    pub majority_rule: MajorityRule,
    /// Seats at the time.
    pub seats: u32,
    /// Result as stated.
    pub result: VoteResult,
    /// Counts as stated (for votes without ballots, or to be checked against them).
    pub counts: Option<Counts>,
    /// Every ballot (named votes).
    pub ballots: Vec<Ballot>,
}

impl VoteEvent {
    /// The counts: stated, else tallied from the ballots, else none.
    pub fn effective_counts(&self) -> Option<Counts> {
        self.counts.or_else(|| (!self.ballots.is_empty()).then(|| Counts::of(&self.ballots)))
    }
}

/// One deputy's ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    /// Deputy id.
    pub deputy: String,
    /// Option.
    pub option: BallotOption,
}

/// A speech.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speech {
    /// Stable id.
    pub id: String,
    /// The agenda item, if the speech was on one.
    pub agenda_item: Option<String>,
    /// The speaker, when a deputy of this council.
    pub deputy: Option<String>,
    /// The speaker's name, when not a deputy (akim, official, citizen).
    pub speaker_name: Option<String>,
    /// Capacity.
    pub speaker_role: SpeakerRole,
    /// Kind.
    pub speech_type: SpeechType,
    /// Language tag.
    pub language: String,
    /// Duration in seconds.
    pub seconds: Option<u32>,
    /// Text, when given.
    pub text: Option<String>,
}

/// What the session rules need beyond the document.
#[derive(Debug, Default)]
pub struct SessionContext {
    /// Deputies of this council mapped to whether they hold a mandate on the session date.
    pub serving: HashMap<String, bool>,
    /// Child ids (items, documents, vote events, speeches) owned by other sessions.
    pub foreign_ids: HashSet<String>,
}

impl SessionRecord {
    /// The session's calendar date (see [`local_date`]).
    pub fn date(&self) -> NaiveDate {
        local_date(self.scheduled_start)
    }

    /// Whether a record of this session first received at `first_received_at` is *backfilled*:
    /// received after the scheduled start, so receive times say nothing about when its agenda,
    /// documents and minutes were public, and the metrics use the times it declares.
    pub fn is_backfilled(&self, first_received_at: DateTime<Utc>) -> bool {
        first_received_at > self.scheduled_start
    }

    /// The documents that are minutes (kind `minutes`; `minutes_document` names one of them).
    pub fn minutes_documents(&self) -> impl Iterator<Item = &Document> {
        self.documents.iter().filter(|d| d.kind == DocumentKind::Minutes)
    }

    /// The minutes' declared public time: the earliest declared time among the minutes
    /// documents; `None` when there are no minutes or none declares a time.
    pub fn declared_minutes(&self) -> Option<&DeclaredTime> {
        self.minutes_documents().filter_map(|d| d.declared_public.as_ref()).min_by_key(|t| t.published_at)
    }

    /// Checks every rule of `docs/domain.md` for a session of `council`.
    #[expect(
        clippy::too_many_lines,
        reason = "every rule of docs/domain.md for a session, in the order the document lists them"
    )]
    pub fn check(&self, council: &Council, ctx: &SessionContext, v: &mut Violations) {
        let caps = [
            ("/agenda", self.agenda.len(), 500),
            ("/documents", self.documents.len(), 2000),
            ("/vote_events", self.vote_events.len(), 1000),
            ("/speeches", self.speeches.len(), 10_000),
        ];
        for (path, len, max) in caps {
            if len > max {
                v.push(path, "max_items", format!("{len} entries; a session record holds at most {max}"));
                return;
            }
        }
        if let Some((i, e)) = self.vote_events.iter().enumerate().find(|(_, e)| e.ballots.len() > 200) {
            v.push(
                join(&join("/vote_events", i), "ballots"),
                "max_items",
                format!("{} ballots; a vote has at most 200", e.ballots.len()),
            );
            return;
        }
        let date = self.date();
        let times = [
            ("/scheduled_start", Some(self.scheduled_start)),
            ("/scheduled_end", self.scheduled_end),
            ("/actual_start", self.actual_start),
            ("/actual_end", self.actual_end),
            ("/declared_notice/published_at", self.declared_notice.as_ref().map(|n| n.published_at)),
        ];
        for (path, t) in times {
            if let Some(t) = t {
                super::text::check_date(v, path, t.date_naive());
            }
        }
        for (i, d) in self.documents.iter().enumerate() {
            if let Some(t) = &d.declared_public {
                let path = join(&join(&join("/documents", i), "declared_public"), "published_at");
                super::text::check_date(v, &path, t.published_at.date_naive());
            }
        }
        match council.convocations.iter().find(|c| c.number == self.convocation) {
            None => v.push(
                "/convocation",
                "known_convocation",
                format!("convocation {} is not declared for this council", self.convocation),
            ),
            Some(c) if !c.covers(date) => {
                v.push("/scheduled_start", "within_convocation", format!("{date} is outside convocation {}", c.number))
            }
            Some(_) => {}
        }
        if self.number == 0 {
            v.push("/number", "positive", "session numbers start at 1");
        }
        if self.scheduled_end.is_some_and(|e| e <= self.scheduled_start) {
            v.push("/scheduled_end", "date_order", "the scheduled end is not after the scheduled start");
        }
        if let (Some(s), Some(e)) = (self.actual_start, self.actual_end)
            && e <= s
        {
            v.push("/actual_end", "date_order", "the actual end is not after the actual start");
        }
        if self.actual_end.is_some() && self.actual_start.is_none() {
            v.push("/actual_start", "required", "an actual end needs an actual start");
        }
        let held = matches!(self.status, SessionStatus::Held | SessionStatus::Convened);
        if !held && (!self.vote_events.is_empty() || self.actual_start.is_some()) {
            v.push(
                "/status",
                "status_consistency",
                format!("a {} session has no actual times and no votes", self.status),
            );
        }

        let mut ids: HashSet<String> = HashSet::new();
        let mut claim = |v: &mut Violations, path: String, id: &str| {
            if !ids.insert(id.to_owned()) {
                v.push(path, "unique", format!("id {id} is used twice in this record"));
            } else if ctx.foreign_ids.contains(id) {
                v.push(path, "owned_by_other_session", format!("id {id} belongs to another session"));
            }
        };
        let mut items = HashSet::new();
        let mut positions = HashSet::new();
        for (i, it) in self.agenda.iter().enumerate() {
            let p = join("/agenda", i);
            claim(v, join(&p, "id"), &it.id);
            items.insert(it.id.as_str());
            if it.position == 0 || !positions.insert(it.position) {
                v.push(join(&p, "position"), "unique_position", "positions are distinct and start at 1");
            }
        }
        let mut documents: HashMap<&str, DocumentKind> = HashMap::new();
        for (i, d) in self.documents.iter().enumerate() {
            let p = join("/documents", i);
            claim(v, join(&p, "id"), &d.id);
            documents.insert(d.id.as_str(), d.kind);
            if let Some(a) = &d.agenda_item
                && !items.contains(a.as_str())
            {
                v.push(join(&p, "agenda_item"), "known_agenda_item", format!("agenda item {a} is not in this session"));
            }
            if d.sha256
                .as_ref()
                .is_some_and(|h| h.len() != 64 || !h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
            {
                v.push(join(&p, "sha256"), "sha256_hex", "64 lowercase hexadecimal digits");
            }
            let mt = d.media_type.split_once('/');
            if mt.is_none_or(|(a, b)| a.is_empty() || b.is_empty() || d.media_type.contains(char::is_whitespace)) {
                v.push(join(&p, "media_type"), "media_type", "a media type such as application/pdf");
            }
        }
        if let Some(m) = &self.minutes_document {
            match documents.get(m.as_str()) {
                None => v.push("/minutes_document", "known_document", format!("document {m} is not in this record")),
                Some(DocumentKind::Minutes) => {}
                Some(k) => v.push("/minutes_document", "minutes_kind", format!("document {m} is a {k}, not minutes")),
            }
        }
        for (i, e) in self.vote_events.iter().enumerate() {
            let p = join("/vote_events", i);
            claim(v, join(&p, "id"), &e.id);
            self.check_vote(council, ctx, e, &p, &items, v);
        }
        for (i, s) in self.speeches.iter().enumerate() {
            let p = join("/speeches", i);
            claim(v, join(&p, "id"), &s.id);
            if let Some(a) = &s.agenda_item
                && !items.contains(a.as_str())
            {
                v.push(join(&p, "agenda_item"), "known_agenda_item", format!("agenda item {a} is not in this session"));
            }
            match (&s.deputy, &s.speaker_name) {
                (Some(_), Some(_)) => {
                    v.push(join(&p, "speaker_name"), "one_speaker", "name a deputy or a non-deputy speaker, not both")
                }
                (None, None) => v.push(join(&p, "deputy"), "one_speaker", "name the deputy or the non-deputy speaker"),
                (Some(d), None) => {
                    if ctx.serving.get(d.as_str()) != Some(&true) {
                        v.push(
                            join(&p, "deputy"),
                            "serving_deputy",
                            format!("{d} holds no mandate in this council on {date}"),
                        );
                    }
                }
                (None, Some(_)) => {
                    if s.speaker_role == SpeakerRole::Deputy {
                        v.push(join(&p, "deputy"), "required", "a speech in the role of deputy names the deputy");
                    }
                }
            }
            if s.seconds.is_some_and(|x| x > MAX_SPEECH_SECONDS) {
                v.push(join(&p, "seconds"), "range", format!("a speech lasts at most {MAX_SPEECH_SECONDS} seconds"));
            }
        }
    }

    fn check_vote(
        &self,
        council: &Council,
        ctx: &SessionContext,
        e: &VoteEvent,
        p: &str,
        items: &HashSet<&str>,
        v: &mut Violations,
    ) {
        let date = self.date();
        if !items.contains(e.agenda_item.as_str()) {
            v.push(
                join(p, "agenda_item"),
                "known_agenda_item",
                format!("agenda item {} is not in this session", e.agenda_item),
            );
        }
        if e.seats == 0 || e.seats > council.seats {
            v.push(join(p, "seats"), "seat_count", format!("seats at the time are 1 to {}", council.seats));
        }
        let mut seen = HashSet::new();
        for (j, b) in e.ballots.iter().enumerate() {
            let bp = join(&join(p, "ballots"), j);
            if !seen.insert(b.deputy.as_str()) {
                v.push(join(&bp, "deputy"), "one_ballot_per_deputy", format!("{} has more than one ballot", b.deputy));
            }
            if ctx.serving.get(b.deputy.as_str()) != Some(&true) {
                v.push(
                    join(&bp, "deputy"),
                    "serving_deputy",
                    format!("{} holds no mandate in this council on {date}", b.deputy),
                );
            }
        }
        match e.method {
            VoteMethod::Secret if !e.ballots.is_empty() => {
                v.push(join(p, "ballots"), "secret_has_no_ballots", "a secret vote never carries ballots")
            }
            m if m.is_named() => {
                let missing: Vec<&str> = ctx
                    .serving
                    .iter()
                    .filter(|(d, serving)| **serving && !seen.contains(d.as_str()))
                    .map(|(d, _)| d.as_str())
                    .collect();
                if !missing.is_empty() {
                    let mut missing = missing;
                    missing.sort_unstable();
                    v.push(
                        join(p, "ballots"),
                        "ballot_for_every_deputy",
                        format!(
                            "a {m} vote has a ballot for every deputy serving on {date}; missing: {}",
                            missing.join(", ")
                        ),
                    );
                }
            }
            _ => {}
        }
        if let (Some(stated), false) = (e.counts, e.ballots.is_empty())
            && stated != Counts::of(&e.ballots)
        {
            v.push(join(p, "counts"), "counts_match_ballots", "the counts differ from the tally of the ballots");
        }
        if let Some(c) = e.effective_counts() {
            if c.present() > e.seats {
                v.push(
                    join(p, "counts"),
                    "present_within_seats",
                    format!("{} present but only {} seats", c.present(), e.seats),
                );
            }
            let computed = if passes(e.majority_rule, &c, e.seats) { VoteResult::Pass } else { VoteResult::Fail };
            if computed != e.result {
                v.push(
                    join(p, "result"),
                    "result_matches_counts",
                    format!(
                        "with {} yes of {} present and {} seats, a {} vote is a {computed}",
                        c.yes,
                        c.present(),
                        e.seats,
                        e.majority_rule
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majority_rules() {
        let c = Counts { yes: 10, no: 5, abstain: 4, not_voting: 1, absent: 5, excused: 0 };
        assert!(!passes(MajorityRule::MajorityOfPresent, &c, 25), "10 of 20 present is not a majority");
        assert!(!passes(MajorityRule::MajorityOfSeats, &c, 25));
        let c = Counts { yes: 17, ..Default::default() };
        assert!(passes(MajorityRule::TwoThirdsOfSeats, &c, 25), "17 >= 2/3 of 25");
        let c = Counts { yes: 16, ..Default::default() };
        assert!(!passes(MajorityRule::TwoThirdsOfSeats, &c, 25));
        assert!(passes(MajorityRule::MajorityOfSeats, &c, 25));
    }

    #[test]
    fn contested_is_ten_percent_dissent() {
        let c = Counts { yes: 18, no: 1, abstain: 1, ..Default::default() };
        assert!(c.contested(VoteResult::Pass), "2 of 20 is 10 %");
        let c = Counts { yes: 19, no: 1, abstain: 0, ..Default::default() };
        assert!(!c.contested(VoteResult::Pass));
        assert!(!Counts::default().contested(VoteResult::Pass));
    }

    #[test]
    fn session_date_is_taken_in_utc_plus_five() {
        let t: DateTime<Utc> = "2024-03-10T20:30:00Z".parse().expect("time");
        assert_eq!(local_date(t), NaiveDate::from_ymd_opt(2024, 3, 11).expect("date"));
    }
}

/// What changed between two versions of a record, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// Ids only in the newer version.
    pub added: Vec<String>,
    /// Ids only in the older version.
    pub removed: Vec<String>,
    /// Ids in both whose content differs.
    pub changed: Vec<String>,
}

impl ChangeSet {
    /// Whether nothing was added, removed or changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// A record's top-level fields by name, as its JSON gives them.
pub fn fields(r: &SessionRecord) -> BTreeMap<String, serde_json::Value> {
    match serde_json::to_value(r) {
        Ok(serde_json::Value::Object(m)) => m.into_iter().collect(),
        _ => BTreeMap::new(),
    }
}

fn change_set<'a, T: PartialEq + 'a>(
    old: impl IntoIterator<Item = (&'a str, &'a T)>,
    new: impl IntoIterator<Item = (&'a str, &'a T)>,
) -> ChangeSet {
    let old: BTreeMap<&str, &T> = old.into_iter().collect();
    let new: BTreeMap<&str, &T> = new.into_iter().collect();
    ChangeSet {
        added: new.keys().filter(|k| !old.contains_key(*k)).map(|k| k.to_string()).collect(),
        removed: old.keys().filter(|k| !new.contains_key(*k)).map(|k| k.to_string()).collect(),
        changed: new.iter().filter(|(k, v)| old.get(*k).is_some_and(|o| o != *v)).map(|(k, _)| k.to_string()).collect(),
    }
}

/// One ballot that differs between two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotChange {
    /// The vote event.
    pub vote_event: String,
    /// The deputy.
    pub deputy: String,
    /// The option before (absent: no ballot).
    pub from: Option<BallotOption>,
    /// The option after (absent: no ballot).
    pub to: Option<BallotOption>,
}

/// The differences between two versions of a session record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordDiff {
    /// Top-level session fields that differ.
    pub changed_fields: Vec<String>,
    /// Agenda items.
    pub agenda: ChangeSet,
    /// Documents.
    pub documents: ChangeSet,
    /// Vote events.
    pub vote_events: ChangeSet,
    /// Speeches.
    pub speeches: ChangeSet,
    /// Ballots added, removed or changed.
    pub ballots: Vec<BallotChange>,
}

/// Compares two versions.
pub fn diff(old: &SessionRecord, new: &SessionRecord) -> RecordDiff {
    let (a, b) = (fields(old), fields(new));
    let children = ["agenda", "documents", "vote_events", "speeches"];
    let changed_fields = b
        .keys()
        .chain(a.keys())
        .filter(|k| !children.contains(&k.as_str()) && a.get(*k) != b.get(*k))
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut ballots = vec![];
    let old_events: HashMap<&str, &VoteEvent> = old.vote_events.iter().map(|e| (e.id.as_str(), e)).collect();
    let new_events: HashMap<&str, &VoteEvent> = new.vote_events.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut event_ids: Vec<&str> = old_events.keys().chain(new_events.keys()).copied().collect();
    event_ids.sort_unstable();
    event_ids.dedup();
    for id in event_ids {
        let before: BTreeMap<&str, BallotOption> = old_events
            .get(id)
            .map(|e| e.ballots.iter().map(|b| (b.deputy.as_str(), b.option)).collect())
            .unwrap_or_default();
        let after: BTreeMap<&str, BallotOption> = new_events
            .get(id)
            .map(|e| e.ballots.iter().map(|b| (b.deputy.as_str(), b.option)).collect())
            .unwrap_or_default();
        let mut deputies: Vec<&str> = before.keys().chain(after.keys()).copied().collect();
        deputies.sort_unstable();
        deputies.dedup();
        for d in deputies {
            let (f, t) = (before.get(d).copied(), after.get(d).copied());
            if f != t {
                ballots.push(BallotChange { vote_event: id.to_owned(), deputy: d.to_owned(), from: f, to: t });
            }
        }
    }
    RecordDiff {
        changed_fields,
        agenda: change_set(
            old.agenda.iter().map(|x| (x.id.as_str(), x)),
            new.agenda.iter().map(|x| (x.id.as_str(), x)),
        ),
        documents: change_set(
            old.documents.iter().map(|x| (x.id.as_str(), x)),
            new.documents.iter().map(|x| (x.id.as_str(), x)),
        ),
        vote_events: change_set(
            old.vote_events.iter().map(|x| (x.id.as_str(), x)),
            new.vote_events.iter().map(|x| (x.id.as_str(), x)),
        ),
        speeches: change_set(
            old.speeches.iter().map(|x| (x.id.as_str(), x)),
            new.speeches.iter().map(|x| (x.id.as_str(), x)),
        ),
        ballots,
    }
}

//! A public record: what a third party compiled about one sitting of a council from public texts
//! (newspapers, the council's own pages, the adilet register), each fact with its source.
//!
//! Unlike a [`SessionRecord`](super::session::SessionRecord), which a council publishes whole,
//! every fact here is optional: unknown stays unknown and nothing is filled in. A reported
//! "unanimously" stays a flag beside whatever counts the source gave. The record carries its
//! council inline (it never creates a council document), so it never mixes with the councils that
//! publish through the platform, nor with the synthetic country, whose councils share the slugs.
//!
//! The openness components of one record are scored by the same pure functions as the council
//! metrics ([`metrics::notice_score`], [`metrics::broadcast_score`], [`metrics::minutes_score`],
//! [`metrics::VoteEvent::is_named`], [`metrics::openness_score`]); a component whose inputs the sources do
//! not state is `null` with a reason. Every time in a public record is declared, never witnessed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::bounded::Bounded;
use super::enums::{BallotOption, Level};
use super::metrics::{self as m, MetricValue, NullReason};
use super::text::{self, MAX_LINE, MAX_TEXT};
use super::violation::{Violations, join};

/// The largest count of votes a source can state (no council has more than 107 seats).
pub const MAX_VOTE_COUNT: u32 = 500;

/// The largest session number accepted.
pub const MAX_SESSION_NUMBER: u32 = 1000;

/// A session number a source states.
pub type SessionNumber = Bounded<1, MAX_SESSION_NUMBER>;
/// A vote count a source states.
pub type VoteCount = Bounded<0, MAX_VOTE_COUNT>;

/// The council a record is about, as the sources name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicCouncil {
    /// Our stable slug for the council (the sources give none).
    pub slug: String,
    /// Names exactly as the sources write them, per language tag; languages no source used are
    /// absent (nothing is translated).
    pub names: BTreeMap<String, String>,
    /// Its tier, mapped to ours.
    pub level: Level,
    /// The convocation (Roman numeral), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub convocation: Option<String>,
}

/// What kind of sitting, as the sources call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicSittingKind {
    /// A planned session (кезекті / очередная).
    Regular,
    /// A session outside the plan (кезектен тыс / внеочередная).
    Extraordinary,
    /// A meeting of deputies (собрание депутатов), e.g. to consent to an akim's appointment;
    /// not a session.
    DeputiesMeeting,
}

/// How much the sources say about whether the sitting took place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicRecordStatus {
    /// A report says it took place.
    HeldReported,
    /// Only its notice was found.
    AnnouncedOnly,
    /// Only a registered decision was found.
    DecisionRegistered,
}

/// How a vote was taken, as far as a source says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicVoteMethod {
    /// An open vote (not secret), without saying how it was recorded.
    Open,
    /// A secret ballot.
    Secret,
    /// A named vote, one recorded ballot per deputy.
    RollCall,
    /// An electronic vote with recorded ballots.
    Electronic,
    /// A show of hands.
    ShowOfHands,
    /// Adopted by acclamation.
    Acclamation,
}

impl PublicVoteMethod {
    /// The platform's method, when this one is one of them (`open` is not).
    pub fn platform(self) -> Option<m::VoteMethod> {
        match self {
            Self::Open => None,
            Self::Secret => Some(m::VoteMethod::Secret),
            Self::RollCall => Some(m::VoteMethod::RollCall),
            Self::Electronic => Some(m::VoteMethod::Electronic),
            Self::ShowOfHands => Some(m::VoteMethod::ShowOfHands),
            Self::Acclamation => Some(m::VoteMethod::Acclamation),
        }
    }
}

/// The notice convening the sitting, as found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicNotice {
    /// The declared date it was published, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Why that date is trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_basis: Option<String>,
    /// Where it was published.
    pub source_url: String,
    /// Who published it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Its heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// Who signed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
}

/// One agenda item, with its title in the original language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicAgendaItem {
    /// The title as published (or a reported paraphrase, marked so in the title).
    pub title: String,
    /// The title's language tag.
    pub title_lang: String,
    /// Who put it on the agenda, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiator: Option<String>,
    /// Who presented it, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter: Option<String>,
    /// Its documents (draft decision, explanatory note…) that a source shows, each with the
    /// declared date it was first public. None listed means none found, not none existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<PublicDocument>,
}

/// A document of an agenda item, as a source shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicDocument {
    /// Its title as published, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Where the document is, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The declared date it was first public, when a source shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<NaiveDate>,
    /// The source showing the document (and the date, when given).
    pub source_url: String,
}

/// The state registration of a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicRegistration {
    /// The registering body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The registration number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The registration date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
}

/// A decision adopted at the sitting, or an earlier one the agenda cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicDecision {
    /// Its number, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Its title as published.
    pub title: String,
    /// The title's language tag.
    pub title_lang: String,
    /// Its id in the adilet register of legal acts, when found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adilet_id: Option<String>,
    /// Its state registration, when found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<PublicRegistration>,
    /// The date it was adopted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// The source.
    pub source_url: String,
}

/// One named ballot of a vote, as a source lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicBallot {
    /// The deputy's name as published.
    pub name: String,
    /// How they voted.
    pub option: BallotOption,
}

/// A stated vote count: refused when reading a record unless within [`VoteCount`].
fn count<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    super::bounded::optional::<D, VoteCount>(d)
}

/// A stated session number: refused when reading a record unless within [`SessionNumber`].
fn session_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    super::bounded::optional::<D, SessionNumber>(d)
}

/// A vote, recorded only where a source says something about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicVote {
    /// What was voted on, in the source's words.
    pub item: String,
    /// Yes votes, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "count")]
    pub yes: Option<u32>,
    /// No votes, when stated (0 when the source says "unanimously").
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "count")]
    pub no: Option<u32>,
    /// Abstentions, when stated (0 when the source says "unanimously").
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "count")]
    pub abstain: Option<u32>,
    /// True when the source reports the vote as unanimous (the number voting may be unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unanimous: Option<bool>,
    /// How it was taken, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<PublicVoteMethod>,
    /// The compiler's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Named ballots, when a source lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ballots: Vec<PublicBallot>,
    /// The source.
    pub source_url: String,
}

impl PublicVote {
    /// Whether a source gives a number for this vote beyond the zeros that "unanimously" implies.
    pub fn has_counts(&self) -> bool {
        self.yes.is_some() || (self.unanimous != Some(true) && (self.no.is_some() || self.abstain.is_some()))
    }

    /// Whether it is a *named* vote under the metrics' rule: method `roll_call` or `electronic`,
    /// with ballots ([`metrics::VoteEvent::is_named`](m::VoteEvent::is_named)). A method the source does not state is not named.
    pub fn is_named(&self) -> bool {
        self.method.and_then(PublicVoteMethod::platform).is_some_and(|method| {
            m::VoteEvent {
                id: String::new(),
                session_id: String::new(),
                agenda_item_id: String::new(),
                method,
                result: m::VoteResult::Pass,
                counts: None,
                ballots: self
                    .ballots
                    .iter()
                    .map(|b| m::Ballot { deputy_id: b.name.clone(), option: metrics_option(b.option) })
                    .collect(),
            }
            .is_named()
        })
    }
}

fn metrics_option(o: BallotOption) -> m::BallotOption {
    match o {
        BallotOption::Yes => m::BallotOption::Yes,
        BallotOption::No => m::BallotOption::No,
        BallotOption::Abstain => m::BallotOption::Abstain,
        BallotOption::NotVoting => m::BallotOption::NotVoting,
        BallotOption::Absent => m::BallotOption::Absent,
        BallotOption::Excused => m::BallotOption::Excused,
    }
}

/// A speech or report, as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicSpeech {
    /// The speaker's name as published; absent when unnamed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// The speaker's role, in the source's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Whether the speaker is a deputy, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_deputy: Option<bool>,
    /// The compiler's own summary (not a quotation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The source.
    pub source_url: String,
}

/// What a source says about a broadcast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicLivestream {
    /// How it is known (announced in the notice, reported afterwards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// Where it was streamed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// The stream's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Minutes of the sitting, when a source shows them public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicMinutes {
    /// The declared date they were first public.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<NaiveDate>,
    /// Where they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The source saying so.
    pub source_url: String,
}

/// A page a fact of the record comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicSource {
    /// Its address.
    pub url: String,
    /// Who published it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// When the compiler read it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_on: Option<NaiveDate>,
}

/// Everything the sources say about one sitting of a council. Every fact is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicRecord {
    /// The council, inline.
    pub council: PublicCouncil,
    /// The session number within the convocation.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "session_number")]
    pub session_number: Option<u32>,
    /// Regular, extraordinary or a deputies' meeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<PublicSittingKind>,
    /// What the sources show about whether it took place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PublicRecordStatus>,
    /// The date of the sitting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Why that date is trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_basis: Option<String>,
    /// When the date itself is unknown: the report's date or month (`YYYY-MM` or `YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_date: Option<String>,
    /// The time as published (e.g. `11:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// The place as published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The notice, when one was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<PublicNotice>,
    /// Agenda items, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agenda: Vec<PublicAgendaItem>,
    /// Decisions reported as adopted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<PublicDecision>,
    /// Earlier decisions the agenda cites by number.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referenced_decisions: Vec<PublicDecision>,
    /// Votes, only where a source says something.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub votes: Vec<PublicVote>,
    /// Speeches and reports, as given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub speeches: Vec<PublicSpeech>,
    /// Named attendees who are not deputies, as given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<String>,
    /// Whether the sitting was open to the public, when a source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<bool>,
    /// Whether it was broadcast live, when a source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livestream: Option<bool>,
    /// What the source says about the broadcast.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livestream_detail: Option<PublicLivestream>,
    /// The minutes, when a source shows them public.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<PublicMinutes>,
    /// Who presided (or signed the notice), in the source's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chairman: Option<String>,
    /// Every page a fact of the record comes from. Facts that name no `source_url` of their own
    /// rest on these pages together.
    pub sources: Vec<PublicSource>,
    /// The compiler's notes, in their own words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

fn check_text(v: &mut Violations, path: &str, s: &str, max: usize, multiline: bool) {
    if let Some(clean) = text::clean(v, path, s, max, multiline)
        && clean != s
    {
        v.push(path, "normalized_text", "must be trimmed and in Unicode NFC, as it is stored verbatim");
    }
}

fn check_opt(v: &mut Violations, path: &str, s: Option<&str>, max: usize, multiline: bool) {
    if let Some(s) = s {
        check_text(v, path, s, max, multiline);
    }
}

fn check_url(v: &mut Violations, path: &str, s: &str) {
    if let Some(u) = text::url(v, path, s)
        && u != s
    {
        v.push(path, "http_url", "URLs must not carry surrounding white space");
    }
}

fn check_lang(v: &mut Violations, path: &str, tag: &str) {
    if !text::is_valid_lang(tag) {
        v.push(path, "language_tag", "a language tag such as kk, kk-Latn, ru or en");
    }
}

/// Whether `s` is `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real date between 1990 and 2100.
pub fn is_partial_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| p.len() == len && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => num(y, 4) && (1990..=2100).contains(&y.parse::<i32>().unwrap_or(0)),
        [y, mo] => {
            num(y, 4)
                && num(mo, 2)
                && NaiveDate::from_ymd_opt(y.parse().unwrap_or(0), mo.parse().unwrap_or(0), 1).is_some()
                && (1990..=2100).contains(&y.parse::<i32>().unwrap_or(0))
        }
        [y, mo, d] => {
            num(y, 4)
                && num(mo, 2)
                && num(d, 2)
                && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
                && (1990..=2100).contains(&y.parse::<i32>().unwrap_or(0))
        }
        _ => false,
    }
}

fn check_decision(v: &mut Violations, path: &str, d: &PublicDecision, cited: &mut Vec<(String, String)>) {
    check_opt(v, &join(path, "number"), d.number.as_deref(), 64, false);
    check_text(v, &join(path, "title"), &d.title, MAX_LINE * 2, false);
    check_lang(v, &join(path, "title_lang"), &d.title_lang);
    check_opt(v, &join(path, "adilet_id"), d.adilet_id.as_deref(), 64, false);
    if let Some(r) = &d.registration {
        let rp = join(path, "registration");
        check_opt(v, &join(&rp, "body"), r.body.as_deref(), MAX_LINE, false);
        check_opt(v, &join(&rp, "number"), r.number.as_deref(), 64, false);
        if let Some(date) = r.date {
            text::check_date(v, &join(&rp, "date"), date);
        }
    }
    if let Some(date) = d.date {
        text::check_date(v, &join(path, "date"), date);
    }
    check_url(v, &join(path, "source_url"), &d.source_url);
    cited.push((join(path, "source_url"), d.source_url.clone()));
}

impl PublicRecord {
    /// Checks every rule, reporting each broken one with the JSON pointer of the value in the
    /// stored document: texts trimmed and NFC, URLs absolute http(s), dates real, counts in
    /// range, "unanimous" consistent with the counts, every cited source listed in `sources`.
    #[expect(
        clippy::too_many_lines,
        reason = "every rule of a public record, field by field in the order of the document"
    )]
    pub fn check(&self, v: &mut Violations) {
        let c = &self.council;
        text::check_id(v, "/council/slug", &c.slug);
        if c.names.is_empty() {
            v.push("/council/names", "non_empty", "give the council's name in at least one language");
        }
        for (tag, name) in &c.names {
            let p = join("/council/names", tag);
            check_lang(v, &p, tag);
            check_text(v, &p, name, MAX_LINE, false);
        }
        check_opt(v, "/council/convocation", c.convocation.as_deref(), 8, false);
        if let Some(n) = self.session_number
            && !(1..=MAX_SESSION_NUMBER).contains(&n)
        {
            v.push(
                "/session_number",
                "session_number_range",
                format!("session numbers run from 1 to {MAX_SESSION_NUMBER}"),
            );
        }
        if let Some(d) = self.date {
            text::check_date(v, "/date", d);
        }
        check_opt(v, "/date_basis", self.date_basis.as_deref(), MAX_LINE, false);
        if let Some(r) = &self.reported_date
            && !is_partial_date(r)
        {
            v.push("/reported_date", "partial_date", "a date as YYYY, YYYY-MM or YYYY-MM-DD between 1990 and 2100");
        }
        check_opt(v, "/time", self.time.as_deref(), 128, false);
        check_opt(v, "/place", self.place.as_deref(), MAX_LINE, false);

        let mut cited: Vec<(String, String)> = Vec::new();
        if let Some(n) = &self.notice {
            if let Some(d) = n.date {
                text::check_date(v, "/notice/date", d);
            }
            check_opt(v, "/notice/date_basis", n.date_basis.as_deref(), MAX_LINE, false);
            check_url(v, "/notice/source_url", &n.source_url);
            cited.push(("/notice/source_url".into(), n.source_url.clone()));
            check_opt(v, "/notice/publisher", n.publisher.as_deref(), MAX_LINE, false);
            check_opt(v, "/notice/heading", n.heading.as_deref(), MAX_LINE, false);
            check_opt(v, "/notice/signed_by", n.signed_by.as_deref(), MAX_LINE, false);
        }
        for (i, a) in self.agenda.iter().enumerate() {
            let p = join("/agenda", i);
            check_text(v, &join(&p, "title"), &a.title, MAX_LINE * 2, false);
            check_lang(v, &join(&p, "title_lang"), &a.title_lang);
            check_opt(v, &join(&p, "initiator"), a.initiator.as_deref(), MAX_LINE, false);
            check_opt(v, &join(&p, "reporter"), a.reporter.as_deref(), MAX_LINE, false);
            for (j, d) in a.documents.iter().enumerate() {
                let dp = join(&join(&p, "documents"), j);
                check_opt(v, &join(&dp, "title"), d.title.as_deref(), MAX_LINE * 2, false);
                if let Some(u) = &d.url {
                    check_url(v, &join(&dp, "url"), u);
                }
                if let Some(date) = d.published {
                    text::check_date(v, &join(&dp, "published"), date);
                }
                check_url(v, &join(&dp, "source_url"), &d.source_url);
                cited.push((join(&dp, "source_url"), d.source_url.clone()));
            }
        }
        for (i, d) in self.decisions.iter().enumerate() {
            check_decision(v, &join("/decisions", i), d, &mut cited);
        }
        for (i, d) in self.referenced_decisions.iter().enumerate() {
            check_decision(v, &join("/referenced_decisions", i), d, &mut cited);
        }
        for (i, vote) in self.votes.iter().enumerate() {
            let p = join("/votes", i);
            check_text(v, &join(&p, "item"), &vote.item, MAX_LINE, false);
            for (name, count) in [("yes", vote.yes), ("no", vote.no), ("abstain", vote.abstain)] {
                if count.is_some_and(|n| n > MAX_VOTE_COUNT) {
                    v.push(join(&p, name), "count_range", format!("counts run from 0 to {MAX_VOTE_COUNT}"));
                }
            }
            if vote.unanimous == Some(true) {
                for (name, count) in [("no", vote.no), ("abstain", vote.abstain)] {
                    if count.is_some_and(|n| n > 0) {
                        v.push(join(&p, name), "unanimous_counts", "a unanimous vote has no no votes or abstentions");
                    }
                }
            }
            check_opt(v, &join(&p, "note"), vote.note.as_deref(), MAX_LINE, true);
            for (j, b) in vote.ballots.iter().enumerate() {
                check_text(v, &join(&join(&join(&p, "ballots"), j), "name"), &b.name, MAX_LINE, false);
            }
            check_url(v, &join(&p, "source_url"), &vote.source_url);
            cited.push((join(&p, "source_url"), vote.source_url.clone()));
        }
        for (i, s) in self.speeches.iter().enumerate() {
            let p = join("/speeches", i);
            check_opt(v, &join(&p, "speaker"), s.speaker.as_deref(), MAX_LINE, false);
            check_opt(v, &join(&p, "role"), s.role.as_deref(), MAX_LINE, false);
            check_opt(v, &join(&p, "summary"), s.summary.as_deref(), MAX_TEXT, true);
            check_url(v, &join(&p, "source_url"), &s.source_url);
            cited.push((join(&p, "source_url"), s.source_url.clone()));
        }
        for (i, name) in self.participants.iter().enumerate() {
            check_text(v, &join("/participants", i), name, MAX_LINE, false);
        }
        if let Some(l) = &self.livestream_detail {
            if self.livestream != Some(true) {
                v.push("/livestream_detail", "livestream_detail", "broadcast details need livestream: true");
            }
            check_opt(v, "/livestream_detail/basis", l.basis.as_deref(), MAX_LINE, false);
            check_opt(v, "/livestream_detail/platform", l.platform.as_deref(), MAX_LINE, false);
            if let Some(u) = &l.url {
                check_url(v, "/livestream_detail/url", u);
            }
        }
        if let Some(mn) = &self.minutes {
            if let Some(d) = mn.published {
                text::check_date(v, "/minutes/published", d);
            }
            if let Some(u) = &mn.url {
                check_url(v, "/minutes/url", u);
            }
            check_url(v, "/minutes/source_url", &mn.source_url);
            cited.push(("/minutes/source_url".into(), mn.source_url.clone()));
        }
        check_opt(v, "/chairman", self.chairman.as_deref(), MAX_LINE, false);
        check_opt(v, "/notes", self.notes.as_deref(), MAX_TEXT, true);

        if self.sources.is_empty() {
            v.push("/sources", "non_empty", "name at least one source");
        }
        let mut listed = BTreeSet::new();
        for (i, s) in self.sources.iter().enumerate() {
            let p = join("/sources", i);
            check_url(v, &join(&p, "url"), &s.url);
            if !listed.insert(s.url.as_str()) {
                v.push(join(&p, "url"), "unique_source", "each source is listed once");
            }
            check_opt(v, &join(&p, "publisher"), s.publisher.as_deref(), MAX_LINE, false);
            if let Some(d) = s.read_on {
                text::check_date(v, &join(&p, "read_on"), d);
            }
        }
        for (path, url) in cited {
            if !listed.contains(url.as_str()) {
                v.push(path, "listed_source", "every cited source must also be listed in /sources");
            }
        }
    }

    /// The JSON pointers of the facts that cite `url` as their own source.
    pub fn supported_by(&self, url: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.notice.as_ref().is_some_and(|n| n.source_url == url) {
            out.push("/notice".to_owned());
        }
        for (name, list) in [("decisions", &self.decisions), ("referenced_decisions", &self.referenced_decisions)] {
            out.extend(
                list.iter().enumerate().filter(|(_, d)| d.source_url == url).map(|(i, _)| format!("/{name}/{i}")),
            );
        }
        for (i, a) in self.agenda.iter().enumerate() {
            out.extend(
                a.documents
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| d.source_url == url)
                    .map(|(j, _)| format!("/agenda/{i}/documents/{j}")),
            );
        }
        out.extend(
            self.votes.iter().enumerate().filter(|(_, x)| x.source_url == url).map(|(i, _)| format!("/votes/{i}")),
        );
        out.extend(
            self.speeches
                .iter()
                .enumerate()
                .filter(|(_, x)| x.source_url == url)
                .map(|(i, _)| format!("/speeches/{i}")),
        );
        if self.minutes.as_ref().is_some_and(|mn| mn.source_url == url) {
            out.push("/minutes".to_owned());
        }
        out
    }

    /// The session kind the notice target depends on, when the sources state one.
    fn metrics_kind(&self) -> Option<m::SessionKind> {
        match self.kind {
            Some(PublicSittingKind::Regular) => Some(m::SessionKind::Regular),
            Some(PublicSittingKind::Extraordinary) => Some(m::SessionKind::Extraordinary),
            Some(PublicSittingKind::DeputiesMeeting) | None => None,
        }
    }

    /// The notice lead time in whole days (sitting date − declared notice date), when both are known.
    pub fn notice_lead_days(&self) -> Option<i64> {
        let notice = self.notice.as_ref()?.date?;
        Some((self.date? - notice).num_days())
    }

    /// Whether a document of the sitting (an agenda item's document, a decision's text in the
    /// adilet register, or the minutes) is identified.
    pub fn has_documents(&self) -> bool {
        self.agenda.iter().any(|a| !a.documents.is_empty())
            || self.decisions.iter().any(|d| d.adilet_id.is_some())
            || self.minutes.as_ref().is_some_and(|mn| mn.url.is_some())
    }

    /// `documents` under method v1.1 for a backfilled public-sources record: each item's
    /// documents with their declared dates; null when any document of the sitting (an item's, or
    /// the minutes) declares no date, when no item has a document (`documents_unknown`: items
    /// without one are unknown and left out), or when the sitting's date is not stated.
    fn documents_openness(&self) -> MetricValue {
        // Dates compare as local midnights: a document is public before the sitting when its
        // declared date is an earlier day (the hour is not known).
        let day = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc();
        let items: Vec<Vec<Option<chrono::DateTime<chrono::Utc>>>> =
            self.agenda.iter().map(|a| a.documents.iter().map(|d| d.published.map(day)).collect()).collect();
        let minutes_undeclared = self.minutes.as_ref().is_some_and(|mn| mn.published.is_none());
        let start = self.date.map_or(chrono::DateTime::<chrono::Utc>::MAX_UTC, day);
        let value = m::documents_component(
            &items,
            minutes_undeclared,
            start,
            chrono::DateTime::<chrono::Utc>::MAX_UTC,
            true,
            m::Provenance::PublicSources,
        );
        match (value.value, self.date) {
            (Some(_), None) => MetricValue::null(NullReason::SessionDateNotStated, value.n),
            _ => value,
        }
    }
}

/// The openness components of one public record, with the score over those that have a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordOpenness {
    /// Always [`m::TimeKind::Declared`]: every time in a public record is declared by its sources.
    pub time_kind: m::TimeKind,
    /// Notice lead time against the target (from the declared notice date, in whole days).
    pub notice: MetricValue,
    /// Items with a document public before the sitting.
    pub documents: MetricValue,
    /// Items held in public.
    pub open_items: MetricValue,
    /// 1 livestream, 0 none.
    pub broadcast: MetricValue,
    /// Timeliness of the minutes.
    pub minutes: MetricValue,
    /// Share of named votes among the votes the sources report.
    pub roll_call: MetricValue,
    /// `100 · Σ w·c / Σ w` over the components with a value.
    pub score: MetricValue,
    /// `Σ w` of those components (n = the components).
    pub coverage: MetricValue,
}

/// Scores the openness components of a public record with the metrics' own functions. A component
/// whose inputs the sources do not state is `null` with the reason.
pub fn record_openness(r: &PublicRecord) -> RecordOpenness {
    let declared_notice = r.notice.as_ref().and_then(|n| n.date);
    let notice = match (declared_notice, r.date) {
        (None, _) => MetricValue::null(NullReason::BackfilledWithoutDeclaredNotice, 1),
        (Some(_), None) => MetricValue::null(NullReason::SessionDateNotStated, 1),
        (Some(n), Some(d)) => {
            let lead = (d - n).num_days() as f64;
            let score = match r.metrics_kind() {
                Some(kind) => Some(m::notice_score(lead, kind)),
                // The target depends on the kind: a score that both targets agree on is known.
                None => {
                    let regular = m::notice_score(lead, m::SessionKind::Regular);
                    let extraordinary = m::notice_score(lead, m::SessionKind::Extraordinary);
                    (regular == extraordinary).then_some(regular)
                }
            };
            MetricValue::from_option(score, 1, NullReason::SessionKindNotStated)
        }
    };

    let items = r.agenda.len() as u64;
    let documents = r.documents_openness();
    let open_items = match (items, r.open) {
        (0, _) => MetricValue::null(NullReason::NoAgendaItems, 0),
        (_, Some(false)) => MetricValue::ratio(0, items, NullReason::NoAgendaItems),
        _ => MetricValue::null(NullReason::OpennessNotStated, items),
    };
    let broadcast = match r.livestream {
        Some(live) => MetricValue::known(m::broadcast_score(live, false), 1, NullReason::BroadcastNotStated),
        None => MetricValue::null(NullReason::BroadcastNotStated, 1),
    };
    // Sources that show no minutes leave it unknown whether there were any (v1.1, read for
    // public-sources records as for their documents).
    let minutes = match (r.minutes.as_ref().and_then(|mn| mn.published), r.date) {
        (None, _) if r.minutes.is_none() => MetricValue::null(NullReason::MinutesUnknown, 1),
        (None, _) => MetricValue::null(NullReason::BackfilledWithoutDeclaredMinutes, 1),
        (Some(_), None) => MetricValue::null(NullReason::SessionDateNotStated, 1),
        (Some(p), Some(d)) => MetricValue::known(
            m::minutes_score((p - d).num_days() as f64),
            1,
            NullReason::BackfilledWithoutDeclaredMinutes,
        ),
    };
    let named = r.votes.iter().filter(|x| x.is_named()).count() as u64;
    let roll_call = MetricValue::ratio(named, r.votes.len() as u64, NullReason::NoVoteEvents);

    let [w_notice, w_docs, w_open, w_broadcast, w_minutes, w_roll] = m::WEIGHTS_PERCENT;
    let parts = [
        (w_notice, notice.value),
        (w_docs, documents.value),
        (w_open, open_items.value),
        (w_broadcast, broadcast.value),
        (w_minutes, minutes.value),
        (w_roll, roll_call.value),
    ];
    let (score, coverage) = m::openness_score(&parts);
    let used = parts.iter().filter(|(_, x)| x.is_some()).count() as u64;
    RecordOpenness {
        time_kind: m::TimeKind::Declared,
        notice,
        documents,
        open_items,
        broadcast,
        minutes,
        roll_call,
        score: MetricValue::from_option(score, used, NullReason::NoOpennessComponents),
        coverage: m::coverage_value(coverage, used),
    }
}

/// How many records state each kind of fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CoverageCounts {
    /// Records.
    pub records: u64,
    /// With a notice whose publication date is known.
    pub notice_date: u64,
    /// With a notice lead time (notice date and sitting date both known).
    pub notice_lead_time: u64,
    /// With at least one agenda item title.
    pub agenda_titles: u64,
    /// With a document identified (a decision in the adilet register, or minutes with an address).
    pub documents: u64,
    /// With vote counts beyond what "unanimously" implies.
    pub counts: u64,
    /// With a named vote.
    pub named_votes: u64,
    /// With a livestream.
    pub livestream: u64,
    /// With minutes known to be public.
    pub minutes: u64,
}

impl CoverageCounts {
    /// Adds one record.
    pub fn add(&mut self, r: &PublicRecord) {
        let b = u64::from;
        self.records += 1;
        self.notice_date += b(r.notice.as_ref().is_some_and(|n| n.date.is_some()));
        self.notice_lead_time += b(r.notice_lead_days().is_some());
        self.agenda_titles += b(!r.agenda.is_empty());
        self.documents += b(r.has_documents());
        self.counts += b(r.votes.iter().any(PublicVote::has_counts));
        self.named_votes += b(r.votes.iter().any(PublicVote::is_named));
        self.livestream += b(r.livestream == Some(true));
        self.minutes += b(r.minutes.is_some());
    }
}

/// The coverage of a set of records, per council slug and overall.
pub fn coverage<'a>(
    records: impl IntoIterator<Item = &'a PublicRecord>,
) -> (BTreeMap<String, CoverageCounts>, CoverageCounts) {
    let mut per = BTreeMap::<String, CoverageCounts>::new();
    let mut all = CoverageCounts::default();
    for r in records {
        per.entry(r.council.slug.clone()).or_default().add(r);
        all.add(r);
    }
    (per, all)
}

/// The date a record is listed under: the sitting's date, else the reported date, else empty.
pub fn sort_key(r: &PublicRecord) -> String {
    r.date.map(|d| d.to_string()).or_else(|| r.reported_date.clone()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> PublicRecord {
        PublicRecord {
            council: PublicCouncil {
                slug: "akmola-oblast".into(),
                names: BTreeMap::from([("ru".into(), "Акмолинский областной маслихат".into())]),
                level: Level::Oblast,
                convocation: Some("VIII".into()),
            },
            session_number: Some(4),
            kind: Some(PublicSittingKind::Extraordinary),
            status: Some(PublicRecordStatus::HeldReported),
            date: NaiveDate::from_ymd_opt(2023, 9, 13),
            date_basis: None,
            reported_date: None,
            time: None,
            place: None,
            notice: Some(PublicNotice {
                date: NaiveDate::from_ymd_opt(2023, 9, 9),
                date_basis: None,
                source_url: "https://apgazeta.kz/x".into(),
                publisher: None,
                heading: None,
                signed_by: None,
            }),
            agenda: vec![PublicAgendaItem {
                title: "Об".into(),
                title_lang: "ru".into(),
                initiator: None,
                reporter: None,
                documents: vec![],
            }],
            decisions: vec![],
            referenced_decisions: vec![],
            votes: vec![],
            speeches: vec![],
            participants: vec![],
            open: None,
            livestream: None,
            livestream_detail: None,
            minutes: None,
            chairman: None,
            sources: vec![PublicSource { url: "https://apgazeta.kz/x".into(), publisher: None, read_on: None }],
            notes: None,
        }
    }

    #[test]
    fn extraordinary_notice_four_days_ahead_scores_one_and_unknowns_are_null() {
        let o = record_openness(&record());
        assert_eq!(o.notice.value, Some(1.0));
        assert_eq!(o.roll_call.reason, Some(NullReason::NoVoteEvents));
        assert_eq!(o.broadcast.reason, Some(NullReason::BroadcastNotStated));
        assert_eq!(o.open_items.reason, Some(NullReason::OpennessNotStated));
        assert_eq!(o.score.value, Some(100.0));
        assert_eq!(o.documents.reason, Some(NullReason::DocumentsUnknown));
        assert_eq!(o.minutes.reason, Some(NullReason::MinutesUnknown));
        assert_eq!(o.coverage.n, 1);
        assert!(o.coverage.value.is_some_and(|c| (c - 0.20).abs() < 1e-12));
    }

    fn document(published: Option<NaiveDate>) -> PublicDocument {
        PublicDocument { title: None, url: None, published, source_url: "https://apgazeta.kz/x".into() }
    }

    #[test]
    fn documents_use_declared_dates_and_items_without_documents_are_unknown() {
        let mut r = record();
        r.agenda.push(r.agenda[0].clone());
        assert_eq!(record_openness(&r).documents.reason, Some(NullReason::DocumentsUnknown));
        // One item with a draft public the day before the sitting: 1 of the 1 known item.
        r.agenda[0].documents.push(document(NaiveDate::from_ymd_opt(2023, 9, 12)));
        let d = record_openness(&r).documents;
        assert_eq!((d.value, d.n), (Some(1.0), 1));
        // Published on the sitting's own day: not before the start.
        r.agenda[1].documents.push(document(NaiveDate::from_ymd_opt(2023, 9, 13)));
        let d = record_openness(&r).documents;
        assert_eq!((d.value, d.n), (Some(0.5), 2));
        // A document without a declared date, or minutes without one, make it null.
        r.agenda[1].documents.push(document(None));
        assert_eq!(record_openness(&r).documents.reason, Some(NullReason::BackfilledWithoutDeclaredDocuments));
        r.agenda[1].documents.pop();
        r.minutes = Some(PublicMinutes { published: None, url: None, source_url: "https://apgazeta.kz/x".into() });
        assert_eq!(record_openness(&r).documents.reason, Some(NullReason::BackfilledWithoutDeclaredDocuments));
        assert_eq!(record_openness(&r).minutes.reason, Some(NullReason::BackfilledWithoutDeclaredMinutes));
        r.minutes = None;
        r.date = None;
        assert_eq!(record_openness(&r).documents.reason, Some(NullReason::SessionDateNotStated));
    }

    #[test]
    fn a_document_needs_a_listed_http_source() {
        let mut r = record();
        r.agenda[0].documents.push(PublicDocument {
            title: None,
            url: Some("javascript:x".into()),
            published: NaiveDate::from_ymd_opt(1980, 1, 1),
            source_url: "https://elsewhere.kz/".into(),
        });
        let mut v = Violations::new();
        r.check(&mut v);
        let got: Vec<(String, &str)> = v.into_vec().into_iter().map(|x| (x.path, x.rule)).collect();
        for want in [
            ("/agenda/0/documents/0/url", "http_url"),
            ("/agenda/0/documents/0/published", "date_range"),
            ("/agenda/0/documents/0/source_url", "listed_source"),
        ] {
            assert!(got.iter().any(|(p, r)| p == want.0 && *r == want.1), "{want:?} missing from {got:?}");
        }
    }

    #[test]
    fn unknown_kind_scores_only_when_both_targets_agree() {
        let mut r = record();
        r.kind = None;
        // 4 days: 0.4 against the regular target, 1 against the extraordinary one.
        assert_eq!(record_openness(&r).notice.reason, Some(NullReason::SessionKindNotStated));
        let notice = r.notice.as_mut().expect("notice");
        notice.date = NaiveDate::from_ymd_opt(2023, 9, 13);
        assert_eq!(record_openness(&r).notice.value, Some(0.0));
        let notice = r.notice.as_mut().expect("notice");
        notice.date = NaiveDate::from_ymd_opt(2023, 8, 1);
        assert_eq!(record_openness(&r).notice.value, Some(1.0));
    }

    #[test]
    fn rules_report_paths() {
        let mut r = record();
        r.sources[0].url = "ftp://x".into();
        r.votes.push(PublicVote {
            item: "x".into(),
            yes: None,
            no: Some(2),
            abstain: Some(0),
            unanimous: Some(true),
            method: None,
            note: None,
            ballots: vec![],
            source_url: "https://elsewhere.kz/".into(),
        });
        r.reported_date = Some("2023-13".into());
        r.agenda[0].title_lang = "Russian".into();
        let mut v = Violations::new();
        r.check(&mut v);
        let got: Vec<(String, &str)> = v.into_vec().into_iter().map(|x| (x.path, x.rule)).collect();
        for want in [
            ("/sources/0/url", "http_url"),
            ("/votes/0/no", "unanimous_counts"),
            ("/votes/0/source_url", "listed_source"),
            ("/reported_date", "partial_date"),
            ("/agenda/0/title_lang", "language_tag"),
        ] {
            assert!(got.iter().any(|(p, r)| p == want.0 && *r == want.1), "{want:?} missing from {got:?}");
        }
    }

    #[test]
    fn partial_dates() {
        assert!(is_partial_date("2023-06") && is_partial_date("2025-08-27") && is_partial_date("2024"));
        assert!(!is_partial_date("2023-6") && !is_partial_date("2023-02-30") && !is_partial_date("23-06"));
    }
}

//! A public record (a sitting compiled by a third party from public texts) as served: each fact
//! exactly as the sources give it. The stored document is the domain's
//! [`PublicRecord`](crate::domain::public_record::PublicRecord) in canonical JSON; these are its
//! parts as the API shows them, built from the domain value.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use poem_openapi::Object;

use super::enums::{BallotOption, Level, PublicVoteMethod};
use crate::domain::public_record as d;

/// The council a record is about, inline (not a council document of the platform).
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicCouncilView {
    /// Our slug for it.
    pub slug: String,
    /// Names exactly as the sources write them, per language; no translations.
    pub names: BTreeMap<String, String>,
    /// Its tier, mapped to ours.
    pub level: Level,
    /// The convocation.
    pub convocation: Option<String>,
}

/// The notice, as found.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicNoticeView {
    /// Its declared publication date.
    pub date: Option<NaiveDate>,
    /// Why that date is trusted.
    pub date_basis: Option<String>,
    /// Where it was published.
    pub source_url: String,
    /// Who published it.
    pub publisher: Option<String>,
    /// Its heading.
    pub heading: Option<String>,
    /// Who signed it.
    pub signed_by: Option<String>,
}

/// An agenda item.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicAgendaItemView {
    /// Title in the original language.
    pub title: String,
    /// Its language tag.
    pub title_lang: String,
    /// Who put it on the agenda.
    pub initiator: Option<String>,
    /// Who presented it.
    pub reporter: Option<String>,
    /// Its documents a source shows, each with its declared date (none listed: none found).
    pub documents: Vec<PublicDocumentView>,
}

/// A document of an agenda item a source shows.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicDocumentView {
    /// Title as published.
    pub title: Option<String>,
    /// Where the document is.
    pub url: Option<String>,
    /// Declared date first public: what `documents` uses.
    pub published: Option<NaiveDate>,
    /// The source showing it.
    pub source_url: String,
}

/// A decision's state registration.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicRegistrationView {
    /// The registering body.
    pub body: Option<String>,
    /// Registration number.
    pub number: Option<String>,
    /// Registration date.
    pub date: Option<NaiveDate>,
}

/// A decision adopted, or cited by the agenda.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicDecisionView {
    /// Its number.
    pub number: Option<String>,
    /// Title as published.
    pub title: String,
    /// Its language tag.
    pub title_lang: String,
    /// Id in the adilet register.
    pub adilet_id: Option<String>,
    /// State registration.
    pub registration: Option<PublicRegistrationView>,
    /// Date adopted.
    pub date: Option<NaiveDate>,
    /// The source.
    pub source_url: String,
}

/// A named ballot, as a source lists it.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicBallotView {
    /// The deputy's name as published.
    pub name: String,
    /// How they voted.
    pub option: BallotOption,
}

/// A vote, only where a source says something about it.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicVoteView {
    /// What was voted on.
    pub item: String,
    /// Yes votes, when stated.
    pub yes: Option<u32>,
    /// No votes, when stated.
    pub no: Option<u32>,
    /// Abstentions, when stated.
    pub abstain: Option<u32>,
    /// True when a source reports it as unanimous (counts are then not invented).
    pub unanimous: Option<bool>,
    /// How it was taken.
    pub method: Option<PublicVoteMethod>,
    /// The compiler's note.
    pub note: Option<String>,
    /// Named ballots, when listed.
    pub ballots: Vec<PublicBallotView>,
    /// Whether it is a named vote under the metrics' rule.
    pub named: bool,
    /// The source.
    pub source_url: String,
}

/// A speech or report, as given.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicSpeechView {
    /// The speaker's name as published.
    pub speaker: Option<String>,
    /// Their role in the source's words.
    pub role: Option<String>,
    /// Whether the speaker is a deputy.
    pub is_deputy: Option<bool>,
    /// The compiler's summary (not a quotation).
    pub summary: Option<String>,
    /// The source.
    pub source_url: String,
}

/// What a source says about a broadcast.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicLivestreamView {
    /// How it is known.
    pub basis: Option<String>,
    /// Where.
    pub platform: Option<String>,
    /// The stream's address.
    pub url: Option<String>,
}

/// Minutes a source shows public.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicMinutesView {
    /// Declared date first public.
    pub published: Option<NaiveDate>,
    /// Where.
    pub url: Option<String>,
    /// The source.
    pub source_url: String,
}

/// A page facts of the record come from.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicSourceView {
    /// Its address.
    pub url: String,
    /// Who published it.
    pub publisher: Option<String>,
    /// When it was read.
    pub read_on: Option<NaiveDate>,
    /// JSON pointers (into this record) of the facts citing it as their own source. Facts with
    /// no `source_url` of their own rest on all the record's sources together.
    pub supports: Vec<String>,
}

impl From<&d::PublicCouncil> for PublicCouncilView {
    fn from(c: &d::PublicCouncil) -> Self {
        Self { slug: c.slug.clone(), names: c.names.clone(), level: c.level.into(), convocation: c.convocation.clone() }
    }
}

impl From<&d::PublicNotice> for PublicNoticeView {
    fn from(n: &d::PublicNotice) -> Self {
        Self {
            date: n.date,
            date_basis: n.date_basis.clone(),
            source_url: n.source_url.clone(),
            publisher: n.publisher.clone(),
            heading: n.heading.clone(),
            signed_by: n.signed_by.clone(),
        }
    }
}

impl From<&d::PublicAgendaItem> for PublicAgendaItemView {
    fn from(a: &d::PublicAgendaItem) -> Self {
        Self {
            title: a.title.clone(),
            title_lang: a.title_lang.clone(),
            initiator: a.initiator.clone(),
            reporter: a.reporter.clone(),
            documents: a
                .documents
                .iter()
                .map(|d| PublicDocumentView {
                    title: d.title.clone(),
                    url: d.url.clone(),
                    published: d.published,
                    source_url: d.source_url.clone(),
                })
                .collect(),
        }
    }
}

impl From<&d::PublicDecision> for PublicDecisionView {
    fn from(x: &d::PublicDecision) -> Self {
        Self {
            number: x.number.clone(),
            title: x.title.clone(),
            title_lang: x.title_lang.clone(),
            adilet_id: x.adilet_id.clone(),
            registration: x.registration.as_ref().map(|r| PublicRegistrationView {
                body: r.body.clone(),
                number: r.number.clone(),
                date: r.date,
            }),
            date: x.date,
            source_url: x.source_url.clone(),
        }
    }
}

impl From<&d::PublicVote> for PublicVoteView {
    fn from(x: &d::PublicVote) -> Self {
        Self {
            item: x.item.clone(),
            yes: x.yes,
            no: x.no,
            abstain: x.abstain,
            unanimous: x.unanimous,
            method: x.method.map(Into::into),
            note: x.note.clone(),
            ballots: x
                .ballots
                .iter()
                .map(|b| PublicBallotView { name: b.name.clone(), option: b.option.into() })
                .collect(),
            named: x.is_named(),
            source_url: x.source_url.clone(),
        }
    }
}

impl From<&d::PublicSpeech> for PublicSpeechView {
    fn from(s: &d::PublicSpeech) -> Self {
        Self {
            speaker: s.speaker.clone(),
            role: s.role.clone(),
            is_deputy: s.is_deputy,
            summary: s.summary.clone(),
            source_url: s.source_url.clone(),
        }
    }
}

impl From<&d::PublicLivestream> for PublicLivestreamView {
    fn from(l: &d::PublicLivestream) -> Self {
        Self { basis: l.basis.clone(), platform: l.platform.clone(), url: l.url.clone() }
    }
}

impl From<&d::PublicMinutes> for PublicMinutesView {
    fn from(m: &d::PublicMinutes) -> Self {
        Self { published: m.published, url: m.url.clone(), source_url: m.source_url.clone() }
    }
}

/// The record's sources, each with the facts that cite it.
pub fn sources(r: &d::PublicRecord) -> Vec<PublicSourceView> {
    r.sources
        .iter()
        .map(|s| PublicSourceView {
            url: s.url.clone(),
            publisher: s.publisher.clone(),
            read_on: s.read_on,
            supports: r.supported_by(&s.url),
        })
        .collect()
}

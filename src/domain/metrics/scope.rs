//! What is in scope for one evaluation: the held sessions of the period and
//! the records hanging off them, with indexes that the metric families share.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use super::input::{
    AgendaItem, BallotOption, CouncilPeriod, Deputy, Session, SessionStatus, Speech, VoteCounts, VoteEvent, local_date,
};

/// A voting group: a party, or all non-partisan deputies together.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum GroupKey {
    /// Members of this party on the vote's date.
    Party(String),
    /// Deputies with no party on the vote's date.
    NonPartisan,
}

/// A named vote event of a held session in the period, with its ballots
/// attributed to serving deputies and their group on the vote's date.
pub(super) struct NamedEvent<'a> {
    /// The event.
    pub event: &'a VoteEvent,
    /// Tallies of yes/no/abstain per group, serving deputies only, by group slot (see
    /// [`Scope::slot`]); `None` for a group with no ballot on the event.
    pub tallies: Vec<Option<VoteCounts>>,
}

impl NamedEvent<'_> {
    /// The tally of the group in `slot`, if the group had a ballot on the event.
    pub fn tally(&self, slot: usize) -> Option<&VoteCounts> {
        self.tallies.get(slot)?.as_ref()
    }
}

/// One ballot of a deputy on a named event on a date they served.
#[derive(Clone, Copy)]
pub(super) struct DeputyBallot {
    /// Index into [`Scope::named`].
    pub event: usize,
    /// The option recorded.
    pub option: BallotOption,
    /// The deputy's party on the vote's date.
    pub party: Option<usize>,
}

/// Everything in scope for one council, period and `as_of`.
pub(super) struct Scope<'a> {
    /// First local date of the period.
    pub from: NaiveDate,
    /// Last local date of the period.
    pub to: NaiveDate,
    /// The evaluation moment.
    pub as_of: DateTime<Utc>,
    /// Held sessions whose scheduled start date is in the period and whose start is not after
    /// `as_of`, by id.
    pub held: Vec<&'a Session>,
    /// Agenda items of each held session, by id.
    pub items_by_session: HashMap<&'a str, Vec<&'a AgendaItem>>,
    /// Vote events of held sessions, by id.
    pub votes: Vec<&'a VoteEvent>,
    /// Vote events of each held session, by id.
    pub votes_by_session: HashMap<&'a str, Vec<&'a VoteEvent>>,
    /// Held sessions per local date.
    pub sessions_per_date: BTreeMap<NaiveDate, u64>,
    /// Deputy speeches (role `deputy`) in held sessions, per speaking deputy.
    pub deputy_speech_counts: HashMap<&'a str, u64>,
    /// Speeches in held sessions.
    pub speeches: Vec<&'a Speech>,
    /// All deputies of the input, by id.
    pub deputies: Vec<&'a Deputy>,
    /// Named vote events of held sessions, by id.
    pub named: Vec<NamedEvent<'a>>,
    /// Party ids interned for [`DeputyBallot::party`].
    pub parties: Vec<String>,
    /// Each deputy's ballots on named events on dates they served.
    pub ballots_by_deputy: HashMap<&'a str, Vec<DeputyBallot>>,
}

impl<'a> Scope<'a> {
    /// Selects and indexes what is in scope.
    pub fn new(
        input: &'a CouncilPeriod,
        from: NaiveDate,
        to: NaiveDate,
        as_of: DateTime<Utc>,
        offset: FixedOffset,
    ) -> Self {
        let mut held: Vec<&Session> = input
            .sessions
            .iter()
            // A session that starts after `as_of` is not yet held then, whatever its status says.
            .filter(|s| s.status == SessionStatus::Held && s.scheduled_start <= as_of)
            .filter(|s| {
                let date = local_date(s.scheduled_start, offset);
                from <= date && date <= to
            })
            .collect();
        held.sort_by(|a, b| a.id.cmp(&b.id));
        held.dedup_by(|a, b| a.id == b.id);
        let session_dates: HashMap<&str, NaiveDate> =
            held.iter().map(|s| (s.id.as_str(), local_date(s.scheduled_start, offset))).collect();

        let mut items_by_session: HashMap<&str, Vec<&AgendaItem>> = HashMap::new();
        for item in &input.agenda_items {
            if let Some((&sid, _)) = session_dates.get_key_value(item.session_id.as_str()) {
                items_by_session.entry(sid).or_default().push(item);
            }
        }
        for items in items_by_session.values_mut() {
            items.sort_by(|a, b| a.id.cmp(&b.id));
            items.dedup_by(|a, b| a.id == b.id);
        }

        let mut votes: Vec<&VoteEvent> =
            input.vote_events.iter().filter(|v| session_dates.contains_key(v.session_id.as_str())).collect();
        votes.sort_by(|a, b| a.id.cmp(&b.id));
        votes.dedup_by(|a, b| a.id == b.id);

        let mut votes_by_session: HashMap<&str, Vec<&VoteEvent>> = HashMap::new();
        for v in &votes {
            votes_by_session.entry(v.session_id.as_str()).or_default().push(v);
        }
        let mut sessions_per_date: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        for &date in session_dates.values() {
            *sessions_per_date.entry(date).or_default() += 1;
        }

        let speeches: Vec<&Speech> =
            input.speeches.iter().filter(|s| session_dates.contains_key(s.session_id.as_str())).collect();
        let mut deputy_speech_counts: HashMap<&str, u64> = HashMap::new();
        for s in speeches.iter().filter(|s| s.is_deputy_speech()) {
            if let Some(deputy) = s.deputy_id.as_deref() {
                *deputy_speech_counts.entry(deputy).or_default() += 1;
            }
        }

        let mut deputies: Vec<&Deputy> = input.deputies.iter().collect();
        deputies.sort_by(|a, b| a.id.cmp(&b.id));
        deputies.dedup_by(|a, b| a.id == b.id);
        let deputy_index: HashMap<&str, &Deputy> = deputies.iter().map(|d| (d.id.as_str(), *d)).collect();

        let mut parties: Vec<String> = deputies
            .iter()
            .flat_map(|d| d.party_memberships.iter().map(|m| m.party_id.clone()))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        parties.sort();
        let party_index: HashMap<&str, usize> = parties.iter().enumerate().map(|(i, p)| (p.as_str(), i)).collect();

        let mut named = Vec::new();
        let mut ballots_by_deputy: HashMap<&str, Vec<DeputyBallot>> = HashMap::new();
        for event in votes.iter().copied().filter(|v| v.is_named()) {
            let Some(&date) = session_dates.get(event.session_id.as_str()) else {
                continue;
            };
            let index = named.len();
            // One slot per party (by index), the non-partisans last.
            let mut tallies: Vec<Option<VoteCounts>> = vec![None; parties.len() + 1];
            let mut seen: HashSet<&str> = HashSet::new();
            for ballot in &event.ballots {
                let Some(deputy) = deputy_index.get(ballot.deputy_id.as_str()) else {
                    continue;
                };
                // One ballot per deputy per event: a duplicate is ignored.
                if !deputy.serves_on(date) || !seen.insert(deputy.id.as_str()) {
                    continue;
                }
                // Every party a deputy is a member of is among `parties`.
                let party = deputy.party_on(date).and_then(|p| party_index.get(p).copied());
                if let Some(tally) = tallies.get_mut(party.unwrap_or(parties.len())) {
                    tally.get_or_insert_default().add(ballot.option);
                }
                ballots_by_deputy.entry(deputy.id.as_str()).or_default().push(DeputyBallot {
                    event: index,
                    option: ballot.option,
                    party,
                });
            }
            named.push(NamedEvent { event, tallies });
        }

        Self {
            from,
            to,
            as_of,
            held,
            items_by_session,
            votes,
            votes_by_session,
            sessions_per_date,
            deputy_speech_counts,
            speeches,
            deputies,
            named,
            parties,
            ballots_by_deputy,
        }
    }

    /// The agenda items of a held session (empty when it has none).
    pub fn items_of(&self, session_id: &str) -> &[&'a AgendaItem] {
        self.items_by_session.get(session_id).map_or(&[], |v| v.as_slice())
    }

    /// Vote events of a held session, by id (empty when it has none).
    pub fn votes_of(&self, session_id: &str) -> &[&'a VoteEvent] {
        self.votes_by_session.get(session_id).map_or(&[], |v| v.as_slice())
    }

    /// Deputies who served on the date of at least one held session of the period.
    pub fn deputies_serving_at_sessions(&self) -> Vec<&'a Deputy> {
        self.deputies.iter().copied().filter(|d| self.sessions_per_date.keys().any(|&date| d.serves_on(date))).collect()
    }

    /// Deputies who served on at least one day of the period.
    pub fn deputies_serving_in_period(&self) -> Vec<&'a Deputy> {
        self.deputies.iter().copied().filter(|d| d.last_day_served_within(self.from, self.to).is_some()).collect()
    }

    /// Number of held sessions whose date the deputy served on.
    pub fn sessions_served(&self, deputy: &Deputy) -> u64 {
        self.sessions_per_date.iter().filter(|&(&date, _)| deputy.serves_on(date)).map(|(_, n)| n).sum()
    }

    /// Number of deputy speeches the deputy gave in held sessions of the period.
    pub fn deputy_speeches_of(&self, deputy: &Deputy) -> u64 {
        self.deputy_speech_counts.get(deputy.id.as_str()).copied().unwrap_or(0)
    }

    /// The slot of a group in [`NamedEvent::tallies`]; `None` for a party no deputy of the
    /// input was ever a member of (it has no ballot anywhere).
    pub fn slot(&self, key: &GroupKey) -> Option<usize> {
        match key {
            GroupKey::Party(p) => self.parties.binary_search(p).ok(),
            GroupKey::NonPartisan => Some(self.parties.len()),
        }
    }

    /// The party line on a named event: the option among yes/no/abstain with a
    /// strict plurality among the party members' cast ballots; none on a tie
    /// or with fewer than 2 such ballots.
    pub fn party_line(&self, event: usize, party: usize) -> Option<BallotOption> {
        party_line_of(*self.named.get(event)?.tally(party)?)
    }
}

/// The line of a group from its tally: the option with a strict plurality
/// among yes / no / abstain, when there are at least 2 such ballots.
pub fn party_line_of(tally: VoteCounts) -> Option<BallotOption> {
    if tally.total() < 2 {
        return None;
    }
    let options =
        [(BallotOption::Yes, tally.yes), (BallotOption::No, tally.no), (BallotOption::Abstain, tally.abstain)];
    let max = tally.yes.max(tally.no).max(tally.abstain);
    let mut leaders = options.iter().filter(|(_, c)| *c == max);
    match (leaders.next(), leaders.next()) {
        (Some((option, _)), None) => Some(*option),
        _ => None,
    }
}

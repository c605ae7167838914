//! What is in scope for one evaluation: the held sessions of the period and
//! the records hanging off them, with indexes that the metric families share.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use super::input::{
    AgendaItem, BallotOption, CouncilPeriod, Deputy, Session, SessionStatus, Speech, VoteCounts, VoteEvent, local_date,
};
use super::voting::is_named;

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
    /// Tallies of yes/no/abstain per group, serving deputies only.
    pub tallies: BTreeMap<GroupKey, VoteCounts>,
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
    /// Held sessions whose scheduled start date is in the period, by id.
    pub held: Vec<&'a Session>,
    /// Local date of each held session.
    pub session_dates: HashMap<&'a str, NaiveDate>,
    /// Agenda items of each held session, by id.
    pub items_by_session: HashMap<&'a str, Vec<&'a AgendaItem>>,
    /// Vote events of held sessions, by id.
    pub votes: Vec<&'a VoteEvent>,
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
            .filter(|s| s.status == SessionStatus::Held)
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

        let speeches: Vec<&Speech> =
            input.speeches.iter().filter(|s| session_dates.contains_key(s.session_id.as_str())).collect();

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
        for event in votes.iter().copied().filter(|v| is_named(v)) {
            let Some(&date) = session_dates.get(event.session_id.as_str()) else {
                continue;
            };
            let index = named.len();
            let mut tallies: BTreeMap<GroupKey, VoteCounts> = BTreeMap::new();
            let mut seen: HashSet<&str> = HashSet::new();
            for ballot in &event.ballots {
                let Some(deputy) = deputy_index.get(ballot.deputy_id.as_str()) else {
                    continue;
                };
                // One ballot per deputy per event: a duplicate is ignored.
                if !deputy.serves_on(date) || !seen.insert(deputy.id.as_str()) {
                    continue;
                }
                let party = deputy.party_on(date);
                let key = party.map_or(GroupKey::NonPartisan, |p| GroupKey::Party(p.to_owned()));
                tallies.entry(key).or_default().add(ballot.option);
                ballots_by_deputy.entry(deputy.id.as_str()).or_default().push(DeputyBallot {
                    event: index,
                    option: ballot.option,
                    party: party.and_then(|p| party_index.get(p).copied()),
                });
            }
            named.push(NamedEvent { event, tallies });
        }

        Self {
            from,
            to,
            as_of,
            held,
            session_dates,
            items_by_session,
            votes,
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

    /// Vote events of a held session.
    pub fn votes_of(&self, session_id: &str) -> Vec<&'a VoteEvent> {
        self.votes.iter().copied().filter(|v| v.session_id == session_id).collect()
    }

    /// Deputies who served on the date of at least one held session of the period.
    pub fn deputies_serving_at_sessions(&self) -> Vec<&'a Deputy> {
        let dates: HashSet<NaiveDate> = self.session_dates.values().copied().collect();
        self.deputies.iter().copied().filter(|d| dates.iter().any(|&date| d.serves_on(date))).collect()
    }

    /// Deputies who served on at least one day of the period.
    pub fn deputies_serving_in_period(&self) -> Vec<&'a Deputy> {
        self.deputies.iter().copied().filter(|d| d.last_day_served_within(self.from, self.to).is_some()).collect()
    }

    /// Number of held sessions whose date the deputy served on.
    pub fn sessions_served(&self, deputy: &Deputy) -> u64 {
        self.session_dates.values().filter(|&&date| deputy.serves_on(date)).count() as u64
    }

    /// The party line on a named event: the option among yes/no/abstain with a
    /// strict plurality among the party members' cast ballots; none on a tie
    /// or with fewer than 2 such ballots.
    pub fn party_line(&self, event: usize, party: usize) -> Option<BallotOption> {
        let party_id = self.parties.get(party)?;
        let tally = self.named.get(event)?.tallies.get(&GroupKey::Party(party_id.clone()))?;
        party_line_of(*tally)
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

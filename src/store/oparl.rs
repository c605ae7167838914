//! The reads behind the OParl 1.1 view: everything one council (an OParl body) publishes, read
//! in one snapshot so that the objects built from it never mix two publications.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::StoreError;
use super::publish::DocKind;
use super::tables::{self as t, all};
use crate::entity::{
    agenda_item, ballot, commission, convocation, council, deputy, deputy_role, document, document_version, mandate,
    party, party_membership, session, speech, vote_event,
};

/// Which parts of a body to read: the roster is cheap, session records and votes are not.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    /// Deputies, mandates, party memberships, commissions, roles and the parties they name.
    pub roster: bool,
    /// Sessions, agenda items and documents.
    pub records: bool,
    /// Vote events, ballots and speeches (needs `records`).
    pub votes: bool,
    /// Read records and votes of this session only (to serve one of its objects).
    pub session: Option<String>,
}

/// The session that holds an agenda item (`item` true) or a document of council `council`.
pub async fn session_of(
    db: &sea_orm::DatabaseConnection,
    council: &str,
    id: &str,
    item: bool,
) -> Result<Option<String>, StoreError> {
    Ok(if item {
        agenda_item::Entity::find_by_id(id.to_owned())
            .filter(agenda_item::Column::CouncilId.eq(council))
            .one(db)
            .await?
            .map(|a| a.session_id)
    } else {
        document::Entity::find_by_id(id.to_owned())
            .filter(document::Column::CouncilId.eq(council))
            .one(db)
            .await?
            .map(|d| d.session_id)
    })
}

/// Everything of one council the OParl view needs; parts not asked for are empty.
#[derive(Debug, Default)]
pub struct BodyData {
    /// The council.
    pub council: Option<t::Council>,
    /// Its convocations, oldest first.
    pub convocations: Vec<t::Convocation>,
    /// When the council's roster was first and last accepted (absent before the first roster).
    pub roster_times: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Deputies (listed or not), by id.
    pub deputies: Vec<t::Deputy>,
    /// Mandates.
    pub mandates: Vec<t::Mandate>,
    /// Party memberships.
    pub memberships: Vec<t::PartyMembership>,
    /// Roles.
    pub roles: Vec<t::Role>,
    /// Commissions, by id.
    pub commissions: Vec<t::Commission>,
    /// Every party named by a membership, nomination or role of this council, by id.
    pub parties: BTreeMap<String, t::Party>,
    /// Sessions, by id.
    pub sessions: Vec<t::Session>,
    /// Agenda items, by session then position.
    pub agenda: Vec<t::AgendaItem>,
    /// Documents, by id.
    pub documents: Vec<t::Document>,
    /// Vote events, by session then position.
    pub vote_events: Vec<t::VoteEvent>,
    /// Ballots, by vote event then deputy.
    pub ballots: Vec<t::Ballot>,
    /// Speeches, by session then position.
    pub speeches: Vec<t::Speech>,
    /// Agenda items an earlier version of a session record held and no record holds now.
    pub removed_items: Vec<Removed>,
    /// Documents an earlier version of a session record held and no record holds now.
    pub removed_documents: Vec<Removed>,
}

/// An agenda item or document dropped from its session record: served as a tombstone.
#[derive(Debug, Clone)]
pub struct Removed {
    /// Its id.
    pub id: String,
    /// The session whose record held it.
    pub session_id: String,
    /// The document kind (documents only).
    pub kind: Option<String>,
    /// Its place in the last version's agenda (agenda items only; OParl requires `order`).
    pub order: Option<usize>,
    /// Its URL in the last version (documents only; OParl requires a file's `accessUrl`).
    pub url: Option<String>,
    /// When the first version holding it was received.
    pub created: DateTime<Utc>,
    /// When the first version without it was received.
    pub deleted: DateTime<Utc>,
}

/// Agenda items and documents that earlier versions of the sessions' records held and no row
/// of council `council` holds now, from the stored versions (only sessions with more than one).
async fn removed<C: sea_orm::ConnectionTrait>(
    db: &C,
    council: &str,
    sessions: &[(String, i32)],
) -> Result<(Vec<Removed>, Vec<Removed>), StoreError> {
    let revised: Vec<String> = sessions.iter().filter(|(_, version)| *version > 1).map(|(id, _)| id.clone()).collect();
    if revised.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let versions = document_version::Entity::find()
        .filter(document_version::Column::Kind.eq(DocKind::SessionRecord.as_str()))
        .filter(document_version::Column::DocId.is_in(revised))
        .order_by_asc(document_version::Column::DocId)
        .order_by_asc(document_version::Column::Version)
        .all(db)
        .await?;
    // (is a document, id) → what the last version holding it said, and when it went missing.
    struct Seen {
        session: String,
        kind: Option<String>,
        order: usize,
        url: Option<String>,
        created: DateTime<Utc>,
        deleted: Option<DateTime<Utc>>,
    }
    let mut seen: BTreeMap<(bool, String), Seen> = BTreeMap::new();
    let mut by_session: BTreeMap<&str, Vec<&document_version::Model>> = BTreeMap::new();
    for v in &versions {
        by_session.entry(v.doc_id.as_str()).or_default().push(v);
    }
    for (session, vs) in by_session {
        for v in vs {
            let body: serde_json::Value = serde_json::from_str(&v.body).unwrap_or_default();
            let mut here = std::collections::BTreeSet::new();
            for (is_doc, list) in [(false, "agenda"), (true, "documents")] {
                for (order, x) in body[list].as_array().into_iter().flatten().enumerate() {
                    let Some(id) = x["id"].as_str() else { continue };
                    here.insert((is_doc, id.to_owned()));
                    let e = seen.entry((is_doc, id.to_owned())).or_insert_with(|| Seen {
                        session: session.to_owned(),
                        kind: None,
                        order,
                        url: None,
                        created: v.received_at,
                        deleted: None,
                    });
                    e.kind = x["kind"].as_str().map(str::to_owned);
                    e.url = x["url"].as_str().map(str::to_owned);
                    e.order = order;
                    e.deleted = None;
                }
            }
            for (k, e) in seen.iter_mut() {
                if e.session == session && !here.contains(k) && e.deleted.is_none() {
                    e.deleted = Some(v.received_at);
                }
            }
        }
    }
    let gone: Vec<((bool, String), Seen)> = seen.into_iter().filter(|(_, e)| e.deleted.is_some()).collect();
    let ids =
        |doc: bool| gone.iter().filter(|((d, _), _)| *d == doc).map(|((_, id), _)| id.clone()).collect::<Vec<_>>();
    let live_items: std::collections::HashSet<String> = agenda_item::Entity::find()
        .select_only()
        .column(agenda_item::Column::Id)
        .filter(agenda_item::Column::CouncilId.eq(council))
        .filter(agenda_item::Column::Id.is_in(ids(false)))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let live_docs: std::collections::HashSet<String> = document::Entity::find()
        .select_only()
        .column(document::Column::Id)
        .filter(document::Column::CouncilId.eq(council))
        .filter(document::Column::Id.is_in(ids(true)))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let (mut items, mut docs) = (Vec::new(), Vec::new());
    for ((is_doc, id), e) in gone {
        let r = Removed {
            id: id.clone(),
            session_id: e.session,
            kind: e.kind,
            order: (!is_doc).then_some(e.order),
            url: e.url,
            created: e.created,
            deleted: e.deleted.unwrap_or(e.created),
        };
        match is_doc {
            false if !live_items.contains(&id) => items.push(r),
            true if !live_docs.contains(&id) => docs.push(r),
            _ => {}
        }
    }
    Ok((items, docs))
}

/// The session whose record once held agenda item (`item` true) or document `id` of council
/// `council`, when no record holds it now.
pub async fn removed_from(
    db: &sea_orm::DatabaseConnection,
    council: &str,
    id: &str,
    item: bool,
) -> Result<Option<String>, StoreError> {
    let sessions: Vec<(String, i32)> = session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .column(session::Column::Version)
        .filter(session::Column::CouncilId.eq(council))
        .into_tuple()
        .all(db)
        .await?;
    let (items, docs) = removed(db, council, &sessions).await?;
    Ok(if item { items } else { docs }.into_iter().find(|r| r.id == id).map(|r| r.session_id))
}

/// Every council with its convocations, by id (the OParl body list: one body per council).
pub async fn all_councils(
    db: &sea_orm::DatabaseConnection,
) -> Result<Vec<(t::Council, Vec<t::Convocation>)>, StoreError> {
    let txn = super::snapshot(db).await?;
    let councils = council::Entity::find().order_by_asc(council::Column::Id).all(&txn).await?;
    let mut convs = convocation::Entity::find().order_by_asc(convocation::Column::StartDate).all(&txn).await?;
    txn.commit().await?;
    councils
        .into_iter()
        .map(|c| {
            let (mine, rest): (Vec<_>, Vec<_>) =
                std::mem::take(&mut convs).into_iter().partition(|v| v.council_id == c.id);
            convs = rest;
            Ok((t::Council::try_from(c)?, mine.into_iter().map(Into::into).collect()))
        })
        .collect()
}

/// Reads the `parts` of council `id` in one snapshot.
pub async fn load_body(db: &sea_orm::DatabaseConnection, id: &str, parts: Parts) -> Result<BodyData, StoreError> {
    let txn = super::snapshot(db).await?;
    let db = &txn;
    let council = council::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("body {id}")))?;
    let convocations = convocation::Entity::find()
        .filter(convocation::Column::CouncilId.eq(id))
        .order_by_asc(convocation::Column::StartDate)
        .all(db)
        .await?;
    let mut data = BodyData {
        convocations: convocations.into_iter().map(Into::into).collect(),
        council: Some(council.try_into()?),
        ..Default::default()
    };
    if parts.roster {
        let times: Vec<DateTime<Utc>> = document_version::Entity::find()
            .select_only()
            .column(document_version::Column::ReceivedAt)
            .filter(document_version::Column::Kind.eq(DocKind::Roster.as_str()))
            .filter(document_version::Column::DocId.eq(id))
            .order_by_asc(document_version::Column::Version)
            .into_tuple()
            .all(db)
            .await?;
        data.roster_times = times.first().copied().zip(times.last().copied());
        data.deputies = all(deputy::Entity::find()
            .filter(deputy::Column::CouncilId.eq(id))
            .order_by_asc(deputy::Column::Id)
            .all(db)
            .await?)?;
        data.mandates = all(mandate::Entity::find()
            .filter(mandate::Column::CouncilId.eq(id))
            .order_by_asc(mandate::Column::Id)
            .all(db)
            .await?)?;
        data.memberships = all(party_membership::Entity::find()
            .filter(party_membership::Column::CouncilId.eq(id))
            .order_by_asc(party_membership::Column::Id)
            .all(db)
            .await?)?;
        data.roles = all(deputy_role::Entity::find()
            .filter(deputy_role::Column::CouncilId.eq(id))
            .order_by_asc(deputy_role::Column::Id)
            .all(db)
            .await?)?;
        data.commissions = all(commission::Entity::find()
            .filter(commission::Column::CouncilId.eq(id))
            .order_by_asc(commission::Column::Id)
            .all(db)
            .await?)?;
        let named: Vec<String> = data
            .memberships
            .iter()
            .map(|m| m.party_id.clone())
            .chain(data.mandates.iter().filter_map(|m| m.nominating_party_id.clone()))
            .chain(data.roles.iter().filter_map(|r| r.party_id.clone()))
            .collect();
        let parties: Vec<t::Party> = all(party::Entity::find().filter(party::Column::Id.is_in(named)).all(db).await?)?;
        data.parties = parties.into_iter().map(|p| (p.id.clone(), p)).collect();
    }
    let only = parts.session.as_deref();
    if parts.records || parts.votes {
        let mut q = session::Entity::find().filter(session::Column::CouncilId.eq(id));
        let mut a = agenda_item::Entity::find().filter(agenda_item::Column::CouncilId.eq(id));
        let mut d = document::Entity::find().filter(document::Column::CouncilId.eq(id));
        if let Some(s) = only {
            q = q.filter(session::Column::Id.eq(s));
            a = a.filter(agenda_item::Column::SessionId.eq(s));
            d = d.filter(document::Column::SessionId.eq(s));
        }
        data.sessions = all(q.order_by_asc(session::Column::Id).all(db).await?)?;
        let agenda = a.order_by_asc(agenda_item::Column::SessionId).order_by_asc(agenda_item::Column::Position);
        data.agenda = all(agenda.all(db).await?)?;
        data.documents = all(d.order_by_asc(document::Column::Id).all(db).await?)?;
        let versions: Vec<(String, i32)> = data.sessions.iter().map(|s| (s.id.clone(), s.version)).collect();
        (data.removed_items, data.removed_documents) = removed(db, id, &versions).await?;
    }
    if parts.votes {
        let mut e = vote_event::Entity::find().filter(vote_event::Column::CouncilId.eq(id));
        let mut sp = speech::Entity::find().filter(speech::Column::CouncilId.eq(id));
        if let Some(s) = only {
            e = e.filter(vote_event::Column::SessionId.eq(s));
            sp = sp.filter(speech::Column::SessionId.eq(s));
        }
        let e = e.order_by_asc(vote_event::Column::SessionId).order_by_asc(vote_event::Column::Position);
        data.vote_events = all(e.all(db).await?)?;
        let session_ids: Vec<String> = data.sessions.iter().map(|s| s.id.clone()).collect();
        // Ballots carry no council column; their sessions do.
        let ballots = ballot::Entity::find()
            .filter(ballot::Column::SessionId.is_in(session_ids))
            .order_by_asc(ballot::Column::VoteEventId)
            .order_by_asc(ballot::Column::DeputyId);
        data.ballots = all(ballots.all(db).await?)?;
        let sp = sp.order_by_asc(speech::Column::SessionId).order_by_asc(speech::Column::Position);
        data.speeches = all(sp.all(db).await?)?;
    }
    txn.commit().await?;
    Ok(data)
}

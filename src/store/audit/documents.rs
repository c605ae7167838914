//! Every served row re-derived from the log: each document's versions folded through the
//! projection, a batch of documents at a time, and compared with the stored rows of the same
//! range of document ids.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityName, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::tables::{Served, diff, stored};
use super::{Finding, Run, Sink};
use crate::domain::council::Council;
use crate::entity::{
    agenda_item, ballot, commission, convocation, council, deputy, deputy_role, document, document_version, mandate,
    party, party_membership, public_record, search_entry, session, session_debate_tally, session_deputy_tally, speech,
    vote_event,
};
use crate::store::StoreError;
use crate::store::projection::search::{council_entry, deputy_entry, session_entries, source};
use crate::store::projection::{self, Document, Logged, Origin, RosterRows, SessionPrior};
use crate::store::publish::DocKind;

/// Documents folded at a time: their versions' bodies are what a batch holds in memory.
const BATCH: u64 = 100;

/// One batch: the documents whose ids are in `(lo, hi]`, each with its versions oldest first.
/// The last batch of a kind has `hi: None` and no documents: it catches stored rows whose scope
/// lies after every logged id.
struct Batch {
    lo: Option<String>,
    hi: Option<String>,
    docs: Vec<Vec<document_version::Model>>,
}

async fn next_batch<C: ConnectionTrait>(db: &C, kind: DocKind, after: Option<&str>) -> Result<Batch, StoreError> {
    use document_version::Column as V;
    let mut ids = document_version::Entity::find()
        .select_only()
        .column(V::DocId)
        .distinct()
        .filter(V::Kind.eq(kind.as_str()))
        .order_by_asc(V::DocId)
        .limit(BATCH);
    if let Some(a) = after {
        ids = ids.filter(V::DocId.gt(a));
    }
    let ids: Vec<String> = ids.into_tuple().all(db).await?;
    let lo = after.map(str::to_owned);
    let Some(hi) = ids.last().cloned() else { return Ok(Batch { lo, hi: None, docs: vec![] }) };
    let versions = document_version::Entity::find()
        .filter(V::Kind.eq(kind.as_str()))
        .filter(V::DocId.is_in(ids))
        .order_by_asc(V::DocId)
        .order_by_asc(V::Version)
        .all(db)
        .await?;
    let mut docs: Vec<Vec<document_version::Model>> = vec![];
    for v in versions {
        match docs.last_mut() {
            Some(d) if d[0].doc_id == v.doc_id => d.push(v),
            _ => docs.push(vec![v]),
        }
    }
    Ok(Batch { lo, hi: Some(hi), docs })
}

/// A stored version as the projection reads it; a stored kind or provenance no publication
/// writes is a finding, and the version is skipped.
fn logged<'a>(run: &mut Run, v: &'a document_version::Model) -> Option<Logged<'a>> {
    Logged::stored(v)
        .map_err(|e| {
            run.finding(Finding::log(
                "document_version",
                format!("{} ({} {} v{})", v.id, v.kind, v.doc_id, v.version),
                e.to_string(),
            ))
        })
        .ok()
}

/// Parses a version's body; a body that does not parse is a finding.
fn parsed(run: &mut Run, v: &Logged) -> Option<Document> {
    match projection::parse(v) {
        Ok(d) => Some(d),
        Err(e) => {
            run.finding(Finding::log("document_version", v.origin().to_string(), e.to_string()));
            None
        }
    }
}

/// A projection that refused the logged version (an integer its column cannot hold).
fn refused(run: &mut Run, v: &Logged, errors: Vec<crate::domain::Violation>) {
    let detail = errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
    run.finding(Finding::log(
        "document_version",
        v.origin().to_string(),
        format!("cannot be served as logged: {detail}"),
    ));
}

/// Each council's `synthetic` flag over time (by change number): what the publication path read
/// from the council's row when it projected a roster or a session record.
#[derive(Default)]
struct Synthetic(HashMap<String, Vec<(i64, bool)>>);

impl Synthetic {
    async fn load<C: ConnectionTrait>(db: &C) -> Result<Self, StoreError> {
        let rows: Vec<(String, i64, String)> = document_version::Entity::find()
            .select_only()
            .columns([document_version::Column::DocId, document_version::Column::Seq, document_version::Column::Body])
            .filter(document_version::Column::Kind.eq(DocKind::Council.as_str()))
            .order_by_asc(document_version::Column::Seq)
            .into_tuple()
            .all(db)
            .await?;
        let mut s = Self::default();
        for (id, seq, body) in rows {
            // A body that does not parse is reported by the council check.
            let flag = serde_json::from_str::<Council>(&body).is_ok_and(|c| c.synthetic);
            s.0.entry(id).or_default().push((seq, flag));
        }
        Ok(s)
    }

    /// The flag of `council` just before change `seq`.
    fn at(&self, council: Option<&str>, seq: i64) -> bool {
        council
            .and_then(|c| self.0.get(c))
            .and_then(|h| h.iter().rev().find(|(s, _)| *s < seq))
            .is_some_and(|(_, f)| *f)
    }
}

/// Compares every served table with what the log implies, kind by kind.
pub(super) async fn check<C: ConnectionTrait>(db: &C, run: &mut Run<'_>) -> Result<(), StoreError> {
    let synthetic = Synthetic::load(db).await?;
    for kind in DocKind::ALL {
        let mut after: Option<String> = None;
        loop {
            let batch = next_batch(db, kind, after.as_deref()).await?;
            let (lo, hi) = (batch.lo.as_deref(), batch.hi.as_deref());
            let n = batch.docs.len() as u64;
            match kind {
                DocKind::Council => councils(db, run, &batch, lo, hi).await?,
                DocKind::Party => parties(db, run, &batch, lo, hi).await?,
                DocKind::Roster => rosters(db, run, &batch, &synthetic, lo, hi).await?,
                DocKind::SessionRecord => sessions(db, run, &batch, &synthetic, lo, hi).await?,
                DocKind::PublicRecord => public_records(db, run, &batch, lo, hi).await?,
            }
            run.summary.documents += n;
            run.advance(n);
            match batch.hi {
                Some(h) => after = Some(h),
                None => break,
            }
        }
    }
    stray_entries(db, run).await
}

/// Rows derived for one table of a batch, each with the version it comes from.
type Rows<E> = Vec<(<E as sea_orm::EntityTrait>::Model, Origin)>;

/// Compares one table of a batch.
async fn compare<E: Served, C: ConnectionTrait>(
    db: &C,
    run: &mut Run<'_>,
    derived: Rows<E>,
    origins: &HashMap<String, Origin>,
    lo: Option<&str>,
    hi: Option<&str>,
) -> Result<(), StoreError> {
    compare_within::<E, _>(db, run, derived, origins, lo, hi, None).await
}

/// Compares one table of a batch, narrowed by `within`.
async fn compare_within<E: Served, C: ConnectionTrait>(
    db: &C,
    run: &mut Run<'_>,
    derived: Rows<E>,
    origins: &HashMap<String, Origin>,
    lo: Option<&str>,
    hi: Option<&str>,
    within: Option<Condition>,
) -> Result<(), StoreError> {
    let rows = stored::<E, _>(db, lo, hi, within).await?;
    let n = diff::<E>(derived, rows, &|scope| origins.get(scope).cloned(), run);
    run.compared(E::default().table_name(), n);
    Ok(())
}

/// Compares the search entries a batch of documents of `source_kind` implies with the stored
/// entries of that source kind whose source lies in the batch's range.
async fn compare_entries<C: ConnectionTrait>(
    db: &C,
    run: &mut Run<'_>,
    source_kind: &str,
    derived: Rows<search_entry::Entity>,
    origins: &HashMap<String, Origin>,
    lo: Option<&str>,
    hi: Option<&str>,
) -> Result<(), StoreError> {
    let within = Condition::all().add(search_entry::Column::SourceKind.eq(source_kind));
    compare_within::<search_entry::Entity, _>(db, run, derived, origins, lo, hi, Some(within)).await
}

/// Search entries of a source kind no document writes: each is extra (the batches of each
/// document kind read only their own source kind's entries).
async fn stray_entries<C: ConnectionTrait>(db: &C, run: &mut Run<'_>) -> Result<(), StoreError> {
    let rows = search_entry::Entity::find()
        .filter(search_entry::Column::SourceKind.is_not_in([source::COUNCIL, source::ROSTER, source::SESSION]))
        .order_by_asc(search_entry::Column::Id)
        .all(db)
        .await?;
    let n = diff::<search_entry::Entity>(vec![], rows, &|_| None, run);
    run.compared(search_entry::Entity.table_name(), n);
    Ok(())
}

fn tag<T>(rows: Vec<T>, origin: &Origin) -> Vec<(T, Origin)> {
    rows.into_iter().map(|r| (r, origin.clone())).collect()
}

async fn councils<C: ConnectionTrait>(
    db: &C,
    run: &mut Run<'_>,
    batch: &Batch,
    lo: Option<&str>,
    hi: Option<&str>,
) -> Result<(), StoreError> {
    let (mut rows, mut convocations, mut origins): (Rows<council::Entity>, Rows<convocation::Entity>, _) =
        (vec![], vec![], HashMap::new());
    let mut entries: Rows<search_entry::Entity> = vec![];
    for versions in &batch.docs {
        let (first, Some(last)) = (&versions[0], versions.last()) else { continue };
        let Some(v) = logged(run, last) else { continue };
        origins.insert(v.doc_id.to_owned(), v.origin());
        let Some(Document::Council(doc)) = parsed(run, &v) else { continue };
        match projection::council(&v, &doc, Some(first.received_at)) {
            Ok(r) => {
                entries.push((council_entry(&r.council), v.origin()));
                rows.push((r.council, v.origin()));
                convocations.extend(tag(r.convocations, &v.origin()));
            }
            Err(e) => refused(run, &v, e),
        }
    }
    compare::<council::Entity, _>(db, run, rows, &origins, lo, hi).await?;
    compare::<convocation::Entity, _>(db, run, convocations, &origins, lo, hi).await?;
    compare_entries(db, run, source::COUNCIL, entries, &origins, lo, hi).await
}

async fn parties<C: ConnectionTrait>(
    db: &C,
    run: &mut Run<'_>,
    batch: &Batch,
    lo: Option<&str>,
    hi: Option<&str>,
) -> Result<(), StoreError> {
    let (mut rows, mut origins): (Rows<party::Entity>, _) = (vec![], HashMap::new());
    for versions in &batch.docs {
        let (first, Some(last)) = (&versions[0], versions.last()) else { continue };
        let Some(v) = logged(run, last) else { continue };
        origins.insert(v.doc_id.to_owned(), v.origin());
        if let Some(Document::Party(doc)) = parsed(run, &v) {
            rows.push((projection::party(&v, &doc, Some(first.received_at)), v.origin()));
        }
    }
    compare::<party::Entity, _>(db, run, rows, &origins, lo, hi).await
}

/// The rows of a roster table a batch derived.
#[derive(Default)]
struct RosterBatch {
    deputies: Rows<deputy::Entity>,
    mandates: Rows<mandate::Entity>,
    memberships: Rows<party_membership::Entity>,
    commissions: Rows<commission::Entity>,
    roles: Rows<deputy_role::Entity>,
    entries: Rows<search_entry::Entity>,
    origins: HashMap<String, Origin>,
}

/// Folds a council's roster versions: every deputy any version listed (the last row each had,
/// unlisted unless the latest version lists them), and the dated facts of the latest version.
fn fold_roster(run: &mut Run, versions: &[document_version::Model], synthetic: &Synthetic, out: &mut RosterBatch) {
    let mut deputies: BTreeMap<String, deputy::Model> = BTreeMap::new();
    let mut from: HashMap<String, Origin> = HashMap::new();
    let mut latest: Option<(RosterRows, Origin)> = None;
    for m in versions {
        let Some(v) = logged(run, m) else { continue };
        out.origins.insert(v.doc_id.to_owned(), v.origin());
        let Some(Document::Roster(doc)) = parsed(run, &v) else { continue };
        let flag = synthetic.at(v.council_id, v.seq);
        let rows = projection::roster(&v, &doc, flag, |id| deputies.get(id).map(|d| d.created_at));
        rows.fold(&mut deputies);
        for d in &rows.deputies {
            from.insert(d.id.clone(), v.origin());
        }
        latest = Some((rows, v.origin()));
    }
    let Some((rows, origin)) = latest else { return };
    // Every deputy the council ever listed has an entry, written with the latest roster.
    for (id, d) in deputies {
        let o = from.remove(&id).unwrap_or_else(|| origin.clone());
        out.entries.push((deputy_entry(&d), origin.clone()));
        out.deputies.push((d, o));
    }
    out.mandates.extend(tag(rows.mandates, &origin));
    out.memberships.extend(tag(rows.memberships, &origin));
    out.commissions.extend(tag(rows.commissions, &origin));
    out.roles.extend(tag(rows.roles, &origin));
}

async fn rosters<C: ConnectionTrait>(
    db: &C,
    run: &mut Run<'_>,
    batch: &Batch,
    synthetic: &Synthetic,
    lo: Option<&str>,
    hi: Option<&str>,
) -> Result<(), StoreError> {
    let mut b = RosterBatch::default();
    for versions in &batch.docs {
        fold_roster(run, versions, synthetic, &mut b);
    }
    compare::<deputy::Entity, _>(db, run, b.deputies, &b.origins, lo, hi).await?;
    compare::<mandate::Entity, _>(db, run, b.mandates, &b.origins, lo, hi).await?;
    compare::<party_membership::Entity, _>(db, run, b.memberships, &b.origins, lo, hi).await?;
    compare::<commission::Entity, _>(db, run, b.commissions, &b.origins, lo, hi).await?;
    compare::<deputy_role::Entity, _>(db, run, b.roles, &b.origins, lo, hi).await?;
    compare_entries(db, run, source::ROSTER, b.entries, &b.origins, lo, hi).await
}

/// The rows of the session tables a batch derived.
#[derive(Default)]
struct SessionBatch {
    sessions: Rows<session::Entity>,
    items: Rows<agenda_item::Entity>,
    documents: Rows<document::Entity>,
    votes: Rows<vote_event::Entity>,
    ballots: Rows<ballot::Entity>,
    speeches: Rows<speech::Entity>,
    tallies: Rows<session_deputy_tally::Entity>,
    debates: Rows<session_debate_tally::Entity>,
    entries: Rows<search_entry::Entity>,
    origins: HashMap<String, Origin>,
}

/// Folds a session's versions, each carrying the witnessed times of the ones before it.
fn fold_session(run: &mut Run, versions: &[document_version::Model], synthetic: &Synthetic, out: &mut SessionBatch) {
    let mut prior: Option<SessionPrior> = None;
    let mut latest = None;
    for m in versions {
        let Some(v) = logged(run, m) else { continue };
        out.origins.insert(v.doc_id.to_owned(), v.origin());
        let Some(Document::Session(doc)) = parsed(run, &v) else { continue };
        match projection::session(&v, &doc, synthetic.at(v.council_id, v.seq), prior.as_ref()) {
            Ok(rows) => {
                prior = Some(rows.prior());
                latest = Some((rows, v.origin()));
            }
            Err(e) => refused(run, &v, e),
        }
    }
    let Some((rows, o)) = latest else { return };
    out.entries.extend(tag(session_entries(&rows), &o));
    out.sessions.push((rows.session, o.clone()));
    out.items.extend(tag(rows.agenda_items, &o));
    out.documents.extend(tag(rows.documents, &o));
    out.votes.extend(tag(rows.vote_events, &o));
    out.ballots.extend(tag(rows.ballots, &o));
    out.speeches.extend(tag(rows.speeches, &o));
    out.tallies.extend(tag(rows.deputy_tallies, &o));
    out.debates.push((rows.debate_tally, o));
}

async fn sessions<C: ConnectionTrait>(
    db: &C,
    run: &mut Run<'_>,
    batch: &Batch,
    synthetic: &Synthetic,
    lo: Option<&str>,
    hi: Option<&str>,
) -> Result<(), StoreError> {
    let mut b = SessionBatch::default();
    for versions in &batch.docs {
        fold_session(run, versions, synthetic, &mut b);
    }
    compare::<session::Entity, _>(db, run, b.sessions, &b.origins, lo, hi).await?;
    compare::<agenda_item::Entity, _>(db, run, b.items, &b.origins, lo, hi).await?;
    compare::<document::Entity, _>(db, run, b.documents, &b.origins, lo, hi).await?;
    compare::<vote_event::Entity, _>(db, run, b.votes, &b.origins, lo, hi).await?;
    compare::<ballot::Entity, _>(db, run, b.ballots, &b.origins, lo, hi).await?;
    compare::<speech::Entity, _>(db, run, b.speeches, &b.origins, lo, hi).await?;
    compare::<session_deputy_tally::Entity, _>(db, run, b.tallies, &b.origins, lo, hi).await?;
    compare::<session_debate_tally::Entity, _>(db, run, b.debates, &b.origins, lo, hi).await?;
    compare_entries(db, run, source::SESSION, b.entries, &b.origins, lo, hi).await
}

async fn public_records<C: ConnectionTrait>(
    db: &C,
    run: &mut Run<'_>,
    batch: &Batch,
    lo: Option<&str>,
    hi: Option<&str>,
) -> Result<(), StoreError> {
    let (mut rows, mut origins): (Rows<public_record::Entity>, _) = (vec![], HashMap::new());
    for versions in &batch.docs {
        let Some(v) = versions.last().and_then(|m| logged(run, m)) else { continue };
        origins.insert(v.doc_id.to_owned(), v.origin());
        if let Some(Document::PublicRecord(doc)) = parsed(run, &v) {
            rows.push((projection::public_record(&v, &doc), v.origin()));
        }
    }
    compare::<public_record::Entity, _>(db, run, rows, &origins, lo, hi).await
}

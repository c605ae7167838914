//! The served tables `audit` compares, and the comparison itself: rows derived from the log
//! against rows read from the database, column by column, both ways.

use std::collections::BTreeMap;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, IdenStatic, Iterable, ModelTrait, PrimaryKeyToColumn,
    QueryFilter, QueryOrder, Value,
};

use super::{Finding, FindingKind, Sink};
use crate::entity::{
    agenda_item, ballot, commission, convocation, council, deputy, deputy_role, document, mandate, party,
    party_membership, public_record, search_entry, session, session_debate_tally, session_deputy_tally, speech,
    vote_event,
};
use crate::store::StoreError;
use crate::store::projection::Origin;

/// Every served table `audit` re-derives from the log. A test compares this list with the
/// tables the migrations create: a new table must be added here (with its `Served` impl and
/// its place in a document kind's check) or to [`NOT_SERVED`] with a reason.
pub const COVERED: &[&str] = &[
    "council",
    "convocation",
    "party",
    "deputy",
    "mandate",
    "party_membership",
    "commission",
    "deputy_role",
    "session",
    "agenda_item",
    "document",
    "vote_event",
    "ballot",
    "speech",
    "session_deputy_tally",
    "session_debate_tally",
    "public_record",
    "search_entry",
];

/// Tables that are not a projection of the log, and why `audit` does not re-derive them.
pub const NOT_SERVED: &[(&str, &str)] = &[
    ("document_version", "the log's own versions: checked by rehashing each body into its leaf"),
    ("log_entry", "the log's leaves: each recomputed from its version, the root from all of them"),
    ("write_head", "the log's head: compared with the size and root recomputed from the leaves"),
    ("revoked_token", "revoked credentials: written by `token revoke`, not by any document"),
    ("seaql_migrations", "the schema's migration bookkeeping"),
    (
        "derived_fill",
        "migration bookkeeping: new tables of metric inputs to fill at start-up, empty once the server has started",
    ),
    ("log_tile_hash", "the log's tile hashes (tiles and proofs are served from them): each recomputed from the leaves"),
    ("log_identity", "the log's origin: signed into every checkpoint, so a changed origin fails every signature check"),
    ("log_cosignature", "witnesses' cosignatures: each checked by `verify` against its witness's own key"),
    ("log_witness", "when each witness was last asked and how it answered: delivery state, not a fact of the record"),
    ("log_lease", "which node sends checkpoints to the witnesses: coordination between nodes"),
    ("webhook", "third-party apps' subscriptions: registered by their owners, not derived from any document"),
    ("webhook_delivery", "webhook deliveries and their attempts: delivery state, not a fact of the record"),
    ("search_fts", "SQLite only: FTS5's index over `search_entry.key`, kept in step by triggers"),
    ("search_fts_data", "SQLite only: FTS5 shadow table of `search_fts`"),
    ("search_fts_idx", "SQLite only: FTS5 shadow table of `search_fts`"),
    ("search_fts_docsize", "SQLite only: FTS5 shadow table of `search_fts`"),
    ("search_fts_config", "SQLite only: FTS5 shadow table of `search_fts`"),
    ("publisher_account", "workspace accounts: credentials an admin creates, not a fact of any record"),
    ("publisher_session", "signed-in browser sessions of workspace accounts: credentials, not facts"),
    (
        "workspace_draft",
        "unpublished workspace drafts: private until published, then logged as a version like any API write",
    ),
];

/// Tables of [`NOT_SERVED`] that only a SQLite database has (FTS5's virtual and shadow tables).
pub const SQLITE_ONLY: &[&str] =
    &["search_fts", "search_fts_data", "search_fts_idx", "search_fts_docsize", "search_fts_config"];

/// A served table: where its rows come from and how a row is named.
pub(super) trait Served: EntityTrait {
    /// The column that ties a row to the document it is derived from (the document's id).
    fn scope() -> Self::Column;
    /// The row's identity within its table. Rows of tables whose ids the database assigns are
    /// matched by this (with an ordinal among rows of equal identity, in id order, which is
    /// document order): the id itself is not derived from the log.
    fn identity(m: &Self::Model) -> String;
    /// True when the database assigns the primary key (then it is not compared).
    fn assigned_id() -> bool {
        false
    }
}

macro_rules! served {
    ($($entity:ident: scope $scope:ident, identity |$m:ident| $identity:expr $(, $assigned:ident)?;)+) => {
        $(impl Served for $entity::Entity {
            fn scope() -> Self::Column {
                $entity::Column::$scope
            }
            fn identity($m: &Self::Model) -> String {
                $identity
            }
            $(fn $assigned() -> bool {
                true
            })?
        })+
    };
}

served! {
    council: scope Id, identity |m| m.id.clone();
    convocation: scope CouncilId, identity |m| format!("{} {}", m.council_id, m.number), assigned_id;
    party: scope Id, identity |m| m.id.clone();
    deputy: scope CouncilId, identity |m| m.id.clone();
    mandate: scope CouncilId, identity |m| format!("deputy {}", m.deputy_id), assigned_id;
    party_membership: scope CouncilId, identity |m| format!("deputy {}", m.deputy_id), assigned_id;
    commission: scope CouncilId, identity |m| m.id.clone();
    deputy_role: scope CouncilId, identity |m| format!("deputy {}", m.deputy_id), assigned_id;
    session: scope Id, identity |m| m.id.clone();
    agenda_item: scope SessionId, identity |m| m.id.clone();
    document: scope SessionId, identity |m| m.id.clone();
    vote_event: scope SessionId, identity |m| m.id.clone();
    ballot: scope SessionId, identity |m| format!("({}, {})", m.vote_event_id, m.deputy_id);
    speech: scope SessionId, identity |m| m.id.clone();
    session_deputy_tally: scope SessionId, identity |m| format!("deputy {}", m.deputy_id);
    session_debate_tally: scope SessionId, identity |m| format!("debate counts of {}", m.session_id);
    public_record: scope Id, identity |m| m.id.clone();
    search_entry: scope Source, identity |m| format!("{} {}: {} {}", m.source_kind, m.source, m.kind, m.ref_id), assigned_id;
}

/// The stored rows of `E` whose scope column lies in `(lo, hi]` (unbounded where `None`), in
/// primary-key order. Consecutive ranges cover every value, so every stored row is read by
/// exactly one batch, whether or not a logged document names it.
/// `within` narrows the batch further (the search index's rows of one source kind).
pub(super) async fn stored<E: Served, C: ConnectionTrait>(
    db: &C,
    lo: Option<&str>,
    hi: Option<&str>,
    within: Option<Condition>,
) -> Result<Vec<E::Model>, StoreError> {
    let mut q = E::find();
    if let Some(w) = within {
        q = q.filter(w);
    }
    if let Some(lo) = lo {
        q = q.filter(E::scope().gt(lo));
    }
    if let Some(hi) = hi {
        q = q.filter(E::scope().lte(hi));
    }
    for pk in E::PrimaryKey::iter() {
        q = q.order_by_asc(pk.into_column());
    }
    Ok(q.all(db).await?)
}

/// Keys rows by identity and ordinal among rows of the same identity, in the order given.
fn keyed<E: Served, T>(rows: Vec<T>, model: impl Fn(&T) -> &E::Model) -> BTreeMap<(String, usize), T> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for r in rows {
        let id = E::identity(model(&r));
        let n = seen.entry(id.clone()).or_default();
        out.insert((id, *n), r);
        *n += 1;
    }
    out
}

/// How a row is named in a finding.
fn label<E: Served>(identity: &str, ordinal: usize, stored: Option<&E::Model>) -> String {
    if !E::assigned_id() {
        return identity.to_owned();
    }
    let id = stored
        .and_then(|m| E::PrimaryKey::iter().next().map(|pk| m.get(pk.into_column())))
        .map(|v| format!(" (id {})", show(&v)))
        .unwrap_or_default();
    format!("{identity} #{}{id}", ordinal + 1)
}

/// A value as SQL writes it, shortened.
pub(super) fn show(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

/// Compares the rows derived from the log with the stored rows of one batch, reporting every
/// changed column, every missing row and every extra row. `scope_origin` names the logged
/// version of a scope value (for an extra row: the document it claims to belong to, if any).
/// Returns how many rows were compared.
pub(super) fn diff<E: Served>(
    derived: Vec<(E::Model, Origin)>,
    stored: Vec<E::Model>,
    scope_origin: &dyn Fn(&str) -> Option<Origin>,
    sink: &mut dyn Sink,
) -> u64 {
    let table = E::default().table_name();
    let columns: Vec<E::Column> = E::Column::iter()
        .filter(|c| !(E::assigned_id() && E::PrimaryKey::iter().any(|pk| pk.into_column().as_str() == c.as_str())))
        .collect();
    let mut derived = keyed::<E, _>(derived, |(m, _)| m);
    let compared = derived.len().max(stored.len()) as u64;
    for ((identity, n), row) in keyed::<E, _>(stored, |m| m) {
        let row_name = label::<E>(&identity, n, Some(&row));
        let Some((want, origin)) = derived.remove(&(identity, n)) else {
            let scope = match row.get(E::scope()) {
                Value::String(Some(s)) => s,
                _ => String::new(),
            };
            sink.finding(Finding::row(table, row_name, FindingKind::Extra, scope_origin(&scope)));
            continue;
        };
        for c in &columns {
            let (got, logged) = (row.get(*c), want.get(*c));
            if got != logged {
                sink.finding(Finding {
                    column: Some(c.as_str().to_owned()),
                    stored: Some(show(&got)),
                    logged: Some(show(&logged)),
                    ..Finding::row(table, row_name.clone(), FindingKind::Changed, Some(origin.clone()))
                });
            }
        }
    }
    for ((identity, n), (_, origin)) in derived {
        sink.finding(Finding::row(table, label::<E>(&identity, n, None), FindingKind::Missing, Some(origin)));
    }
    compared
}

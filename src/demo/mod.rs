//! The synthetic country: a deterministic, clearly labelled invented Kazakhstan to explore the
//! platform with. `maslikhat demo --scale N --seed S` loads it; `serve --demo` loads a few of its
//! councils into an empty database.
//!
//! Everything is generated per council from the seed and the council's id, so one council's
//! records are the same whether the whole country or only that council is generated. Every
//! record goes through the normal publication path (and so through every rule), each council
//! says `synthetic: true`, and every version carries the provenance `synthetic`.
//!
//! When each document was received is part of the invented history (see [`received`]): a
//! council that announces its sessions sends each agenda ahead of the sitting and the results and
//! minutes after it, so the server "witnessed" both; a council that does not sends each record
//! only after the sitting, which makes it *backfilled*, and its declared notices (if any) are what
//! the openness metrics use. With these times fixed, one seed gives the same database, log root
//! included, from run to run.

pub mod geo;
pub mod people;
pub mod received;
pub mod rng;
pub mod roster;
pub mod sessions;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::api::AppState;
use crate::domain::council::{Council, Party};
use crate::domain::enums::RegistrationStatus;
use crate::domain::log::canonical;
use crate::domain::roster::{Roster, RosterContext};
use crate::domain::session::{SessionContext, SessionRecord};
use crate::domain::{Violation, Violations};
use crate::store::{self, PublishMeta, Published, StoreError};

pub use geo::{CouncilPlan, country};

fn names(kk: &str, ru: &str, en: &str) -> BTreeMap<String, String> {
    [("kk", kk), ("ru", ru), ("en", en)].into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

/// The seven parties registered for the 2023 elections, by their real names. They are real, so
/// they are not marked synthetic.
pub fn parties() -> Vec<(&'static str, Party)> {
    let p = |kk: &str, ru: &str, en: &str, abbr: &str| Party {
        names: names(kk, ru, en),
        abbreviations: if abbr.is_empty() { BTreeMap::new() } else { [("ru".to_owned(), abbr.to_owned())].into() },
        registration_status: RegistrationStatus::Registered,
        synthetic: false,
    };
    vec![
        ("amanat", p("AMANAT партиясы", "Партия AMANAT", "AMANAT Party", "AMANAT")),
        (
            "auyl",
            p(
                "«Ауыл» халықтық-демократиялық патриоттық партиясы",
                "Народно-демократическая патриотическая партия «Ауыл»",
                "Auyl People's Democratic Patriotic Party",
                "Ауыл",
            ),
        ),
        ("respublica", p("Respublica партиясы", "Партия Respublica", "Respublica Party", "Respublica")),
        (
            "ak-zhol",
            p(
                "«Ақ жол» Қазақстанның демократиялық партиясы",
                "Демократическая партия Казахстана «Ак жол»",
                "Ak Zhol Democratic Party of Kazakhstan",
                "Ак жол",
            ),
        ),
        ("qhp", p("Қазақстан Халық партиясы", "Народная партия Казахстана", "People's Party of Kazakhstan", "НПК")),
        (
            "jsdp",
            p(
                "Жалпыұлттық социал-демократиялық партия",
                "Общенациональная социал-демократическая партия",
                "Nationwide Social Democratic Party",
                "ОСДП",
            ),
        ),
        ("baytaq", p("«Байтақ» жасылдар партиясы", "Партия зелёных «Байтақ»", "Baytaq Green Party", "Байтақ")),
    ]
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// The seed: the same seed (with the same scale and end date) gives the same country.
    pub seed: u64,
    /// Multiplies the number of sessions a year (8 at scale 1).
    pub scale: u32,
    /// The last day of invented history (usually today).
    pub until: NaiveDate,
    /// Only these councils (ids), in this order, when given; parents are not added
    /// automatically.
    pub councils: Option<Vec<String>>,
    /// Adds, per council, the next session after `until` (planned, agenda only), whose
    /// publication ahead of the sitting the server witnesses.
    pub upcoming: bool,
}

impl DemoConfig {
    /// The whole country.
    pub fn national(seed: u64, scale: u32, until: NaiveDate) -> Self {
        Self { seed, scale: scale.max(1), until, councils: None, upcoming: true }
    }

    /// The small sample `serve --demo` loads: the capital, one oblast, one of its cities and one
    /// of its districts. Small enough to load in a few seconds in a debug build.
    pub fn sample(until: NaiveDate) -> Self {
        let mut cfg = Self::national(1, 1, until);
        let plans = country();
        let mut ids = vec!["astana-city".to_owned(), "akmola-oblast".to_owned()];
        let child = |level| {
            plans
                .iter()
                .find(|p| p.parent.as_deref() == Some("akmola-oblast") && p.level == level)
                .map(|p| p.id.clone())
        };
        ids.extend(child(crate::domain::enums::Level::City));
        ids.extend(child(crate::domain::enums::Level::District));
        cfg.councils = Some(ids);
        cfg
    }

    /// The councils this configuration covers: parents first, or in the order of `councils`.
    pub fn plans(&self) -> Vec<CouncilPlan> {
        let all = country();
        match &self.councils {
            None => all,
            Some(ids) => ids.iter().filter_map(|id| all.iter().find(|p| &p.id == id).cloned()).collect(),
        }
    }
}

/// One council's invented documents.
#[derive(Debug, Clone)]
pub struct CouncilBundle {
    /// The council id.
    pub id: String,
    /// The council document.
    pub council: Council,
    /// Its roster.
    pub roster: Roster,
    /// Its session records with their ids, oldest first.
    pub sessions: Vec<(String, SessionRecord)>,
    /// When each document was received in the invented history: the council, the roster, and
    /// each session record (in the order of `sessions`). See [`received`].
    pub received: Received,
}

/// Invented receive times of one council's documents.
#[derive(Debug, Clone)]
pub struct Received {
    /// The council document.
    pub council: chrono::DateTime<chrono::Utc>,
    /// The roster.
    pub roster: chrono::DateTime<chrono::Utc>,
    /// Each session record, in the order of [`CouncilBundle::sessions`].
    pub sessions: Vec<chrono::DateTime<chrono::Utc>>,
    /// For each session record (same order), the agenda published ahead of the sitting and
    /// when, if the council announced it: stored as the record's first version.
    pub ahead: Vec<Option<(SessionRecord, chrono::DateTime<chrono::Utc>)>>,
}

/// Generates one council's documents (pure: no database).
pub fn generate_council(cfg: &DemoConfig, plan: &CouncilPlan) -> CouncilBundle {
    let mut rng = rng::Rng::derive(cfg.seed, &plan.id);
    let profile = roster::Profile::draw(&mut rng, plan.level);
    let seats = plan.seats;
    let council = roster::council(plan, seats);
    let roster = roster::roster(&mut rng, plan, seats, &profile, cfg.until);
    let ctx = sessions::CouncilContext {
        id: &plan.id,
        council: &council,
        roster: &roster,
        profile: &profile,
        place_ru: &plan.place_ru,
    };
    let mut sessions = sessions::sessions(cfg.seed, &ctx, cfg.scale, cfg.until, cfg.upcoming);
    let received = Received {
        council: received::council(cfg.until),
        roster: received::roster(&roster, cfg.until),
        sessions: sessions.iter().map(|(id, s)| received::session(cfg.seed, id, s, &profile, cfg.until)).collect(),
        ahead: sessions.iter().map(|(id, s)| received::agenda_ahead(cfg.seed, id, s, &profile, cfg.until)).collect(),
    };
    // A record first received after its sitting is backfilled: it may declare its times.
    for (((id, s), at), ahead) in sessions.iter_mut().zip(&received.sessions).zip(&received.ahead) {
        if ahead.is_none() && *at > s.scheduled_start {
            received::declare_times(cfg.seed, &plan.id, id, s, &profile, *at);
        }
    }
    CouncilBundle { id: plan.id.clone(), council, roster, sessions, received }
}

/// Generates every council of `cfg`, one at a time.
pub fn generate(cfg: &DemoConfig) -> impl Iterator<Item = CouncilBundle> + '_ {
    cfg.plans().into_iter().map(move |p| generate_council(cfg, &p))
}

/// Checks a bundle against the domain rules without a database, as the publication path
/// would: the council, the roster (against the seven parties) and each session record (and each
/// agenda sent ahead of its sitting). Returns
/// every violation with the document it belongs to.
pub fn check_bundle(b: &CouncilBundle) -> Vec<(String, Violation)> {
    let mut out = vec![];
    let mut v = Violations::new();
    b.council.check(&b.id, &mut v);
    out.extend(v.into_vec().into_iter().map(|x| (format!("council {}", b.id), x)));
    let ctx = RosterContext {
        parties: parties().into_iter().map(|(id, _)| id.to_owned()).collect(),
        foreign_deputies: HashSet::new(),
        foreign_commissions: HashSet::new(),
    };
    let mut v = Violations::new();
    b.roster.check(&b.council, &ctx, &mut v);
    out.extend(v.into_vec().into_iter().map(|x| (format!("roster {}", b.id), x)));
    let ahead = b.received.ahead.iter().zip(&b.sessions).filter_map(|(a, (id, _))| a.as_ref().map(|(s, _)| (id, s)));
    for (id, s) in b.sessions.iter().map(|(id, s)| (id, s)).chain(ahead) {
        let date = s.date();
        let serving: HashMap<String, bool> =
            b.roster.deputies.iter().map(|d| (d.id.clone(), d.serves_on(date))).collect();
        let mut v = Violations::new();
        s.check(&b.council, &SessionContext { serving, foreign_ids: HashSet::new() }, &mut v);
        out.extend(v.into_vec().into_iter().map(|x| (format!("session {id}"), x)));
    }
    out
}

/// Why loading stopped.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A generated document was refused (a bug in the generator) or conflicts with what the
    /// database already holds.
    #[error("{kind} {id} was refused: {source}{}", details(.source))]
    Refused {
        /// Which kind of document.
        kind: &'static str,
        /// Its id.
        id: String,
        /// Why.
        source: StoreError,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn details(e: &StoreError) -> String {
    match e {
        StoreError::Invalid(v) => {
            let list: Vec<String> = v.iter().take(5).map(|x| format!("{} {}: {}", x.path, x.rule, x.message)).collect();
            format!(" ({})", list.join("; "))
        }
        StoreError::PreconditionRequired { .. } => {
            " (the database holds a different version: load the demo into an empty database)".into()
        }
        _ => String::new(),
    }
}

/// What a load did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Councils covered.
    pub councils: u64,
    /// Session records published or found unchanged.
    pub sessions: u64,
    /// Documents stored as new versions.
    pub created: u64,
    /// Documents identical to what the database already held.
    pub unchanged: u64,
}

impl LoadReport {
    fn count(&mut self, p: &Published) {
        match p {
            Published::Created(_) => self.created += 1,
            Published::Unchanged(_) => self.unchanged += 1,
        }
    }
}

fn refused<'a>(kind: &'static str, id: &'a str) -> impl FnOnce(StoreError) -> DemoError + 'a {
    move |source| DemoError::Refused { kind, id: id.to_owned(), source }
}

/// The reason given when a session's results and minutes are added to the agenda published
/// ahead of it (a change after the session date must say why).
const RESULTS: &str = "Итоги сессии: голосования, выступления, протокол / Session results: votes, speeches, minutes";

/// Publishes the country of `cfg` through the publication path, council by council. Loading
/// the same configuration again changes nothing (every document is an identical re-send).
pub async fn load(db: &DatabaseConnection, cfg: &DemoConfig, progress: bool) -> Result<LoadReport, DemoError> {
    let base = PublishMeta {
        publisher: "demo".into(),
        if_match: None,
        reason: None,
        provenance: crate::domain::enums::Provenance::Synthetic,
        received_at: None,
    };
    let at = |t| PublishMeta { received_at: Some(t), ..base.clone() };
    let mut report = LoadReport::default();
    for (id, p) in parties() {
        let r = store::councils::put_party(db, id, &p, Violations::new(), &at(received::party(cfg.until)))
            .await
            .map_err(refused("party", id))?;
        report.count(&r);
    }
    let plans = cfg.plans();
    let bar = crate::progress::bar(
        progress,
        Some(plans.len() as u64),
        "{elapsed_precise} [{bar:40}] {pos}/{len} councils, {msg}",
    );
    for plan in &plans {
        let b = generate_council(cfg, plan);
        let r = store::councils::put_council(db, &b.id, &b.council, Violations::new(), &at(b.received.council))
            .await
            .map_err(refused("council", &b.id))?;
        report.count(&r);
        let r = store::councils::put_roster(db, &b.id, &b.roster, Violations::new(), &at(b.received.roster))
            .await
            .map_err(refused("roster", &b.id))?;
        report.count(&r);
        for (((sid, s), t), ahead) in b.sessions.iter().zip(&b.received.sessions).zip(&b.received.ahead) {
            // The agenda ahead of the sitting, then the whole record. On a reload only the
            // latter (an identical re-send when nothing changed), unless the load stopped
            // between the two.
            let mut whole = at(*t);
            if let Some((early, t0)) = ahead {
                let stored = store::sessions::current_sha256(db, sid).await?;
                if stored.is_none() {
                    let r =
                        store::sessions::put_session_record(db, &b.id, sid, early, None, Violations::new(), &at(*t0))
                            .await
                            .map_err(refused("session agenda", sid))?;
                    report.count(&r);
                }
                if stored.is_none() || stored == Some(canonical::sha256_hex(store::canonical_json(early)?.as_bytes())) {
                    whole.if_match = Some("*".into());
                    whole.reason = Some(RESULTS.into());
                }
            }
            let reason = whole.reason.clone();
            let r = store::sessions::put_session_record(db, &b.id, sid, s, reason, Violations::new(), &whole)
                .await
                .map_err(refused("session record", sid))?;
            report.count(&r);
            report.sessions += 1;
        }
        report.councils += 1;
        bar.set_message(format!("{} sessions", report.sessions));
        bar.inc(1);
    }
    bar.finish_and_clear();
    store::refresh_statistics(db).await?;
    Ok(report)
}

/// The last day of invented history by default: yesterday in Kazakhstan, so that every invented
/// time lies in the past and a load repeated the same day gives the same database.
pub fn default_until() -> NaiveDate {
    crate::domain::session::local_date(chrono::Utc::now()) - chrono::Days::new(1)
}

/// What a first start finds to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstStart {
    /// No councils at all: load the synthetic country.
    Fresh,
    /// An earlier load stopped after `loaded` synthetic councils: go on from there, whatever
    /// `others` (councils that are not synthetic) were published meanwhile.
    Resume {
        /// Synthetic councils already stored.
        loaded: u64,
        /// Other councils stored, left as they are.
        others: u64,
    },
}

impl FirstStart {
    /// What the server says when it starts the load.
    pub fn message(&self) -> String {
        let total = country().len();
        match self {
            FirstStart::Fresh => format!(
                "empty embedded database: loading the synthetic country ({total} councils, scale 1, seed 1; every \
                 record is marked synthetic) while serving; start with --no-demo to skip"
            ),
            FirstStart::Resume { loaded, others } => format!(
                "resuming the synthetic country where an earlier start stopped: {loaded} of {total} councils are \
                 loaded{}; loading the rest while serving; start with --no-demo to skip",
                match others {
                    0 => String::new(),
                    1 => "; 1 council that is not synthetic was published meanwhile and stays as it is".into(),
                    n => format!("; {n} councils that are not synthetic were published meanwhile and stay as they are"),
                }
            ),
        }
    }
}

/// Whether the first-start load is due: on a database with no councils, or one where an earlier
/// load stopped before the whole synthetic country (even if other councils were published while
/// it ran). A database whose councils are all real never gets the synthetic country.
pub async fn first_start_due(db: &DatabaseConnection) -> Result<Option<FirstStart>, StoreError> {
    use crate::entity::council;
    use sea_orm::{ColumnTrait, QueryFilter};
    let real = council::Entity::find().filter(council::Column::Synthetic.eq(false)).count(db).await?;
    let synthetic = council::Entity::find().filter(council::Column::Synthetic.eq(true)).count(db).await?;
    Ok(match (synthetic, real) {
        (s, _) if s >= country().len() as u64 => None,
        (0, 0) => Some(FirstStart::Fresh),
        (0, _) => None,
        (loaded, others) => Some(FirstStart::Resume { loaded, others }),
    })
}

/// The configuration the first start loads: the whole country at scale 1, seed 1, with the
/// small sample's councils first so there is something to browse within seconds.
pub fn first_start_config() -> DemoConfig {
    let until = default_until();
    let mut first: Vec<String> = DemoConfig::sample(until).councils.unwrap_or_default();
    let rest: Vec<String> = country().into_iter().map(|p| p.id).filter(|id| !first.contains(id)).collect();
    first.extend(rest);
    DemoConfig { councils: Some(first), ..DemoConfig::national(1, 1, until) }
}

/// Loads the real public records, then [`first_start_config`] while the server serves, with a progress bar on a terminal and
/// log lines otherwise. Failures are logged: the server goes on with what was loaded.
pub async fn first_start(db: &DatabaseConnection, due: FirstStart) {
    load_real_records(db).await;
    let cfg = first_start_config();
    tracing::info!(until = %cfg.until, "{}", due.message());
    let started = std::time::Instant::now();
    match load(db, &cfg, true).await {
        Ok(r) => tracing::info!(
            councils = r.councils,
            sessions = r.sessions,
            created = r.created,
            seconds = started.elapsed().as_secs(),
            "synthetic country loaded"
        ),
        Err(e) => tracing::error!(error = %e, "loading the synthetic country stopped; restart to resume"),
    }
}

/// Loads the real public records bundled with the binary (see [`crate::interchange::public_records`]): not
/// synthetic, kept apart from the synthetic councils, each fact with its source. Idempotent.
pub async fn load_real_records(db: &DatabaseConnection) {
    match crate::interchange::public_records::load_bundled(db).await {
        Ok(r) if r.refused.is_empty() => tracing::info!(
            records = r.records,
            stored = r.stored,
            councils = r.councils,
            "real public records (compiled from public sources, each fact with its source) loaded"
        ),
        Ok(r) => tracing::error!(refused = r.refused.len(), "some bundled public records were refused"),
        Err(e) => tracing::error!(error = %e, "loading the bundled public records failed"),
    }
}

/// Loads the small sample (see [`DemoConfig::sample`]) unless the database already has
/// councils. Returns whether it loaded.
pub async fn load_sample(state: &AppState) -> Result<bool, DemoError> {
    if crate::entity::council::Entity::find().count(&state.service.db).await.map_err(StoreError::from)? > 0 {
        return Ok(false);
    }
    load_real_records(&state.service.db).await;
    load(&state.service.db, &DemoConfig::sample(default_until()), false).await?;
    Ok(true)
}

//! Rosters (one versioned document per council) and the deputies built from them.

use chrono::NaiveDate;

use super::{Error, Service, version_cursor};
use crate::domain::enums::SeatType;
use crate::store::paging::{Page, page};
use crate::store::read::deputies as read;

use crate::store::read::versions::{self, StoredVersion};
use crate::store::{DocKind, VersionMeta};
pub use read::{DeputyOnDay, DeputyRead};

/// The current roster of a council.
pub async fn current(svc: &Service, council: &str) -> Result<StoredVersion, Error> {
    versions::latest_version(&svc.reads().await, DocKind::Roster, council)
        .await?
        .ok_or_else(|| Error::NotFound(format!("roster of {council}")))
}

/// The versions of a council's roster, oldest first; the council must exist.
pub async fn versions(
    svc: &Service,
    council: &str,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<VersionMeta>, Error> {
    super::councils::get(svc, council).await?;
    let after = version_cursor(cursor)?;
    Ok(versions::list_versions(&svc.reads().await, DocKind::Roster, council, after, limit).await?)
}

/// Which deputies of a council to list.
#[derive(Debug, Clone, Default)]
pub struct DeputyFilter {
    /// Only members of this party on `on`.
    pub party: Option<String>,
    /// Only deputies with (false) or without (true) a party on `on`.
    pub non_partisan: Option<bool>,
    /// Only deputies whose mandate on `on` (or any mandate, without `on`) has this seat type.
    pub seat_type: Option<SeatType>,
    /// Only deputies serving on this date.
    pub on: Option<NaiveDate>,
    /// The date party filters refer to when `on` is not given.
    pub today: NaiveDate,
}

impl DeputyFilter {
    fn keeps(&self, d: &DeputyRead) -> bool {
        let date = self.on.unwrap_or(self.today);
        let serving = self.on.is_none() || d.serving_on(date);
        let seat = self.seat_type.is_none_or(|st| {
            d.deputy.mandates.iter().any(|m| {
                m.seat_type == st
                    && (self.on.is_none() || crate::domain::roster::period_covers(m.start_date, m.end_date, date))
            })
        });
        let party = d.party_on(date);
        let in_party = self.party.as_deref().is_none_or(|want| party == Some(want));
        let non_partisan = self.non_partisan.is_none_or(|np| np == party.is_none());
        serving && seat && in_party && non_partisan
    }
}

/// Deputies of a council (which must exist), by id, after `cursor`.
pub async fn deputies(
    svc: &Service,
    council: &str,
    f: &DeputyFilter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<DeputyRead>, Error> {
    super::councils::get(svc, council).await?;
    let rows: Vec<DeputyRead> = read::council_deputies(&svc.reads().await, council)
        .await?
        .into_iter()
        .filter(|d| cursor.is_none_or(|c| d.deputy.id.as_str() > c))
        .filter(|d| f.keeps(d))
        .take(usize::try_from(limit).unwrap_or(usize::MAX).saturating_add(1))
        .collect();
    Ok(page(rows, limit, |d| d.deputy.id.clone()))
}

/// Every deputy of a council (listed or not), by id.
pub async fn all_deputies(svc: &Service, council: &str) -> Result<Vec<DeputyRead>, Error> {
    Ok(read::council_deputies(&svc.reads().await, council).await?)
}

/// One deputy.
pub async fn deputy(svc: &Service, id: &str) -> Result<DeputyRead, Error> {
    Ok(read::get_deputy(&svc.reads().await, id).await?)
}

//! When the parts of a session record became public, as this server witnessed them.
//!
//! The rule (architecture: "time is witnessed, not claimed"): the first received version that
//! contained a thing made it public, and later versions keep that time. A thing removed and
//! added again is public again from the version that brought it back. The publication path
//! folds each new version into what the stored rows say; `audit` and `verify` fold the logged
//! versions one after another. The same function serves all three.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::enums::DocumentKind;
use super::session::SessionRecord;

/// What the versions of one session received so far establish.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Witnessed {
    /// When the first version was received.
    pub first_received_at: DateTime<Utc>,
    /// When a version with an agenda was first received.
    pub agenda_first_public_at: Option<DateTime<Utc>>,
    /// When a version with minutes was first received.
    pub minutes_first_public_at: Option<DateTime<Utc>>,
    /// Each agenda item of the latest version, with when it first appeared.
    pub items: HashMap<String, DateTime<Utc>>,
    /// Each document of the latest version, with when it first appeared.
    pub documents: HashMap<String, DateTime<Utc>>,
}

impl Witnessed {
    /// What holds after a version `doc` received at `at`, given what the earlier versions
    /// established (`None` for the first version).
    pub fn next(earlier: Option<&Witnessed>, doc: &SessionRecord, at: DateTime<Utc>) -> Witnessed {
        let has_minutes = doc.documents.iter().any(|d| d.kind == DocumentKind::Minutes);
        let first = |seen: Option<&HashMap<String, DateTime<Utc>>>, id: &str| {
            seen.and_then(|m| m.get(id)).copied().unwrap_or(at)
        };
        Witnessed {
            first_received_at: earlier.map_or(at, |w| w.first_received_at),
            agenda_first_public_at: earlier
                .and_then(|w| w.agenda_first_public_at)
                .or_else(|| (!doc.agenda.is_empty()).then_some(at)),
            minutes_first_public_at: earlier
                .and_then(|w| w.minutes_first_public_at)
                .or_else(|| has_minutes.then_some(at)),
            items: doc.agenda.iter().map(|a| (a.id.clone(), first(earlier.map(|w| &w.items), &a.id))).collect(),
            documents: doc
                .documents
                .iter()
                .map(|d| (d.id.clone(), first(earlier.map(|w| &w.documents), &d.id)))
                .collect(),
        }
    }

    /// The first version arrived after the scheduled start: the witnessed times say nothing about
    /// openness.
    pub fn backfilled(&self, doc: &SessionRecord) -> bool {
        doc.is_backfilled(self.first_received_at)
    }

    /// When agenda item `id` (of the latest version) first appeared.
    pub fn item(&self, id: &str) -> DateTime<Utc> {
        self.items.get(id).copied().unwrap_or(self.first_received_at)
    }

    /// When document `id` (of the latest version) first appeared.
    pub fn document(&self, id: &str) -> DateTime<Utc> {
        self.documents.get(id).copied().unwrap_or(self.first_received_at)
    }

    /// Agenda item `id` appeared after the agenda was first public.
    pub fn added_late(&self, id: &str) -> bool {
        self.agenda_first_public_at.is_some_and(|t| self.item(id) > t)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn record(items: &[&str], minutes: bool) -> SessionRecord {
        let mut doc: SessionRecord = serde_json::from_value(serde_json::json!({
            "convocation": "VIII", "number": 1, "kind": "regular", "status": "held",
            "scheduled_start": "2024-02-01T05:00:00Z", "scheduled_end": null, "actual_start": null,
            "actual_end": null, "place": null, "is_open": true, "livestream_url": null,
            "recording_url": null, "minutes_document": null, "declared_notice": null,
            "agenda": [], "documents": [], "vote_events": [], "speeches": []
        }))
        .expect("a session record");
        doc.agenda = items
            .iter()
            .enumerate()
            .map(|(i, id)| {
                serde_json::from_value(serde_json::json!({"id": id, "position": i + 1, "number_label": null,
                    "titles": {"ru": "x"}, "initiator": "akimat", "is_open": true, "result": null}))
                .expect("an item")
            })
            .collect();
        if minutes {
            doc.documents = vec![
                serde_json::from_value(serde_json::json!({"id": "m", "agenda_item": null, "kind": "minutes",
                    "title": "Протокол", "media_type": "application/pdf", "url": "https://example.org/m.pdf",
                    "sha256": null, "language": "ru", "text": null}))
                .expect("a document"),
            ];
        }
        doc
    }

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 1, d, 9, 0, 0).single().expect("a time")
    }

    #[test]
    fn the_first_version_that_contains_a_thing_makes_it_public_and_later_ones_keep_that_time() {
        let v1 = Witnessed::next(None, &record(&[], false), day(1));
        assert_eq!((v1.first_received_at, v1.agenda_first_public_at, v1.minutes_first_public_at), (day(1), None, None));
        let v2 = Witnessed::next(Some(&v1), &record(&["a", "b"], false), day(5));
        assert_eq!(v2.agenda_first_public_at, Some(day(5)));
        assert_eq!((v2.item("a"), v2.added_late("a")), (day(5), false));
        let v3 = Witnessed::next(Some(&v2), &record(&["a", "c"], true), day(9));
        assert_eq!((v3.item("a"), v3.item("c")), (day(5), day(9)));
        assert!(v3.added_late("c") && !v3.added_late("a"));
        assert_eq!((v3.minutes_first_public_at, v3.document("m")), (Some(day(9)), day(9)));
        assert!(!v3.items.contains_key("b"), "only the latest version's items are kept");
        // "b" comes back: public again from the version that brought it back.
        let v4 = Witnessed::next(Some(&v3), &record(&["a", "b"], true), day(12));
        assert_eq!((v4.item("b"), v4.minutes_first_public_at, v4.first_received_at), (day(12), Some(day(9)), day(1)));
    }

    #[test]
    fn a_session_first_received_after_its_start_is_backfilled() {
        let doc = record(&["a"], false);
        assert!(!Witnessed::next(None, &doc, day(31)).backfilled(&doc));
        let late = Utc.with_ymd_and_hms(2024, 2, 1, 5, 0, 1).single().expect("a time");
        assert!(Witnessed::next(None, &doc, late).backfilled(&doc));
    }
}

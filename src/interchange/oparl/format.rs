//! The OParl 1.0 / 1.1 objects the import reads, as typed structs: the members the mapping uses
//! (others are ignored). Every member is optional, as servers fill in what they have; an object
//! whose member has the wrong type is left out of the import, reported with its path. A member
//! that OParl lets be an embedded object or the URL of one is a [`Ref`].

use serde::Deserialize;

/// An embedded object, or the URL of one served elsewhere.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Ref<T> {
    /// The object's URL.
    Url(String),
    /// The object itself.
    Object(Box<T>),
}

impl<T> Ref<T> {
    /// The embedded object, when it is one.
    pub fn object(&self) -> Option<&T> {
        match self {
            Ref::Object(o) => Some(o),
            Ref::Url(_) => None,
        }
    }
}

/// A text member with its white space trimmed; `None` when empty.
pub fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|x| !x.is_empty())
}

/// The members every OParl object has.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Common {
    /// Its URL.
    pub id: Option<String>,
    /// Its type (`https://schema.oparl.org/1.1/Meeting`).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// A tombstone.
    pub deleted: bool,
}

impl Common {
    /// The type's last path segment (`Meeting`).
    pub fn type_name(&self) -> Option<&str> {
        self.kind.as_deref()?.rsplit('/').next()
    }
}

/// A `System`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct System {
    /// Its type.
    #[serde(flatten)]
    pub common: Common,
    /// The URL of its body list.
    pub body: Option<String>,
}

/// A `Body`: the council.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Body {
    /// Id, type, tombstone.
    #[serde(flatten)]
    pub common: Common,
    /// Its name.
    pub name: Option<String>,
    /// Its web site.
    pub website: Option<String>,
    /// Its classification (a platform's own view says the level here).
    pub classification: Option<String>,
    /// The URL of its organization list.
    pub organization: Option<String>,
    /// The URL of its person list.
    pub person: Option<String>,
    /// The URL of its membership list (OParl 1.1).
    pub membership: Option<String>,
    /// The URL of its meeting list.
    pub meeting: Option<String>,
    /// The URL of its paper list.
    pub paper: Option<String>,
}

/// An `Organization`: the council itself, a committee, a party group (`Fraktion`) or an office.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Organization {
    /// Id, type, tombstone.
    #[serde(flatten)]
    pub common: Common,
    /// Its name.
    pub name: Option<String>,
    /// Its short name.
    pub short_name: Option<String>,
    /// `Gremium`, `Fraktion`, `Dienststellen` …
    pub organization_type: Option<String>,
    /// Free classification.
    pub classification: Option<String>,
    /// Formed on.
    pub start_date: Option<String>,
    /// Dissolved on.
    pub end_date: Option<String>,
}

/// A person's title: one text or several.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Title {
    /// One title.
    One(String),
    /// Several, in order.
    Many(Vec<String>),
}

/// A `Person`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Person {
    /// Id, type, tombstone.
    #[serde(flatten)]
    pub common: Common,
    /// The whole name.
    pub name: Option<String>,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// `Herr`, `Frau` …
    pub form_of_address: Option<String>,
    /// `Dr.` …
    pub title: Option<Title>,
    /// `female`, `male` …
    pub gender: Option<String>,
    /// Memberships, embedded (OParl 1.0) or by URL.
    pub membership: Vec<Ref<Membership>>,
}

/// A `Membership` of a person in an organization.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Membership {
    /// Id, type, tombstone.
    #[serde(flatten)]
    pub common: Common,
    /// The person (OParl 1.1 lists memberships on their own).
    pub person: Option<String>,
    /// The organization.
    pub organization: Option<String>,
    /// The post held.
    pub role: Option<String>,
    /// First day.
    pub start_date: Option<String>,
    /// Last day.
    pub end_date: Option<String>,
}

/// A `Location`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Location {
    /// A description of the place.
    pub description: Option<String>,
    /// The room.
    pub room: Option<String>,
    /// The street address.
    pub street_address: Option<String>,
    /// The town.
    pub locality: Option<String>,
}

/// A `File`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct File {
    /// Id, type, tombstone.
    #[serde(flatten)]
    pub common: Common,
    /// Its title.
    pub name: Option<String>,
    /// Its file name.
    pub file_name: Option<String>,
    /// Its media type.
    pub mime_type: Option<String>,
    /// Where to read it.
    pub access_url: Option<String>,
    /// Where to download it.
    pub download_url: Option<String>,
}

/// An `AgendaItem` of a meeting.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AgendaItem {
    /// Id, type, tombstone.
    #[serde(flatten)]
    pub common: Common,
    /// Its title.
    pub name: Option<String>,
    /// Its number as printed.
    pub number: Option<String>,
    /// Whether it is heard in public (OParl 1.1).
    pub public: Option<bool>,
    /// The decision.
    pub resolution_file: Option<Ref<File>>,
    /// Other files.
    pub auxiliary_file: Vec<Ref<File>>,
}

/// A `Meeting`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Meeting {
    /// Id, type, tombstone.
    #[serde(flatten)]
    pub common: Common,
    /// Start.
    pub start: Option<String>,
    /// End.
    pub end: Option<String>,
    /// Called off.
    pub cancelled: Option<bool>,
    /// The organizations meeting.
    pub organization: Vec<String>,
    /// Where.
    pub location: Option<Ref<Location>>,
    /// The invitation (the agenda).
    pub invitation: Option<Ref<File>>,
    /// The minutes.
    pub results_protocol: Option<Ref<File>>,
    /// The verbatim record.
    pub verbatim_protocol: Option<Ref<File>>,
    /// Other files.
    pub auxiliary_file: Vec<Ref<File>>,
    /// The agenda, in order.
    pub agenda_item: Vec<AgendaItem>,
}

/// A `Consultation`: a paper put to an agenda item.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Consultation {
    /// Id, type, tombstone.
    #[serde(flatten)]
    pub common: Common,
    /// The paper.
    pub paper: Option<String>,
    /// The agenda item.
    pub agenda_item: Option<String>,
}

/// A `Paper`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Paper {
    /// Id, type, tombstone.
    #[serde(flatten)]
    pub common: Common,
    /// `Beschlussvorlage`, `Mitteilungsvorlage` …
    pub paper_type: Option<String>,
    /// The paper itself.
    pub main_file: Option<Ref<File>>,
    /// Attachments.
    pub auxiliary_file: Vec<Ref<File>>,
    /// Where it was put to a vote or heard.
    pub consultation: Vec<Ref<Consultation>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_is_an_embedded_object_or_a_url() {
        let m: Meeting = serde_json::from_value(serde_json::json!({
            "id": "https://o/m/1", "type": "https://schema.oparl.org/1.0/Meeting", "organization": ["https://o/org/1"],
            "invitation": {"id": "https://o/f/1", "accessUrl": "https://o/f/1.pdf"},
            "resultsProtocol": "https://o/f/2",
            "agendaItem": [{"id": "https://o/ai/1", "name": "TOP 1", "number": "1"}]
        }))
        .expect("a meeting");
        assert_eq!(m.common.type_name(), Some("Meeting"));
        assert_eq!(
            m.invitation.as_ref().and_then(Ref::object).and_then(|f| f.access_url.as_deref()),
            Some("https://o/f/1.pdf")
        );
        assert!(matches!(m.results_protocol, Some(Ref::Url(ref u)) if u == "https://o/f/2"));
        assert_eq!(m.agenda_item.len(), 1);
    }

    #[test]
    fn a_member_of_the_wrong_type_is_refused_with_its_path() {
        let e = crate::documents::read::from_value::<Meeting>(serde_json::json!({"id": "m", "cancelled": "yes"}))
            .expect_err("refused");
        assert_eq!((e.path.as_str(), e.rule), ("/cancelled", "type"));
    }
}

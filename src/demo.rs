//! A small synthetic sample so a fresh `serve --demo` has something to browse. Every record it
//! writes is marked `synthetic: true` and goes through the normal publication path. The full
//! national generator (`maslikhat demo`) is separate work.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::api::AppState;
use crate::domain::council::{Convocation, Council, Party};
use crate::domain::enums::{Level, Nomination, RegistrationStatus, SeatType};
use crate::domain::roster::{Deputy, Mandate, PartyMembership, Roster};
use crate::store::{self, PublishMeta, StoreError};

fn names(kk: &str, ru: &str, en: &str) -> BTreeMap<String, String> {
    [("kk", kk), ("ru", ru), ("en", en)].into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

/// The seven parties registered for the 2023 elections, by their real names.
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

const GIVEN: [(&str, &str); 12] = [
    ("Айгүл", "Айгуль"),
    ("Ержан", "Ержан"),
    ("Дәурен", "Даурен"),
    ("Гүлнар", "Гульнар"),
    ("Нұрлан", "Нурлан"),
    ("Әсем", "Асем"),
    ("Серік", "Серик"),
    ("Жанар", "Жанар"),
    ("Қайрат", "Кайрат"),
    ("Мәдина", "Мадина"),
    ("Бауыржан", "Бауыржан"),
    ("Ольга", "Ольга"),
];
const FAMILY: [(&str, &str); 10] = [
    ("Омаров", "Омаров"),
    ("Сәрсенбаев", "Сарсенбаев"),
    ("Жұмабеков", "Жумабеков"),
    ("Қасымов", "Касымов"),
    ("Әбенов", "Абенов"),
    ("Төлеуов", "Толеуов"),
    ("Иванов", "Иванов"),
    ("Нұрпейісов", "Нурпеисов"),
    ("Бекова", "Бекова"),
    ("Ахметов", "Ахметов"),
];

fn roster(council: &str, level: Level, seats: u32, start: NaiveDate) -> Roster {
    let party_ids = ["amanat", "amanat", "amanat", "auyl", "respublica", "ak-zhol", "qhp", "jsdp"];
    let deputies = (0..seats as usize)
        .map(|i| {
            let (gk, gr) = GIVEN[(i * 7 + council.len()) % GIVEN.len()];
            let (fk, fr) = FAMILY[(i * 3 + council.len()) % FAMILY.len()];
            let list_seat = matches!(level, Level::Oblast | Level::RepublicanCity) && i % 2 == 0;
            let self_nominated = !list_seat && i % 3 == 0;
            let party = party_ids[i % party_ids.len()];
            Deputy {
                id: format!("{council}-d{:02}", i + 1),
                names: [("kk".to_owned(), format!("{fk} {gk}")), ("ru".to_owned(), format!("{fr} {gr}"))].into(),
                given_names: [("kk".to_owned(), gk.to_owned()), ("ru".to_owned(), gr.to_owned())].into(),
                family_names: [("kk".to_owned(), fk.to_owned()), ("ru".to_owned(), fr.to_owned())].into(),
                patronymic_names: BTreeMap::new(),
                gender: None,
                contacts: vec![],
                mandates: vec![Mandate {
                    convocation: "VIII".into(),
                    seat_type: if list_seat { SeatType::PartyList } else { SeatType::SingleMember },
                    district: (!list_seat).then(|| format!("№{}", i + 1)),
                    nomination: if self_nominated { Nomination::SelfNominated } else { Nomination::Party },
                    nominating_party: (!self_nominated).then(|| party.to_owned()),
                    start_date: start,
                    end_date: None,
                    end_reason: None,
                }],
                // Self-nominated deputies with an odd index are non-partisan; the rest are members.
                party_memberships: if self_nominated && i % 2 == 1 {
                    vec![]
                } else {
                    vec![PartyMembership {
                        party: party.to_owned(),
                        start_date: NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or(start),
                        end_date: None,
                    }]
                },
            }
        })
        .collect();
    Roster { deputies, commissions: vec![], roles: vec![] }
}

/// Loads the sample unless the database already has councils. Returns whether it loaded.
pub async fn load_sample(state: &AppState) -> Result<bool, StoreError> {
    if crate::entity::council::Entity::find().count(&state.db).await? > 0 {
        return Ok(false);
    }
    let meta = PublishMeta { publisher: "demo".into(), if_match: None, reason: None, provenance: "synthetic" };
    for (id, p) in parties() {
        store::councils::put_party(&state.db, id, &p, Default::default(), &meta).await?;
    }
    let start = NaiveDate::from_ymd_opt(2023, 3, 20).unwrap_or_default();
    let conv = vec![Convocation {
        number: "VIII".into(),
        start_date: NaiveDate::from_ymd_opt(2023, 3, 19).unwrap_or_default(),
        end_date: None,
    }];
    let councils = [
        (
            "astana-city",
            names("Астана қалалық мәслихаты", "Маслихат города Астаны", "Astana City Maslikhat"),
            Level::RepublicanCity,
            None,
            39,
        ),
        (
            "akmola-oblast",
            names("Ақмола облыстық мәслихаты", "Акмолинский областной маслихат", "Akmola Regional Maslikhat"),
            Level::Oblast,
            None,
            38,
        ),
        (
            "kokshetau-city",
            names("Көкшетау қалалық мәслихаты", "Кокшетауский городской маслихат", "Kokshetau City Maslikhat"),
            Level::City,
            Some("akmola-oblast"),
            25,
        ),
    ];
    for (id, n, level, parent, seats) in councils {
        let c = Council {
            names: n,
            level,
            parent: parent.map(str::to_owned),
            kato: None,
            seats,
            website: None,
            convocations: conv.clone(),
            synthetic: true,
        };
        store::councils::put_council(&state.db, id, &c, Default::default(), &meta).await?;
        store::councils::put_roster(&state.db, id, &roster(id, level, seats, start), Default::default(), &meta).await?;
    }
    Ok(true)
}

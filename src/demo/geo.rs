//! The map of the synthetic country: the 17 oblasts and 3 republican cities by their real names
//! (see the glossary, section 8), and 37 city and 166 district councils with invented names under
//! their oblasts. The map does not depend on the seed, so council ids stay the same whatever
//! history is generated for them.

use std::collections::{BTreeMap, BTreeSet};

use super::rng::Rng;
use crate::domain::enums::Level;

/// One council of the synthetic country, before any history is invented for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouncilPlan {
    /// Stable id, e.g. `akmola-oblast`.
    pub id: String,
    /// Names per language tag.
    pub names: BTreeMap<String, String>,
    /// Its tier.
    pub level: Level,
    /// The oblast above a city or district council.
    pub parent: Option<String>,
    /// The place name in Russian, used in invented texts (places, akims' titles).
    pub place_ru: String,
    /// Its seats (see [`SEAT_SIZES`]).
    pub seats: u32,
}

/// Council sizes per level as (seats, councils of that size), so that the synthetic country has
/// as many deputies as the 223 maslikhats elected in March 2023 (3,415) with each level inside its
/// legal cap (50, 50, 30, 25) and close to the real sizes: oblast and republican-city councils of
/// 30 to 42, even (half list seats), city councils of 16 to 26, district councils of 9 to 17,
/// most of 11 to 13 (e.g. North Kazakhstan elected 30 to its oblast council, 18 in Petropavlovsk
/// and 145 in its 13 districts; Kazinform, 27 January 2023). The level totals are 580 + 110 +
/// 773 + 1,952 = 3,415.
pub const SEAT_SIZES: [(Level, &[(u32, usize)]); 4] = [
    (Level::Oblast, &[(30, 4), (32, 4), (34, 3), (36, 2), (38, 2), (40, 1), (42, 1)]),
    (Level::RepublicanCity, &[(34, 1), (36, 1), (40, 1)]),
    (Level::City, &[(16, 2), (17, 2), (18, 4), (19, 4), (20, 5), (21, 5), (22, 4), (23, 4), (24, 3), (25, 2), (26, 2)]),
    (Level::District, &[(9, 10), (10, 22), (11, 55), (12, 33), (13, 24), (14, 10), (15, 6), (16, 3), (17, 3)]),
];

/// Gives each council of `plans` a size from [`SEAT_SIZES`], in an order fixed by a constant
/// shuffle (so the sizes, like the map, do not depend on the seed). A level with more councils
/// than sizes listed repeats its sizes.
fn assign_seats(plans: &mut [CouncilPlan]) {
    let mut rng = Rng::new(0x0073_6561_7473);
    for (level, sizes) in SEAT_SIZES {
        let mut pool: Vec<u32> = sizes.iter().flat_map(|&(seats, n)| std::iter::repeat_n(seats, n)).collect();
        rng.shuffle(&mut pool);
        let councils = plans.iter_mut().filter(|p| p.level == level);
        for (plan, seats) in councils.zip(pool.iter().copied().cycle()) {
            plan.seats = seats;
        }
    }
}

/// An oblast: English stem, Kazakh stem, the Russian council name, and how many city and
/// district councils it has in the synthetic country.
struct Oblast {
    en: &'static str,
    kk: &'static str,
    ru_council: &'static str,
    ru_place: &'static str,
    cities: usize,
    districts: usize,
}

const fn ob(
    en: &'static str,
    kk: &'static str,
    ru_council: &'static str,
    ru_place: &'static str,
    cities: usize,
    districts: usize,
) -> Oblast {
    Oblast { en, kk, ru_council, ru_place, cities, districts }
}

/// The 17 oblasts (since 8 June 2022). City and district counts are close to the real ones and
/// add up to the 37 and 166 of `docs/domain.md`.
const OBLASTS: [Oblast; 17] = [
    ob("Abai", "Абай", "Маслихат области Абай", "область Абай", 2, 9),
    ob("Akmola", "Ақмола", "Акмолинский областной маслихат", "Акмолинская область", 2, 16),
    ob("Aktobe", "Ақтөбе", "Актюбинский областной маслихат", "Актюбинская область", 1, 12),
    ob("Almaty", "Алматы", "Алматинский областной маслихат", "Алматинская область", 2, 9),
    ob("Atyrau", "Атырау", "Атырауский областной маслихат", "Атырауская область", 1, 7),
    ob(
        "East Kazakhstan",
        "Шығыс Қазақстан",
        "Восточно-Казахстанский областной маслихат",
        "Восточно-Казахстанская область",
        3,
        9,
    ),
    ob("Zhetisu", "Жетісу", "Маслихат области Жетісу", "область Жетісу", 2, 8),
    ob("Karaganda", "Қарағанды", "Карагандинский областной маслихат", "Карагандинская область", 6, 7),
    ob("Kostanay", "Қостанай", "Костанайский областной маслихат", "Костанайская область", 4, 15),
    ob("Kyzylorda", "Қызылорда", "Кызылординский областной маслихат", "Кызылординская область", 1, 7),
    ob("Mangystau", "Маңғыстау", "Мангистауский областной маслихат", "Мангистауская область", 2, 5),
    ob(
        "North Kazakhstan",
        "Солтүстік Қазақстан",
        "Северо-Казахстанский областной маслихат",
        "Северо-Казахстанская область",
        1,
        13,
    ),
    ob("Pavlodar", "Павлодар", "Павлодарский областной маслихат", "Павлодарская область", 3, 10),
    ob("Turkistan", "Түркістан", "Туркестанский областной маслихат", "Туркестанская область", 3, 14),
    ob("Ulytau", "Ұлытау", "Маслихат области Ұлытау", "область Ұлытау", 2, 3),
    ob(
        "West Kazakhstan",
        "Батыс Қазақстан",
        "Западно-Казахстанский областной маслихат",
        "Западно-Казахстанская область",
        1,
        12,
    ),
    ob("Zhambyl", "Жамбыл", "Жамбылский областной маслихат", "Жамбылская область", 1, 10),
];

/// The three cities of republican significance: id stem, en, kk, ru council name, ru place.
const REPUBLICAN_CITIES: [(&str, &str, &str, &str, &str); 3] = [
    ("astana", "Astana", "Астана", "Маслихат города Астаны", "город Астана"),
    ("almaty", "Almaty", "Алматы", "Маслихат города Алматы", "город Алматы"),
    ("shymkent", "Shymkent", "Шымкент", "Маслихат города Шымкента", "город Шымкент"),
];

/// First halves of invented Kazakh place names (white, black, yellow, blue, new, great …).
const PREFIXES: [&str; 16] = [
    "Ақ",
    "Қара",
    "Сары",
    "Көк",
    "Жаңа",
    "Ұлы",
    "Боз",
    "Қызыл",
    "Алтын",
    "Бес",
    "Үш",
    "Тас",
    "Жасыл",
    "Кең",
    "Шал",
    "Таза",
];
/// Second halves (water, lake, mountain, grove, birch, steppe …).
const ROOTS: [&str; 18] = [
    "су",
    "көл",
    "тау",
    "тоғай",
    "қайың",
    "дала",
    "жар",
    "өзек",
    "құдық",
    "бұлақ",
    "терек",
    "шоқы",
    "арал",
    "сай",
    "бел",
    "құм",
    "төбе",
    "ағаш",
];

/// Names that exist as real councils or are used by the top-level councils; invented names avoid
/// them so an invented council is never mistaken for a real one with the same name.
const AVOID: [&str; 6] = ["Ақсу", "Қарасу", "Ақтау", "Ақкөл", "Сарыағаш", "Көктөбе"];

/// Russian sources write Kazakh names with Russian look-alike letters (қ→к, ү→у, і→и …).
pub fn russian_spelling(kk: &str) -> String {
    kk.chars()
        .map(|c| match c {
            'ә' => 'а',
            'Ә' => 'А',
            'ғ' => 'г',
            'Ғ' => 'Г',
            'қ' => 'к',
            'Қ' => 'К',
            'ң' => 'н',
            'Ң' => 'Н',
            'ө' => 'о',
            'Ө' => 'О',
            'ұ' | 'ү' => 'у',
            'Ұ' | 'Ү' => 'У',
            'һ' => 'х',
            'Һ' => 'Х',
            'і' => 'и',
            'І' => 'И',
            other => other,
        })
        .collect()
}

/// Kazakh Cyrillic to the Latin alphabet of 2021 (ä, ğ, q, ñ, ö, ū, ü, ı, ş, ç, j).
pub fn kazakh_latin(kk: &str) -> String {
    let mut out = String::with_capacity(kk.len());
    for c in kk.chars() {
        let upper = c.is_uppercase();
        let lower: String = c.to_lowercase().collect();
        let l = match lower.as_str() {
            "а" => "a",
            "ә" => "ä",
            "б" => "b",
            "в" => "v",
            "г" => "g",
            "ғ" => "ğ",
            "д" => "d",
            "е" | "э" => "e",
            "ё" => "io",
            "ж" => "j",
            "з" => "z",
            "и" | "й" => "i",
            "к" => "k",
            "қ" => "q",
            "л" => "l",
            "м" => "m",
            "н" => "n",
            "ң" => "ñ",
            "о" => "o",
            "ө" => "ö",
            "п" => "p",
            "р" => "r",
            "с" => "s",
            "т" => "t",
            "у" => "u",
            "ұ" => "ū",
            "ү" => "ü",
            "ф" => "f",
            "х" | "һ" => "h",
            "ц" => "ts",
            "ч" => "ç",
            "ш" | "щ" => "ş",
            "ъ" | "ь" => "",
            "ы" => "y",
            "і" => "ı",
            "ю" => "iu",
            "я" => "ia",
            _ => {
                out.push(c);
                continue;
            }
        };
        if upper {
            // Capital и/й is İ in the 2021 alphabet; the rest capitalize plainly.
            let mut cs = if l == "i" { "İ".chars() } else { l.chars() };
            if let Some(first) = cs.next() {
                out.extend(first.to_uppercase());
                out.push_str(cs.as_str());
            }
        } else {
            out.push_str(l);
        }
    }
    out
}

/// Russian Cyrillic to the usual English romanization (Karakol, Zhanaaral).
pub fn english_spelling(ru: &str) -> String {
    let mut out = String::with_capacity(ru.len());
    for c in ru.chars() {
        let upper = c.is_uppercase();
        let lower: String = c.to_lowercase().collect();
        let l = match lower.as_str() {
            "а" => "a",
            "б" => "b",
            "в" => "v",
            "г" => "g",
            "д" => "d",
            "е" | "э" => "e",
            "ё" => "yo",
            "ж" => "zh",
            "з" => "z",
            "и" => "i",
            "й" | "ы" => "y",
            "к" => "k",
            "л" => "l",
            "м" => "m",
            "н" => "n",
            "о" => "o",
            "п" => "p",
            "р" => "r",
            "с" => "s",
            "т" => "t",
            "у" => "u",
            "ф" => "f",
            "х" => "kh",
            "ц" => "ts",
            "ч" => "ch",
            "ш" => "sh",
            "щ" => "shch",
            "ъ" | "ь" => "",
            "ю" => "yu",
            "я" => "ya",
            _ => {
                out.push(c);
                continue;
            }
        };
        if upper {
            let mut cs = l.chars();
            if let Some(first) = cs.next() {
                out.extend(first.to_uppercase());
                out.push_str(cs.as_str());
            }
        } else {
            out.push_str(l);
        }
    }
    out
}

/// An id slug from an English name: lower case ASCII letters and dashes.
fn slug(en: &str) -> String {
    en.to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect()
}

fn names(kk: String, ru: String, en: String) -> BTreeMap<String, String> {
    [("kk".to_owned(), kk), ("ru".to_owned(), ru), ("en".to_owned(), en)].into()
}

/// Every council of the country, oblasts and republican cities first, then each oblast's city
/// and district councils, so a parent is always listed before its children.
pub fn country() -> Vec<CouncilPlan> {
    let mut plans = Vec::with_capacity(223);
    for o in &OBLASTS {
        plans.push(CouncilPlan {
            id: format!("{}-oblast", slug(o.en)),
            names: names(
                format!("{} облыстық мәслихаты", o.kk),
                o.ru_council.to_owned(),
                format!("{} Regional Maslikhat", o.en),
            ),
            level: Level::Oblast,
            parent: None,
            place_ru: o.ru_place.to_owned(),
            seats: 0,
        });
    }
    for (id, en, kk, ru, place) in REPUBLICAN_CITIES {
        plans.push(CouncilPlan {
            id: format!("{id}-city"),
            names: names(format!("{kk} қалалық мәслихаты"), ru.to_owned(), format!("{en} City Maslikhat")),
            level: Level::RepublicanCity,
            parent: None,
            place_ru: place.to_owned(),
            seats: 0,
        });
    }
    // Invented names: every prefix × root pair, shuffled with a fixed seed so the map never
    // changes, minus those that would collide with real councils.
    let mut pool: Vec<String> = PREFIXES
        .iter()
        .flat_map(|p| ROOTS.iter().map(move |r| format!("{p}{r}")))
        .filter(|n| !AVOID.contains(&n.as_str()))
        .collect();
    Rng::new(0x6b61_7a61_6b68).shuffle(&mut pool);
    let mut pool = pool.into_iter();
    let mut used_ids = BTreeSet::new();
    for o in &OBLASTS {
        let parent = format!("{}-oblast", slug(o.en));
        for i in 0..o.cities + o.districts {
            let level = if i < o.cities { Level::City } else { Level::District };
            // The pool (270 names) is larger than the 203 councils, and ids are unique because
            // the names are; the loop skips the rare pair whose romanizations coincide.
            let (kk, ru, en, id) = loop {
                let Some(kk) = pool.next() else { break Default::default() };
                let ru = russian_spelling(&kk);
                let en = english_spelling(&ru);
                let suffix = if level == Level::City { "city" } else { "district" };
                let id = format!("{}-{suffix}", slug(&en));
                if used_ids.insert(slug(&en)) {
                    break (kk, ru, en, id);
                }
            };
            let (n_kk, n_ru, n_en, place) = if level == Level::City {
                (
                    format!("{kk} қалалық мәслихаты"),
                    format!("Маслихат города {ru}"),
                    format!("{en} City Maslikhat"),
                    format!("город {ru}"),
                )
            } else {
                (
                    format!("{kk} аудандық мәслихаты"),
                    format!("Маслихат района {ru}"),
                    format!("{en} District Maslikhat"),
                    format!("район {ru}"),
                )
            };
            plans.push(CouncilPlan {
                id,
                names: names(n_kk, n_ru, n_en),
                level,
                parent: Some(parent.clone()),
                place_ru: place,
                seats: 0,
            });
        }
    }
    assign_seats(&mut plans);
    plans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_country_has_the_real_shape() {
        let c = country();
        let count = |l: Level| c.iter().filter(|p| p.level == l).count();
        assert_eq!(
            (count(Level::Oblast), count(Level::RepublicanCity), count(Level::City), count(Level::District)),
            (17, 3, 37, 166)
        );
        let ids: BTreeSet<&str> = c.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids.len(), 223, "ids are unique");
        assert!(c.iter().all(|p| crate::domain::text::is_valid_id(&p.id)), "ids are valid");
        assert!(c.iter().all(|p| p.names.values().all(|n| !n.is_empty())));
    }

    /// The share of `sizes` within `[lo, hi]`.
    fn share_within(sizes: &[u32], lo: u32, hi: u32) -> f64 {
        sizes.iter().filter(|s| (lo..=hi).contains(*s)).count() as f64 / sizes.len() as f64
    }

    #[test]
    fn the_country_has_as_many_seats_as_the_real_one_within_each_levels_cap() {
        let c = country();
        let total: u32 = c.iter().map(|p| p.seats).sum();
        // 3,415 deputies were elected to the 223 maslikhats in March 2023.
        assert!((f64::from(total) - 3415.0).abs() <= 0.02 * 3415.0, "{total} seats");
        let sizes = |l: Level| -> Vec<u32> { c.iter().filter(|p| p.level == l).map(|p| p.seats).collect() };
        for (level, cap) in [(Level::Oblast, 50), (Level::RepublicanCity, 50), (Level::City, 30), (Level::District, 25)]
        {
            assert!(sizes(level).iter().all(|&s| (1..=cap).contains(&s)), "{level:?} within the cap of {cap}");
        }
        let upper: Vec<u32> = [sizes(Level::Oblast), sizes(Level::RepublicanCity)].concat();
        assert!(upper.iter().all(|s| s % 2 == 0), "half list seats need an even size");
        assert!(share_within(&upper, 30, 50) >= 0.9, "oblast and republican-city councils mostly 30 to 50");
        assert!(share_within(&sizes(Level::City), 18, 30) >= 0.85, "city councils about 20 to 30");
        assert!(share_within(&sizes(Level::District), 11, 25) >= 0.8, "district councils mostly 11 to 25");
        let mean = |v: &[u32]| f64::from(v.iter().sum::<u32>()) / v.len() as f64;
        assert!(mean(&upper) > mean(&sizes(Level::City)) && mean(&sizes(Level::City)) > mean(&sizes(Level::District)));
    }

    #[test]
    fn spellings() {
        assert_eq!(russian_spelling("Қаракөл"), "Каракол");
        assert_eq!(english_spelling("Жанаарал"), "Zhanaaral");
        assert_eq!(kazakh_latin("Нұрлан Қасымов"), "Nūrlan Qasymov");
        assert_eq!(kazakh_latin("Ибраев"), "İbraev");
    }
}

//! Invented people: Kazakh and Russian names in Kazakh Cyrillic, Russian and (for some) Kazakh
//! Latin, with patronymics in both traditions. Combinations are random; none is meant to be a
//! real person.

use std::collections::BTreeMap;

use super::geo::kazakh_latin;
use super::rng::Rng;
use crate::domain::enums::Gender;

/// Kazakh male given names (kk, ru spelling).
const KK_MALE: [(&str, &str); 22] = [
    ("Серік", "Серик"),
    ("Нұрлан", "Нурлан"),
    ("Ержан", "Ержан"),
    ("Дәурен", "Даурен"),
    ("Қайрат", "Кайрат"),
    ("Бауыржан", "Бауыржан"),
    ("Асқар", "Аскар"),
    ("Мұрат", "Мурат"),
    ("Ерлан", "Ерлан"),
    ("Айдос", "Айдос"),
    ("Талғат", "Талгат"),
    ("Ғалым", "Галым"),
    ("Әділ", "Адиль"),
    ("Марат", "Марат"),
    ("Бақыт", "Бахыт"),
    ("Жандос", "Жандос"),
    ("Руслан", "Руслан"),
    ("Азамат", "Азамат"),
    ("Арман", "Арман"),
    ("Дархан", "Дархан"),
    ("Болат", "Болат"),
    ("Ермек", "Ермек"),
];
/// Kazakh female given names (kk, ru spelling).
const KK_FEMALE: [(&str, &str); 16] = [
    ("Айгүл", "Айгуль"),
    ("Гүлнар", "Гульнар"),
    ("Әсем", "Асем"),
    ("Жанар", "Жанар"),
    ("Мәдина", "Мадина"),
    ("Динара", "Динара"),
    ("Сәуле", "Сауле"),
    ("Ақмарал", "Акмарал"),
    ("Гүлмира", "Гульмира"),
    ("Назгүл", "Назгуль"),
    ("Жұлдыз", "Жулдыз"),
    ("Айжан", "Айжан"),
    ("Ләззат", "Ляззат"),
    ("Роза", "Роза"),
    ("Әйгерім", "Айгерим"),
    ("Салтанат", "Салтанат"),
];
/// Kazakh family names in the male form (kk, ru); the female form adds `а`.
const KK_FAMILY: [(&str, &str); 20] = [
    ("Омаров", "Омаров"),
    ("Сәрсенбаев", "Сарсенбаев"),
    ("Жұмабеков", "Жумабеков"),
    ("Қасымов", "Касымов"),
    ("Әбенов", "Абенов"),
    ("Төлеуов", "Толеуов"),
    ("Нұрпейісов", "Нурпеисов"),
    ("Ахметов", "Ахметов"),
    ("Бекмұхамбетов", "Бекмухамбетов"),
    ("Тоқтаров", "Токтаров"),
    ("Есенов", "Есенов"),
    ("Қожахметов", "Кожахметов"),
    ("Сейітов", "Сеитов"),
    ("Мұхамеджанов", "Мухамеджанов"),
    ("Исаев", "Исаев"),
    ("Байжанов", "Байжанов"),
    ("Оспанов", "Оспанов"),
    ("Шәріпов", "Шарипов"),
    ("Ибраев", "Ибраев"),
    ("Жақыпов", "Жакыпов"),
];
/// Russian male given names with the patronymic stems they make (…ович / …овна).
const RU_MALE: [(&str, &str, &str); 8] = [
    ("Сергей", "Сергеевич", "Сергеевна"),
    ("Александр", "Александрович", "Александровна"),
    ("Виктор", "Викторович", "Викторовна"),
    ("Андрей", "Андреевич", "Андреевна"),
    ("Владимир", "Владимирович", "Владимировна"),
    ("Игорь", "Игоревич", "Игоревна"),
    ("Николай", "Николаевич", "Николаевна"),
    ("Юрий", "Юрьевич", "Юрьевна"),
];
const RU_FEMALE: [&str; 7] = ["Ольга", "Елена", "Татьяна", "Наталья", "Ирина", "Светлана", "Людмила"];
/// Russian family names: male form, female form.
const RU_FAMILY: [(&str, &str); 9] = [
    ("Иванов", "Иванова"),
    ("Кузнецов", "Кузнецова"),
    ("Смирнов", "Смирнова"),
    ("Попов", "Попова"),
    ("Волков", "Волкова"),
    ("Ким", "Ким"),
    ("Ткаченко", "Ткаченко"),
    ("Шмидт", "Шмидт"),
    ("Морозов", "Морозова"),
];

/// An invented person's names per language tag.
#[derive(Debug, Clone)]
pub struct PersonName {
    /// Full names (family, given, patronymic).
    pub full: BTreeMap<String, String>,
    /// Given names.
    pub given: BTreeMap<String, String>,
    /// Family names.
    pub family: BTreeMap<String, String>,
    /// Patronymics.
    pub patronymic: BTreeMap<String, String>,
    /// The gender the name implies.
    pub gender: Gender,
}

fn map(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

/// Draws a name. `russian_share` is the chance of a Russian (rather than Kazakh) name, and
/// `latin_share` the chance that a Kazakh name is also given in Kazakh Latin.
pub fn person(rng: &mut Rng, russian_share: f64, latin_share: f64) -> PersonName {
    let female = rng.chance(0.3);
    let gender = if female { Gender::Female } else { Gender::Male };
    if rng.chance(russian_share) {
        let given = if female { (*rng.pick(&RU_FEMALE)).to_owned() } else { rng.pick(&RU_MALE).0.to_owned() };
        let (fm, ff) = *rng.pick(&RU_FAMILY);
        let family = if female { ff } else { fm }.to_owned();
        let father = rng.pick(&RU_MALE);
        let patronymic = if female { father.2 } else { father.1 }.to_owned();
        let full = format!("{family} {given} {patronymic}");
        // Kazakh texts write Russian names unchanged, in Cyrillic.
        return PersonName {
            full: map(&[("kk", full.clone()), ("ru", full)]),
            given: map(&[("kk", given.clone()), ("ru", given)]),
            family: map(&[("kk", family.clone()), ("ru", family)]),
            patronymic: map(&[("kk", patronymic.clone()), ("ru", patronymic)]),
            gender,
        };
    }
    let (gk, gr) = if female { *rng.pick(&KK_FEMALE) } else { *rng.pick(&KK_MALE) };
    let (fk, fr) = *rng.pick(&KK_FAMILY);
    let (fk, fr) = if female { (format!("{fk}а"), format!("{fr}а")) } else { (fk.to_owned(), fr.to_owned()) };
    let (pk, pr) = *rng.pick(&KK_MALE);
    // Kazakh patronymics take -ұлы / -қызы; Russian documents write -ович / -овна.
    let (patr_kk, patr_ru) = if female {
        (format!("{pk}қызы"), format!("{pr}овна"))
    } else {
        (format!("{pk}ұлы"), format!("{pr}ович"))
    };
    let full_kk = format!("{fk} {gk} {patr_kk}");
    let full_ru = format!("{fr} {gr} {patr_ru}");
    let mut p = PersonName {
        full: map(&[("kk", full_kk.clone()), ("ru", full_ru)]),
        given: map(&[("kk", gk.to_owned()), ("ru", gr.to_owned())]),
        family: map(&[("kk", fk.clone()), ("ru", fr)]),
        patronymic: map(&[("kk", patr_kk.clone()), ("ru", patr_ru)]),
        gender,
    };
    if rng.chance(latin_share) {
        p.full.insert("kk-Latn".into(), kazakh_latin(&full_kk));
        p.given.insert("kk-Latn".into(), kazakh_latin(gk));
        p.family.insert("kk-Latn".into(), kazakh_latin(&fk));
        p.patronymic.insert("kk-Latn".into(), kazakh_latin(&patr_kk));
    }
    p
}

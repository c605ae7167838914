//! Interface languages (Kazakh, Russian, English): which one a request wants, and every string
//! the pages show. Terms follow the team glossary (`glossary.md`); where the glossary marks a
//! form unconfirmed we still use it, as the API labels do.

use std::collections::BTreeMap;

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Kazakh (Cyrillic).
    Kk,
    /// Russian.
    Ru,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];

    /// The BCP 47 tag (`kk`, `ru`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// The language's own name, for the switch.
    pub fn native(self) -> &'static str {
        match self {
            Lang::Kk => "Қазақша",
            Lang::Ru => "Русский",
            Lang::En => "English",
        }
    }

    /// Parses a tag's primary subtag (`kk-KZ` → Kazakh).
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "kk" => Some(Lang::Kk),
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best supported language of an `Accept-Language` header, by quality then order.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (i, part) in header.split(',').enumerate() {
            let mut bits = part.split(';');
            let Some(lang) = bits.next().and_then(Lang::parse) else { continue };
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            if best.is_none_or(|(bq, bi, _)| q > bq || (q == bq && i < bi)) {
                best = Some((q, i, lang));
            }
        }
        best.map(|(_, _, l)| l)
    }

    /// The interface text for `key` (the key itself when it has no translation, which a test
    /// forbids).
    pub fn t(self, key: &str) -> &'static str {
        let idx = match self {
            Lang::Kk => 0,
            Lang::Ru => 1,
            Lang::En => 2,
        };
        TEXT.iter().find(|(k, _)| *k == key).map_or("?", |(_, v)| v[idx])
    }

    /// Language tags in the order a name is looked for on this language's pages.
    fn name_order(self) -> [&'static str; 4] {
        match self {
            Lang::Kk => ["kk", "kk-Latn", "ru", "en"],
            Lang::Ru => ["ru", "kk", "kk-Latn", "en"],
            Lang::En => ["en", "kk-Latn", "ru", "kk"],
        }
    }

    /// The name in this language from a map of names per language tag, falling back to the
    /// other languages (never derived from one another: a missing name is shown in another).
    pub fn pick(self, names: &BTreeMap<String, String>) -> String {
        self.pick_noted(names).0
    }

    /// The name as [`Lang::pick`] chooses it, with the language it is in when that is not this
    /// page's (`kk-Latn` counts as Kazakh; a tag outside the three gives none).
    pub fn pick_noted(self, names: &BTreeMap<String, String>) -> (String, Option<Lang>) {
        let found = self.name_order().into_iter().find_map(|k| names.get_key_value(k)).or_else(|| names.iter().next());
        let Some((tag, name)) = found else { return (String::new(), None) };
        let lang = match tag.as_str() {
            "kk" | "kk-Latn" => Some(Lang::Kk),
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        };
        (name.clone(), lang.filter(|l| *l != self))
    }

    /// The label of a stored enumeration value, looked up as `{prefix}_{value}`; the value
    /// itself when there is none.
    pub fn label(self, prefix: &str, value: &str) -> String {
        let key = format!("{prefix}_{value}");
        match TEXT.iter().find(|(k, _)| *k == key) {
            Some(_) => self.t(&key).to_owned(),
            None => value.replace('_', " "),
        }
    }

    /// A share (0–1) as a percentage with one decimal, in this language's style.
    pub fn pct(self, v: f64) -> String {
        self.num(v * 100.0, 1) + " %"
    }

    /// A number with `digits` decimals; Kazakh and Russian use a decimal comma.
    pub fn num(self, v: f64, digits: usize) -> String {
        let s = format!("{v:.digits$}");
        match self {
            Lang::En => s,
            _ => s.replace('.', ","),
        }
    }
}

/// Every interface string: key, then Kazakh, Russian, English.
pub static TEXT: &[(&str, [&str; 3])] = &[
    ("site", ["Мәслихат ашықтығы", "Открытость маслихатов", "Maslikhat openness"]),
    (
        "tagline",
        [
            "Қазақстанның жергілікті өкілді органдарының сессиялары, дауыс беруі және ашықтығы",
            "Сессии, голосования и открытость местных представительных органов Казахстана",
            "Sessions, votes and openness of Kazakhstan's local councils",
        ],
    ),
    ("skip", ["Мазмұнға өту", "Перейти к содержанию", "Skip to content"]),
    ("nav_home", ["Басты бет", "Главная", "Home"]),
    ("nav_verify", ["Тексеру", "Проверка", "Verify"]),
    ("nav_search", ["Іздеу", "Поиск", "Search"]),
    ("feed_title", ["жаңалықтары", "обновления", "updates"]),
    ("feed_link", ["Жаңалықтарға жазылу (Atom)", "Подписаться на обновления (Atom)", "Follow updates (Atom)"]),
    ("feed_session_new", ["Жаңа сессия", "Новая сессия", "New session"]),
    ("feed_session_updated", ["Сессия жазбасы жаңартылды", "Запись сессии обновлена", "Session record updated"]),
    ("feed_agenda_items", ["Күн тәртібінің мәселелері", "Вопросы повестки дня", "Agenda items"]),
    ("feed_votes", ["Дауыс берулер", "Голосования", "Votes"]),
    ("feed_roster", ["Депутаттар құрамы жарияланды", "Опубликован состав депутатов", "Roster published"]),
    ("feed_deputies", ["Депутаттар", "Депутаты", "Deputies"]),
    (
        "feed_council",
        ["Мәслихат туралы мәлімет жаңартылды", "Обновлены сведения о маслихате", "Council details updated"],
    ),
    ("feed_reason", ["Түзету себебі", "Причина исправления", "Reason for the correction"]),
    ("feed_version", ["нұсқа", "версия", "version"]),
    (
        "search_label",
        ["Мәслихатты, депутатты, мәселені іздеу", "Найти маслихат, депутата, вопрос", "Find a council, deputy or item"],
    ),
    ("search_placeholder", ["мысалы: Жақсыбеков, бюджет", "например: Жаксыбеков, бюджет", "e.g. Zhaksybekov, budget"]),
    ("search_button", ["Іздеу", "Найти", "Search"]),
    ("search_title", ["Іздеу", "Поиск", "Search"]),
    ("search_results_for", ["Іздеу нәтижелері", "Результаты поиска", "Results for"]),
    ("search_none", ["Ештеңе табылмады.", "Ничего не найдено.", "Nothing found."]),
    ("search_no_words", ["Іздеу үшін сөз жазыңыз.", "Введите слова для поиска.", "Type some words to search for."]),
    ("search_kind", ["Түрі", "Вид", "Kind"]),
    ("search_all_kinds", ["Барлығы", "Все", "All"]),
    ("search_more", ["Келесі нәтижелер", "Следующие результаты", "More results"]),
    ("search_kind_council", ["Мәслихаттар", "Маслихаты", "Councils"]),
    ("search_kind_deputy", ["Депутаттар", "Депутаты", "Deputies"]),
    ("search_kind_agenda_item", ["Күн тәртібінің мәселелері", "Вопросы повестки дня", "Agenda items"]),
    ("search_kind_decision", ["Шешімдер", "Решения", "Decisions"]),
    ("search_kind_motion", ["Дауысқа қойылған ұсыныстар", "Вопросы, поставленные на голосование", "Motions"]),
    ("search_kind_speech", ["Сөйлеген сөздер", "Выступления", "Speeches"]),
    ("nav_api", ["API құжаттамасы", "Документация API", "API documentation"]),
    ("language", ["Тіл", "Язык", "Language"]),
    (
        "synthetic_banner",
        [
            "Назар аударыңыз: бұл деректер жасанды. Олар көрсету үшін ойдан шығарылған және нақты мәслихатты сипаттамайды.",
            "Внимание: эти данные синтетические. Они придуманы для демонстрации и не описывают реальный маслихат.",
            "Please note: this data is synthetic. It was invented for demonstration and describes no real council.",
        ],
    ),
    ("api_link", ["Осы деректер API арқылы", "Эти же данные через API", "The same data from the API"]),
    ("method", ["Көрсеткіштер әдісі", "Методика показателей", "Metric method"]),
    ("definitions", ["анықтамалар", "определения", "definitions"]),
    ("period", ["Кезең", "Период", "Period"]),
    ("as_of", ["жағдай бойынша", "по состоянию на", "as of"]),
    ("not_found_title", ["Табылмады", "Не найдено", "Not found"]),
    (
        "not_found_text",
        [
            "Мұндай жазба жоқ. Сілтемені тексеріңіз немесе басты беттен бастаңыз.",
            "Такой записи нет. Проверьте ссылку или начните с главной страницы.",
            "There is no such record. Check the link or start from the home page.",
        ],
    ),
    ("error_title", ["Қате", "Ошибка", "Error"]),
    (
        "error_text",
        [
            "Бетті құру мүмкін болмады. Кейінірек қайталап көріңіз.",
            "Не удалось построить страницу. Попробуйте позже.",
            "The page could not be built. Please try again later.",
        ],
    ),
    ("national", ["Жалпы ел бойынша", "Картина по стране", "The national picture"]),
    ("totals", ["Жазбадағы деректер", "Данные в записях", "On record"]),
    ("councils", ["Мәслихаттар", "Маслихаты", "Councils"]),
    ("deputies", ["Депутаттар", "Депутаты", "Deputies"]),
    ("sessions", ["Сессиялар", "Сессии", "Sessions"]),
    ("votes", ["Дауыс берулер", "Голосования", "Votes"]),
    ("filter", ["Сүзгі", "Фильтр", "Filter"]),
    ("level", ["Деңгей", "Уровень", "Level"]),
    ("oblast", ["Облыс", "Область", "Oblast"]),
    ("all", ["Барлығы", "Все", "All"]),
    ("apply", ["Қолдану", "Применить", "Apply"]),
    ("level_oblast", ["облыстық", "областной", "oblast"]),
    (
        "level_republican_city",
        ["республикалық маңызы бар қала", "город республиканского значения", "city of republican significance"],
    ),
    ("level_city", ["облыстық маңызы бар қала", "город областного значения", "city of oblast significance"]),
    ("level_district", ["аудандық", "районный", "district"]),
    ("level_national", ["Парламент Мәжілісі", "Мажилис Парламента", "Mazhilis (parliament)"]),
    ("prov_council", ["мәслихат жариялаған", "опубликовано маслихатом", "published by the council"]),
    (
        "prov_public_sources",
        ["ашық дереккөздерден жиналған", "собрано из открытых источников", "compiled from public sources"],
    ),
    ("prov_synthetic", ["жасанды деректер", "синтетические данные", "synthetic data"]),
    ("key_id", ["Кілт идентификаторы", "Идентификатор ключа", "Key id"]),
    ("find_title", ["Өз мәслихатыңызды табыңыз", "Найдите свой маслихат", "Find your council"]),
    (
        "find_intro",
        [
            "Мәслихатты, депутатты немесе күн тәртібінің мәселесін атауы бойынша іздеңіз, не облысты таңдаңыз.",
            "Ищите маслихат, депутата или вопрос повестки по названию или выберите область.",
            "Search for a council, a deputy or an agenda item by name, or choose your oblast.",
        ],
    ),
    (
        "find_region",
        [
            "Облыс немесе республикалық маңызы бар қала",
            "Область или город республиканского значения",
            "Oblast or city of republican significance",
        ],
    ),
    ("find_choose", ["— таңдаңыз —", "— выберите —", "— choose —"]),
    ("find_show", ["Мәслихаттарды көрсету", "Показать маслихаты", "Show councils"]),
    ("find_councils_of", ["Осы өңірдің мәслихаттары", "Маслихаты этого региона", "Councils of this region"]),
    (
        "find_none",
        [
            "Бұл өңірдің мәслихаттары әлі жарияланбаған.",
            "Маслихаты этого региона ещё не опубликованы.",
            "No council of this region is published yet.",
        ],
    ),
    ("rank_top", ["Алғашқы ондық", "Первая десятка", "Top ten"]),
    ("rank_bottom", ["Соңғы ондық", "Последняя десятка", "Bottom ten"]),
    ("rank_full", ["Толық тізім және сүзгілер", "Полный список и фильтры", "The full list, with filters"]),
    ("rank_full_title", ["Мәслихаттар рейтингі", "Рейтинг маслихатов", "Councils ranked"]),
    (
        "rank_real",
        [
            "Платформа арқылы жариялайтын мәслихаттар (нақты деректер)",
            "Маслихаты, публикующие через платформу (реальные данные)",
            "Councils publishing through the platform (real data)",
        ],
    ),
    (
        "rank_synthetic",
        [
            "Жасанды ел (демонстрациялық деректер)",
            "Синтетическая страна (демонстрационные данные)",
            "The synthetic country (demonstration data)",
        ],
    ),
    (
        "rank_separate",
        [
            "Нақты және жасанды мәслихаттар бір рейтингке ешқашан қосылмайды.",
            "Реальные и синтетические маслихаты никогда не ранжируются вместе.",
            "Real and synthetic councils are never ranked together.",
        ],
    ),
    ("rank_openness", ["Ашықтық бағасы бойынша рейтинг", "Рейтинг по оценке открытости", "Ranked by openness score"]),
    (
        "rank_contested",
        [
            "Даулы дауыс берулер үлесі бойынша рейтинг",
            "Рейтинг по доле спорных голосований",
            "Ranked by share of contested votes",
        ],
    ),
    ("rank", ["Орын", "Место", "Rank"]),
    ("council", ["Мәслихат", "Маслихат", "Council"]),
    ("score", ["Баға", "Оценка", "Score"]),
    ("openness_score", ["Ашықтық бағасы (0–100)", "Оценка открытости (0–100)", "Openness score (0–100)"]),
    ("contested_share", ["Даулы дауыс берулер үлесі", "Доля спорных голосований", "Contested vote share"]),
    ("no_value", ["деректер жоқ", "нет данных", "no data"]),
    ("chart_numbers", ["Диаграмма сандары", "Числа диаграммы", "The chart's numbers"]),
    ("c_notice", ["Алдын ала хабарлау", "Заблаговременное извещение", "Notice ahead"]),
    ("c_documents", ["Құжаттар алдын ала", "Документы заранее", "Documents ahead"]),
    ("c_open_items", ["Ашық мәселелер", "Открытые вопросы", "Open items"]),
    ("c_broadcast", ["Тікелей эфир немесе жазба", "Трансляция или запись", "Broadcast or recording"]),
    ("c_minutes", ["Хаттама уақытында", "Протокол вовремя", "Minutes on time"]),
    ("c_roll_call", ["Атаулы дауыс беру", "Поименное голосование", "Named votes"]),
    ("component", ["Құрамдас", "Компонент", "Component"]),
    ("weight", ["Салмақ", "Вес", "Weight"]),
    ("value", ["Мәні", "Значение", "Value"]),
    ("points", ["Ұпай", "Баллы", "Points"]),
    ("openness", ["Ашықтық", "Открытость", "Openness"]),
    ("debate", ["Талқылау", "Обсуждение", "Debate"]),
    ("voting", ["Дауыс беру", "Голосование", "Voting"]),
    ("trend", ["Жылдар бойынша", "По годам", "Year by year"]),
    ("year", ["Жыл", "Год", "Year"]),
    ("held_sessions", ["Өткен сессиялар", "Проведённые сессии", "Sessions held"]),
    (
        "m_undiscussed_item_share",
        ["Талқылаусыз мәселелер үлесі", "Доля вопросов без обсуждения", "Items voted without debate"],
    ),
    ("m_speakers_per_item", ["Бір мәселеге сөйлеушілер", "Выступающих на вопрос", "Speakers per item"]),
    (
        "m_silent_deputy_share",
        ["Сөз сөйлемеген депутаттар үлесі", "Доля не выступавших депутатов", "Deputies who never spoke"],
    ),
    (
        "m_speaking_time_gini",
        [
            "Сөз уақытының теңсіздігі (Джини)",
            "Неравенство времени выступлений (Джини)",
            "Speaking-time inequality (Gini)",
        ],
    ),
    (
        "m_executive_share",
        [
            "Әкімдік пен төраға сөзінің үлесі",
            "Доля времени акимата и председателя",
            "Executive and chair share of speaking time",
        ],
    ),
    (
        "m_questions_per_session",
        ["Сессиядағы депутат сұрақтары", "Вопросов депутатов за сессию", "Deputy questions per session"],
    ),
    ("m_unanimity_rate", ["Бір ауыздан қабылданғандар үлесі", "Доля единогласных голосований", "Unanimous votes"]),
    (
        "m_contested_share",
        ["Даулы дауыс берулер үлесі", "Доля спорных голосований", "Contested votes (≥ 10 % dissent)"],
    ),
    ("m_mean_dissent", ["Орташа келіспеушілік", "Средняя доля несогласных", "Mean dissent"]),
    ("m_attendance_rate", ["Қатысу", "Посещаемость", "Attendance"]),
    ("m_abstention_rate", ["Қалыс қалу", "Воздержания", "Abstention"]),
    ("m_losing_side_rate", ["Жеңілген жақта", "На проигравшей стороне", "On the losing side"]),
    ("m_rebellion_rate", ["Партия ұстанымына қарсы", "Против линии партии", "Against the party line"]),
    ("m_speeches_per_session", ["Сессиядағы сөз сөйлеу", "Выступлений за сессию", "Speeches per session"]),
    ("cohesion", ["Партиялардың бірлігі", "Сплочённость партий", "Party cohesion"]),
    ("group", ["Топ", "Группа", "Group"]),
    ("agreement_index", ["Келісім индексі", "Индекс согласия", "Agreement index"]),
    ("rice_index", ["Райс индексі", "Индекс Райса", "Rice index"]),
    (
        "comparison",
        ["Партиясыздар мен партия депутаттары", "Беспартийные и партийные депутаты", "Non-partisan and party deputies"],
    ),
    ("non_partisan", ["партиясыз", "беспартийный", "non-partisan"]),
    ("non_partisans", ["Партиясыздар", "Беспартийные", "Non-partisans"]),
    ("party_deputies", ["Партия депутаттары", "Партийные депутаты", "Party deputies"]),
    ("difference", ["Айырма", "Разница", "Difference"]),
    ("composition", ["Құрамы", "Состав", "Composition"]),
    ("seats", ["Орындар", "Места", "Seats"]),
    ("seats_by_law", ["Заң бойынша орындар", "Мест по закону", "Seats by law"]),
    ("party", ["Партия", "Партия", "Party"]),
    ("seat_type", ["Мандат түрі", "Тип мандата", "Seat type"]),
    ("seat_party_list", ["партиялық тізім", "партийный список", "party list"]),
    ("seat_single_member", ["бір мандатты округ", "одномандатный округ", "single-member district"]),
    ("nomination", ["Ұсынылуы", "Выдвижение", "Nomination"]),
    ("nom_party", ["саяси партия ұсынған", "выдвинут партией", "nominated by a party"]),
    ("nom_self_nominated", ["өзін-өзі ұсынған", "самовыдвиженец", "self-nominated"]),
    ("latest_sessions", ["Соңғы сессиялар", "Последние сессии", "Latest sessions"]),
    ("session_openness", ["Сессиялар бойынша ашықтық", "Открытость по сессиям", "Openness by session"]),
    (
        "session_openness_note",
        [
            "Мәслихаттың әр құрамдасы — осы мәндердің мәні бар сессиялар бойынша орташасы. Кері енгізілген жазбалар (сессиядан кейін ғана келген) мәлімделген уақытты, қалғандары сервер тіркеген уақытты пайдаланады.",
            "Каждый компонент маслихата — среднее этих значений по сессиям, где оно есть. Записи, внесённые задним числом (полученные только после заседания), используют заявленное время, остальные — время, зафиксированное сервером.",
            "Each component of the council is the mean of these values over the sessions that have one. Backfilled records (received only after the sitting) use declared times, the others the times this server witnessed.",
        ],
    ),
    (
        "sessions_behind",
        [
            "Әр құрамдастың артындағы сессиялар",
            "Сессии, из которых складывается каждый компонент",
            "The sessions behind each component",
        ],
    ),
    ("time_kind", ["Уақыт", "Время", "Times"]),
    ("in_lang_kk", ["қазақша", "на казахском", "in Kazakh"]),
    ("in_lang_ru", ["орысша", "на русском", "in Russian"]),
    ("in_lang_en", ["ағылшынша", "на английском", "in English"]),
    (
        "over_time",
        [
            "Жыл бойынша қатысу және жеңілген жақта болу",
            "Участие и голоса на проигравшей стороне по годам",
            "Attendance and losing side by year",
        ],
    ),
    (
        "over_time_note",
        [
            "Атаулы дауыс беру бойынша: қатысу — депутат қатысқан дауыс берулердің үлесі; жеңілген жақта — шешімге қарсы берілген дауыстардың үлесі (жақтап, қарсы, қалыс қалды дауыстарының ішінде).",
            "По поимённым голосованиям: участие — доля голосований, на которых депутат присутствовал; на проигравшей стороне — доля голосов против итога (среди голосов «за», «против», «воздержался»).",
            "On named votes: attendance is the share of votes the deputy was present for; losing side is the share of their yes, no and abstain ballots cast against the outcome.",
        ],
    ),
    ("sessions_n", ["Сессиялар", "Сессии", "Sessions"]),
    ("votes_n", ["Дауыс берулер", "Голосования", "Votes"]),
    ("agenda_item", ["Күн тәртібіндегі мәселе", "Вопрос повестки", "Agenda item"]),
    ("declared_notice", ["Мәлімделген хабарландыру", "Заявленное извещение", "Declared notice"]),
    ("source", ["Дереккөзі", "Источник", "Source"]),
    (
        "no_declared_notice",
        [
            "Мәслихат басқа жерде жарияланған хабарландыруды мәлімдемеген.",
            "Маслихат не заявлял об извещении, опубликованном в другом месте.",
            "The council declares no notice published elsewhere.",
        ],
    ),
    ("corrections", ["Түзетулер", "Исправления", "Corrections"]),
    ("no_corrections", ["Жазба түзетілмеген.", "Запись не исправлялась.", "The record has not been corrected."]),
    ("version", ["Нұсқа", "Версия", "Version"]),
    ("received", ["Алынды", "Получено", "Received"]),
    ("reason", ["Себебі", "Причина", "Reason"]),
    ("what_changed", ["Не өзгерді", "Что изменилось", "What changed"]),
    ("diff_title", ["жазбаның өзгерістері", "изменения записи", "changes to the record"]),
    ("diff_back", ["Сессия бетіне оралу", "Вернуться к сессии", "Back to the session"]),
    ("diff_fields", ["Өзгерген мәліметтер", "Изменённые сведения", "Changed details"]),
    ("diff_field", ["Мәлімет", "Сведение", "Detail"]),
    (
        "diff_parts",
        [
            "Күн тәртібі, құжаттар, дауыс берулер мен сөз сөйлеулер",
            "Повестка, документы, голосования и выступления",
            "Agenda, documents, votes and speeches",
        ],
    ),
    ("diff_votes", ["Дауыс берулер", "Голосования", "Votes"]),
    ("diff_change", ["Өзгеріс", "Изменение", "Change"]),
    ("diff_added", ["Қосылды", "Добавлено", "Added"]),
    ("diff_removed", ["Алынып тасталды", "Удалено", "Removed"]),
    ("diff_changed", ["Өзгертілді", "Изменено", "Changed"]),
    ("diff_ballots", ["Өзгерген дауыстар", "Изменённые голоса", "Changed ballots"]),
    ("diff_before", ["Бұрын", "Было", "Before"]),
    ("diff_after", ["Кейін", "Стало", "After"]),
    ("diff_no_ballot", ["дауыс жоқ", "нет голоса", "no ballot"]),
    (
        "diff_none",
        ["Бұл екі нұсқаның айырмашылығы жоқ.", "Эти две версии не различаются.", "These two versions do not differ."],
    ),
    (
        "diff_need_versions",
        [
            "екі нұсқаның нөмірі керек (from және to, 1-ден бастап бүтін сан)",
            "нужны номера двух версий (from и to, целые числа от 1)",
            "two version numbers are needed (from and to, whole numbers from 1)",
        ],
    ),
    ("bad_request_title", ["Сұрау дұрыс емес", "Неверный запрос", "Bad request"]),
    ("f_convocation", ["Шақырылым", "Созыв", "Convocation"]),
    ("f_number", ["Сессия нөмірі", "Номер сессии", "Session number"]),
    ("f_scheduled_end", ["Белгіленген аяқталуы", "Назначенное окончание", "Scheduled end"]),
    ("f_actual_start", ["Нақты басталуы", "Фактическое начало", "Actual start"]),
    ("f_actual_end", ["Нақты аяқталуы", "Фактическое окончание", "Actual end"]),
    ("f_is_open", ["Ашық па", "Открытая ли", "Open to the public"]),
    ("f_minutes_document", ["Хаттама", "Протокол", "Minutes"]),
    ("minutes_short", ["мин", "мин", "min"]),
    ("time_witnessed", ["сервер тіркеген", "зафиксировано сервером", "witnessed"]),
    ("time_declared", ["мәлімделген", "заявлено", "declared"]),
    ("declared_public", ["Мәлімделген жариялану уақыты", "Заявленное время публикации", "Declared public"]),
    ("deputy_metrics", ["Депутаттар көрсеткіштері", "Показатели депутатов", "Deputies' metrics"]),
    ("date", ["Күні", "Дата", "Date"]),
    ("number", ["Нөмірі", "Номер", "Number"]),
    ("kind", ["Түрі", "Вид", "Kind"]),
    ("status", ["Мәртебесі", "Статус", "Status"]),
    ("kind_regular", ["кезекті", "очередная", "regular"]),
    ("kind_extraordinary", ["кезектен тыс", "внеочередная", "extraordinary"]),
    ("kind_constituent", ["ұйымдастыру сессиясы", "организационная", "constituent"]),
    ("kind_joint", ["бірлескен отырыс", "совместное заседание", "joint"]),
    ("status_convened", ["шақырылды", "созвана", "convened"]),
    ("init_akimat", ["әкімдік", "акимат", "akimat"]),
    ("init_deputy", ["депутат", "депутат", "deputy"]),
    ("init_commission", ["тұрақты комиссия", "постоянная комиссия", "standing commission"]),
    ("init_chairman", ["мәслихат төрағасы", "председатель маслихата", "chairman"]),
    ("init_other", ["басқа", "другое", "other"]),
    ("ir_adopted", ["қабылданды", "принято", "adopted"]),
    ("ir_adopted_amended", ["өзгерістермен қабылданды", "принято с изменениями", "adopted as amended"]),
    ("ir_rejected", ["қабылданбады", "не принято", "rejected"]),
    ("ir_noted", ["назарға алынды", "принято к сведению", "noted"]),
    ("ir_postponed", ["кейінге қалдырылды", "отложено", "postponed"]),
    ("ir_withdrawn", ["күн тәртібінен алынды", "снят с повестки дня", "withdrawn"]),
    ("ir_no_decision", ["шешім жоқ", "без решения", "no decision"]),
    ("doc_agenda", ["күн тәртібі", "повестка дня", "agenda"]),
    ("doc_draft_decision", ["шешім жобасы", "проект решения", "draft decision"]),
    ("doc_decision", ["шешім", "решение", "decision"]),
    ("doc_minutes", ["хаттама", "протокол", "minutes"]),
    ("doc_verbatim", ["стенограмма", "стенограмма", "verbatim record"]),
    ("doc_explanatory_note", ["түсіндірме жазба", "пояснительная записка", "explanatory note"]),
    ("doc_other", ["басқа құжат", "другой документ", "other document"]),
    ("role_rapporteur", ["баяндамашы", "докладчик", "rapporteur"]),
    ("role_official", ["лауазымды тұлға", "должностное лицо", "official"]),
    ("method_acclamation", ["бір ауыздан мақұлдау", "единогласное одобрение без подсчёта", "acclamation"]),
    ("status_planned", ["жоспарланған", "запланирована", "planned"]),
    ("status_held", ["өтті", "состоялась", "held"]),
    ("status_postponed", ["кейінге қалдырылды", "перенесена", "postponed"]),
    ("status_cancelled", ["өтпеді", "отменена", "cancelled"]),
    ("session", ["Сессия", "Сессия", "Session"]),
    ("convocation", ["шақырылым", "созыв", "convocation"]),
    ("open", ["ашық", "открытая", "open"]),
    ("closed", ["жабық", "закрытая", "closed"]),
    ("scheduled", ["Белгіленген уақыт", "Назначена на", "Scheduled"]),
    ("place", ["Өтетін орны", "Место", "Place"]),
    ("broadcast", ["Тікелей эфир", "Трансляция", "Live broadcast"]),
    ("recording", ["Жазба", "Запись", "Recording"]),
    ("agenda", ["Күн тәртібі", "Повестка дня", "Agenda"]),
    ("agenda_public", ["Күн тәртібі жарияланды", "Повестка опубликована", "Agenda public since"]),
    ("minutes_public", ["Хаттама жарияланды", "Протокол опубликован", "Minutes public since"]),
    ("item", ["Мәселе", "Вопрос", "Item"]),
    ("initiator", ["Бастамашы", "Инициатор", "Initiator"]),
    ("documents", ["Құжаттар", "Документы", "Documents"]),
    ("public_since", ["Жария болған уақыты", "Стал публичным", "Public since"]),
    ("added_late", ["кеш қосылды", "добавлен поздно", "added late"]),
    ("closed_item", ["жабық талқыланды", "рассмотрен закрыто", "held in closed session"]),
    ("vote", ["Дауыс беру", "Голосование", "Vote"]),
    ("motion", ["Ұсыныс", "Предложение", "Motion"]),
    ("result", ["Нәтижесі", "Результат", "Result"]),
    ("result_pass", ["қабылданды", "принято", "adopted"]),
    ("result_fail", ["қабылданбады", "не принято", "not adopted"]),
    ("method_roll_call", ["атаулы дауыс беру", "поименное голосование", "roll call"]),
    ("method_electronic", ["электрондық дауыс беру", "электронное голосование", "electronic"]),
    ("method_show_of_hands", ["қол көтеру арқылы", "поднятием руки", "show of hands"]),
    ("method_secret", ["жасырын дауыс беру", "тайное голосование", "secret ballot"]),
    ("opt_yes", ["жақтап", "за", "yes"]),
    ("opt_no", ["қарсы", "против", "no"]),
    ("opt_abstain", ["қалыс қалды", "воздержался", "abstain"]),
    ("opt_not_voting", ["дауыс берген жоқ", "не голосовал", "did not vote"]),
    ("opt_absent", ["қатыспады", "отсутствовал", "absent"]),
    ("opt_excused", ["дәлелді себеппен қатыспады", "отсутствовал по уважительной причине", "excused"]),
    ("ballots", ["Әр депутаттың дауысы", "Голос каждого депутата", "Every deputy's ballot"]),
    (
        "counts_only",
        [
            "Тек сандар жарияланған (атаусыз дауыс беру)",
            "Опубликованы только итоги (неименное голосование)",
            "Only totals were published (not a named vote)",
        ],
    ),
    ("speeches", ["Сөз сөйлеулер", "Выступления", "Speeches"]),
    ("speaker", ["Сөйлеуші", "Выступающий", "Speaker"]),
    ("role", ["Рөлі", "Роль", "Role"]),
    ("duration", ["Ұзақтығы", "Длительность", "Duration"]),
    ("seconds_short", ["с", "с", "s"]),
    ("role_deputy", ["депутат", "депутат", "deputy"]),
    ("role_chair", ["төраға", "председатель", "chair"]),
    ("role_executive", ["әкімдік", "акимат", "executive"]),
    ("role_public", ["тұрғын", "житель", "member of the public"]),
    ("type_speech", ["сөз", "выступление", "speech"]),
    ("type_question", ["сұрақ", "вопрос", "question"]),
    ("type_answer", ["жауап", "ответ", "answer"]),
    ("type_report", ["баяндама", "доклад", "report"]),
    ("type_procedural", ["рәсімдік", "процедурное", "procedural"]),
    ("no_speeches", ["Сөз сөйлеулер жазылмаған", "Выступления не записаны", "No speeches recorded"]),
    ("deputy", ["Депутат", "Депутат", "Deputy"]),
    ("mandates", ["Мандаттар", "Мандаты", "Mandates"]),
    ("party_history", ["Партиялық тарихы", "Партийная история", "Party history"]),
    ("from", ["бастап", "с", "from"]),
    ("until", ["дейін", "по", "until"]),
    ("ongoing", ["қазірге дейін", "по настоящее время", "ongoing"]),
    ("district_no", ["Округ", "Округ", "District"]),
    (
        "vs_council",
        ["Депутат пен мәслихат орташасы", "Депутат и среднее по маслихату", "The deputy against the council's average"],
    ),
    ("this_deputy", ["Осы депутат", "Этот депутат", "This deputy"]),
    ("council_mean", ["Мәслихат орташасы", "Среднее по маслихату", "Council average"]),
    ("voting_record", ["Дауыс беру тарихы", "История голосований", "Voting record"]),
    ("ballot", ["Дауысы", "Голос", "Ballot"]),
    ("no_votes", ["Дауыс беру жазылмаған", "Голосования не записаны", "No votes recorded"]),
    ("verify_title", ["Жазбаларды тексеру", "Проверка записей", "Check the records"]),
    (
        "verify_intro",
        [
            "Әр қабылданған құжат нұсқасы өзгертуге болмайтын журналға (Меркл ағашы) жазылады. Сервер журналдың басын өз кілтімен қолтаңбалайды. Кез келген адам барлық жазбаның осы журналда екенін және ештеңе жасырын өзгертілмегенін тексере алады.",
            "Каждая принятая версия документа записывается в неизменяемый журнал (дерево Меркла). Сервер подписывает вершину журнала своим ключом. Любой может проверить, что каждая запись есть в журнале и ничего не изменено тайно.",
            "Every accepted document version is written to an append-only log (a Merkle tree). The server signs the log's head with its key. Anyone can check that every record is in the log and that nothing was changed in secret.",
        ],
    ),
    ("checkpoint", ["Қолтаңбаланған бақылау нүктесі", "Подписанная контрольная точка", "Signed checkpoint"]),
    ("tree_size", ["Журналдағы жазбалар", "Записей в журнале", "Entries in the log"]),
    ("root_hash", ["Түбір хэші", "Корневой хэш", "Root hash"]),
    ("origin", ["Журнал атауы", "Имя журнала", "Log origin"]),
    ("public_key", ["Ашық кілт", "Открытый ключ", "Public key"]),
    ("verifier_key", ["Тексеру кілті (C2SP)", "Ключ проверки (C2SP)", "Verifier key (C2SP)"]),
    ("how_to_check", ["Қалай тексеруге болады", "Как проверить", "How to check"]),
    ("verify_what", ["Тексеру нені қарайды", "Что проверяет verify", "What verify checks"]),
    (
        "verify_what_signature",
        [
            "Қолтаңба: журналдың басы жоғарыда көрсетілген кілтпен қолтаңбаланған; бағдарлама кілтті алғашқы іске қосуда есте сақтайды.",
            "Подпись: вершина журнала подписана ключом, показанным выше; программа запоминает ключ при первом запуске.",
            "The signature: the log's head is signed with the key shown above, which the program remembers on its first run.",
        ],
    ),
    (
        "verify_what_history",
        [
            "Тарих: журнал тек толығады. Әр іске қосу бүгінгі журналдың өткен жолы көрген журналды қамтитынын дәлелдейді, сондықтан ешбір жазбаны білдірмей жою не қайта жазу мүмкін емес.",
            "История: журнал только растёт. Каждый запуск доказывает, что сегодняшний журнал содержит тот, что был виден в прошлый раз, поэтому ни одну запись нельзя незаметно удалить или переписать.",
            "History: the log only grows. Each run proves that today's log contains the one seen last time, so no record can be removed or rewritten unnoticed.",
        ],
    ),
    (
        "verify_what_documents",
        [
            "Құжаттар: әр жарияланған нұсқа жүктеліп, оның хэші (SHA-256) қайта есептеледі және журналдағы жазбамен салыстырылады.",
            "Документы: каждая опубликованная версия скачивается, её хэш (SHA-256) пересчитывается и сверяется с записью в журнале.",
            "Documents: every published version is downloaded, its fingerprint (SHA-256) recomputed and matched to its entry in the log.",
        ],
    ),
    (
        "verify_what_served",
        [
            "Сіз оқитын деректер: осы сайт пен оның API көрсететін барлығы (мәслихаттар, депутаттардың аты-жөні, мандаттары мен партиялары, сессиялар, күн тәртібі, құжаттар, дауыс беру қорытындылары мен нәтижелері, әр дауыс, сөйлеген сөздер, нақты жазбалар) журналдағы құжаттармен өріс бойынша салыстырылады. Әр айырмашылық мекенжайы мен өрісі көрсетіліп хабарланады.",
            "То, что вы читаете: всё, что показывают этот сайт и его API (маслихаты, депутаты с именами, мандатами и партиями, сессии, повестки, документы, голосования с итогами и результатами, каждый голос, выступления, реальные записи), сверяется поле за полем с документами в журнале. О каждом расхождении сообщается с адресом и полем.",
            "What you read: everything this site and its API show (councils, deputies with their names, mandates and parties, sessions, agendas, documents, votes with their counts and results, every ballot, speeches, the real records) is compared field by field with the logged documents. Every difference is reported with its address and field.",
        ],
    ),
    (
        "verify_what_result",
        [
            "Соңында «verified» деп жазады немесе барлық мәселені тізіп, қатемен аяқталады. Сервер клиенттерден баяулауды сұраса, бағдарлама күтеді.",
            "В конце программа пишет «verified» или завершается с ошибкой, перечислив все проблемы. Если сервер просит клиентов не спешить, она ждёт.",
            "It ends with “verified”, or exits with an error listing every problem. When the server asks clients to slow down, it waits.",
        ],
    ),
    (
        "how_to_get_text",
        [
            "maslikhat — осы сайт жұмыс істейтін еркін бағдарлама (AGPL-3.0). Rust құралдарын (rustup.rs) орнатып, бағдарламаны бастапқы кодтың көшірмесінен құрастырыңыз да, төмендегі команданы өз компьютеріңізде іске қосыңыз:",
            "maslikhat — свободная программа (AGPL-3.0), та же, на которой работает этот сайт. Установите Rust (rustup.rs), соберите программу из копии исходного кода и выполните команду ниже на своём компьютере:",
            "maslikhat is free software (AGPL-3.0), the program this site runs on. Install Rust (rustup.rs), build the program from a copy of its source code, and run the command below on your own computer:",
        ],
    ),
    (
        "how_to_check_text",
        [
            "Мезгіл-мезгіл қайта іске қосыңыз: бағдарлама бақылау нүктесін maslikhat-verify.json файлында сақтап, бұрын көргенінің ештеңесі өзгермегенін дәлелдейді. --council ID тек бір мәслихатты тексереді.",
            "Запускайте её снова время от времени: программа хранит контрольную точку в файле maslikhat-verify.json и доказывает, что ничего из виденного ранее не изменилось. --council ID проверяет только один маслихат.",
            "Run it again from time to time: it keeps the checkpoint in maslikhat-verify.json and proves that nothing it saw before has changed. --council ID checks one council only.",
        ],
    ),
    ("no_key", ["Қолтаңба кілті жүктелмеген", "Ключ подписи не загружен", "No signing key is loaded"]),
    ("log_check_title", ["Бұл жазба журналда ма?", "Есть ли эта запись в журнале?", "Is this record in the log?"]),
    ("log_check_entry", ["Журнал жазбасы №", "Запись журнала №", "Log entry"]),
    ("log_check_version", ["нұсқа", "версия", "version"]),
    (
        "log_check_static",
        [
            "Браузеріңіз бұл жазбаны қолтаңбаланған және куәлар растаған журнал бойынша тексере алады (JavaScript қажет). Онсыз maslikhat verify бағдарламасымен тексеріңіз.",
            "Ваш браузер может проверить эту запись по подписанному и заверенному свидетелями журналу (нужен JavaScript). Без него проверьте её программой maslikhat verify.",
            "Your browser can check this record against the signed, witnessed log (this needs JavaScript). Without it, check it with maslikhat verify.",
        ],
    ),
    ("log_check_how", ["Өзіңіз қалай тексеруге болады", "Как проверить самостоятельно", "How to check it yourself"]),
    ("log_checking", ["Журнал бойынша тексерілуде…", "Проверка по журналу…", "Checking against the log…"]),
    (
        "log_ok",
        [
            "{n} жазбадан тұратын журнал бойынша тексерілді, куәлар растаған: {w}.",
            "Проверено по журналу из {n} записей, заверенному свидетелями: {w}.",
            "Verified against the log of size {n}, cosigned by {w}.",
        ],
    ),
    (
        "log_ok_alone",
        [
            "{n} жазбадан тұратын журнал бойынша тексерілді, журнал қолтаңбалаған; куәлар әлі растамаған.",
            "Проверено по журналу из {n} записей, подписанному журналом; свидетели его ещё не заверили.",
            "Verified against the log of size {n}, signed by the log; no witness has cosigned it yet.",
        ],
    ),
    (
        "log_ok_checkpoint",
        [
            "{n} жазбалы журналдың бақылау нүктесін журнал қолтаңбалаған, куәлар растаған: {w}.",
            "Контрольная точка журнала из {n} записей подписана журналом и заверена свидетелями: {w}.",
            "The log's checkpoint of size {n} is signed by the log and cosigned by {w}.",
        ],
    ),
    (
        "log_ok_checkpoint_alone",
        [
            "{n} жазбалы журналдың бақылау нүктесін журнал қолтаңбалаған; куәлар әлі растамаған.",
            "Контрольная точка журнала из {n} записей подписана журналом; свидетели её ещё не заверили.",
            "The log's checkpoint of size {n} is signed by the log; no witness has cosigned it yet.",
        ],
    ),
    (
        "log_pending",
        [
            "Бұл нұсқа (журнал жазбасы {i}) соңғы расталған бақылау нүктесінен ({n} жазба) жаңарақ; бір минуттан кейін қайта тексеріңіз.",
            "Эта версия (запись журнала {i}) новее последней заверенной контрольной точки ({n} записей); проверьте через минуту.",
            "This version (log entry {i}) is newer than the latest witnessed checkpoint ({n} entries); check again in a minute.",
        ],
    ),
    (
        "log_failed",
        [
            "Тексеру СӘТСІЗ: {why}. Бұл бетке сенбеңіз.",
            "Проверка НЕ ПРОЙДЕНА: {why}. Не полагайтесь на эту страницу.",
            "Verification FAILED: {why}. Do not rely on this page.",
        ],
    ),
    (
        "log_unsupported",
        [
            "Бұл браузер Ed25519 қолтаңбаларын тексере алмайды; maslikhat verify бағдарламасымен тексеріңіз.",
            "Этот браузер не умеет проверять подписи Ed25519; проверьте программой maslikhat verify.",
            "This browser cannot check Ed25519 signatures; check with maslikhat verify instead.",
        ],
    ),
    (
        "log_why_document",
        [
            "сервер берген құжат осы нұсқаның журналдағы жазбасына сәйкес келмейді",
            "документ, который отдаёт сервер, не совпадает с записью этой версии в журнале",
            "the document the server serves does not match this version's log entry",
        ],
    ),
    (
        "log_why_proof",
        [
            "қамту дәлелі қолтаңбаланған түбірге апармайды",
            "доказательство включения не ведёт к подписанному корню",
            "the inclusion proof does not lead to the signed root",
        ],
    ),
    (
        "log_why_signature",
        [
            "бақылау нүктесі журнал кілтімен дұрыс қолтаңбаланбаған",
            "контрольная точка не подписана ключом журнала",
            "the checkpoint is not validly signed by the log's key",
        ],
    ),
    (
        "log_why_cosignature",
        [
            "қажетті {q} куә қолтаңбасының тек {k} жарамды",
            "действительны только {k} из {q} требуемых подписей свидетелей",
            "only {k} of the {q} required witness cosignatures are valid",
        ],
    ),
    (
        "log_why_page",
        [
            "бетте журналдағы жазбадан өзгеше дауыстар көрсетілген",
            "на странице показаны голоса, отличающиеся от записанных в журнале",
            "the page shows votes that differ from the logged record",
        ],
    ),
    (
        "log_why_keys",
        [
            "соңғы кіруіңізден бері журнал кілттері өзгерген",
            "ключи журнала изменились с вашего прошлого посещения",
            "the log's keys have changed since your last visit",
        ],
    ),
    (
        "log_why_history",
        [
            "журнал осы браузер бұрын көргенмен сәйкес келмейді: ол қайта жазылған немесе әртүрлі адамдарға әртүрлі көрсетіледі",
            "журнал не согласуется с тем, что этот браузер видел раньше: его переписали или показывают разным людям по-разному",
            "the log is not consistent with the one this browser saw before: it was rewritten, or is shown differently to different people",
        ],
    ),
    (
        "log_why_network",
        [
            "журналды оқу мүмкін болмады ({error})",
            "журнал не удалось прочитать ({error})",
            "the log could not be read ({error})",
        ],
    ),
    ("log_why_format", ["журнал жауабы бұзылған", "ответ журнала повреждён", "the log's answer is malformed"]),
    (
        "footer_text",
        [
            "Деректер мәслихаттардың өздері жариялаған жазбалардан және ашық дереккөздерден жиналған нақты жазбалардан (солай белгіленген) алынған. Бағдарлама AGPL-3.0 лицензиясымен таратылады.",
            "Данные взяты из записей, опубликованных самими маслихатами, и из реальных записей, собранных из открытых источников (они так и помечены). Программа распространяется по лицензии AGPL-3.0.",
            "The data comes from records the councils published themselves, and from real records compiled from public sources (marked as such). The software is licensed AGPL-3.0.",
        ],
    ),
    ("none", ["жоқ", "нет", "none"]),
    ("yes_word", ["иә", "да", "yes"]),
    ("show_all", ["Барлығын көрсету", "Показать все", "Show all"]),
    ("no_word", ["жоқ", "нет", "no"]),
    // Real records compiled from public sources.
    ("nav_public", ["Нақты жазбалар", "Реальные записи", "Real records"]),
    ("pr_today", ["Бүгін не жария етіледі", "Что публикуется сегодня", "What is public today"]),
    (
        "pr_today_intro",
        [
            "Бұл бөлімдегі жазбалар нақты, жасанды емес: оларды команда ашық дереккөздерден (өңірлік газеттер, мәслихаттардың өз беттері, adilet.zan.kz тізілімі) жинады, әр дерек өз дереккөзімен берілген. Олар мәслихаттардың бүгін не жариялайтынын сессия бойынша көрсетеді: әр деректі жазбалардың қанша үлесі келтіреді.",
            "Записи в этом разделе реальные, не синтетические: команда собрала их из открытых источников (областные газеты, страницы самих маслихатов, реестр adilet.zan.kz), каждый факт — со своим источником. Они показывают, что маслихаты публикуют сегодня, заседание за заседанием: какая доля записей сообщает каждый факт.",
            "The records in this section are real, not synthetic: the team compiled them from public sources (regional newspapers, the councils' own pages, the adilet.zan.kz register), each fact with its source. They show what councils make public today, sitting by sitting: the share of records that state each fact.",
        ],
    ),
    (
        "pr_rankings_synthetic",
        [
            "Төмендегі жиындар мен рейтингтер бұл жазбалардан емес, жасанды деректерден есептелген.",
            "Итоги и рейтинги ниже посчитаны по синтетическим данным, а не по этим записям.",
            "The totals and rankings below are computed from synthetic data, not from these records.",
        ],
    ),
    (
        "pr_rankings_platform",
        [
            "Төмендегі жиындар мен рейтингтер бұл жазбалардан емес, мәслихаттар платформа арқылы жариялаған жазбалардан есептелген.",
            "Итоги и рейтинги ниже посчитаны по записям, которые маслихаты опубликовали через платформу, а не по этим записям.",
            "The totals and rankings below are computed from the records councils published through the platform, not from these records.",
        ],
    ),
    (
        "pr_see_all",
        [
            "Барлық нақты жазбалар дереккөздерімен",
            "Все реальные записи с источниками",
            "Every real record with its sources",
        ],
    ),
    ("pr_none_loaded", ["Нақты жазбалар жүктелмеген.", "Реальные записи не загружены.", "No real records are loaded."]),
    ("pr_overall", ["Барлық жазбалар", "Все записи", "All records"]),
    ("pr_by_council", ["Мәслихаттар бойынша", "По маслихатам", "By council"]),
    (
        "pr_by_council_caption",
        [
            "Әр мәслихат: деректі келтіретін жазбалар / барлық жазбалары",
            "Каждый маслихат: записи, сообщающие факт / все его записи",
            "Each council: records stating the fact / all its records",
        ],
    ),
    ("pr_fact", ["Жазбада не айтылған", "Что сообщает запись", "What the record states"]),
    ("pr_with_fact", ["Жазбалар", "Записей", "Records"]),
    ("pr_share", ["Үлесі", "Доля", "Share"]),
    ("pr_records", ["Жазбалар", "Записи", "Records"]),
    ("pr_f_notice_date", ["Хабарландыру күні белгілі", "Известна дата извещения", "Notice date known"]),
    ("pr_f_notice_lead_time", ["Хабарландырудың мерзімі белгілі", "Известен срок извещения", "Notice lead time known"]),
    ("pr_f_agenda_titles", ["Күн тәртібі мәселелері", "Вопросы повестки дня", "Agenda item titles"]),
    ("pr_f_documents", ["Құжат анықталған", "Документ найден", "A document identified"]),
    ("pr_f_counts", ["Дауыс сандары", "Число голосов", "Vote counts"]),
    ("pr_f_named_votes", ["Атаулы дауыс беру", "Поименное голосование", "Named votes"]),
    ("pr_f_livestream", ["Тікелей эфир", "Онлайн-трансляция", "Livestream"]),
    ("pr_f_minutes", ["Хаттама жарияланған", "Протокол опубликован", "Minutes public"]),
    (
        "pr_list_title",
        [
            "Ашық дереккөздерден жиналған нақты жазбалар",
            "Реальные записи из открытых источников",
            "Real records from public sources",
        ],
    ),
    (
        "pr_provenance_note",
        [
            "Нақты жазба, жасанды емес. Оны мәслихат осы платформа арқылы жарияламаған: команда ашық мәтіндерден (газеттер, мәслихат беттері, adilet.zan.kz) жинаған. Әр мән келтірілген дереккөзде қалай берілсе, солай көрсетілген; дереккөздерде жоқ нәрсе «дереккөздерде көрсетілмеген» деп жазылған, ештеңе ойдан толтырылмаған.",
            "Реальная запись, не синтетическая. Маслихат не публиковал её через эту платформу: её собрала команда из открытых текстов (газеты, страницы маслихатов, adilet.zan.kz). Каждое значение приведено так, как его сообщает указанный источник; то, чего в источниках нет, помечено «в источниках не указано» — ничего не додумано.",
            "A real record, not synthetic. The council did not publish it through this platform: the team compiled it from public texts (newspapers, council pages, adilet.zan.kz). Every value is as the cited source reports it; what the sources do not state is marked “not stated in the sources”, and nothing is filled in.",
        ],
    ),
    ("not_stated", ["дереккөздерде көрсетілмеген", "в источниках не указано", "not stated in the sources"]),
    ("pr_source", ["Дереккөз", "Источник", "Source"]),
    ("pr_sources", ["Дереккөздер", "Источники", "Sources"]),
    ("pr_notice_date", ["Хабарландыру жарияланды", "Извещение опубликовано", "Notice published"]),
    ("pr_agenda_items", ["Күн тәртібі мәселелері", "Вопросов повестки", "Agenda items"]),
    ("pr_votes_reported", ["Хабарланған дауыс берулер", "Сообщённых голосований", "Votes reported"]),
    ("pr_reported_date", ["хабар күні", "дата сообщения", "date of the report"]),
    ("session_no", ["Сессия №", "Сессия №", "Session no."]),
    ("sitting", ["Отырыс", "Заседание", "Sitting"]),
    ("convocation_cap", ["Шақырылым", "Созыв", "Convocation"]),
    ("pk_regular", ["кезекті сессия", "очередная сессия", "regular session"]),
    ("pk_extraordinary", ["кезектен тыс сессия", "внеочередная сессия", "extraordinary session"]),
    ("pk_deputies_meeting", ["депутаттар жиналысы", "собрание депутатов", "deputies' meeting"]),
    ("ps_held_reported", ["өткені хабарланған", "проведение подтверждено сообщением", "held (reported)"]),
    ("ps_announced_only", ["тек хабарландыру табылды", "найдено только извещение", "only the notice was found"]),
    (
        "ps_decision_registered",
        [
            "тек тіркелген шешімі табылды",
            "найдено только зарегистрированное решение",
            "only a registered decision was found",
        ],
    ),
    ("method_open", ["ашық дауыс беру", "открытое голосование", "open vote"]),
    ("pr_facts", ["Деректер", "Факты", "Facts"]),
    (
        "pr_facts_sources",
        [
            "Өз дереккөзі көрсетілмеген деректер жазбаның барлық дереккөздеріне сүйенеді:",
            "Факты без собственной ссылки опираются на все источники записи вместе:",
            "Facts without a source of their own rest on all the record's sources together:",
        ],
    ),
    ("pr_basis", ["негізі", "основание", "basis"]),
    ("pr_time", ["Уақыты", "Время", "Time"]),
    ("pr_chairman", ["Төраға", "Председатель", "Chairman"]),
    ("pr_open_public", ["Тұрғындар үшін ашық", "Открыто для публики", "Open to the public"]),
    ("pr_livestream", ["Тікелей эфир", "Онлайн-трансляция", "Livestream"]),
    ("pr_platform", ["Алаң", "Площадка", "Platform"]),
    ("pr_address", ["Сілтеме", "Адрес", "Address"]),
    ("pr_participants", ["Аталған басқа қатысушылар", "Названные другие участники", "Other participants named"]),
    ("pr_notice", ["Сессияны шақыру туралы хабарландыру", "Извещение о созыве", "Notice of the sitting"]),
    ("pr_lead_time", ["Хабарландыру мерзімі", "Срок извещения", "Notice lead time"]),
    ("pr_days", ["күн", "дн.", "days"]),
    ("pr_publisher", ["Жариялаған", "Издатель", "Publisher"]),
    ("pr_heading", ["Тақырыбы", "Заголовок", "Heading"]),
    ("pr_signed_by", ["Қол қойған", "Подписал", "Signed by"]),
    ("pr_reporter", ["Баяндамашы", "Докладчик", "Rapporteur"]),
    ("pr_decisions", ["Қабылданған шешімдер", "Принятые решения", "Decisions adopted"]),
    (
        "pr_referenced",
        [
            "Күн тәртібі сілтеме жасаған бұрынғы шешімдер",
            "Прежние решения, на которые ссылается повестка",
            "Earlier decisions the agenda cites",
        ],
    ),
    ("pr_title", ["Атауы", "Название", "Title"]),
    ("pr_adilet_id", ["adilet.zan.kz нөмірі", "Номер в adilet.zan.kz", "adilet.zan.kz id"]),
    ("pr_registration", ["Мемлекеттік тіркеу", "Государственная регистрация", "State registration"]),
    (
        "pr_no_votes",
        [
            "Дереккөздер ешбір дауыс беру туралы ештеңе айтпайды.",
            "Источники ничего не сообщают ни об одном голосовании.",
            "The sources say nothing about any vote.",
        ],
    ),
    ("pr_method", ["Дауыс беру тәсілі", "Способ голосования", "How the vote was taken"]),
    (
        "pr_unanimous",
        [
            "Бір ауыздан деп хабарланған; дереккөз дауыс сандарын келтірмейді",
            "Сообщается: единогласно; источник не приводит числа голосов",
            "Reported as unanimous; the source gives no counts",
        ],
    ),
    (
        "pr_named",
        [
            "иә: әр депутаттың дауысы жарияланған",
            "да: голос каждого депутата опубликован",
            "yes: each deputy's ballot is published",
        ],
    ),
    (
        "pr_not_named",
        [
            "жоқ: ешбір депутаттың дауысы жарияланбаған",
            "нет: голоса депутатов не опубликованы",
            "no: no deputy's ballot is published",
        ],
    ),
    ("pr_note", ["Құрастырушының ескертпесі", "Примечание составителя", "Compiler's note"]),
    (
        "pr_no_speeches",
        [
            "Дереккөздерде сөз сөйлеулер аталмаған",
            "В источниках выступления не названы",
            "The sources name no speeches",
        ],
    ),
    (
        "pr_summary",
        [
            "Қысқаша мазмұны (біздің сөзіміз, дәйексөз емес)",
            "Кратко (наш пересказ, не цитата)",
            "Summary (our words, not a quotation)",
        ],
    ),
    ("pr_minutes", ["Хаттама", "Протокол", "Minutes"]),
    ("pr_published", ["Жарияланды", "Опубликован", "Published"]),
    (
        "pr_declared",
        [
            "Көрсеткіштер әдісі мәслихаттардікімен бірдей. Барлық уақыт дереккөздерде мәлімделгендей алынған; оларды бұл сервер өзі тіркемеген. Мәні жоқ құрамдас бағаға кірмейді.",
            "Показатели считаются по той же методике, что и для маслихатов. Все даты взяты так, как их заявляют источники; сервер их сам не фиксировал. Компонент без значения в оценку не входит.",
            "The components are scored by the same method as a council's. Every time is as the sources declare it; this server witnessed none. A component without a value does not count in the score.",
        ],
    ),
    ("pr_reason", ["Неге мән жоқ", "Почему нет значения", "Why there is no value"]),
    (
        "pr_coverage_note",
        [
            "Соңғы жолдағы пайыз — баға қамтитын салмақ үлесі.",
            "Процент в итоговой строке — доля веса, которую охватывает оценка.",
            "The percentage in the last row is the share of the weight the score covers.",
        ],
    ),
    ("pr_read_on", ["Оқылған күні", "Дата прочтения", "Read on"]),
    ("pr_supports", ["Осы дереккөзге сілтейтін деректер", "Факты, ссылающиеся на источник", "Facts citing it"]),
    ("pr_supports_rest", ["жалпы деректер (жоғарыдағы)", "общие факты (выше)", "the general facts (above)"]),
    (
        "pr_supports_note",
        [
            "Деректер JSON көрсеткіштерімен (JSON pointer) API жазбасындағы орнымен аталған.",
            "Факты названы JSON-указателями (JSON pointer) на их место в записи API.",
            "Facts are named by JSON pointers to their place in the API record.",
        ],
    ),
    ("pr_notes", ["Құрастырушының ескертпелері", "Примечания составителя", "Compiler's notes"]),
    ("pr_provenance", ["Шығу тегі", "Происхождение", "Provenance"]),
    ("pr_version", ["Нұсқа", "Версия", "Version"]),
    ("pr_log_entry", ["Журналдағы жазба", "Запись в журнале", "Log entry"]),
    (
        "reason_backfilled_without_declared_notice",
        [
            "дереккөздерде хабарландырудың жарияланған күні жоқ",
            "в источниках нет даты публикации извещения",
            "the sources give no publication date of the notice",
        ],
    ),
    (
        "reason_backfilled_without_declared_documents",
        [
            "дереккөздерде құжаттардың сессияға дейін жарияланған уақыты жоқ",
            "в источниках нет времени публикации документов до заседания",
            "the sources give no time the documents became public before the sitting",
        ],
    ),
    (
        "reason_backfilled_without_declared_minutes",
        [
            "дереккөздерде хаттаманың жарияланған күні жоқ",
            "в источниках нет даты публикации протокола",
            "the sources give no publication date of the minutes",
        ],
    ),
    (
        "reason_session_date_not_stated",
        [
            "дереккөздерде отырыс күні көрсетілмеген",
            "в источниках не указана дата заседания",
            "the sources do not state the sitting's date",
        ],
    ),
    (
        "reason_session_kind_not_stated",
        [
            "сессияның кезекті не кезектен тыс екені көрсетілмеген, ал баға осыған байланысты",
            "не указано, очередная сессия или внеочередная, а от этого зависит оценка",
            "the sources do not say whether it was regular or extraordinary, and the score depends on it",
        ],
    ),
    (
        "reason_openness_not_stated",
        [
            "отырыстың тұрғындар үшін ашық болғаны көрсетілмеген",
            "не указано, было ли заседание открытым для публики",
            "the sources do not state whether the sitting was open to the public",
        ],
    ),
    (
        "reason_broadcast_not_stated",
        [
            "эфир болғаны көрсетілмеген",
            "не указано, велась ли трансляция",
            "the sources do not state whether it was broadcast",
        ],
    ),
    ("reason_no_agenda_items", ["күн тәртібі мәселелері жоқ", "нет вопросов повестки", "there are no agenda items"]),
    (
        "reason_no_vote_events",
        [
            "дереккөздер ешбір дауыс беруді атамайды",
            "источники не называют ни одного голосования",
            "the sources report no vote",
        ],
    ),
    (
        "reason_no_openness_components",
        ["бірде-бір құрамдастың мәні жоқ", "ни у одного компонента нет значения", "no component has a value"],
    ),
];

#[cfg(test)]
mod tests {
    use super::{Lang, TEXT};

    #[test]
    fn a_name_in_another_language_says_which() {
        let names = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let only_ru = names(&[("ru", "Олег Иванов")]);
        assert_eq!(Lang::Kk.pick_noted(&only_ru), ("Олег Иванов".to_owned(), Some(Lang::Ru)));
        assert_eq!(Lang::Ru.pick_noted(&only_ru), ("Олег Иванов".to_owned(), None));
        let latin = names(&[("kk-Latn", "Asqar"), ("ru", "Аскар")]);
        assert_eq!(Lang::Kk.pick_noted(&latin), ("Asqar".to_owned(), None), "Kazakh in Latin script is Kazakh");
        assert_eq!(Lang::En.pick_noted(&latin), ("Asqar".to_owned(), Some(Lang::Kk)));
        assert_eq!(Lang::En.pick_noted(&names(&[("de", "X")])), ("X".to_owned(), None), "an unknown tag is not named");
        assert_eq!(Lang::En.pick_noted(&names(&[])), (String::new(), None));
        for l in [Lang::Kk, Lang::Ru, Lang::En] {
            for shown in ["kk", "ru", "en"] {
                assert_ne!(l.t(&format!("in_lang_{shown}")), "?");
            }
        }
    }

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de, ru;q=0.5, kk;q=0.8"), Some(Lang::Kk));
        assert_eq!(Lang::from_accept_language("ru-RU, en;q=0.1"), Some(Lang::Ru));
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        assert_eq!(Lang::from_accept_language("kk;q=0"), None);
    }

    #[test]
    fn every_key_is_translated_once_and_not_empty() {
        let mut seen = std::collections::HashSet::new();
        for (k, v) in TEXT {
            assert!(seen.insert(*k), "{k} twice");
            assert!(v.iter().all(|s| !s.is_empty()), "{k} has an empty translation");
        }
    }

    #[test]
    fn every_key_the_pages_use_has_a_translation() {
        let sources = [
            include_str!("layout.rs"),
            include_str!("mod.rs"),
            include_str!("pages/home.rs"),
            include_str!("pages/council.rs"),
            include_str!("pages/session.rs"),
            include_str!("pages/deputy.rs"),
            include_str!("pages/verify.rs"),
            include_str!("pages/public_records.rs"),
            include_str!("log_check.rs"),
        ];
        let mut used = 0;
        for src in sources {
            for part in src.split(".t(\"").skip(1) {
                let key = part.split('"').next().unwrap_or_default();
                if key.chars().all(|c| c.is_ascii_lowercase() || c == '_') && !key.is_empty() {
                    used += 1;
                    assert!(TEXT.iter().any(|(k, _)| *k == key), "no translation for {key}");
                }
            }
        }
        assert!(used > 50, "found only {used} keys");
    }

    /// Every value of every enumeration a page shows through [`Lang::label`] has its label, so
    /// the fallback (the raw value) never reaches a page.
    #[test]
    fn every_enum_value_a_page_shows_has_a_label() {
        use crate::domain::enums as d;
        use crate::domain::public_record as p;
        fn codes<T: serde::Serialize>(all: &[T]) -> Vec<String> {
            all.iter()
                .map(|v| serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default())
                .collect()
        }
        let listed = |all: &[&str]| all.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let enums: Vec<(&str, Vec<String>)> = vec![
            ("level", listed(d::Level::ALL)),
            ("seat", listed(d::SeatType::ALL)),
            ("nom", listed(d::Nomination::ALL)),
            ("kind", listed(d::SessionKind::ALL)),
            ("status", listed(d::SessionStatus::ALL)),
            ("init", listed(d::Initiator::ALL)),
            ("ir", listed(d::ItemResult::ALL)),
            ("doc", listed(d::DocumentKind::ALL)),
            ("method", listed(d::VoteMethod::ALL)),
            ("result", listed(d::VoteResult::ALL)),
            ("opt", listed(d::BallotOption::ALL)),
            ("role", listed(d::SpeakerRole::ALL)),
            ("type", listed(d::SpeechType::ALL)),
            ("prov", listed(d::Provenance::ALL)),
            ("search_kind", listed(&crate::domain::search::kind::ALL)),
            (
                "pk",
                codes(&[
                    p::PublicSittingKind::Regular,
                    p::PublicSittingKind::Extraordinary,
                    p::PublicSittingKind::DeputiesMeeting,
                ]),
            ),
            (
                "ps",
                codes(&[
                    p::PublicRecordStatus::HeldReported,
                    p::PublicRecordStatus::AnnouncedOnly,
                    p::PublicRecordStatus::DecisionRegistered,
                ]),
            ),
            (
                "method",
                codes(&[
                    p::PublicVoteMethod::Open,
                    p::PublicVoteMethod::Secret,
                    p::PublicVoteMethod::RollCall,
                    p::PublicVoteMethod::Electronic,
                    p::PublicVoteMethod::ShowOfHands,
                    p::PublicVoteMethod::Acclamation,
                ]),
            ),
        ];
        let mut n = 0;
        for (prefix, values) in &enums {
            for v in values {
                assert!(!v.is_empty(), "{prefix}: a value did not serialize as a string");
                let key = format!("{prefix}_{v}");
                assert!(TEXT.iter().any(|(k, _)| *k == key), "no label {key}: pages would show the raw word {v}");
                n += 1;
            }
        }
        assert!(n > 60, "checked only {n} values");
    }

    #[test]
    fn names_fall_back_to_another_language() {
        let names = [("ru".to_owned(), "Маслихат".to_owned())].into_iter().collect();
        assert_eq!(Lang::Kk.pick(&names), "Маслихат");
        assert_eq!(Lang::En.num(0.25, 2), "0.25");
        assert_eq!(Lang::Ru.pct(0.25), "25,0 %");
    }
}

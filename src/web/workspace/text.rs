//! The workspace's interface text and rule messages in Kazakh, Russian and English. Rule names
//! stay the API's stable ones; only their explanation is translated. A rule without a translation
//! here shows the API's English message (a test lists the rules the workspace's forms can break).

use crate::web::i18n::Lang;

/// Interface text for `key` in `lang` (the key itself when missing, which a test forbids).
pub fn t(lang: Lang, key: &str) -> &'static str {
    let i = match lang {
        Lang::Kk => 0,
        Lang::Ru => 1,
        Lang::En => 2,
    };
    TEXT.iter().find(|(k, _)| *k == key).map_or("?", |(_, v)| v[i])
}

/// The translated explanation of a rule, if the workspace has one.
pub fn rule(lang: Lang, rule: &str) -> Option<&'static str> {
    let key = format!("rule_{rule}");
    TEXT.iter().find(|(k, _)| *k == key).map(|(_, v)| {
        v[match lang {
            Lang::Kk => 0,
            Lang::Ru => 1,
            Lang::En => 2,
        }]
    })
}

/// (key, [kk, ru, en]). A table, not logic: one line per string.
pub const TEXT: &[(&str, [&str; 3])] = &[
    ("workspace", ["Жариялаушы кабинеті", "Кабинет публикатора", "Publisher workspace"]),
    ("sign_in", ["Кіру", "Войти", "Sign in"]),
    (
        "sign_in_text",
        ["Бір реттік сілтеме арқылы кіру.", "Вход по одноразовой ссылке.", "Sign in with your one-time link."],
    ),
    (
        "sign_in_failed",
        [
            "Сілтеме жарамсыз, пайдаланылған немесе мерзімі өткен.",
            "Ссылка недействительна, уже использована или истекла.",
            "This link is unknown, already used or expired.",
        ],
    ),
    ("sign_out", ["Шығу", "Выйти", "Sign out"]),
    (
        "signed_out",
        [
            "Сіз жүйеден шықтыңыз немесе сессия аяқталды. Жаңа сілтеме сұраңыз.",
            "Вы вышли, или сеанс истёк. Запросите новую ссылку.",
            "You are signed out or your session ended. Ask for a new link.",
        ],
    ),
    ("forbidden", ["Бұл әрекетке рұқсат жоқ.", "Это действие вам не разрешено.", "You may not do this."]),
    (
        "bad_csrf",
        [
            "Пішін ескірген немесе басқа беттен жіберілген. Бетті қайта ашыңыз.",
            "Форма устарела или отправлена с другой страницы. Откройте страницу заново.",
            "This form is stale or came from another page. Open the page again.",
        ],
    ),
    ("token", ["Токен", "Токен", "Token"]),
    ("accounts", ["Тіркелгілер", "Учётные записи", "Accounts"]),
    ("create_account", ["Тіркелгі құру", "Создать учётную запись", "Create account"]),
    ("name", ["Аты", "Имя", "Name"]),
    ("kind", ["Түрі", "Вид", "Kind"]),
    ("council", ["Мәслихат", "Маслихат", "Council"]),
    ("revoke", ["Кері қайтарып алу", "Отозвать", "Revoke"]),
    ("revoked", ["кері қайтарылған", "отозвана", "revoked"]),
    (
        "link_once",
        [
            "Бір реттік кіру сілтемесі (бір рет қана көрсетіледі):",
            "Одноразовая ссылка для входа (показывается один раз):",
            "One-time sign-in link (shown once):",
        ],
    ),
    ("roster", ["Депутаттар құрамы", "Состав депутатов", "Roster"]),
    ("sessions", ["Сессиялар", "Сессии", "Sessions"]),
    ("open_session", ["Сессия жазбасын ашу", "Открыть запись сессии", "Open a session record"]),
    ("session_id", ["Сессия идентификаторы", "Идентификатор сессии", "Session id"]),
    ("add_deputy", ["Депутат қосу", "Добавить депутата", "Add a deputy"]),
    (
        "names_hint",
        [
            "Аты-жөні әр тілде (бос қалдыруға болады)",
            "Имя на каждом языке (можно оставить пустым)",
            "Name in each language (any may stay empty)",
        ],
    ),
    ("mandate_start", ["Өкілеттік басталуы", "Начало полномочий", "Mandate starts"]),
    ("seat_type", ["Орын түрі", "Тип мандата", "Seat type"]),
    ("district", ["Округ", "Округ", "District"]),
    ("nomination", ["Ұсыну", "Выдвижение", "Nomination"]),
    ("party", ["Партия", "Партия", "Party"]),
    ("party_since", ["Партия мүшелігі басталуы", "Членство в партии с", "Party member since"]),
    ("non_partisan", ["партиясыз", "беспартийный", "non-partisan"]),
    ("party_change", ["Партиялық мүшелікті өзгерту", "Смена партийной принадлежности", "Change party membership"]),
    ("on_date", ["Күні", "Дата", "On"]),
    (
        "end_mandate",
        ["Өкілеттікті тоқтату (ауыстыру)", "Прекращение полномочий (замена)", "End a mandate (replacement)"],
    ),
    ("end_reason", ["Себебі", "Причина", "Reason"]),
    ("deputy", ["Депутат", "Депутат", "Deputy"]),
    ("draft", ["Жоба (жарияланбаған)", "Черновик (не опубликован)", "Draft (not published)"]),
    (
        "draft_note",
        [
            "Жоба тек серверде сақталады: ол жария емес және журналға жазылмайды.",
            "Черновик хранится только на сервере: он не публичен и не записан в журнал.",
            "The draft is kept on the server only: it is not public and not logged.",
        ],
    ),
    ("publish", ["Жариялау", "Опубликовать", "Publish"]),
    ("published", ["Жарияланды: нұсқа", "Опубликовано: версия", "Published: version"]),
    (
        "reason",
        [
            "Түзету себебі (сессия күнінен кейін міндетті)",
            "Причина исправления (обязательна после даты сессии)",
            "Reason for the correction (required after the session date)",
        ],
    ),
    ("violations", ["Жарияланбады. Түзетіңіз:", "Не опубликовано. Исправьте:", "Not published. Please fix:"]),
    (
        "conflict",
        [
            "Осы уақытта басқа нұсқа жарияланды. Жобаны жаңартыңыз.",
            "Тем временем опубликована другая версия. Обновите черновик.",
            "Another version was published meanwhile. Refresh the draft.",
        ],
    ),
    ("session_basics", ["Сессия", "Сессия", "Session"]),
    ("convocation", ["Шақырылым", "Созыв", "Convocation"]),
    ("number", ["Нөмірі", "Номер", "Number"]),
    ("status", ["Мәртебесі", "Статус", "Status"]),
    ("starts", ["Басталуы (Алматы уақыты)", "Начало (время Алматы)", "Starts (Almaty time)"]),
    ("is_open", ["Ашық сессия", "Открытая сессия", "Open session"]),
    ("livestream", ["Тікелей эфир URL", "URL онлайн-трансляции", "Livestream URL"]),
    ("recording", ["Жазба URL", "URL записи", "Recording URL"]),
    ("minutes", ["Хаттама (құжат)", "Протокол (документ)", "Minutes (document)"]),
    ("save", ["Сақтау", "Сохранить", "Save"]),
    ("agenda", ["Күн тәртібі", "Повестка дня", "Agenda"]),
    ("add_item", ["Мәселе қосу", "Добавить вопрос", "Add an item"]),
    ("title", ["Атауы", "Название", "Title"]),
    ("initiator", ["Бастамашы", "Инициатор", "Initiator"]),
    ("result", ["Нәтижесі", "Результат", "Result"]),
    ("documents", ["Құжаттар", "Документы", "Documents"]),
    ("add_document", ["Құжат қосу", "Добавить документ", "Add a document"]),
    ("declared_at", ["Жарияланған уақыты (мәлімделген)", "Время публикации (заявленное)", "Public since (declared)"]),
    ("declared_source", ["Жарияланған жері (URL)", "Где опубликовано (URL)", "Where it was public (URL)"]),
    ("votes", ["Дауыс берулер", "Голосования", "Votes"]),
    (
        "upload_rollcall",
        [
            "Дауыс беру кестесін жүктеу (CSV, XLSX)",
            "Загрузить результаты голосования (CSV, XLSX)",
            "Upload a roll call (CSV, XLSX)",
        ],
    ),
    ("motion", ["Ұсыныс", "Предложение", "Motion"]),
    ("file", ["Файл", "Файл", "File"]),
    (
        "review",
        [
            "Тексеру: атауларды құраммен салыстыру",
            "Проверка: сопоставление имён с составом",
            "Review: names matched against the roster",
        ],
    ),
    (
        "review_note",
        [
            "Ештеңе сақталған жоқ. Әр белгісіз атау үшін депутатты таңдаңыз.",
            "Ничего не сохранено. Выберите депутата для каждого несопоставленного имени.",
            "Nothing is saved yet. Choose the deputy for each name that did not match.",
        ],
    ),
    ("matched", ["сәйкес", "сопоставлено", "matched"]),
    ("unmatched", ["табылмады", "не найдено", "not found"]),
    ("ambiguous", ["бірнеше сәйкестік", "несколько совпадений", "ambiguous"]),
    ("choose", ["— таңдаңыз —", "— выберите —", "— choose —"]),
    ("confirm", ["Растау", "Подтвердить", "Confirm"]),
    ("discard", ["Бас тарту", "Отменить", "Discard"]),
    ("speeches", ["Сөйлеген сөздер", "Выступления", "Speeches"]),
    ("public_page", ["Жарияланған бет", "Опубликованная страница", "Published page"]),
    (
        "preview_note",
        [
            "Жоба әлі жарияланбаған: азаматтар оны жариялағаннан кейін ғана көреді.",
            "Черновик ещё не опубликован: граждане увидят его только после публикации.",
            "This draft is not published: citizens see it only once you publish it.",
        ],
    ),
    ("back_to_draft", ["Жобаға оралу", "Вернуться к черновику", "Back to the draft"]),
    (
        "preview_witnessed",
        [
            "Қазір жарияланса, уақыттар сервер тіркеген уақыт болады (отырыс әлі басталмаған).",
            "При публикации сейчас время будет зафиксировано сервером (заседание ещё не началось).",
            "Published now, its times are the ones the server witnesses (the session has not started).",
        ],
    ),
    (
        "preview_backfilled",
        [
            "Отырыс басталғаннан кейін жарияланған жазба: құрамдастар мәлімделген уақыттардан есептеледі.",
            "Запись публикуется после начала заседания: компоненты считаются по заявленному времени.",
            "Published after the session began, the record is backfilled: components use the declared times.",
        ],
    ),
    (
        "preview_not_held",
        [
            "Ашықтық тек өткен отырыстар үшін есептеледі (мәртебесі «өтті»).",
            "Открытость считается только для состоявшихся заседаний (статус «состоялось»).",
            "Openness is scored only for held sessions (status held).",
        ],
    ),
    ("coverage", ["қамту", "охват", "coverage"]),
    ("speaker_name", ["Депутат емес сөйлеуші", "Выступающий (не депутат)", "Speaker (not a deputy)"]),
    ("speaker_role", ["Кім ретінде", "В качестве", "Speaking as"]),
    ("speech_type", ["Сөз түрі", "Вид выступления", "Kind of speech"]),
    ("duration", ["Ұзақтығы (м:сс)", "Длительность (м:сс)", "Duration (m:ss)"]),
    ("speech_text", ["Мәтіні", "Текст", "Text"]),
    ("add_speech", ["Сөз сөйлеуді қосу", "Добавить выступление", "Add speech"]),
    ("preview", ["Азаматтар бетінде не көрінеді", "Что увидят граждане", "What citizens will see"]),
    (
        "refused",
        [
            "Файл қабылданбады, ештеңе сақталмады:",
            "Файл отклонён, ничего не сохранено:",
            "File refused, nothing stored:",
        ],
    ),
    ("rule_not_a_spreadsheet", ["бұл кесте емес", "это не таблица", "this is not a spreadsheet"]),
    ("rule_too_large", ["файл тым үлкен", "файл слишком большой", "the file is too large"]),
    (
        "rule_formula",
        [
            "кестеде формула бар; мәндерді ғана сақтаңыз",
            "в таблице есть формула; сохраните только значения",
            "the table holds a formula; save values only",
        ],
    ),
    ("rule_unknown_option", ["белгісіз дауыс сөзі", "неизвестный вариант голоса", "unknown vote word"]),
    (
        "rule_duplicate_deputy",
        ["бір депутат екі рет аталған", "депутат указан дважды", "the same deputy appears twice"],
    ),
    ("rule_empty", ["кестеде жол жоқ", "в таблице нет строк", "the table has no rows"]),
    ("rule_required", ["міндетті өріс", "обязательное поле", "required"]),
    (
        "rule_reason_required",
        [
            "сессия күнінен кейінгі өзгерістің себебін жазыңыз",
            "укажите причину изменения после даты сессии",
            "give the reason for a change after the session date",
        ],
    ),
    ("rule_url", ["http(s) сілтемесі болуы керек", "должна быть ссылка http(s)", "must be an http(s) link"]),
    ("rule_date_order", ["күндер ретімен емес", "даты не по порядку", "dates are out of order"]),
    ("rule_date", ["күн дұрыс емес", "неверная дата", "not a valid date"]),
    ("rule_shape", ["жобаның пішіні дұрыс емес", "неверная структура черновика", "the draft has the wrong shape"]),
    (
        "rule_missing_ballot",
        [
            "осы күні өкілеттігі бар депутаттың бюллетені жоқ",
            "нет бюллетеня депутата, имеющего полномочия в этот день",
            "a deputy serving that day has no ballot",
        ],
    ),
    (
        "rule_not_serving",
        [
            "депутаттың осы күні өкілеттігі жоқ",
            "у депутата нет полномочий в этот день",
            "the deputy does not serve on that day",
        ],
    ),
    (
        "rule_unknown_convocation",
        ["мәслихатта мұндай шақырылым жоқ", "у маслихата нет такого созыва", "the council has no such convocation"],
    ),
    ("rule_unknown_party", ["мұндай партия жоқ", "такой партии нет", "no such party"]),
    ("rule_text_length", ["мәтін тым ұзын", "текст слишком длинный", "the text is too long"]),
    ("rule_empty_text", ["бос болмауы керек", "не может быть пустым", "must not be empty"]),
    (
        "open_record",
        ["Жария дереккөздерден жазба ашу", "Открыть запись по открытым источникам", "Open a public-sources record"],
    ),
    ("record_id", ["Жазба идентификаторы", "Идентификатор записи", "Record id"]),
    ("public_record", ["Жария дереккөздерден жазба", "Запись по открытым источникам", "Public-sources record"]),
    ("level", ["Деңгейі", "Уровень", "Level"]),
    ("source_url", ["Дереккөз (URL)", "Источник (URL)", "Source (URL)"]),
    ("notice", ["Хабарландыру", "Извещение", "Notice"]),
    (
        "rule_listed_source",
        [
            "әр дереккөз /sources тізімінде болуы керек",
            "каждый источник должен быть в списке /sources",
            "every cited source must be listed in /sources",
        ],
    ),
];

#[cfg(test)]
mod tests {
    /// Every key the workspace's pages ask for has its three translations.
    #[test]
    fn every_key_the_pages_use_is_translated() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/workspace");
        let mut missing = Vec::new();
        for f in ["mod.rs", "forms.rs", "monitor.rs", "preview.rs"] {
            let text = std::fs::read_to_string(format!("{dir}/{f}")).expect("source");
            let parts = ["t(l, \"", "t(ctx.lang, \""].into_iter().flat_map(|n| text.split(n).skip(1));
            for part in parts {
                let key = part.split('"').next().unwrap_or_default();
                if !super::TEXT.iter().any(|(k, _)| *k == key) {
                    missing.push(format!("{f}: {key}"));
                }
            }
        }
        assert!(missing.is_empty(), "untranslated: {missing:?}");
    }
}

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
    // Rule messages: the API's stable rule names, explained (a test lists every rule).
    (
        "rule_allowed_values",
        [
            "рұқсат етілген мәндердің бірі болуы керек",
            "должно быть одним из допустимых значений",
            "must be one of the allowed values",
        ],
    ),
    (
        "rule_ballot_for_every_deputy",
        [
            "атаулы дауыс беруде сол күні қызметтегі әр депутаттың бюллетені болуы керек",
            "в поимённом голосовании нужен бюллетень каждого депутата, работающего в этот день",
            "a named vote has a ballot for every deputy serving that day",
        ],
    ),
    (
        "rule_count_range",
        [
            "дауыс саны рұқсат етілген шектен тыс",
            "число голосов вне допустимых пределов",
            "a vote count is out of range",
        ],
    ),
    (
        "rule_counts_match_ballots",
        [
            "дауыс саны бюллетеньдердің қорытындысымен сәйкес емес",
            "итоги не совпадают с подсчётом бюллетеней",
            "the counts differ from the tally of the ballots",
        ],
    ),
    (
        "rule_date_order",
        [
            "аяқталу күні басталу күнінен бұрын",
            "дата окончания раньше даты начала",
            "the end date is before the start date",
        ],
    ),
    (
        "rule_date_range",
        [
            "күн 1990 және 2100 жылдар аралығында болуы керек",
            "дата должна быть между 1990 и 2100 годами",
            "dates fall between 1990 and 2100",
        ],
    ),
    ("rule_duplicate_key", ["бір өріс екі рет берілген", "поле указано дважды", "a field is given twice"]),
    (
        "rule_http_url",
        [
            "толық http:// немесе https:// сілтемесі болуы керек",
            "должна быть полная ссылка http:// или https://",
            "must be an absolute http:// or https:// link",
        ],
    ),
    (
        "rule_id_format",
        [
            "идентификатор: 1–64 таңба, a-z, 0-9, «.», «_» немесе «-»",
            "идентификатор: 1–64 символа из a-z, 0-9, «.», «_» или «-»",
            "ids are 1 to 64 characters of a-z, 0-9, '.', '_' or '-'",
        ],
    ),
    ("rule_kato_code", ["ҚАТО коды 9 цифрдан тұрады", "код КАТО состоит из 9 цифр", "a KATO code is 9 digits"]),
    (
        "rule_known_agenda_item",
        [
            "мұндай күн тәртібі мәселесі бұл сессияда жоқ",
            "такого вопроса повестки нет в этой сессии",
            "this agenda item is not in the session",
        ],
    ),
    (
        "rule_known_commission",
        ["мұндай комиссия құрамда жоқ", "такой комиссии нет в составе", "this commission is not in the roster"],
    ),
    (
        "rule_known_convocation",
        [
            "мұндай шақырылым бұл мәслихат үшін жарияланбаған",
            "такой созыв не объявлен для этого маслихата",
            "this convocation is not declared for the council",
        ],
    ),
    ("rule_known_council", ["мұндай мәслихат жоқ", "такого маслихата нет", "no such council"]),
    (
        "rule_known_deputy",
        ["мұндай депутат құрамда жоқ", "такого депутата нет в составе", "this deputy is not in the roster"],
    ),
    (
        "rule_known_document",
        ["мұндай құжат жазбада жоқ", "такого документа нет в записи", "this document is not in the record"],
    ),
    ("rule_known_level", ["мәслихат деңгейі белгісіз", "неизвестный уровень маслихата", "unknown council level"]),
    ("rule_known_party", ["мұндай партия жоқ", "такой партии нет", "no such party"]),
    (
        "rule_language_tag",
        [
            "тіл белгісі болуы керек (kk, kk-Latn, ru, en)",
            "должен быть код языка (kk, kk-Latn, ru, en)",
            "must be a language tag (kk, kk-Latn, ru, en)",
        ],
    ),
    (
        "rule_listed_source",
        [
            "әр дереккөз дереккөздер тізімінде болуы керек",
            "каждый источник должен быть в списке источников",
            "every cited source must be listed among the sources",
        ],
    ),
    (
        "rule_livestream_detail",
        [
            "трансляция мәліметтері тек трансляция болғанда беріледі",
            "сведения о трансляции даются только при наличии трансляции",
            "broadcast details need a livestream",
        ],
    ),
    (
        "rule_mandate_required",
        [
            "әр депутаттың кемінде бір мандаты болуы керек",
            "у каждого депутата должен быть хотя бы один мандат",
            "every deputy holds at least one mandate",
        ],
    ),
    ("rule_max_items", ["жазбалар тым көп", "слишком много записей", "too many entries"]),
    ("rule_max_length", ["мәтін тым ұзын", "текст слишком длинный", "the text is too long"]),
    (
        "rule_media_type",
        [
            "файл түрі болуы керек (мысалы, application/pdf)",
            "нужен тип файла (например, application/pdf)",
            "a media type such as application/pdf",
        ],
    ),
    ("rule_minutes_kind", ["бұл құжат хаттама емес", "этот документ не протокол", "this document is not minutes"]),
    (
        "rule_mixed_script",
        [
            "сөзде латын және кирилл әріптері араласқан",
            "в слове смешаны латинские и кириллические буквы",
            "a word mixes Latin and Cyrillic letters",
        ],
    ),
    (
        "rule_needs_end_date",
        [
            "аяқталу себебі аяқталу күнін талап етеді",
            "причине окончания нужна дата окончания",
            "an end reason needs an end date",
        ],
    ),
    (
        "rule_no_national_id",
        ["ЖСН ешқашан жарияланбайды", "ИИН никогда не публикуется", "national id numbers (IIN) are never published"],
    ),
    (
        "rule_no_overlap",
        [
            "бір депутаттың мандаттары қабаттаспауы керек",
            "мандаты одного депутата не должны пересекаться",
            "mandates of one deputy must not overlap",
        ],
    ),
    ("rule_non_empty", ["бос болмауы керек", "не может быть пустым", "must not be empty"]),
    (
        "rule_normalized_text",
        [
            "мәтін басы мен соңында бос орынсыз, NFC түрінде болуы керек",
            "текст должен быть без пробелов по краям и в форме NFC",
            "text must be trimmed and in Unicode NFC",
        ],
    ),
    (
        "rule_not_allowed",
        [
            "комиссияны тек комиссиядағы лауазым атайды",
            "комиссию указывает только должность в комиссии",
            "only commission posts name a commission",
        ],
    ),
    (
        "rule_not_self",
        [
            "мәслихат өзінің жоғары тұрған мәслихаты бола алмайды",
            "маслихат не может быть своим вышестоящим",
            "a council cannot be its own parent",
        ],
    ),
    (
        "rule_one_ballot_per_deputy",
        [
            "депутаттың бір ғана бюллетені болады",
            "у депутата может быть только один бюллетень",
            "a deputy has one ballot only",
        ],
    ),
    (
        "rule_one_speaker",
        [
            "депутатты немесе депутат емес сөйлеушіні атаңыз, екеуін бірдей емес",
            "укажите депутата или выступающего не депутата, но не обоих",
            "name a deputy or a non-deputy speaker, not both",
        ],
    ),
    (
        "rule_owned_by_other_council",
        [
            "бұл депутат басқа мәслихатқа тиесілі",
            "этот депутат принадлежит другому маслихату",
            "this deputy belongs to another council",
        ],
    ),
    (
        "rule_owned_by_other_session",
        [
            "бұл идентификатор басқа сессияға тиесілі",
            "этот идентификатор принадлежит другой сессии",
            "this id belongs to another session",
        ],
    ),
    (
        "rule_parent_level",
        [
            "бұл деңгейдегі мәслихаттың жоғары тұрған мәслихаты жоқ",
            "у маслихата этого уровня нет вышестоящего",
            "a council of this level has no parent",
        ],
    ),
    (
        "rule_partial_date",
        [
            "күн ЖЖЖЖ, ЖЖЖЖ-АА немесе ЖЖЖЖ-АА-КК түрінде",
            "дата в виде ГГГГ, ГГГГ-ММ или ГГГГ-ММ-ДД",
            "a date as YYYY, YYYY-MM or YYYY-MM-DD",
        ],
    ),
    (
        "rule_party_list_level",
        [
            "партиялық тізім орындары тек облыс пен республикалық маңызы бар қалада",
            "места по партийным спискам есть только в областях и городах республиканского значения",
            "only oblast and republican-city councils have party-list seats",
        ],
    ),
    (
        "rule_party_list_nomination",
        [
            "партиялық тізім орнын партия ұсынады",
            "место по партийному списку выдвигает партия",
            "party-list seats are nominated by a party",
        ],
    ),
    ("rule_positive", ["нөмір 1-ден басталады", "номер начинается с 1", "numbers start at 1"]),
    (
        "rule_present_within_seats",
        ["қатысқандар орын санынан көп", "присутствующих больше, чем мест", "more present than seats"],
    ),
    (
        "rule_range",
        [
            "мән рұқсат етілген шектен тыс (сөз 6 сағаттан аспайды)",
            "значение вне допустимых пределов (выступление не дольше 6 часов)",
            "out of range (a speech lasts at most 6 hours)",
        ],
    ),
    (
        "rule_reason_required",
        [
            "сессия күнінен кейінгі түзету себебін көрсетіңіз",
            "исправление после даты сессии: укажите причину",
            "a correction after the session date needs a reason",
        ],
    ),
    ("rule_required", ["міндетті өріс", "обязательное поле", "required"]),
    (
        "rule_result_matches_counts",
        [
            "нәтиже дауыс санына сәйкес емес",
            "результат не соответствует итогам голосования",
            "the result does not follow from the counts",
        ],
    ),
    (
        "rule_roman_numeral",
        [
            "шақырылым нөмірі рим цифрымен (мысалы, VIII)",
            "номер созыва римскими цифрами (например, VIII)",
            "convocation numbers are Roman numerals such as VIII",
        ],
    ),
    (
        "rule_seat_cap",
        [
            "орын саны заңды шектен тыс",
            "число мест вне законных пределов",
            "the number of seats is out of the legal range",
        ],
    ),
    (
        "rule_seat_count",
        [
            "орын саны мәслихаттағы орын санынан тыс",
            "число мест вне числа мест маслихата",
            "the seats are out of the council's range",
        ],
    ),
    (
        "rule_seats_exceeded",
        [
            "қызметтегі депутаттар орын санынан көп",
            "работающих депутатов больше, чем мест",
            "more deputies serve than the council has seats",
        ],
    ),
    (
        "rule_secret_has_no_ballots",
        [
            "жасырын дауыс беруде бюллетеньдер жарияланбайды",
            "при тайном голосовании бюллетени не публикуются",
            "a secret vote never carries ballots",
        ],
    ),
    (
        "rule_serving_deputy",
        [
            "бұл депутаттың сол күні мандаты жоқ",
            "у этого депутата нет мандата в этот день",
            "this deputy holds no mandate on that day",
        ],
    ),
    (
        "rule_session_number_range",
        [
            "сессия нөмірі рұқсат етілген шектен тыс",
            "номер сессии вне допустимых пределов",
            "the session number is out of range",
        ],
    ),
    ("rule_shape", ["жобаның құрылымы дұрыс емес", "неверная структура черновика", "the draft has the wrong shape"]),
    (
        "rule_status_consistency",
        [
            "бұл мәртебедегі сессияның нақты уақыты мен дауыс беруі жоқ",
            "у сессии с таким статусом нет фактического времени и голосований",
            "a session with this status has no actual times and no votes",
        ],
    ),
    (
        "rule_stored_ballots",
        [
            "депутаттың жарияланған бюллетеньдері немесе сөздері бар күндерді мандат қамтуы керек",
            "мандат должен охватывать даты, на которые у депутата есть опубликованные бюллетени или выступления",
            "the mandate must cover the dates of the deputy's published ballots and speeches",
        ],
    ),
    (
        "rule_storage_range",
        ["сан сақтауға тым үлкен", "число слишком большое для хранения", "the number is too large to store"],
    ),
    ("rule_type", ["мән түрі дұрыс емес", "неверный тип значения", "the value has the wrong type"]),
    (
        "rule_unanimous_counts",
        [
            "бірауыздан дауыс беруде қарсы және қалыс қалған дауыс жоқ",
            "при единогласном голосовании нет голосов против и воздержавшихся",
            "a unanimous vote has no votes against or abstentions",
        ],
    ),
    ("rule_unique", ["бұл екі рет көрсетілген", "указано дважды", "listed twice"]),
    (
        "rule_unique_position",
        [
            "реттік нөмірлер әртүрлі және 1-ден басталады",
            "порядковые номера различны и начинаются с 1",
            "positions are distinct and start at 1",
        ],
    ),
    (
        "rule_unique_source",
        ["әр дереккөз бір рет көрсетіледі", "каждый источник указывается один раз", "each source is listed once"],
    ),
    ("rule_unknown_field", ["белгісіз өріс", "неизвестное поле", "unknown field"]),
    (
        "rule_within_convocation",
        [
            "күні (мандаттың немесе сессияның) шақырылым мерзімінде болуы керек",
            "дата (мандата или сессии) должна быть в пределах созыва",
            "the date (of a mandate or a session) must fall within the convocation",
        ],
    ),
    ("rule_date", ["күн дұрыс емес", "неверная дата", "not a valid date"]),
    (
        "rule_duplicate_deputy",
        ["бір депутат екі рет аталған", "один депутат указан дважды", "the same deputy appears twice"],
    ),
    (
        "rule_duration",
        [
            "ұзақтығы секундпен, м:сс немесе с:мм:сс түрінде",
            "длительность в секундах, м:сс или ч:мм:сс",
            "a duration in seconds, m:ss or h:mm:ss",
        ],
    ),
    (
        "rule_id",
        [
            "идентификатор: кіші латын әріптері, цифрлар, «.», «_», «-»",
            "идентификатор: строчные латинские буквы, цифры, «.», «_», «-»",
            "an id of lower-case letters, digits, '.', '_' or '-'",
        ],
    ),
    ("rule_text_length", ["мәтін тым ұзын", "текст слишком длинный", "the text is too long"]),
    ("rule_unknown_council", ["мұндай мәслихат жоқ", "такого маслихата нет", "no such council"]),
    ("rule_url", ["http(s) сілтемесі болуы керек", "должна быть ссылка http(s)", "must be an http(s) link"]),
    (
        "rule_not_a_spreadsheet",
        [
            "бұл кесте емес (CSV немесе XLSX)",
            "это не таблица (CSV или XLSX)",
            "this is not a spreadsheet (CSV or XLSX)",
        ],
    ),
    ("rule_too_large", ["файл тым үлкен", "файл слишком большой", "the file is too large"]),
    (
        "rule_formula",
        [
            "кестеде формулалар бар: тек мәндерін жүктеңіз",
            "в таблице есть формулы: загрузите только значения",
            "the spreadsheet has formulas: upload values only",
        ],
    ),
    ("rule_unknown_option", ["белгісіз дауыс сөзі", "неизвестный вариант голоса", "unknown vote word"]),
    ("rule_empty", ["кестеде жол жоқ", "в таблице нет строк", "the table has no rows"]),
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
        "too_many_sign_ins",
        [
            "Кіру әрекеттері тым көп. Сәл күтіп, қайталап көріңіз.",
            "Слишком много попыток входа. Подождите и попробуйте снова.",
            "Too many sign-in attempts. Wait a little and try again.",
        ],
    ),
    ("retry_in", ["Қайталауға дейін:", "Повторить можно через", "You may try again in"]),
    ("seconds", ["секунд", "с", "seconds"]),
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
    (
        "shown_beside",
        [
            "әрқайсысы өз өрісінің жанында көрсетілген",
            "каждое показано рядом с его полем",
            "each is shown beside its field",
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
    (
        "open_record",
        ["Жария дереккөздерден жазба ашу", "Открыть запись по открытым источникам", "Open a public-sources record"],
    ),
    ("record_id", ["Жазба идентификаторы", "Идентификатор записи", "Record id"]),
    ("public_record", ["Жария дереккөздерден жазба", "Запись по открытым источникам", "Public-sources record"]),
    ("level", ["Деңгейі", "Уровень", "Level"]),
    ("source_url", ["Дереккөз (URL)", "Источник (URL)", "Source (URL)"]),
    ("notice", ["Хабарландыру", "Извещение", "Notice"]),
    ("correct", ["Түзету", "Исправить", "Correct"]),
    (
        "correction_note",
        [
            "Жарияланған жазбаны түзету жаңа нұсқа жасайды; себебін жазыңыз, ол нұсқамен бірге сақталады.",
            "Исправление опубликованной записи создаёт новую версию; укажите причину, она сохранится вместе с версией.",
            "Correcting a published record makes a new version; give the reason, which is kept with the version.",
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

    /// The arguments of a call whose `(` is just before `from`, split at top-level commas.
    fn call_args(text: &str, from: usize) -> Vec<String> {
        let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
        let (mut out, mut cur) = (Vec::new(), String::new());
        for c in text[from..].chars() {
            if in_str {
                cur.push(c);
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => in_str = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => {
                    in_str = true;
                    cur.push(c);
                }
                '(' | '[' | '{' => {
                    depth += 1;
                    cur.push(c);
                }
                ')' | ']' | '}' if depth == 0 => break,
                ')' | ']' | '}' => {
                    depth -= 1;
                    cur.push(c);
                }
                ',' if depth == 0 => out.push(std::mem::take(&mut cur).trim().to_owned()),
                _ => cur.push(c),
            }
        }
        out.push(cur.trim().to_owned());
        out
    }

    /// A string literal that can be a rule name (`"serving_deputy"`).
    fn rule_literal(s: &str) -> Option<&str> {
        let inner = s.strip_prefix('"')?.strip_suffix('"')?;
        (!inner.is_empty() && inner.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')).then_some(inner)
    }

    /// Every rule name the sources can report: `v.push(path, "rule", message)`,
    /// `Violation { rule: "rule", … }`, the form errors `("field".into(), "rule".into())`, and the
    /// bare names that `documents::read` and the roll-call refusals return.
    fn rules_in(text: &str, bare: bool) -> Vec<String> {
        let mut out = Vec::new();
        for (at, _) in text.match_indices(".push(") {
            let args = call_args(text, at + 6);
            if args.len() >= 3
                && let Some(r) = rule_literal(&args[1])
            {
                out.push(r.to_owned());
            }
        }
        for part in text.split(" rule: ").skip(1) {
            if let Some(r) = part.split(',').next().and_then(|x| rule_literal(x.trim().trim_end_matches('}').trim())) {
                out.push(r.to_owned());
            }
        }
        for part in text.split(".into(), \"").skip(1) {
            if let Some((r, _)) = part.split_once(".into())")
                && rule_literal(&format!("\"{r}")).is_some()
            {
                out.push(r.trim_end_matches('"').to_owned());
            }
        }
        if bare {
            for line in text.lines() {
                let l = line.trim().trim_end_matches(',');
                let l = l.rsplit("=> ").next().unwrap_or(l);
                if let Some(r) = rule_literal(l) {
                    out.push(r.to_owned());
                }
            }
        }
        out
    }

    /// Every rule the workspace can show (the domain's, the document types', the publication
    /// path's, the importer's, the forms' and the roll-call refusals) has kk, ru and en text.
    #[test]
    fn every_rule_the_workspace_can_show_is_translated() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut todo: Vec<std::path::PathBuf> =
            ["domain", "documents", "store", "interchange/public_records", "service/workspace", "web/workspace"]
                .iter()
                .map(|d| std::path::Path::new(root).join("src").join(d))
                .collect();
        let mut rules = std::collections::BTreeSet::new();
        while let Some(d) = todo.pop() {
            for e in std::fs::read_dir(&d).expect("a source folder") {
                let p = e.expect("an entry").path();
                if p.is_dir() {
                    todo.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).expect("source");
                    // Comments are prose: only code names rules.
                    let text: String =
                        text.lines().filter(|l| !l.trim_start().starts_with("//")).map(|l| format!("{l}\n")).collect();
                    let bare = p.ends_with("documents/read.rs") || p.ends_with("workspace/rollcall.rs");
                    let text =
                        if bare { text.split("#[cfg(test)]").next().unwrap_or_default().to_owned() } else { text };
                    rules.extend(rules_in(&text, bare));
                }
            }
        }
        for r in [
            "serving_deputy",
            "reason_required",
            "one_speaker",
            "listed_source",
            "unknown_field",
            "formula",
            "duration",
        ] {
            assert!(rules.contains(r), "the scan finds {r}: {rules:?}");
        }
        assert!(rules.len() > 60, "{rules:?}");
        let untranslated: Vec<&String> = rules
            .iter()
            .filter(|r| {
                [super::Lang::Kk, super::Lang::Ru, super::Lang::En]
                    .iter()
                    .any(|l| super::rule(*l, r).is_none_or(str::is_empty))
            })
            .collect();
        assert!(untranslated.is_empty(), "rules without kk/ru/en text: {untranslated:?}");
    }
}

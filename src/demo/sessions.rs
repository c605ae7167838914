//! Invented session records: about eight sessions a year per council (times the scale), with
//! agendas, documents, named and show-of-hands votes whose ballots cover every deputy serving that
//! day, and speeches by deputies, the chairman and the akim. Every record satisfies the rules of
//! `domain::session`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Utc, Weekday};

use super::people::person;
use super::rng::Rng;
use super::roster::{NoticeStyle, Profile, term_start};
use crate::domain::council::Council;
use crate::domain::enums::{
    BallotOption, DocumentKind, Initiator, ItemResult, MajorityRule, SessionKind, SessionStatus, SpeakerRole,
    SpeechType, VoteMethod, VoteResult, VoteStage,
};
use crate::domain::roster::{Deputy, Roster};
use crate::domain::session::{
    AgendaItem, Ballot, Counts, DeclaredNotice, Document, SessionRecord, Speech, VoteEvent, passes,
};

/// Where invented files and pages live: the reserved `.invalid` domain, so no link can ever
/// resolve to something real.
pub const DEMO_HOST: &str = "https://demo.maslikhat.invalid";

/// What kind of item, which decides its initiator, documents and whether it is voted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Topic {
    /// The next year's budget (December).
    Budget,
    /// Amendments to this year's budget.
    BudgetChange,
    /// The akim's report on last year's budget (spring).
    BudgetReport,
    /// Rules adopted on the akimat's proposal.
    Rules,
    /// A commission's or the audit commission's report: noted, not voted.
    Report,
    /// The council's own business (work plan, commissions).
    Internal,
    /// Naming streets, on deputies' or residents' initiative.
    Naming,
}

/// Topics with their titles (kk, ru); `{y}` is the year concerned.
const TOPICS: [(Topic, &str, &str); 12] = [
    (
        Topic::BudgetChange,
        "{y} жылға арналған бюджетке өзгерістер енгізу туралы",
        "О внесении изменений в бюджет на {y} год",
    ),
    (Topic::Rules, "Абаттандыру қағидаларын бекіту туралы", "Об утверждении правил благоустройства территории"),
    (
        Topic::Rules,
        "Жер салығының базалық мөлшерлемелерін түзету туралы",
        "О корректировке базовых ставок земельного налога",
    ),
    (
        Topic::Rules,
        "Әлеуметтік көмек көрсету қағидаларын бекіту туралы",
        "Об утверждении правил оказания социальной помощи",
    ),
    (Topic::Rules, "Коммуналдық қалдықтарды жинау тарифтері туралы", "О тарифах на сбор и вывоз коммунальных отходов"),
    (Topic::Rules, "Жайылымдарды басқару жоспарын бекіту туралы", "Об утверждении плана по управлению пастбищами"),
    (
        Topic::Rules,
        "Әлеуметтік сала мамандарына көтерме жәрдемақы беру туралы",
        "О предоставлении подъёмного пособия специалистам социальной сферы",
    ),
    (Topic::Report, "Тұрақты комиссияның жұмысы туралы есеп", "Отчёт о работе постоянной комиссии"),
    (Topic::Report, "Тексеру комиссиясының есебі", "Отчёт ревизионной комиссии"),
    (Topic::Internal, "Мәслихаттың {y} жылға арналған жұмыс жоспары туралы", "О плане работы маслихата на {y} год"),
    (Topic::Naming, "Көшелерге атау беру туралы", "О присвоении наименований улицам"),
    (Topic::Rules, "Қоғамдық тәртіпті сақтау қағидалары туралы", "О правилах соблюдения общественного порядка"),
];

struct Item {
    topic: Topic,
    kk: String,
    ru: String,
}

fn item(topic: Topic, kk: &str, ru: &str, year: i32) -> Item {
    Item { topic, kk: kk.replace("{y}", &year.to_string()), ru: ru.replace("{y}", &year.to_string()) }
}

/// 10:00 in Kazakhstan (UTC+5) on `date`.
fn at_ten(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(5, 0, 0).unwrap_or_default().and_utc()
}

fn weekday(mut d: NaiveDate) -> NaiveDate {
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d = d.checked_add_days(Days::new(1)).unwrap_or(d);
    }
    d
}

/// The session dates of a council: the constituent session a few days after the election, then
/// `8 × scale` a year (with jitter) until `until`, then one upcoming session if `upcoming`.
fn schedule(rng: &mut Rng, scale: u32, until: NaiveDate, upcoming: bool) -> Vec<NaiveDate> {
    let start = term_start();
    let mut dates = vec![weekday(start.checked_add_days(Days::new(rng.range(6, 12).into())).unwrap_or(start))];
    let per_year = 8.0 * f64::from(scale.max(1));
    let step = 365.0 / per_year;
    let mut t = 0.0f64;
    loop {
        t += step * rng.between(0.6, 1.4);
        let Some(d) = dates[0].checked_add_days(Days::new(t as u64)) else { break };
        let d = weekday(d);
        if d > until {
            if upcoming {
                dates.push(d);
            }
            break;
        }
        if dates.last().is_none_or(|l| d > *l) {
            dates.push(d);
        }
    }
    dates
}

fn hex(rng: &mut Rng) -> String {
    let mut s = String::with_capacity(64);
    for _ in 0..4 {
        let _ = write!(s, "{:016x}", rng.next_u64());
    }
    s
}

fn tr(kk: &str, ru: &str) -> BTreeMap<String, String> {
    [("kk".to_owned(), kk.to_owned()), ("ru".to_owned(), ru.to_owned())].into()
}

/// Everything a council's sessions need to know about it.
pub struct CouncilContext<'a> {
    /// The council id.
    pub id: &'a str,
    /// The council document.
    pub council: &'a Council,
    /// Its roster.
    pub roster: &'a Roster,
    /// Its behaviour.
    pub profile: &'a Profile,
    /// The place name in Russian.
    pub place_ru: &'a str,
}

/// Every session record of a council, with its id.
pub fn sessions(
    seed: u64,
    ctx: &CouncilContext<'_>,
    scale: u32,
    until: NaiveDate,
    upcoming: bool,
) -> Vec<(String, SessionRecord)> {
    let mut rng = Rng::derive(seed, &format!("{}/schedule", ctx.id));
    let dates = schedule(&mut rng, scale, until, upcoming);
    let akim = person(&mut rng, 0.1, 0.0);
    let akim_name = akim.full.get("ru").cloned().unwrap_or_default();
    let deputy_akim = person(&mut rng, 0.15, 0.0).full.get("ru").cloned().unwrap_or_default();
    let chairman = ctx.roster.roles.iter().find(|r| r.role == crate::domain::enums::RoleKind::Chairman);
    let chairman = chairman.map(|r| r.deputy.clone());
    let mut out = Vec::with_capacity(dates.len());
    for (i, date) in dates.iter().enumerate() {
        let number = i as u32 + 1;
        let id = format!("{}-s{number:03}", ctx.id);
        let mut srng = Rng::derive(seed, &id);
        let future = *date > until;
        let people = People { akim: &akim_name, deputy_akim: &deputy_akim, chairman: chairman.as_deref() };
        out.push((id.clone(), session(&mut srng, ctx, &id, number, *date, future, &people)));
    }
    out
}

struct People<'a> {
    akim: &'a str,
    deputy_akim: &'a str,
    chairman: Option<&'a str>,
}

fn agenda_topics(rng: &mut Rng, number: u32, date: NaiveDate, kind: SessionKind) -> Vec<Item> {
    let y = date.year();
    if number == 1 {
        return vec![
            item(Topic::Internal, "Мәслихат төрағасын сайлау туралы", "Об избрании председателя маслихата", y),
            item(Topic::Internal, "Тұрақты комиссияларды құру туралы", "Об образовании постоянных комиссий", y),
        ];
    }
    let mut items = vec![];
    if date.month() == 12 && kind == SessionKind::Regular {
        items.push(item(Topic::Budget, "{y} жылға арналған бюджет туралы", "О бюджете на {y} год", y + 1));
    }
    if (4..=5).contains(&date.month()) && kind == SessionKind::Regular {
        items.push(item(
            Topic::BudgetReport,
            "Әкімнің {y} жылғы бюджеттің атқарылуы туралы есебі",
            "Отчёт акима об исполнении бюджета за {y} год",
            y - 1,
        ));
    }
    let n = if kind == SessionKind::Extraordinary { rng.range(1, 2) } else { rng.range(3, 7) } as usize;
    let mut pool: Vec<usize> = (0..TOPICS.len()).collect();
    rng.shuffle(&mut pool);
    for t in pool.into_iter().take(n.saturating_sub(items.len()).max(1)) {
        let (topic, kk, ru) = TOPICS[t];
        items.push(item(topic, kk, ru, y));
    }
    items
}

#[expect(
    clippy::too_many_lines,
    reason = "one demo session told in the order it happens: agenda, documents, votes, speeches, minutes"
)]
fn session(
    rng: &mut Rng,
    ctx: &CouncilContext<'_>,
    id: &str,
    number: u32,
    date: NaiveDate,
    future: bool,
    people: &People<'_>,
) -> SessionRecord {
    let p = ctx.profile;
    let kind = if number == 1 {
        SessionKind::Constituent
    } else if rng.chance(0.15) {
        SessionKind::Extraordinary
    } else {
        SessionKind::Regular
    };
    let status = if future {
        SessionStatus::Planned
    } else if number > 1 && rng.chance(0.015) {
        SessionStatus::Postponed
    } else {
        SessionStatus::Held
    };
    let held = status == SessionStatus::Held;
    let start = at_ten(date);
    let is_open = number == 1 || rng.chance(p.open);
    let lead = match p.notice {
        _ if kind == SessionKind::Extraordinary => Some(rng.range(1, 3)),
        NoticeStyle::Early => Some(rng.range(10, 20)),
        NoticeStyle::Late => Some(rng.range(1, 4)),
        NoticeStyle::Mixed => Some(rng.range(2, 14)),
        NoticeStyle::Never => None,
    };
    let declared_notice = lead.filter(|_| rng.chance(0.92)).map(|d| DeclaredNotice {
        published_at: start - Duration::days(i64::from(d)) - Duration::hours(rng.range(0, 6).into()),
        source_url: format!("{DEMO_HOST}/{}/notices/{id}", ctx.id),
    });
    let actual_start = held.then(|| start + Duration::minutes(rng.range(0, 20).into()));
    let actual_end = actual_start.map(|s| s + Duration::minutes(rng.range(50, 240).into()));
    let serving: Vec<&Deputy> = ctx.roster.deputies.iter().filter(|d| d.serves_on(date)).collect();

    let mut record = SessionRecord {
        convocation: "VIII".into(),
        number,
        kind,
        status,
        scheduled_start: start,
        scheduled_end: Some(start + Duration::hours(4)),
        actual_start,
        actual_end,
        place: Some(format!("Зал сессий маслихата, {}", ctx.place_ru)),
        is_open,
        livestream_url: (p.livestream && is_open).then(|| format!("{DEMO_HOST}/{}/live/{id}", ctx.id)),
        recording_url: (held && is_open && rng.chance(p.recording))
            .then(|| format!("{DEMO_HOST}/{}/video/{id}.mp4", ctx.id)),
        minutes_document: None,
        declared_notice,
        agenda: vec![],
        documents: vec![],
        vote_events: vec![],
        speeches: vec![],
    };
    let doc_url = |doc: &str| format!("{DEMO_HOST}/{}/{id}/{doc}.pdf", ctx.id);
    let doc = |r: &mut SessionRecord, rng: &mut Rng, item: Option<&str>, kind: DocumentKind, title: String| {
        let n = r.documents.len() + 1;
        let did = format!("{id}-doc{n}");
        r.documents.push(Document {
            id: did.clone(),
            agenda_item: item.map(str::to_owned),
            kind,
            title,
            media_type: "application/pdf".into(),
            url: doc_url(&did),
            sha256: Some(hex(rng)),
            language: if rng.chance(0.5) { "kk" } else { "ru" }.into(),
            text: None,
            declared_public: None,
        });
        did
    };
    doc(&mut record, rng, None, DocumentKind::Agenda, format!("Повестка дня {number}-й сессии"));

    let chair_speaks = |r: &mut SessionRecord, item: Option<String>, t: SpeechType, secs: u32| {
        if let Some(c) = people.chairman.filter(|c| serving.iter().any(|d| d.id == *c)) {
            let n = r.speeches.len() + 1;
            r.speeches.push(Speech {
                id: format!("{id}-sp{n}"),
                agenda_item: item,
                deputy: Some(c.to_owned()),
                speaker_name: None,
                speaker_role: SpeakerRole::Chair,
                speech_type: t,
                language: "kk".into(),
                seconds: Some(secs),
                text: None,
            });
        }
    };
    if held {
        chair_speaks(&mut record, None, SpeechType::Procedural, rng.range(60, 300));
    }

    let topics = agenda_topics(rng, number, date, kind);
    let mut amended_any = false;
    for (i, it) in topics.iter().enumerate() {
        let aid = format!("{id}-a{}", i + 1);
        let voted = it.topic != Topic::Report;
        let initiator = match it.topic {
            Topic::Budget | Topic::BudgetChange | Topic::BudgetReport | Topic::Rules => Initiator::Akimat,
            Topic::Report => Initiator::Commission,
            Topic::Internal => Initiator::Chairman,
            Topic::Naming => *rng.pick(&[Initiator::Deputy, Initiator::Akimat, Initiator::Other]),
        };
        record.agenda.push(AgendaItem {
            id: aid.clone(),
            position: i as u32 + 1,
            number_label: Some((i + 1).to_string()),
            titles: tr(&it.kk, &it.ru),
            initiator,
            is_open: is_open && (number == 1 || rng.chance(0.97)),
            result: None,
        });
        if voted {
            doc(&mut record, rng, Some(&aid), DocumentKind::DraftDecision, format!("Проект решения: {}", it.ru));
            if rng.chance(0.4) {
                doc(
                    &mut record,
                    rng,
                    Some(&aid),
                    DocumentKind::ExplanatoryNote,
                    format!("Пояснительная записка: {}", it.ru),
                );
            }
        }
        if !held {
            continue;
        }
        // Who reports: the akimat's deputy akim on its items, otherwise a deputy.
        let speech = |r: &mut SessionRecord,
                      rng: &mut Rng,
                      deputy: Option<&str>,
                      name: Option<&str>,
                      role: SpeakerRole,
                      t: SpeechType| {
            let n = r.speeches.len() + 1;
            r.speeches.push(Speech {
                id: format!("{id}-sp{n}"),
                agenda_item: Some(aid.clone()),
                deputy: deputy.map(str::to_owned),
                speaker_name: name.map(str::to_owned),
                speaker_role: role,
                speech_type: t,
                language: if rng.chance(0.6) { "kk" } else { "ru" }.into(),
                seconds: Some(match t {
                    SpeechType::Report => rng.range(300, 1200),
                    SpeechType::Question | SpeechType::Procedural => rng.range(30, 180),
                    _ => rng.range(60, 600),
                }),
                text: None,
            });
        };
        chair_speaks(&mut record, Some(aid.clone()), SpeechType::Procedural, rng.range(20, 90));
        match initiator {
            Initiator::Akimat => {
                let who = if it.topic == Topic::BudgetReport { people.akim } else { people.deputy_akim };
                speech(&mut record, rng, None, Some(who), SpeakerRole::Executive, SpeechType::Report);
            }
            _ if !serving.is_empty() => {
                let d = serving[rng.below(serving.len())].id.as_str();
                speech(&mut record, rng, Some(d), None, SpeakerRole::Rapporteur, SpeechType::Report);
            }
            _ => {}
        }
        let exchanges = (p.debate * rng.between(0.0, 2.0)).round() as u32;
        for _ in 0..exchanges {
            if serving.is_empty() {
                break;
            }
            let d = serving[rng.below(serving.len())].id.as_str();
            if initiator == Initiator::Akimat && rng.chance(0.6) {
                speech(&mut record, rng, Some(d), None, SpeakerRole::Deputy, SpeechType::Question);
                speech(&mut record, rng, None, Some(people.deputy_akim), SpeakerRole::Executive, SpeechType::Answer);
            } else {
                speech(&mut record, rng, Some(d), None, SpeakerRole::Deputy, SpeechType::Speech);
            }
        }
        if !voted {
            record.agenda[i].result = Some(ItemResult::Noted);
            continue;
        }
        // A contentious item raises dissent above the council's base rate.
        let heat = rng.between(0.0, 2.5) * if it.topic == Topic::Budget { 1.5 } else { 1.0 };
        let mut amended = false;
        if p.dissent > 0.05 && rng.chance(0.3) {
            let e = vote(
                rng,
                ctx,
                &serving,
                date,
                &aid,
                format!("{id}-v{}", record.vote_events.len() + 1),
                heat * 2.0,
                true,
            );
            amended = e.result == VoteResult::Pass;
            record.vote_events.push(e);
        }
        let e = vote(rng, ctx, &serving, date, &aid, format!("{id}-v{}", record.vote_events.len() + 1), heat, false);
        let passed = e.result == VoteResult::Pass;
        record.vote_events.push(e);
        record.agenda[i].result = Some(match (passed, amended) {
            (true, true) => ItemResult::AdoptedAmended,
            (true, false) => ItemResult::Adopted,
            (false, _) => ItemResult::Rejected,
        });
        amended_any |= amended;
        if passed {
            doc(&mut record, rng, Some(&aid), DocumentKind::Decision, format!("Решение: {}", it.ru));
        }
    }
    if held && rng.chance(0.3) {
        // The akim's word at the end of the session.
        let n = record.speeches.len() + 1;
        record.speeches.push(Speech {
            id: format!("{id}-sp{n}"),
            agenda_item: None,
            deputy: None,
            speaker_name: Some(people.akim.to_owned()),
            speaker_role: SpeakerRole::Executive,
            speech_type: SpeechType::Speech,
            language: "kk".into(),
            seconds: Some(rng.range(120, 900)),
            text: None,
        });
    }
    if held && rng.chance(p.minutes) {
        let title = if amended_any {
            "Протокол сессии (с поправками)"
        } else {
            "Протокол сессии"
        };
        let m = doc(&mut record, rng, None, DocumentKind::Minutes, format!("{title} №{number}"));
        record.minutes_document = Some(m);
    }
    record
}

/// One vote on `item` by the deputies serving that day. Named votes carry a ballot for every one
/// of them; show-of-hands votes only the counts. The stated result always follows the counts.
#[expect(
    clippy::too_many_arguments,
    reason = "the demo generator threads its random source, context and the vote's parts through one call"
)]
fn vote(
    rng: &mut Rng,
    ctx: &CouncilContext<'_>,
    serving: &[&Deputy],
    date: NaiveDate,
    item: &str,
    id: String,
    heat: f64,
    amendment: bool,
) -> VoteEvent {
    let p = ctx.profile;
    let named = rng.chance(p.named);
    let method = match (named, p.electronic) {
        (true, true) => VoteMethod::Electronic,
        (true, false) => VoteMethod::RollCall,
        (false, _) => VoteMethod::ShowOfHands,
    };
    let ballots: Vec<Ballot> = serving
        .iter()
        .map(|d| {
            let option = if !rng.chance(p.attendance) {
                if rng.chance(0.6) { BallotOption::Excused } else { BallotOption::Absent }
            } else {
                let mut dissent = p.dissent * heat;
                if d.party_on(date).is_none() {
                    dissent *= p.nonpartisan_factor;
                }
                let x = rng.unit();
                if x < dissent * 0.6 {
                    BallotOption::No
                } else if x < dissent {
                    BallotOption::Abstain
                } else if x < dissent + 0.01 {
                    BallotOption::NotVoting
                } else {
                    BallotOption::Yes
                }
            };
            Ballot { deputy: d.id.clone(), option }
        })
        .collect();
    let counts = Counts::of(&ballots);
    let seats = ctx.council.seats;
    let majority_rule = if amendment { MajorityRule::MajorityOfPresent } else { MajorityRule::MajorityOfSeats };
    let result = if passes(majority_rule, &counts, seats) { VoteResult::Pass } else { VoteResult::Fail };
    let motion = if amendment {
        tr("Түзетуді қабылдау туралы", "О принятии поправки")
    } else {
        tr("Шешімді тұтастай қабылдау туралы", "О принятии решения в целом")
    };
    VoteEvent {
        id,
        agenda_item: item.to_owned(),
        motion,
        stage: if amendment { VoteStage::Amendment } else { VoteStage::AsAWhole },
        method,
        majority_rule,
        seats,
        result,
        counts: Some(counts),
        ballots: if named { ballots } else { vec![] },
    }
}

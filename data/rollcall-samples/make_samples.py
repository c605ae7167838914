#!/usr/bin/env python3
"""Writes the sample roll-call exports (CSV and XLSX, in Kazakh, Russian and English) and the
sample roster they name. Python's standard library only; run from this folder:

    python3 make_samples.py

The 25 deputies are invented (synthetic) names, not real people. The XLSX files are minimal
Office Open XML workbooks (one sheet, inline strings), as voting systems export them.

In `rollcall-ru.xlsx` two names are spelled differently from the roster on purpose, as
exports often are: a typo ("Жумабайев" for "Жумабаев") and a name with the patronymic dropped
and a letter changed ("Сейтказиева Гульнар" for "Сейтқазиева Гүлнар Маратқызы"). The workspace
matches neither by itself and asks the clerk to choose; every other row matches by case, ё/е,
Kazakh letters, word order or initials. `formula.xlsx` holds a formula and must be refused.
"""

import csv
import io
import zipfile
from xml.sax.saxutils import escape

# (kk, ru, en) — invented names.
DEPUTIES = [
    ("Әлиев Нұрлан Серікұлы", "Алиев Нурлан Серикович", "Nurlan Aliyev"),
    ("Жұмабаев Ерлан Қайратұлы", "Жумабаев Ерлан Кайратович", "Yerlan Zhumabayev"),
    ("Сейтқазиева Гүлнар Маратқызы", "Сейтказиева Гульнар Маратовна", "Gulnar Seitkaziyeva"),
    ("Омаров Бауыржан Ділдаұлы", "Омаров Бауыржан Дильдаевич", "Bauyrzhan Omarov"),
    ("Қасымова Айгүл Нұржанқызы", "Касымова Айгуль Нуржановна", "Aigul Kassymova"),
    ("Ермеков Данияр Асқарұлы", "Ермеков Данияр Аскарович", "Daniyar Yermekov"),
    ("Төлеубаева Жанар Саматқызы", "Тулеубаева Жанар Саматовна", "Zhanar Tuleubayeva"),
    ("Ибраев Серік Болатұлы", "Ибраев Серик Болатович", "Serik Ibrayev"),
    ("Нұрпейісова Салтанат Ерланқызы", "Нурпеисова Салтанат Ерлановна", "Saltanat Nurpeissova"),
    ("Бекмұхамбетов Асхат Талғатұлы", "Бекмухамбетов Асхат Талгатович", "Askhat Bekmukhambetov"),
    ("Смағұлова Динара Оразқызы", "Смагулова Динара Оразовна", "Dinara Smagulova"),
    ("Федоров Семён Петрович", "Фёдоров Семён Петрович", "Semyon Fyodorov"),
    ("Мұқанов Арман Жеңісұлы", "Муканов Арман Женисович", "Arman Mukanov"),
    ("Абдуллаева Мадина Рустамқызы", "Абдуллаева Мадина Рустамовна", "Madina Abdullayeva"),
    ("Құдайбергенов Ғалым Әбдірахманұлы", "Кудайбергенов Галым Абдрахманович", "Galym Kudaibergenov"),
    ("Иванова Ольга Николаевна", "Иванова Ольга Николаевна", "Olga Ivanova"),
    ("Тастанов Мейрам Өмірзақұлы", "Тастанов Мейрам Омирзакович", "Meiram Tastanov"),
    ("Жақыпова Әсел Бақытқызы", "Жакыпова Асель Бахытовна", "Assel Zhakypova"),
    ("Рахымжанов Ержан Сәкенұлы", "Рахимжанов Ержан Сакенович", "Yerzhan Rakhimzhanov"),
    ("Бейсенова Ләззат Мұратқызы", "Бейсенова Ляззат Муратовна", "Lyazzat Beissenova"),
    ("Ким Виктор Андреевич", "Ким Виктор Андреевич", "Viktor Kim"),
    ("Сұлтанов Нұрбол Қанатұлы", "Султанов Нурбол Канатович", "Nurbol Sultanov"),
    ("Әбенова Гүлмира Сейітқызы", "Абенова Гульмира Сеитовна", "Gulmira Abenova"),
    ("Оспанов Талғат Жанбырбайұлы", "Оспанов Талгат Жанбырбаевич", "Talgat Ospanov"),
    ("Шәріпов Руслан Ахметұлы", "Шарипов Руслан Ахметович", "Ruslan Sharipov"),
]

# One vote per deputy, by position: yes, no, abstain, not voting.
PATTERN = ["yes"] * 18 + ["no"] * 3 + ["abstain"] * 2 + ["not_voting"] * 2
WORDS = {
    "ru": {"yes": "за", "no": "против", "abstain": "воздержался", "not_voting": "не голосовал"},
    "kk": {"yes": "иә", "no": "жоқ", "abstain": "қалыс қалды", "not_voting": "дауыс бермеді"},
    "en": {"yes": "yes", "no": "no", "abstain": "abstain", "not_voting": "not voting"},
}
HEADERS = {"ru": ("Депутат", "Голос"), "kk": ("Депутат", "Дауыс"), "en": ("Deputy", "Vote")}


def as_written(lang, i, names):
    """The name as a voting system's export writes it: shapes the matcher must fold."""
    kk, ru, en = names
    if lang == "ru":
        if i == 0:
            return "АЛИЕВ НУРЛАН СЕРИКОВИЧ"  # case
        if i == 3:
            return "Омаров Б.Д."  # initials
        if i == 11:
            return "Федоров Семен Петрович"  # ё/е
        if i == 5:
            return "Данияр Ермеков Аскарович"  # word order
        return ru
    if lang == "kk":
        return kk if i != 4 else "Касымова Айгул Нуржанкызы"  # Kazakh letters as Russian look-alikes
    return en


def rows(lang, differently=False):
    out = []
    for i, names in enumerate(DEPUTIES):
        name = as_written(lang, i, names)
        if differently and i == 1:
            name = "Жумабайев Ерлан Кайратович"
        if differently and i == 2:
            name = "Сейтказиева Гульнар"
        out.append((name, WORDS[lang][PATTERN[i]]))
    return out


def write_csv(path, lang, delimiter):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(HEADERS[lang])
    w.writerows(rows(lang))
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def cell(ref, value):
    if isinstance(value, tuple):  # (formula, cached value)
        return f'<c r="{ref}"><f>{escape(value[0])}</f><v>{escape(value[1])}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def write_xlsx(path, table):
    sheet_rows = "".join(
        f'<row r="{r}">' + "".join(cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(table, start=1)
    )
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Roll call" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{sheet_rows}</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 12, 15, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)


def main():
    with open("roster.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kk", "ru", "en"])
        w.writerows(DEPUTIES)
    write_csv("rollcall-ru.csv", "ru", ";")
    write_csv("rollcall-kk.csv", "kk", ",")
    write_csv("rollcall-en.csv", "en", ",")
    for lang in ["ru", "kk", "en"]:
        write_xlsx(f"rollcall-{lang}.xlsx", [HEADERS[lang]] + rows(lang, differently=(lang == "ru")))
    write_xlsx("formula.xlsx", [HEADERS["en"], ("Nurlan Aliyev", ('IF(1=1,"yes","no")', "yes"))])


if __name__ == "__main__":
    main()

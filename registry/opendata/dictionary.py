"""The data dictionary of the open data: the dataset, its resources and every field, each
described in Thai and in English, with the codes an enumerated field may hold.

The descriptions are data published with the files (the dictionary carries both languages
whatever the reader's language), so they are written here in both languages rather than
through the translation catalogue. The labels of the codes are the application's own
labels, read in Thai and in English, so they never drift from what the pages say.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import force_locale

from ..agreements.labels import KIND_LABELS as AGREEMENT_KIND_LABELS
from ..agreements.labels import STATE_LABELS as AGREEMENT_STATE_LABELS
from ..agreements.labels import STATUS_LABELS as AGREEMENT_STATUS_LABELS
from ..agreements.models import AgreementState, AgreementStatus
from ..committees.labels import KIND_LABELS as COMMITTEE_KIND_LABELS
from ..organisations.labels import KIND_LABELS as ORGANISATION_KIND_LABELS
from ..organisations.labels import STATUS_LABELS as ORGANISATION_STATUS_LABELS
from ..proposals.labels import KIND_LABELS as PROPOSAL_KIND_LABELS
from ..proposals.labels import STATUS_LABELS as PROPOSAL_STATUS_LABELS

#: The agreements that are published: signed ones and those terminated after signing.
#: Drafts, texts in review and texts approved but not signed are DGA's working papers.
PUBLISHED_AGREEMENTS = (AgreementStatus.SIGNED, AgreementStatus.TERMINATED)

#: What the dates say of a published agreement (never "not signed").
PUBLISHED_STATES = tuple(
    state for state in AgreementState if state is not AgreementState.NOT_SIGNED
)

#: The field types, as Frictionless Table Schema names them.
INTEGER, STRING, DATE = "integer", "string", "date"


@dataclass(frozen=True)
class Text:
    """A text in Thai and in English."""

    th: str
    en: str

    def __call__(self, lang: str) -> str:
        """The text in a language (Thai unless English is asked for)."""
        return self.en if lang == "en" else self.th

    def as_dict(self) -> dict[str, str]:
        """The text as {"th": ..., "en": ...}."""
        return {"th": self.th, "en": self.en}


@dataclass(frozen=True)
class Code:
    """One value an enumerated field may hold: the stable code and its labels."""

    code: str
    label: Text


@dataclass(frozen=True)
class Field:
    """One field (column) of a resource."""

    name: str
    type: str
    description: Text
    #: Whether every record has a value (otherwise empty in CSV, null in JSON).
    required: bool = False
    #: The enumeration whose codes the field holds, with the application's labels.
    labels: Mapping[enum.Enum, object] | None = None
    #: The codes of that enumeration that can appear (all of them when empty).
    only: tuple[enum.Enum, ...] = ()
    #: A note on the values when they are not an enumeration (a standard, a range ...).
    values_note: Text | None = None

    def codes(self) -> list[Code]:
        """The codes the field may hold, each with its Thai and English label."""
        if self.labels is None:
            return []
        members = self.only or tuple(self.labels)
        return [Code(str(member.value), _both(self.labels[member])) for member in members]


@dataclass(frozen=True)
class Resource:
    """One table of the dataset, published as CSV and as JSON."""

    name: str
    title: Text
    description: Text
    fields: tuple[Field, ...] = field(default_factory=tuple)

    @property
    def field_names(self) -> list[str]:
        """The field names, in the order of the columns."""
        return [f.name for f in self.fields]


def _both(label) -> Text:
    """An application label (lazy string) read in Thai and in English."""
    with force_locale("th"):
        th = str(label)
    with force_locale("en"):
        en = str(label)
    return Text(th, en)


# --- the dataset ---------------------------------------------------------------------------

IDENTIFIER = "dgti-partner-registry"

TITLE = Text("ทะเบียนภาคีเครือข่ายศูนย์ DGTi", "DGTi Partner Registry")

DESCRIPTION = Text(
    "ข้อมูลเปิดจากทะเบียนภาคีเครือข่ายของศูนย์ DGTi สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) "
    "ได้แก่ องค์กรภาคีเครือข่าย บันทึกข้อตกลงความร่วมมือที่ลงนามแล้วพร้อมคู่ภาคีและระยะเวลา"
    "มีผลใช้บังคับ คณะกรรมการและองค์กรที่มีผู้แทนเป็นกรรมการ และข้อเสนอพร้อมสถานะ "
    "ชุดข้อมูลนี้ไม่มีข้อมูลส่วนบุคคล",
    "Open data from the partner registry of the DGTi centres of the Digital Government "
    "Development Agency (Public Organization): partner organisations, signed memoranda with "
    "their parties and periods in force, committees and the organisations represented on "
    "them, and proposals with their status. The dataset holds no personal data.",
)

PUBLISHER = Text(
    "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
    "Digital Government Development Agency (Public Organization)",
)
PUBLISHER_URL = "https://www.dga.or.th"

#: The licence: Creative Commons Attribution 4.0, the open licence the government open-data
#: catalogue (CKAN) offers as "CC-BY-4.0"; reusers credit the publisher.
LICENCE_ID = "CC-BY-4.0"
LICENCE_TITLE = Text(
    "ครีเอทีฟคอมมอนส์ แบบแสดงที่มา 4.0 สากล (CC BY 4.0)",
    "Creative Commons Attribution 4.0 International (CC BY 4.0)",
)
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

#: How often the catalogue copy is refreshed (the files on the site are always current).
UPDATE_FREQUENCY = Text("รายวัน", "Daily")
UPDATE_FREQUENCY_URI = "http://purl.org/cld/freq/daily"

KEYWORDS = (
    Text("ภาคีเครือข่าย", "partners"),
    Text("บันทึกข้อตกลงความร่วมมือ", "memorandum of understanding"),
    Text("คณะกรรมการ", "committees"),
    Text("ข้อเสนอโครงการ", "proposals"),
    Text("รัฐบาลดิจิทัล", "digital government"),
    Text("นวัตกรรม", "innovation"),
)

#: How the files are written: the reader needs these to read them right.
CONVENTIONS = (
    Text(
        "วันที่ทั้งหมดอยู่ในรูปแบบ ISO 8601 (ปปปป-ดด-วว เช่น 2020-08-17) ตามปฏิทินสากล "
        "(คริสต์ศักราช) ไม่ใช่พุทธศักราช",
        "Every date is ISO 8601 (YYYY-MM-DD, for example 2020-08-17) in the Gregorian "
        "calendar (Common Era), not the Buddhist Era.",
    ),
    Text(
        "แฟ้ม CSV เข้ารหัส UTF-8 พร้อม BOM (เพื่อให้ Excel แสดงภาษาไทยได้ถูกต้อง) "
        "คั่นด้วยจุลภาค แถวแรกเป็นชื่อฟิลด์ ค่าว่างหมายถึงไม่มีข้อมูล ซึ่งในแฟ้ม JSON คือ null",
        "CSV files are UTF-8 with a byte-order mark (so Excel shows Thai), comma-separated, "
        "with the field names in the first row. An empty cell means no value; in JSON it "
        "is null.",
    ),
    Text(
        "ฟิลด์ที่เป็นรหัส ใช้รหัสภาษาอังกฤษที่คงที่ ไม่เปลี่ยนตามภาษา "
        "ความหมายภาษาไทยและภาษาอังกฤษของแต่ละรหัสอยู่ในพจนานุกรมข้อมูลนี้",
        "Coded fields hold stable English codes that do not change with the language; "
        "the Thai and English meaning of each code is in this dictionary.",
    ),
    Text(
        "ในแฟ้ม CSV ข้อความที่ขึ้นต้นด้วย = + - หรือ @ มีเครื่องหมาย ' นำหน้า "
        "เพื่อไม่ให้โปรแกรมตารางคำนวณตีความเป็นสูตร ในแฟ้ม JSON ข้อความเป็นไปตามจริง",
        "In CSV, text that begins with = + - or @ is written with a leading apostrophe so "
        "that no spreadsheet runs it as a formula; JSON has the text as it is.",
    ),
    Text(
        "แฟ้ม JSON แต่ละแฟ้มมี resource (ชื่อแฟ้มข้อมูล), as_of (วันที่ที่ใช้คำนวณสถานะ), "
        "count (จำนวนระเบียน) และ records (รายการระเบียน ซึ่งมีฟิลด์เดียวกับแฟ้ม CSV)",
        "Each JSON file holds resource (its name), as_of (the day the states are worked "
        "out for), count (the number of records) and records (the records, with the same "
        "fields as the CSV file).",
    ),
    Text(
        "ชุดข้อมูลนี้ไม่มีข้อมูลส่วนบุคคล: ไม่มีชื่อ อีเมล หรือหมายเลขโทรศัพท์ของผู้ติดต่อ "
        "ผู้ลงนาม พยาน หรือกรรมการ และไม่มีที่อยู่ อีเมล และหมายเลขโทรศัพท์ขององค์กร "
        "(ซึ่งสำหรับสมาคมขนาดเล็กมักเป็นของบุคคล)",
        "The dataset holds no personal data: no names, email addresses or telephone "
        "numbers of contacts, signatories, witnesses or committee members, and no address, "
        "email address or telephone number of an organisation (for a small association "
        "these are often a person's own).",
    ),
)


# --- the resources -------------------------------------------------------------------------


def _id(th: str, en: str) -> Field:
    return Field("id", INTEGER, Text(th, en), required=True)


def _organisation_fields(prefix: str, th: str, en: str) -> tuple[Field, ...]:
    """The organisation a record refers to: its id and its names."""
    return (
        Field(
            f"{prefix}_id",
            INTEGER,
            Text(f"รหัสองค์กร{th} (ฟิลด์ id ในแฟ้ม organisations)",
                 f"The {en} organisation's id (field id of organisations)"),
            required=True,
        ),
        Field(
            f"{prefix}_name_th",
            STRING,
            Text(f"ชื่อภาษาไทยขององค์กร{th}", f"The {en} organisation's name in Thai"),
            required=True,
        ),
        Field(
            f"{prefix}_name_en",
            STRING,
            Text(f"ชื่อภาษาอังกฤษขององค์กร{th} (ว่างได้)",
                 f"The {en} organisation's name in English (may be empty)"),
        ),
    )  # fmt: skip


ORGANISATIONS = Resource(
    "organisations",
    Text("องค์กรภาคีเครือข่าย", "Partner organisations"),
    Text(
        "องค์กรในทะเบียน ได้แก่ สมาคม สภาหรือสหพันธ์ บริษัท มหาวิทยาลัย หน่วยงานของรัฐ "
        "และ สพร. กับศูนย์ DGTi เอง ไม่รวมที่อยู่ อีเมล และหมายเลขโทรศัพท์ขององค์กร "
        "และไม่รวมรายชื่อผู้ติดต่อ",
        "The organisations in the registry: associations, federations and councils, "
        "companies, universities, government agencies, and DGA and its DGTi centres. "
        "Addresses, email addresses and telephone numbers are left out, as are the people.",
    ),
    (
        _id("รหัสองค์กรในทะเบียน ไม่เปลี่ยนแปลง และใช้อ้างอิงจากแฟ้มอื่นในชุดข้อมูลนี้",
            "The organisation's id in the registry: it never changes, and the other "
            "resources refer to it."),
        Field("name_th", STRING, Text("ชื่อเต็มภาษาไทย", "Full name in Thai"), required=True),
        Field("name_en", STRING, Text("ชื่อเต็มภาษาอังกฤษ (ว่างได้)",
                                      "Full name in English (may be empty)")),
        Field("acronym", STRING, Text("ชื่อย่อ เช่น AIAT (ว่างได้)",
                                      "Short name, for example AIAT (may be empty)")),
        Field("kind", STRING, Text("ประเภทขององค์กร", "What sort of body it is"),
              required=True, labels=ORGANISATION_KIND_LABELS),
        Field("status", STRING, Text("สถานะความสัมพันธ์กับ สพร.",
                                     "Where the relationship with DGA stands"),
              required=True, labels=ORGANISATION_STATUS_LABELS),
        Field(
            "registration_number",
            STRING,
            Text("เลขทะเบียนกับนายทะเบียน เช่น เลขทะเบียนสมาคม หรือเลขทะเบียนนิติบุคคล (ว่างได้)",
                 "Registration number with the registrar, for example the association or "
                 "juristic person number (may be empty)"),
        ),
        Field(
            "province_code",
            STRING,
            Text("รหัสจังหวัดที่ตั้งสำนักงานใหญ่ (ว่างได้)",
                 "Code of the province of the head office (may be empty)"),
            values_note=Text(
                "รหัสจังหวัดสองหลักของกรมการปกครอง ตรงกับ ISO 3166-2:TH โดยไม่มี TH- "
                "นำหน้า เช่น 10 คือ กรุงเทพมหานคร",
                "The two-digit province code of the Department of Provincial "
                "Administration, the same as ISO 3166-2:TH without TH-; for example 10 is "
                "Bangkok",
            ),
        ),
        Field("province_name_th", STRING, Text("ชื่อจังหวัดภาษาไทย", "Province name in Thai")),
        Field("province_name_en", STRING,
              Text("ชื่อจังหวัดภาษาอังกฤษ (ตาม ISO 3166-2:TH)",
                   "Province name in English (as ISO 3166-2:TH writes it)")),
        Field("website", STRING, Text("เว็บไซต์ (http หรือ https) ว่างได้",
                                      "Website, an http or https address (may be empty)")),
    ),
)  # fmt: skip

AGREEMENTS = Resource(
    "agreements",
    Text("บันทึกข้อตกลงความร่วมมือ", "Agreements"),
    Text(
        "บันทึกข้อตกลงความร่วมมือ (MOU) และบันทึกข้อตกลง (MOA) ที่ลงนามแล้ว "
        "รวมทั้งที่ยุติก่อนกำหนด ไม่รวมร่างและฉบับที่ยังไม่ได้ลงนาม ไม่รวมชื่อผู้ลงนามและพยาน "
        "คู่ภาคีของแต่ละฉบับอยู่ในแฟ้ม agreement-parties",
        "Memoranda of understanding (MOU) and of agreement (MOA) that have been signed, "
        "including those terminated early. Drafts and texts not yet signed are left out, as "
        "are the names of signatories and witnesses. The parties of each agreement are in "
        "agreement-parties.",
    ),
    (
        _id("รหัสบันทึกข้อตกลงในทะเบียน", "The agreement's id in the registry"),
        Field("reference", STRING, Text("เลขที่บันทึกข้อตกลง", "Reference number"),
              required=True),
        Field("kind", STRING, Text("ประเภทของบันทึกข้อตกลง", "MOU or MOA"), required=True,
              labels=AGREEMENT_KIND_LABELS),
        Field("title_th", STRING, Text("ชื่อเรื่องภาษาไทย", "Title in Thai"), required=True),
        Field("title_en", STRING, Text("ชื่อเรื่องภาษาอังกฤษ (ว่างได้)",
                                       "Title in English (may be empty)")),
        Field("status", STRING, Text("สถานะของเอกสาร", "Status of the document"),
              required=True, labels=AGREEMENT_STATUS_LABELS, only=PUBLISHED_AGREEMENTS),
        Field(
            "state",
            STRING,
            Text("สถานะการมีผลใช้บังคับ ณ วันที่ as_of คำนวณจากวันที่ลงนาม วันเริ่มและวันสิ้นสุด "
                 "(ใกล้สิ้นสุด คือ สิ้นสุดภายใน 90 วัน; อยู่ระหว่างบอกเลิก คือ แจ้งบอกเลิกแล้ว "
                 "ยังมีผลจนถึงวันก่อน terminated_on)",
                 "Whether it is in force on the as_of day, worked out from its dates "
                 "(expiring: it ends within 90 days; terminating: notice of termination given, "
                 "in force until the day before terminated_on)"),
            required=True, labels=AGREEMENT_STATE_LABELS, only=PUBLISHED_STATES,
        ),
        Field("signed_on", DATE, Text("วันที่ลงนาม", "Date of signing")),
        Field("effective_from", DATE,
              Text("วันแรกที่มีผลใช้บังคับ (หากไม่ได้กำหนดไว้ คือวันที่ลงนาม)",
                   "First day in force (the day of signing when none is set)")),
        Field("effective_until", DATE,
              Text("วันสุดท้ายที่มีผลใช้บังคับ ว่างหมายถึงไม่มีกำหนดสิ้นสุด",
                   "Last day in force; empty means open-ended")),
        Field("terminated_on", DATE,
              Text("วันที่การยุติก่อนกำหนดมีผล (เฉพาะฉบับที่บอกเลิกแล้ว อาจเป็นวันข้างหน้า)",
                   "The day an early termination takes effect (terminated and terminating "
                   "agreements only; it may lie ahead)")),
        Field("predecessor_id", INTEGER,
              Text("รหัสบันทึกข้อตกลงฉบับเดิมที่ฉบับนี้ต่ออายุ (ว่างหากไม่มี)",
                   "The id of the agreement this one renews (empty when none)")),
    ),
)  # fmt: skip

AGREEMENT_PARTIES = Resource(
    "agreement-parties",
    Text("คู่ภาคีของบันทึกข้อตกลง", "Parties to the agreements"),
    Text(
        "หนึ่งแถวต่อคู่ภาคีหนึ่งรายของบันทึกข้อตกลงแต่ละฉบับในแฟ้ม agreements "
        "ตามลำดับที่ระบุในบันทึกข้อตกลง เฉพาะองค์กร ไม่มีชื่อผู้ลงนาม",
        "One row per party to each agreement in agreements, in the order the text names "
        "them: the organisation only, never who signed for it.",
    ),
    (
        Field("agreement_id", INTEGER,
              Text("รหัสบันทึกข้อตกลง (ฟิลด์ id ในแฟ้ม agreements)",
                   "The agreement's id (field id of agreements)"), required=True),
        Field("agreement_reference", STRING, Text("เลขที่บันทึกข้อตกลง",
                                                  "The agreement's reference number"),
              required=True),
        Field("position", INTEGER,
              Text("ลำดับของคู่ภาคีในบันทึกข้อตกลง (1 คือฝ่ายที่ระบุเป็นลำดับแรก)",
                   "Order of the party in the text (1 is named first)"), required=True),
        *_organisation_fields("organisation", "ที่เป็นคู่ภาคี", "party"),
    ),
)  # fmt: skip

COMMITTEES = Resource(
    "committees",
    Text("คณะกรรมการ", "Committees"),
    Text(
        "คณะกรรมการร่วม คณะอนุกรรมการ และคณะทำงาน พร้อมอำนาจหน้าที่และคำสั่งแต่งตั้ง "
        "ไม่รวมรายชื่อกรรมการ องค์กรที่มีผู้แทนเป็นกรรมการอยู่ในแฟ้ม committee-organisations",
        "The joint committee, its subcommittees and working groups, with their mandate and "
        "appointment order. Members' names are left out; the organisations represented are "
        "in committee-organisations.",
    ),
    (
        _id("รหัสคณะกรรมการในทะเบียน", "The committee's id in the registry"),
        Field("kind", STRING, Text("ประเภทของคณะกรรมการ", "What sort of committee it is"),
              required=True, labels=COMMITTEE_KIND_LABELS),
        Field("name_th", STRING, Text("ชื่อภาษาไทยตามคำสั่งแต่งตั้ง",
                                      "Name in Thai, as in the appointment order"),
              required=True),
        Field("name_en", STRING, Text("ชื่อภาษาอังกฤษ (ว่างได้)",
                                      "Name in English (may be empty)")),
        Field("parent_id", INTEGER,
              Text("รหัสคณะกรรมการที่คณะนี้ขึ้นตรงต่อ (ว่างสำหรับคณะกรรมการร่วม)",
                   "The id of the committee it reports to (empty for a joint committee)")),
        Field("mandate", STRING, Text("อำนาจหน้าที่", "Powers and duties (mandate)")),
        Field("order_number", STRING, Text("เลขที่คำสั่งแต่งตั้ง",
                                           "Number of the appointment order")),
        Field("order_date", DATE, Text("วันที่ของคำสั่งแต่งตั้ง",
                                       "Date of the appointment order")),
        Field("established_on", DATE, Text("วันที่เริ่มตั้งคณะกรรมการ",
                                           "The day the committee was established"),
              required=True),
        Field("dissolved_on", DATE, Text("วันที่ยุบคณะกรรมการ ว่างหมายถึงยังดำเนินการอยู่",
                                         "The day it was dissolved; empty while it sits")),
    ),
)  # fmt: skip

COMMITTEE_ORGANISATIONS = Resource(
    "committee-organisations",
    Text("องค์กรที่มีผู้แทนในคณะกรรมการ", "Organisations represented on committees"),
    Text(
        "หนึ่งแถวต่อคณะกรรมการหนึ่งคณะและองค์กรหนึ่งองค์กรที่มีผู้แทนดำรงตำแหน่งกรรมการ "
        "ณ วันที่ as_of พร้อมจำนวนที่นั่ง ไม่มีชื่อบุคคล",
        "One row per committee and organisation that holds at least one seat on the as_of "
        "day, with the number of seats; no one's name.",
    ),
    (
        Field("committee_id", INTEGER,
              Text("รหัสคณะกรรมการ (ฟิลด์ id ในแฟ้ม committees)",
                   "The committee's id (field id of committees)"), required=True),
        *_organisation_fields("organisation", "ที่มีผู้แทน", "represented"),
        Field("seats", INTEGER,
              Text("จำนวนที่นั่งที่ผู้แทนขององค์กรดำรงอยู่ ณ วันที่ as_of",
                   "How many seats people sitting for the organisation hold on the as_of day"),
              required=True),
    ),
)  # fmt: skip

PROPOSALS = Resource(
    "proposals",
    Text("ข้อเสนอ", "Proposals"),
    Text(
        "โจทย์ปัญหาจากหน่วยงานของรัฐ ร่างข้อเสนอโครงการ และข้อเสนอแนะ ที่เสนอต่อคณะกรรมการร่วม "
        "เฉพาะชื่อเรื่อง ประเภท หมวด สถานะ องค์กรผู้เสนอ วันที่เสนอ และจำนวนองค์กรที่สนับสนุน "
        "ไม่รวมบทสรุปและรายละเอียด (ซึ่งอาจมีข้อมูลส่วนบุคคล) และไม่รวมผู้ติดต่อ",
        "Problem statements from government agencies, draft projects and recommendations put "
        "to the joint committee: title, kind, category, status, submitting organisation, date "
        "and number of endorsing organisations only. Summaries and details are left out (they "
        "may hold personal data), as is the contact person.",
    ),
    (
        _id("รหัสข้อเสนอในทะเบียน", "The proposal's id in the registry"),
        Field("title", STRING, Text("ชื่อข้อเสนอ ตามที่ผู้เสนอเขียน",
                                    "Title, as the submitter wrote it"), required=True),
        Field("kind", STRING, Text("ประเภทของข้อเสนอ", "What sort of proposal it is"),
              required=True, labels=PROPOSAL_KIND_LABELS),
        Field("category_id", INTEGER, Text("รหัสหมวดของข้อเสนอ", "The category's id"),
              required=True),
        Field("category_code", STRING,
              Text("รหัสคงที่ของหมวด เช่น ai หรือ iot (ว่างสำหรับหมวดที่เพิ่มภายหลัง)",
                   "The category's fixed code, for example ai or iot (empty for categories "
                   "added later)")),
        Field("category_name_th", STRING, Text("ชื่อหมวดภาษาไทย", "Category name in Thai"),
              required=True),
        Field("category_name_en", STRING, Text("ชื่อหมวดภาษาอังกฤษ (ว่างได้)",
                                               "Category name in English (may be empty)")),
        Field("status", STRING, Text("สถานะของข้อเสนอ", "Where the proposal stands"),
              required=True, labels=PROPOSAL_STATUS_LABELS),
        *_organisation_fields("organisation", "ผู้เสนอ", "submitting"),
        Field("submitted_on", DATE, Text("วันที่เสนอ (เวลาประเทศไทย)",
                                         "Date submitted (Thailand time)"), required=True),
        Field("endorsement_count", INTEGER,
              Text("จำนวนองค์กรที่สนับสนุนข้อเสนอ (ไม่นับที่ถอนการสนับสนุนแล้ว)",
                   "How many organisations endorse it (withdrawn endorsements not counted)"),
              required=True),
    ),
)  # fmt: skip

#: Every resource, in the order they are listed.
RESOURCES: tuple[Resource, ...] = (
    ORGANISATIONS,
    AGREEMENTS,
    AGREEMENT_PARTIES,
    COMMITTEES,
    COMMITTEE_ORGANISATIONS,
    PROPOSALS,
)
BY_NAME = {resource.name: resource for resource in RESOURCES}


def as_rows() -> list[dict]:
    """The dictionary as a table: one row per field of every resource."""
    rows = []
    for resource in RESOURCES:
        for f in resource.fields:
            note = f.values_note
            values = "; ".join(f"{c.code} = {c.label.th} / {c.label.en}" for c in f.codes())
            rows.append(
                {
                    "resource": resource.name,
                    "field": f.name,
                    "type": f.type,
                    "required": f.required,
                    "description_th": f.description.th,
                    "description_en": f.description.en,
                    "values": values or (f"{note.th} / {note.en}" if note else ""),
                }
            )
    return rows


def as_document() -> dict:
    """The dictionary as one JSON document: the conventions, then each resource's fields."""
    return {
        "dataset": IDENTIFIER,
        "title": TITLE.as_dict(),
        "conventions": [text.as_dict() for text in CONVENTIONS],
        "resources": [
            {
                "name": resource.name,
                "title": resource.title.as_dict(),
                "description": resource.description.as_dict(),
                "fields": [
                    {
                        "name": f.name,
                        "type": f.type,
                        "required": f.required,
                        "description": f.description.as_dict(),
                        "values": [{"code": c.code, "label": c.label.as_dict()} for c in f.codes()],
                        "values_note": f.values_note.as_dict() if f.values_note else None,
                    }
                    for f in resource.fields
                ],
            }
            for resource in RESOURCES
        ],
    }

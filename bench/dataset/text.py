"""Made-up Thai text for the benchmark data: names, titles, agenda items, resolutions.

Names mix real words of the register's field (สมาคม, ไทย, ปัญญาประดิษฐ์, ไอโอที, ซอฟต์แวร์,
ดิจิทัล, ...) with random syllables built the way Thai syllables are written (leading vowels
before the consonant, marks above and below it), so substring search meets the same text
shapes as in the real register. Every function takes the ``random.Random`` to draw from, so
the same seed gives the same text.
"""

from __future__ import annotations

import random
import string

_CONSONANTS = "กขคงจฉชซญดตถทธนบปผพฟภมยรลวศษสหอฮ"
#: Vowel forms around a consonant C; those in _OPEN take no final consonant.
_VOWELS = ("Cา", "Cิ", "Cี", "Cุ", "Cู", "เC", "แC", "โC", "Cอ", "Cั", "Cื", "Cึ", "ไC", "Cำ", "เCา")
_OPEN = {"ไC", "Cำ", "เCา"}
_FINALS = ("", "", "น", "ม", "ง", "ก", "ด", "บ", "ย", "ว", "ร", "ล", "ต์", "ส์")
_TONES = ("", "", "", "่", "้")

#: Real words of the register's field, so that searches for them find many names.
TOPICS = (
    "ปัญญาประดิษฐ์", "ไอโอที", "ซอฟต์แวร์", "ดิจิทัล", "นวัตกรรม", "เทคโนโลยี", "ข้อมูล",
    "สมองกลฝังตัว", "เมกเกอร์", "สตาร์ทอัพ", "ความปลอดภัยไซเบอร์", "อิเล็กทรอนิกส์",
    "โทรคมนาคม", "เกม", "แอนิเมชัน", "คลาวด์", "บล็อกเชน", "หุ่นยนต์", "อุตสาหกรรม",
    "การค้า", "ผู้ประกอบการ", "วิสาหกิจ", "เกษตร", "การแพทย์", "พลังงาน", "ร่วมลงทุน",
)  # fmt: skip
TOPICS_EN = (
    "Artificial Intelligence", "IoT", "Software", "Digital", "Innovation", "Technology", "Data",
    "Embedded Systems", "Maker", "Startup", "Cybersecurity", "Electronics",
    "Telecommunications", "Game", "Animation", "Cloud", "Blockchain", "Robotics", "Industry",
    "Trade", "Entrepreneurs", "Enterprise", "Agritech", "Medical", "Energy", "Venture Capital",
)  # fmt: skip
TITLES = ("นาย",) * 7 + ("นาง",) * 3 + ("นางสาว",) * 5 + ("ดร.",) * 3 + ("ผศ.ดร.", "รศ.ดร.")
FIRST_NAMES = (
    "สมชาย", "สมศักดิ์", "วิชัย", "สุนทร", "ประเสริฐ", "กมล", "ชัยวัฒน์", "ธนากร", "ปิยะ",
    "สุภาพร", "วิไลวรรณ", "กนกวรรณ", "ศิริพร", "พรทิพย์", "อรุณี", "นภา", "ณัฐพล", "ธีรศักดิ์",
    "จิราพร", "ปัณณวัฒน์", "อภิชาติ", "สุรเชษฐ์", "วรวุฒิ", "พิมพ์ชนก", "ศุภชัย", "กิตติพงษ์",
)  # fmt: skip
LAST_PARTS = ("ใจดี", "รักไทย", "ศรีสุข", "วงศ์", "สวัสดิ์", "แสงทอง", "บุญมา", "ทองดี", "มั่นคง")
POSITIONS = (
    "นายกสมาคม", "อุปนายก", "เลขาธิการ", "เหรัญญิก", "กรรมการ", "ผู้จัดการ",
    "ผู้อำนวยการ", "ประธานกรรมการบริหาร", "นักวิชาการคอมพิวเตอร์", "ผู้ประสานงาน",
)  # fmt: skip
#: Positions of DGA's own staff (who chair and run the committees).
DGA_POSITIONS = (
    "ผู้อำนวยการศูนย์นวัตกรรมดิจิทัล", "รองผู้อำนวยการสำนักงานพัฒนารัฐบาลดิจิทัล",
    "นักวิเคราะห์นวัตกรรมดิจิทัล", "เจ้าหน้าที่ศูนย์นวัตกรรมดิจิทัล", "ผู้เชี่ยวชาญด้านข้อมูล",
    "นักวิชาการคอมพิวเตอร์", "ผู้จัดการโครงการ",
)  # fmt: skip

#: Openings and subjects of proposals, agenda items and agreement titles.
OPENINGS = ("ระบบ", "แพลตฟอร์ม", "โครงการ", "ศูนย์", "การพัฒนา", "เครือข่าย", "แอปพลิเคชัน")
SUBJECTS = (
    "เตือนภัยน้ำท่วม", "ตรวจวัดฝุ่น PM2.5", "บริการประชาชน", "ข้อมูลเปิดภาครัฐ", "สุขภาพชุมชน",
    "การเกษตรแม่นยำ", "การศึกษาออนไลน์", "จัดการขยะ", "การท่องเที่ยว", "ความปลอดภัยทางถนน",
)  # fmt: skip

VENUES = (
    "ห้องประชุม 1 ชั้น 17 อาคารสำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
    "ห้องประชุม 2 ชั้น 17 อาคารสำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
    "ห้องประชุมศูนย์ DGTi มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา",
    "ห้องประชุมใหญ่ ศูนย์ราชการเฉลิมพระเกียรติ อาคารบี",
)
ABSENCE_REASONS = (
    "ติดราชการ", "ติดภารกิจ", "ติดภารกิจเดินทางไปต่างประเทศ", "ลาป่วย", "ติดประชุมอื่น",
)  # fmt: skip
END_REASONS = (
    "ลาออกจากตำแหน่ง", "เกษียณอายุราชการ", "ย้ายไปดำรงตำแหน่งอื่น", "องค์กรเปลี่ยนผู้แทน",
)  # fmt: skip
RESOLUTIONS = {
    "noted": ("ที่ประชุมรับทราบ",),
    "approved": ("ที่ประชุมพิจารณาแล้วมีมติเห็นชอบ", "ที่ประชุมมีมติเห็นชอบตามที่ฝ่ายเลขานุการเสนอ"),
    "approved_with_changes": ("ที่ประชุมมีมติเห็นชอบ โดยให้ปรับปรุงตามข้อสังเกตของที่ประชุม",),
    "rejected": ("ที่ประชุมพิจารณาแล้วมีมติไม่เห็นชอบ",),
    "deferred": ("ที่ประชุมมีมติให้เลื่อนการพิจารณาไปในการประชุมครั้งต่อไป",),
}
ANNOUNCEMENTS = (
    "ความคืบหน้าการดำเนินงานของศูนย์ DGTi", "ผลการประชุมคณะกรรมการพัฒนารัฐบาลดิจิทัล",
    "การแต่งตั้งกรรมการเพิ่มเติม", "กิจกรรมแข่งขันพัฒนานวัตกรรม (Hackathon)",
    "นโยบายรัฐบาลดิจิทัลประจำปี", "สรุปผลการสัมมนาเครือข่ายพันธมิตร",
)  # fmt: skip
ACTIONS = (
    "จัดทำรายละเอียดโครงการและงบประมาณเสนอในการประชุมครั้งต่อไป",
    "ประสานหน่วยงานที่เกี่ยวข้องเพื่อขอข้อมูลเพิ่มเติม",
    "ปรับปรุงร่างข้อเสนอแนะตามข้อสังเกตของที่ประชุม",
    "จัดทำหนังสือแจ้งผลการพิจารณาถึงหน่วยงานผู้เสนอ",
    "รวบรวมความเห็นของสมาคมพันธมิตรภายใน 30 วัน",
)


def syllable(rng: random.Random) -> str:
    """One written Thai syllable, e.g. เกา, ปิ่น, สำ."""
    vowel = rng.choice(_VOWELS)
    text = vowel.replace("C", rng.choice(_CONSONANTS) + rng.choice(_TONES), 1)
    if vowel == "Cั":
        return text + rng.choice(_FINALS[2:])
    return text if vowel in _OPEN else text + rng.choice(_FINALS)


def word(rng: random.Random, low: int = 1, high: int = 3) -> str:
    """A made-up Thai word of a few syllables."""
    return "".join(syllable(rng) for _ in range(rng.randint(low, high)))


def latin(rng: random.Random, low: int = 4, high: int = 9) -> str:
    """A made-up Latin-letter word, in lower case."""
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(low, high)))


def person(rng: random.Random) -> tuple[str, str, str]:
    """A title prefix, a given name and a family name."""
    first = rng.choice(FIRST_NAMES) if rng.random() < 0.5 else word(rng, 2, 3)
    last = word(rng, 1, 2) + (rng.choice(LAST_PARTS) if rng.random() < 0.5 else word(rng, 1))
    return rng.choice(TITLES), first, last


def full_name(rng: random.Random) -> str:
    """A person's name as printed: the title joined to the given name, then the family name."""
    title, first, last = person(rng)
    return f"{title}{first} {last}"


def project_title(rng: random.Random) -> str:
    """A title of a project or proposal, e.g. ระบบเตือนภัยน้ำท่วมด้วยไอโอที กาเบ."""
    topic = rng.choice(TOPICS)
    return f"{rng.choice(OPENINGS)}{rng.choice(SUBJECTS)}ด้วย{topic} {word(rng, 1, 2)}"

"""The 77 provinces of Thailand (Bangkok and the 76 changwat), a fixed list.

Codes are the two-digit province codes of the Department of Provincial
Administration, the same as ISO 3166-2:TH without the ``TH-`` prefix. English
names follow ISO 3166-2:TH, except Bangkok.
"""

from __future__ import annotations

from typing import NamedTuple


class Province(NamedTuple):
    """One province: its code, its Thai name and its English name."""

    code: str
    name_th: str
    name_en: str

    def name(self, lang: str = "th") -> str:
        """The name in the reader's language."""
        return self.name_en if lang == "en" else self.name_th


#: Every province, in code order (which groups them by region).
PROVINCES: tuple[Province, ...] = tuple(
    Province(*row)
    for row in [
        ("10", "กรุงเทพมหานคร", "Bangkok"),
        ("11", "สมุทรปราการ", "Samut Prakan"),
        ("12", "นนทบุรี", "Nonthaburi"),
        ("13", "ปทุมธานี", "Pathum Thani"),
        ("14", "พระนครศรีอยุธยา", "Phra Nakhon Si Ayutthaya"),
        ("15", "อ่างทอง", "Ang Thong"),
        ("16", "ลพบุรี", "Lop Buri"),
        ("17", "สิงห์บุรี", "Sing Buri"),
        ("18", "ชัยนาท", "Chai Nat"),
        ("19", "สระบุรี", "Saraburi"),
        ("20", "ชลบุรี", "Chon Buri"),
        ("21", "ระยอง", "Rayong"),
        ("22", "จันทบุรี", "Chanthaburi"),
        ("23", "ตราด", "Trat"),
        ("24", "ฉะเชิงเทรา", "Chachoengsao"),
        ("25", "ปราจีนบุรี", "Prachin Buri"),
        ("26", "นครนายก", "Nakhon Nayok"),
        ("27", "สระแก้ว", "Sa Kaeo"),
        ("30", "นครราชสีมา", "Nakhon Ratchasima"),
        ("31", "บุรีรัมย์", "Buri Ram"),
        ("32", "สุรินทร์", "Surin"),
        ("33", "ศรีสะเกษ", "Si Sa Ket"),
        ("34", "อุบลราชธานี", "Ubon Ratchathani"),
        ("35", "ยโสธร", "Yasothon"),
        ("36", "ชัยภูมิ", "Chaiyaphum"),
        ("37", "อำนาจเจริญ", "Amnat Charoen"),
        ("38", "บึงกาฬ", "Bueng Kan"),
        ("39", "หนองบัวลำภู", "Nong Bua Lam Phu"),
        ("40", "ขอนแก่น", "Khon Kaen"),
        ("41", "อุดรธานี", "Udon Thani"),
        ("42", "เลย", "Loei"),
        ("43", "หนองคาย", "Nong Khai"),
        ("44", "มหาสารคาม", "Maha Sarakham"),
        ("45", "ร้อยเอ็ด", "Roi Et"),
        ("46", "กาฬสินธุ์", "Kalasin"),
        ("47", "สกลนคร", "Sakon Nakhon"),
        ("48", "นครพนม", "Nakhon Phanom"),
        ("49", "มุกดาหาร", "Mukdahan"),
        ("50", "เชียงใหม่", "Chiang Mai"),
        ("51", "ลำพูน", "Lamphun"),
        ("52", "ลำปาง", "Lampang"),
        ("53", "อุตรดิตถ์", "Uttaradit"),
        ("54", "แพร่", "Phrae"),
        ("55", "น่าน", "Nan"),
        ("56", "พะเยา", "Phayao"),
        ("57", "เชียงราย", "Chiang Rai"),
        ("58", "แม่ฮ่องสอน", "Mae Hong Son"),
        ("60", "นครสวรรค์", "Nakhon Sawan"),
        ("61", "อุทัยธานี", "Uthai Thani"),
        ("62", "กำแพงเพชร", "Kamphaeng Phet"),
        ("63", "ตาก", "Tak"),
        ("64", "สุโขทัย", "Sukhothai"),
        ("65", "พิษณุโลก", "Phitsanulok"),
        ("66", "พิจิตร", "Phichit"),
        ("67", "เพชรบูรณ์", "Phetchabun"),
        ("70", "ราชบุรี", "Ratchaburi"),
        ("71", "กาญจนบุรี", "Kanchanaburi"),
        ("72", "สุพรรณบุรี", "Suphan Buri"),
        ("73", "นครปฐม", "Nakhon Pathom"),
        ("74", "สมุทรสาคร", "Samut Sakhon"),
        ("75", "สมุทรสงคราม", "Samut Songkhram"),
        ("76", "เพชรบุรี", "Phetchaburi"),
        ("77", "ประจวบคีรีขันธ์", "Prachuap Khiri Khan"),
        ("80", "นครศรีธรรมราช", "Nakhon Si Thammarat"),
        ("81", "กระบี่", "Krabi"),
        ("82", "พังงา", "Phangnga"),
        ("83", "ภูเก็ต", "Phuket"),
        ("84", "สุราษฎร์ธานี", "Surat Thani"),
        ("85", "ระนอง", "Ranong"),
        ("86", "ชุมพร", "Chumphon"),
        ("90", "สงขลา", "Songkhla"),
        ("91", "สตูล", "Satun"),
        ("92", "ตรัง", "Trang"),
        ("93", "พัทลุง", "Phatthalung"),
        ("94", "ปัตตานี", "Pattani"),
        ("95", "ยะลา", "Yala"),
        ("96", "นราธิวาส", "Narathiwat"),
    ]
)

#: Provinces by code.
BY_CODE: dict[str, Province] = {p.code: p for p in PROVINCES}

#: The code of Bangkok, where most partners are.
BANGKOK = "10"


def province_name(code: str | None, lang: str = "th") -> str:
    """The name of a province code in the reader's language; empty for none or unknown."""
    province = BY_CODE.get(code or "")
    return province.name(lang) if province else ""


#: Thai vowels written before the consonant they follow in speech (เ แ โ ใ ไ).
_LEADING_VOWELS = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")
#: Tone marks, mai taikhu and thanthakhat: ignored at the first level of Thai order.
_MARKS = str.maketrans("", "", "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c")


def thai_sort_key(text: str) -> tuple[str, str]:
    """A key that sorts Thai words in dictionary order, near enough for lists.

    A leading vowel sorts after its consonant, and tone marks only break ties;
    code-point order would put every word starting with เ, แ, โ, ใ or ไ after ฮ.
    """
    chars, i = list(text), 0
    while i < len(chars) - 1:
        if chars[i] in _LEADING_VOWELS:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
            i += 1
        i += 1
    swapped = "".join(chars)
    return swapped.translate(_MARKS), swapped


def sorted_provinces(lang: str = "th") -> list[Province]:
    """The provinces in alphabetical order of their name in the reader's language."""
    return sorted(PROVINCES, key=lambda p: thai_sort_key(p.name(lang)))

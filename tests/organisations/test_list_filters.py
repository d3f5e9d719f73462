"""The organisations list's province filter, whose options are written once per language: every
province in the reader's alphabetical order, the chosen one (only it) marked, the rows named
in the same language, and a province that does not exist choosing none."""

from __future__ import annotations

import re

import pytest

from registry.organisations.provinces import PROVINCES, sorted_provinces


@pytest.fixture
def staff_client(client, sign_in):
    sign_in("staff")
    return client


def _province_select(body: str) -> str:
    return re.search(r'<select class="form-select" id="province".*?</select>', body, re.S).group(0)


def _options(body: str) -> list[tuple[str, bool, str]]:
    """The province filter's options: value, whether selected, label."""
    return [
        (value, bool(selected.strip()), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)" ?(selected)?>([^<]*)</option>', _province_select(body)
        )
    ]


def test_the_chosen_province_alone_is_selected_in_either_language(staff_client, make_organisation):
    organisation = make_organisation("สมาคมตัวกรองจังหวัด", province="20")
    for lang, label in (("th", "ชลบุรี"), ("en", "Chon Buri")):
        if lang == "en":
            staff_client.post("/language", data={"locale": "en"}).close()
        with staff_client.get("/organisations/", query_string={"province": "20"}) as response:
            assert response.status_code == 200
            body = response.get_data(as_text=True)
        options = _options(body)
        expected = [("", False, "")] + [(p.code, p.code == "20", p.name(lang))
                                         for p in sorted_provinces(lang)]  # fmt: skip
        assert [(v, s) for v, s, _ in options] == [(v, s) for v, s, _ in expected]
        names = [p.name(lang) for p in sorted_provinces(lang)]
        assert [name for _, _, name in options[1:]] == names
        assert len(options) == len(PROVINCES) + 1
        # the row names its province in the page's language
        row = body.split(f'href="/organisations/{organisation}"', 1)[1].split("</tr>", 1)[0]
        assert f"<td>{label}</td>" in row


def test_choosing_another_province_moves_the_mark(staff_client):
    first = _options(staff_client.get("/organisations/?province=10").get_data(as_text=True))
    second = _options(staff_client.get("/organisations/?province=50").get_data(as_text=True))
    assert [v for v, selected, _ in first if selected] == ["10"]
    assert [v for v, selected, _ in second if selected] == ["50"]
    again = _options(staff_client.get("/organisations/?province=10").get_data(as_text=True))
    assert again == first


@pytest.mark.parametrize("province", ["99", "", "1", '" selected>', "<script>", "10 "])
def test_a_province_that_does_not_exist_chooses_none(staff_client, province):
    with staff_client.get("/organisations/", query_string={"province": province}) as response:
        assert response.status_code == 200
        body = response.get_data(as_text=True)
    options = _options(body)
    assert len(options) == len(PROVINCES) + 1
    assert not any(selected for _, selected, _ in options)
    assert "<script>" not in _province_select(body)

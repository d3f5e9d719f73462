"""The site's icon: linked from every page and answered at /favicon.ico, so no page asks for
a file that is not there."""

from __future__ import annotations

import re

import pytest


def test_favicon_ico_is_served_to_anyone(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/vnd.microsoft.icon"
        assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file's signature
        assert response.headers["Cache-Control"].startswith("public") or "max-age" in (
            response.headers["Cache-Control"]
        )


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_links_icons_that_exist(client, sign_in, signed_in):
    if signed_in:
        sign_in("staff")
    page = client.get("/" if signed_in else "/sign-in").get_data(as_text=True)
    icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', page)
    assert len(icons) == 3
    for href in icons:
        with client.get(href) as response:
            assert response.status_code == 200, href
            assert response.mimetype.startswith("image/"), href

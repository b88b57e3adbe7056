"""The page's first seconds: `littlegiants app` has its server serve the page's files
once before it gives the address."""

from __future__ import annotations

from model.classroom.first_fetch import files_in_page


def test_the_files_a_page_names_are_found_once_each_in_order() -> None:
    html = """<link href="/_solara/cdn/a@1/dist/main.css" rel="stylesheet">
    <script src="/_solara/cdn/a@1/dist/app.min.js"></script>
    const themeCssUrls = {"light": "/static/assets/theme-light.css?v=36a2", "dark": "/x.css?v=1"};
    <script src="https://example.org/elsewhere.js"></script> /* path=/static/inline.js */
    const early = root + "/_solara/cdn/a@1/dist/app.min.js";"""
    assert files_in_page(html) == [
        "/_solara/cdn/a@1/dist/main.css",
        "/_solara/cdn/a@1/dist/app.min.js",
        "/static/assets/theme-light.css",
        "/x.css",
    ]

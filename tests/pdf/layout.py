"""What WeasyPrint laid out, page by page: the text of each page-margin box (and on how many
lines), and which pages an element with a given class lands on. For checks that extracted
text cannot make (a counter that wraps, a table split across pages)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageLayout:
    margins: dict = field(default_factory=dict)  # "@top-right" -> list of line texts
    classes: set = field(default_factory=set)  # classes of the elements laid out on the page


def _walk(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _walk(child)


def _line_texts(box) -> list[str]:
    lines = [b for b in _walk(box) if type(b).__name__ == "LineBox"]
    texts = ("".join(t.text for t in _walk(ln) if type(t).__name__ == "TextBox") for ln in lines)
    return [t for t in texts if t.strip()]


def layout(html: str) -> list[PageLayout]:
    from weasyprint import HTML

    from portal.pdf.fetcher import make_fetcher
    from portal.pdf.render import TEMPLATES

    document = HTML(string=html, base_url=str(TEMPLATES) + "/", url_fetcher=make_fetcher())
    pages = []
    for page in document.render().pages:
        found = PageLayout()
        for box in page._page_box.children:
            if type(box).__name__ == "MarginBox":
                texts = _line_texts(box)
                if texts:
                    found.margins[box.at_keyword] = texts
            else:
                for inner in _walk(box):
                    element = getattr(inner, "element", None)
                    if element is not None and element.get("class"):
                        found.classes.update(element.get("class").split())
        pages.append(found)
    return pages


def pages_with(pages: list[PageLayout], css_class: str) -> list[int]:
    return [n for n, page in enumerate(pages, start=1) if css_class in page.classes]


def overflowing(html: str, tolerance: float = 1.0) -> list[str]:
    """The texts laid out past the right edge of the page's content area (a long name or an
    unbroken token pushing out of its column or off the page), on any page."""
    from weasyprint import HTML

    from portal.pdf.fetcher import make_fetcher
    from portal.pdf.render import TEMPLATES

    document = HTML(string=html, base_url=str(TEMPLATES) + "/", url_fetcher=make_fetcher())
    found = []
    for page in document.render().pages:
        box = page._page_box
        right = box.margin_width() - box.margin_right + tolerance
        for inner in _walk(box):
            if type(inner).__name__ == "TextBox" and inner.position_x + inner.width > right:
                found.append(inner.text)
    return found

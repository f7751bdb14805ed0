"""Browser-test helpers for images on a page."""

from __future__ import annotations

#: An <img>'s natural width once it has loaded, 0 when it fails to. A visible <img> with width and height
#: attributes has its box before its bytes arrive, so measuring right after `to_be_visible` reads 0 on a busy
#: machine (it failed a CI run); this waits for the load or error event when the image is not complete yet.
_LOADED_WIDTH = """img => img.complete ? img.naturalWidth : new Promise(done => {
    img.addEventListener("load", () => done(img.naturalWidth), {once: true});
    img.addEventListener("error", () => done(0), {once: true});
})"""


def loaded_width(image) -> int:
    """The natural width of the image a Playwright locator points at, after it has loaded (0: it failed)."""
    return image.evaluate(_LOADED_WIDTH)

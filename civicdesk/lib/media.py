"""Validation and re-encoding of resident uploads (photos and short videos)."""

from __future__ import annotations

import contextlib
import io
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageFile, ImageOps

try:
    import pillow_heif
except ImportError:  # HEIC support switches off; such photos get a "send it as JPEG" message.
    HEIF_ENABLED = False
else:
    pillow_heif.register_heif_opener()
    HEIF_ENABLED = True

MAX_SIDE = 2048
THUMBNAIL_SIZE = (400, 400)
JPEG_QUALITY = 85
_SNIFF_BYTES = 4096
_CHUNK = 1024 * 1024
_MB = 1024 * 1024

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_EBML_DOCTYPE_ID = 0x4282
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"mif1", b"mif2", b"heif"})
_VIDEO_BRANDS = frozenset({
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
    b"M4V ", b"dash", b"qt  ", b"mmp4", b"MSNV",
})
# AVIF files also list mif1, but neither Pillow nor our libheif build decodes them.
_REFUSED_BRANDS = frozenset({b"avif", b"avis"})
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heif": "HEIF"}
_VIDEO_TYPES = {"mp4": ("video/mp4", "mp4"), "webm": ("video/webm", "webm")}


class MediaError(ValueError):
    """A resident-readable reason an upload was refused. str(exc) is the message."""


@dataclass(frozen=True)
class ProcessedMedia:
    kind: str                # "photo" or "video"
    content: bytes           # re-encoded photo (JPEG, or PNG when the source has transparency) / remuxed video
    content_type: str        # "image/jpeg", "image/png", "video/mp4", "video/webm"
    extension: str           # "jpg", "png", "mp4", "webm"
    width: int | None
    height: int | None
    thumbnail: bytes | None  # JPEG thumbnail, max 400x400, for photos; None for videos
    original_name: str       # the file name the resident gave, for display only


def _not_accepted() -> MediaError:
    return MediaError(_(
        "This file is not a photo or video we can accept. Please attach a JPEG, PNG, WebP or HEIC "
        "photo, or an MP4 or WebM video."
    ))


def _damaged(kind: str) -> MediaError:
    if kind == "video":
        return MediaError(_(
            "This video seems to be damaged or incomplete. Please try attaching it again, "
            "or choose a different video."
        ))
    return MediaError(_(
        "This photo seems to be damaged or incomplete. Please try attaching it again, "
        "or choose a different photo."
    ))


def _unreadable_video() -> MediaError:
    return MediaError(_(
        "We could not read this video. Please attach a video recorded by a phone or camera as an MP4 or WebM "
        "file, or choose a different video."
    ))


def _too_large(kind: str, limit: int) -> MediaError:
    megabytes = f"{limit / _MB:.1f}".removesuffix(".0")
    if kind == "video":
        message = _("This video is too large. Videos can be at most %(mb)s MB, please attach a shorter clip.")
    else:
        message = _("This photo is too large. Photos can be at most %(mb)s MB, please attach a smaller one.")
    return MediaError(message % {"mb": megabytes})


def _too_many_pixels(max_pixels: int) -> MediaError:
    megapixels = f"{max_pixels / 1_000_000:.1f}".removesuffix(".0")
    return MediaError(_(
        "This photo has too many pixels for us to process (the limit is %(mp)s megapixels). "
        "Please attach a smaller version of it."
    ) % {"mp": megapixels})


def process_upload(upload: Any) -> ProcessedMedia:
    """`upload` is a Django UploadedFile (has .name, .size, .read(), .chunks(), .seek()) or any
    binary file-like object with .name. Sniffs the real type from the content (never trusts the
    extension or the declared content type), then validates and re-encodes."""
    name = str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:255]
    size = _declared_size(upload)
    _rewind(upload)
    head = upload.read(_SNIFF_BYTES) or b""
    kind, fmt = _sniff(head)
    if kind == "photo":
        limit = getattr(settings, "MAX_PHOTO_BYTES", 15 * _MB)
    else:
        limit = getattr(settings, "MAX_VIDEO_BYTES", 50 * _MB)
    # Refuse on the declared size first so a huge upload is never pulled into memory...
    if size is not None and size > limit:
        raise _too_large(kind, limit)
    # ...and cap the read as well, in case the declared size was wrong.
    data = _read_capped(upload, head, kind, limit)
    if kind == "video":
        content_type, extension = _VIDEO_TYPES[fmt]
        content, width, height = _strip_video(data, fmt)
        return ProcessedMedia("video", content, content_type, extension, width, height, None, name)
    return _process_photo(data, fmt, name)


def _declared_size(upload: Any) -> int | None:
    size = getattr(upload, "size", None)
    if isinstance(size, int):
        return size
    try:
        position = upload.tell()
        upload.seek(0, io.SEEK_END)
        end = upload.tell()
        upload.seek(position)
        return int(end)
    except (AttributeError, OSError, ValueError):
        return None


def _rewind(upload: Any) -> None:
    with contextlib.suppress(AttributeError, OSError, ValueError):
        upload.seek(0)


def _read_capped(upload: Any, head: bytes, kind: str, limit: int) -> bytes:
    buffer = bytearray(head)
    while len(buffer) <= limit:
        chunk = upload.read(min(_CHUNK, limit + 1 - len(buffer)))
        if not chunk:
            break
        buffer += chunk
    if len(buffer) > limit:
        raise _too_large(kind, limit)
    return bytes(buffer)


def _sniff(head: bytes) -> tuple[str, str]:
    """("photo" | "video", format) from the first bytes; MediaError for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return "photo", "jpeg"
    if head.startswith(_PNG_MAGIC):
        return "photo", "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "photo", "webp"
    if head[4:8] == b"ftyp":
        return _sniff_iso_bmff(head)
    if head.startswith(_EBML_MAGIC):
        doctype = _ebml_doctype(head)
        if doctype is None:
            raise _damaged("video")
        if doctype == "webm":
            return "video", "webm"
    raise _not_accepted()


def _sniff_iso_bmff(head: bytes) -> tuple[str, str]:
    box_size = int.from_bytes(head[:4], "big")
    if box_size < 16 or box_size > len(head) or box_size % 4:
        raise _not_accepted()
    brands = [head[i:i + 4] for i in range(16, box_size, 4)]
    brands.insert(0, head[8:12])
    if _REFUSED_BRANDS.intersection(brands):
        raise _not_accepted()
    # The major brand decides; compatible brands only help when the major one is exotic.
    for brand in brands:
        if brand in _HEIF_BRANDS:
            if not HEIF_ENABLED:
                raise MediaError(_(
                    "We cannot read HEIC photos right now. Please attach the photo as a JPEG instead."
                ))
            return "photo", "heif"
        if brand in _VIDEO_BRANDS:
            # Minimal structure: whatever follows ftyp must look like another box header.
            following = head[box_size:box_size + 8]
            if len(following) == 8 and not all(0x20 <= b < 0x7F for b in following[4:]):
                raise _damaged("video")
            return "video", "mp4"
    raise _not_accepted()


def _ebml_doctype(head: bytes) -> str | None:
    """The DocType string of an EBML header, or None when the header cannot be parsed."""
    try:
        header_size, pos = _vint(head, 4)
        end = min(pos + header_size, len(head))
        while pos < end:
            element_id, pos = _vint(head, pos, keep_marker=True)
            element_size, pos = _vint(head, pos)
            if element_id == _EBML_DOCTYPE_ID:
                return head[pos:pos + element_size].rstrip(b"\0").decode("ascii")
            pos += element_size
    except (IndexError, ValueError):
        return None
    return None


def _vint(data: bytes, pos: int, keep_marker: bool = False) -> tuple[int, int]:
    first = data[pos]
    if first == 0:
        raise ValueError("EBML variable-length integer longer than 8 bytes")
    length = 9 - first.bit_length()
    if pos + length > len(data):
        raise IndexError("EBML integer runs past the data")
    value = first if keep_marker else first & ((1 << (8 - length)) - 1)
    for byte in data[pos + 1:pos + length]:
        value = (value << 8) | byte
    return value, pos + length


@contextlib.contextmanager
def _strict_decoding() -> Iterator[None]:
    # Pillow would otherwise pad a truncated photo with grey. The flag is global: it only changes
    # here if someone else switched it on, and is put back afterwards.
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        if previous:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _process_photo(data: bytes, fmt: str, name: str) -> ProcessedMedia:
    max_pixels = getattr(settings, "MAX_PHOTO_PIXELS", 50_000_000)
    try:
        with _strict_decoding(), Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[fmt]]) as source:
            width, height = source.size
            # Checked from the header alone, before a single pixel is decoded.
            if width * height > max_pixels:
                raise _too_many_pixels(max_pixels)
            source.load()
            image = _normalise(source)
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own ceiling was the lower one; quote that to the resident.
        raise _too_many_pixels(min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error) as exc:
        raise _damaged("photo") from exc

    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    has_alpha = image.mode == "RGBA"
    content = _encode(image, "PNG" if has_alpha else "JPEG")
    preview = image.copy()
    preview.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    if has_alpha:
        # JPEG has no transparency: flatten the preview onto white rather than black.
        backdrop = Image.new("RGB", preview.size, (255, 255, 255))
        backdrop.paste(preview, mask=preview.getchannel("A"))
        preview = backdrop
    return ProcessedMedia(
        kind="photo",
        content=content,
        content_type="image/png" if has_alpha else "image/jpeg",
        extension="png" if has_alpha else "jpg",
        width=image.width,
        height=image.height,
        thumbnail=_encode(preview, "JPEG"),
        original_name=name,
    )


def _normalise(source: Image.Image) -> Image.Image:
    """Upright, sRGB, and either RGB or (only when really transparent) RGBA."""
    image = ImageOps.exif_transpose(source)
    if image.mode.startswith("I"):
        # 16-bit greyscale would clip to white in a plain convert; scale it down to 8 bits.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        # Dropping a Display P3 / CMYK profile without converting would shift the colours.
        with contextlib.suppress(OSError, ValueError, ImageCms.PyCMSError):
            image = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(icc)), ImageCms.createProfile("sRGB"),
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if transparent:
        image = image.convert("RGBA")
        if image.getchannel("A").getextrema()[0] == 255:
            transparent = False
    return image.convert("RGB") if not transparent else image


def _encode(image: Image.Image, fmt: str) -> bytes:
    # Savers fall back to image.info for comments, ICC and PNG text; a blank info means
    # nothing of the resident's metadata (EXIF, GPS, XMP) can ride along.
    image.info = {}
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()


def _strip_video(data: bytes, fmt: str) -> tuple[bytes, int | None, int | None]:
    """The video remuxed (stream copy, nothing re-encoded) into a fresh MP4 or WebM container without its
    metadata: no title, comment, location (©xyz, com.apple.quicktime.location.ISO6709), creation time,
    encoder or device tags, and only its video and audio streams (timed metadata, subtitle and data tracks,
    where phones keep GPS tracks, and cover pictures are left behind). Returns (content, width, height);
    raises MediaError when the video cannot be read or written back."""
    import av

    output = io.BytesIO()
    try:
        with av.open(io.BytesIO(data), "r") as source:
            kept = [stream for stream in source.streams
                    if stream.type in ("video", "audio") and not _is_cover_picture(stream)]
            videos = [stream for stream in kept if stream.type == "video"]
            if not videos:
                raise _unreadable_video()
            # bitexact: the muxer writes no "encoder" version tag of its own.
            with av.open(output, "w", format=fmt, options={"fflags": "+bitexact"}) as target:
                copies = {stream.index: target.add_stream_from_template(stream) for stream in kept}
                target.metadata.clear()
                for copy in copies.values():
                    copy.metadata.clear()
                muxed = 0
                for packet in source.demux(kept):
                    if packet.dts is None:
                        continue  # the flush packet at the end of each stream
                    packet.stream = copies[packet.stream.index]
                    target.mux(packet)
                    muxed += 1
            width, height = videos[0].codec_context.width, videos[0].codec_context.height
    except MediaError:
        raise
    except (av.error.FFmpegError, ValueError, TypeError, KeyError, OSError, IndexError) as exc:
        raise _unreadable_video() from exc
    if not muxed:
        raise _unreadable_video()
    return output.getvalue(), width or None, height or None


def _is_cover_picture(stream: Any) -> bool:
    disposition = getattr(stream, "disposition", None)
    try:
        import av

        return bool(disposition is not None and disposition & av.stream.Disposition.attached_pic)
    except (AttributeError, TypeError):
        return False

"""Tests for civicdesk.lib.media, on real files generated with Pillow and hand-built containers."""

from __future__ import annotations

import io
import os
import struct
import warnings
import zlib

import django
from django.conf import settings

# The module needs only gettext and settings; under the project's pytest-django config the
# settings are already configured and this is a no-op.
if not settings.configured:
    settings.configure(USE_I18N=False)
    django.setup()

import av  # noqa: E402
import pytest  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import override_settings  # noqa: E402
from PIL import Image, ImageCms, ImageFile  # noqa: E402

from civicdesk.lib import media  # noqa: E402
from civicdesk.lib.media import MediaError, ProcessedMedia, process_upload  # noqa: E402
from civicdesk.testing.video import PHONE_METADATA, decoded_frames, make_video  # noqa: E402

NOT_ACCEPTED = (
    "This file is not a photo or video we can accept. Please attach a JPEG, PNG, WebP or HEIC "
    "photo, or an MP4 or WebM video."
)
UNREADABLE_VIDEO = (
    "We could not read this video. Please attach a video recorded by a phone or camera as an MP4 or WebM "
    "file, or choose a different video."
)
GPS_IFD = 0x8825
ORIENTATION = 0x0112
MP4_FTYP = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"


def _upload(data: bytes, name: str = "upload.bin") -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def _encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _noise_jpeg(size: tuple[int, int] = (640, 480)) -> bytes:
    # Random pixels so every scan line carries data and a truncation is really missing content.
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    return _encode(image, "JPEG", quality=90)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_by_hand(width: int, height: int, idat: bytes) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _bomb_png(side: int = 20000) -> bytes:
    # A genuine, fully valid all-black 1-bit PNG: 400 megapixels squeeze into ~50 kB.
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return _png_by_hand(side, side, idat)


def _ebml_header(doctype: bytes) -> bytes:
    body = (
        b"\x42\x86\x81\x01" b"\x42\xf7\x81\x01" b"\x42\xf2\x81\x04" b"\x42\xf3\x81\x08"
        + b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype
        + b"\x42\x87\x81\x04" b"\x42\x85\x81\x02"
    )
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(body)]) + body


def _webm(doctype: bytes = b"webm") -> bytes:
    segment = b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff" + b"\x15\x49\xa9\x66\x80"
    return _ebml_header(doctype) + segment + os.urandom(256)


def _mp4(ftyp: bytes = MP4_FTYP, payload_size: int = 512) -> bytes:
    return ftyp + struct.pack(">I", 8 + payload_size) + b"mdat" + os.urandom(payload_size)


def _refusal(data: bytes, name: str = "upload.bin") -> str:
    with pytest.raises(MediaError) as caught:
        process_upload(_upload(data, name))
    return str(caught.value)


def test_it_strips_exif_and_gps_from_photos() -> None:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (40.0, 26.0, 46.0), 3: "W", 4: (79.0, 58.0, 56.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = _encode(
        Image.new("RGB", (120, 80), (10, 120, 200)), "JPEG", exif=exif, comment=b"home", icc_profile=icc
    )
    opened = Image.open(io.BytesIO(source))
    assert opened.getexif().get_ifd(GPS_IFD) and opened.info["icc_profile"]  # the input really has them

    result = process_upload(_upload(source, "IMG_0001.JPG"))

    output = Image.open(io.BytesIO(result.content))
    assert output.format == "JPEG"
    assert not output.getexif()
    assert not output.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "comment", "xmp", "icc_profile"} & set(output.info)
    assert b"Exif" not in result.content and b"PhoneMaker" not in result.content
    assert b"Exif" not in result.thumbnail
    red, green, blue = output.getpixel((60, 40))
    assert abs(red - 10) < 12 and abs(green - 120) < 12 and abs(blue - 200) < 12  # colours survive


def test_it_returns_the_documented_fields_for_a_photo() -> None:
    result = process_upload(_upload(_encode(Image.new("RGB", (300, 200), "red"), "JPEG"), "pothole.jpg"))
    assert isinstance(result, ProcessedMedia)
    assert (result.kind, result.content_type, result.extension) == ("photo", "image/jpeg", "jpg")
    assert (result.width, result.height) == (300, 200)
    assert result.original_name == "pothole.jpg"
    assert Image.open(io.BytesIO(result.thumbnail)).format == "JPEG"


def test_it_applies_exif_orientation() -> None:
    # Stored landscape, left half red and right half blue; orientation 6 means "rotate 90° clockwise".
    image = Image.new("RGB", (200, 100), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 100, 100))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    result = process_upload(_upload(_encode(image, "JPEG", exif=exif, quality=95)))

    output = Image.open(io.BytesIO(result.content)).convert("RGB")
    assert (result.width, result.height) == output.size == (100, 200)
    top, bottom = output.getpixel((50, 20)), output.getpixel((50, 180))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60
    assert output.getexif().get(ORIENTATION) is None


def test_it_resizes_the_longest_side_to_2048_and_thumbnails_to_400() -> None:
    result = process_upload(_upload(_encode(Image.new("RGB", (3000, 1500), "green"), "PNG")))
    assert (result.width, result.height) == (2048, 1024)
    assert Image.open(io.BytesIO(result.content)).size == (2048, 1024)
    assert Image.open(io.BytesIO(result.thumbnail)).size == (400, 200)

    tall = process_upload(_upload(_encode(Image.new("RGB", (900, 2500), "green"), "JPEG")))
    assert max(tall.width, tall.height) == 2048
    thumb = Image.open(io.BytesIO(tall.thumbnail))
    assert max(thumb.size) == 400 and thumb.width <= 400


def test_it_keeps_a_small_photo_at_its_size() -> None:
    result = process_upload(_upload(_encode(Image.new("RGB", (320, 240), "white"), "WEBP")))
    assert (result.width, result.height) == (320, 240)
    assert Image.open(io.BytesIO(result.thumbnail)).size == (320, 240)


def test_it_keeps_transparent_png_as_png() -> None:
    image = Image.new("RGBA", (64, 64), (255, 0, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 32, 64))
    result = process_upload(_upload(_encode(image, "PNG"), "sign.png"))

    assert (result.content_type, result.extension) == ("image/png", "png")
    output = Image.open(io.BytesIO(result.content))
    assert output.format == "PNG" and output.mode == "RGBA"
    assert output.getpixel((5, 5))[3] == 0 and output.getpixel((60, 5))[3] == 255
    thumb = Image.open(io.BytesIO(result.thumbnail))
    assert thumb.format == "JPEG"
    assert thumb.getpixel((5, 5)) == (255, 255, 255)  # transparent areas become white, not black


def test_it_turns_an_opaque_rgba_png_into_jpeg() -> None:
    result = process_upload(_upload(_encode(Image.new("RGBA", (50, 50), (0, 128, 0, 255)), "PNG")))
    assert (result.content_type, result.extension) == ("image/jpeg", "jpg")


def test_it_accepts_webp_and_cmyk_and_16_bit_photos() -> None:
    webp = process_upload(_upload(_encode(Image.new("RGB", (40, 30), "blue"), "WEBP")))
    assert (webp.content_type, webp.width, webp.height) == ("image/jpeg", 40, 30)

    cmyk = process_upload(_upload(_encode(Image.new("CMYK", (40, 30), (0, 255, 255, 0)), "JPEG")))
    assert Image.open(io.BytesIO(cmyk.content)).mode == "RGB"

    grey16 = process_upload(_upload(_encode(Image.new("I;16", (40, 30), 30000), "PNG")))
    level = Image.open(io.BytesIO(grey16.content)).convert("L").getpixel((20, 15))
    assert 100 < level < 135  # 30000/65535 of full scale, not clipped to white


def test_it_accepts_heic_photos() -> None:
    pillow_heif = pytest.importorskip("pillow_heif", reason="pillow-heif is not installed")
    if not pillow_heif.libheif_info().get("HEIF"):
        pytest.skip("this libheif build has no HEVC encoder, so no HEIC test file can be made")
    image = Image.new("RGB", (640, 480), (200, 30, 30))
    buffer = io.BytesIO()
    pillow_heif.from_pillow(image).save(buffer, format="HEIF", quality=90)
    assert buffer.getvalue()[4:12] == b"ftypheic"

    result = process_upload(_upload(buffer.getvalue(), "IMG_4242.HEIC"))

    assert (result.kind, result.content_type) == ("photo", "image/jpeg")
    assert (result.width, result.height) == (640, 480)
    red, green, _blue = Image.open(io.BytesIO(result.content)).getpixel((320, 240))
    assert red > 150 and green < 80


def test_it_explains_when_heic_support_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media, "HEIF_ENABLED", False)
    heic_head = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    message = _refusal(heic_head, "IMG_1.HEIC")
    assert "HEIC" in message and "JPEG" in message


def test_it_sniffs_content_and_ignores_the_name_and_declared_type() -> None:
    png = _encode(Image.new("RGB", (30, 20), "red"), "PNG")
    upload = SimpleUploadedFile("C:\\Users\\ana\\report.pdf", png, content_type="application/pdf")
    result = process_upload(upload)
    assert (result.kind, result.width, result.height) == ("photo", 30, 20)
    assert result.original_name == "report.pdf"

    with pytest.raises(MediaError):
        process_upload(SimpleUploadedFile("photo.jpg", b"%PDF-1.7\n%\xe2\xe3", content_type="image/jpeg"))


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, "photo.jpg"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "photo.jpg"),
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "video.mp4"),
        (b"Please fix the streetlight on Elm Street.\n", "photo.png"),
        (b"", "empty.jpg"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "animation.gif"),
    ],
    ids=["elf", "windows-exe", "pdf", "text", "empty", "gif"],
)
def test_it_refuses_files_that_are_not_photos_or_videos(data: bytes, name: str) -> None:
    assert _refusal(data, name) == NOT_ACCEPTED


def test_it_refuses_a_truncated_jpeg() -> None:
    whole = _noise_jpeg()
    assert Image.open(io.BytesIO(whole)).load() is not None
    message = _refusal(whole[: len(whole) // 2], "half.jpg")
    assert message.startswith("This photo seems to be damaged or incomplete")


def test_it_refuses_a_truncated_jpeg_even_if_pillow_was_told_to_tolerate_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    whole = _noise_jpeg()
    assert "damaged" in _refusal(whole[: len(whole) // 2])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # the caller's setting is put back


def test_it_refuses_a_400_megapixel_png_before_decoding_it() -> None:
    bomb = _bomb_png()
    assert len(bomb) < 200_000  # small on disk, 400 megapixels once decoded
    filters_before = list(warnings.filters)

    message = _refusal(bomb, "bomb.png")

    assert "too many pixels" in message and "50 megapixels" in message
    assert list(warnings.filters) == filters_before


@override_settings(MAX_PHOTO_PIXELS=10_000)
def test_it_checks_pixels_from_the_header_alone() -> None:
    # The pixel data is garbage: had it been decoded, the answer would be "damaged".
    fake = _png_by_hand(200, 200, b"not a zlib stream")
    assert "too many pixels" in _refusal(fake)
    assert "damaged" in _refusal(_png_by_hand(20, 20, b"not a zlib stream"))


@override_settings(MAX_PHOTO_PIXELS=200_000_000)
def test_it_still_honours_pillows_own_bomb_limit_when_the_setting_is_higher() -> None:
    # 144 megapixels passes the setting but trips Pillow's DecompressionBombWarning (~89 MP),
    # which must refuse the photo rather than decode it.
    filters_before = list(warnings.filters)
    message = _refusal(_bomb_png(12000))
    assert "too many pixels" in message and "89.5 megapixels" in message
    assert list(warnings.filters) == filters_before


class _HugeUpload:
    """An upload that claims to be huge and records how much was read from it."""

    name = "dashcam.mp4"

    def __init__(self, size: int) -> None:
        self.size = size
        self.bytes_read = 0
        self._stream = io.BytesIO(_mp4())

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._stream.seek(offset, whence)

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_it_refuses_a_huge_video_without_reading_it() -> None:
    upload = _HugeUpload(size=51 * 1024 * 1024)
    with pytest.raises(MediaError) as caught:
        process_upload(upload)
    assert str(caught.value) == (
        "This video is too large. Videos can be at most 50 MB, please attach a shorter clip."
    )
    assert upload.bytes_read <= 4096


@override_settings(MAX_VIDEO_BYTES=1024 * 1024)
def test_it_refuses_a_video_over_the_configured_limit_even_without_a_size() -> None:
    data = _mp4(payload_size=1024 * 1024)
    assert "at most 1 MB" in _refusal(data, "clip.mp4")


@override_settings(MAX_PHOTO_BYTES=1024 * 1024)
def test_it_refuses_a_photo_whose_declared_size_lies() -> None:
    upload = SimpleUploadedFile("big.jpg", _noise_jpeg((1200, 1000)))
    assert upload.size > 1024 * 1024
    upload.size = 10
    with pytest.raises(MediaError, match="This photo is too large. Photos can be at most 1 MB"):
        process_upload(upload)


@pytest.mark.parametrize("brand", [b"isom", b"mp42", b"avc1", b"qt  ", b"M4V "])
def test_it_accepts_mp4_whatever_its_brand(brand: bytes) -> None:
    data = make_video("mp4")
    data = data[:8] + brand + data[12:]  # the major brand of the ftyp box
    result = process_upload(_upload(data, "clip.mov"))
    assert (result.kind, result.content_type, result.extension) == ("video", "video/mp4", "mp4")
    assert (result.width, result.height, result.thumbnail, result.original_name) == (64, 48, None, "clip.mov")
    assert decoded_frames(result.content) == 10


def test_it_accepts_webm_with_its_sound() -> None:
    data = make_video("webm", audio=True)
    result = process_upload(SimpleUploadedFile("clip.webm", data, content_type="video/webm"))
    assert (result.kind, result.content_type, result.extension) == ("video", "video/webm", "webm")
    assert result.thumbnail is None and decoded_frames(result.content) == 10
    with av.open(io.BytesIO(result.content)) as container:
        assert sorted(stream.type for stream in container.streams) == ["audio", "video"]


@pytest.mark.parametrize("fmt", ["mp4", "webm"])
def test_it_strips_location_comment_and_dates_from_videos(fmt: str) -> None:
    data = make_video(fmt, metadata=PHONE_METADATA, audio=True)
    assert b"+40.1010-088.9520" in data and b"412 Elm St" in data  # the phone's tags are really there
    result = process_upload(_upload(data, f"IMG_0042.{fmt}"))
    stored = result.content
    for leak in (b"+40.1010", b"088.9520", b"412 Elm St", b"Pothole outside", b"iPhone", b"Apple", b"2026",
                 b"Lavf6", b"quicktime", b"\xa9xyz"):
        assert leak not in stored, leak
    with av.open(io.BytesIO(stored)) as container:
        tags = dict(container.metadata)
        for stream in container.streams:
            tags.update({f"{stream.type}:{key}": value for key, value in stream.metadata.items()})
    # WebM must name the program that wrote it (MuxingApp/WritingApp): the bare "Lavf", with no version or
    # device, is all it says.
    if tags.get("encoder") == "Lavf" and fmt == "webm":
        del tags["encoder"]
    assert not {key for key in tags if key.lower().split(":")[-1] in {
        "location", "location-eng", "comment", "title", "creation_time", "encoder",
        "com.apple.quicktime.location.iso6709", "com.apple.quicktime.make", "com.apple.quicktime.model"}}, tags
    assert decoded_frames(stored) == 10


def test_it_refuses_a_video_it_cannot_read() -> None:
    # A genuine MP4 header around noise: it sniffs as a video, but there is nothing to play.
    assert _refusal(_mp4(), "clip.mp4") == UNREADABLE_VIDEO
    assert _refusal(_webm(), "clip.webm") == UNREADABLE_VIDEO


@pytest.mark.parametrize(
    "data",
    [
        _webm(b"matroska"),
        b"\x00\x00\x00\x14ftypM4A \x00\x00\x00\x00M4A " + b"\x00" * 64,  # audio only
        b"\x00\x00\x00\x14ftypavif\x00\x00\x00\x00mif1" + b"\x00" * 64,  # AVIF, undecodable here
        b"\x00\x00\x00\x08free" + MP4_FTYP + b"\x00" * 64,  # ftyp is not the first box
        b"\x00\x00\x00\x09ftypisom\x00\x00\x00\x00" + b"\x00" * 64,  # impossible ftyp size
    ],
    ids=["matroska", "m4a", "avif", "ftyp-not-first", "bad-ftyp-size"],
)
def test_it_refuses_containers_it_cannot_vouch_for(data: bytes) -> None:
    assert _refusal(data) == NOT_ACCEPTED


def test_it_calls_a_video_with_broken_structure_damaged() -> None:
    assert "video seems to be damaged" in _refusal(_ebml_header(b"webm")[:9])
    garbage_box = b"\x00\x00\x02\x00\xff\xfe\x00\x01"
    assert "video seems to be damaged" in _refusal(MP4_FTYP + garbage_box + b"\x00" * 64)


def _every_refusal() -> list[str]:
    whole = _noise_jpeg((200, 200))
    with override_settings(MAX_PHOTO_BYTES=1024, MAX_VIDEO_BYTES=1024):
        too_large = [_refusal(whole), _refusal(_mp4(payload_size=4096))]
    return too_large + [
        _refusal(b"\x7fELF"),
        _refusal(whole[: len(whole) // 2]),
        _refusal(_bomb_png(12000)),
        _refusal(_webm(b"")[:9]),
        _refusal(_mp4()),
    ]


def test_it_words_every_refusal_for_a_resident() -> None:
    messages = _every_refusal()
    assert len(set(messages)) == len(messages)
    for message in messages:
        assert message[0].isupper() and message.endswith(".")
        assert "Please" in message or "please" in message
        for jargon in ("Error", "Traceback", "PIL", "cannot identify", "0x", "errno", "%(", "{", "None"):
            assert jargon not in message, (jargon, message)

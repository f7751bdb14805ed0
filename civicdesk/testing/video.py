"""Real, playable test videos made with PyAV, optionally carrying the metadata a phone writes."""

from __future__ import annotations

import io

import av

#: What an iPhone or Android camera writes: where it was filmed, when, on what, and a caption.
PHONE_METADATA = {
    "location": "+40.1010-088.9520/",
    "com.apple.quicktime.location.ISO6709": "+40.1010-088.9520+200.000/",
    "com.apple.quicktime.make": "Apple",
    "com.apple.quicktime.model": "iPhone 15",
    "comment": "Filmed outside Maria's house, 412 Elm St",
    "title": "Pothole outside my house",
    "creation_time": "2026-11-20T07:45:00Z",
}
CODECS = {"mp4": "libx264", "webm": "libvpx"}


def make_video(fmt: str = "mp4", *, metadata: dict[str, str] | None = None, frames: int = 10,
               size: tuple[int, int] = (64, 48), audio: bool = False) -> bytes:
    """A short clip of grey frames getting lighter, as MP4 (H.264) or WebM (VP8), with `metadata` as global tags
    (keys such as com.apple.quicktime.* are written as QuickTime metadata keys) and on the video stream."""
    width, height = size
    buffer = io.BytesIO()
    options = {"movflags": "use_metadata_tags"} if fmt == "mp4" else {}
    with av.open(buffer, "w", format=fmt, options=options) as container:
        container.metadata.update(metadata or {})
        stream = container.add_stream(CODECS[fmt], rate=10)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.metadata.update({"handler_name": (metadata or {}).get("title", "VideoHandler")})
        sound = container.add_stream("aac" if fmt == "mp4" else "libopus", rate=48000) if audio else None
        for index in range(frames):
            frame = av.VideoFrame(width, height, "yuv420p")
            for plane, value in zip(frame.planes, (index * 20 % 256, 128, 128)):
                plane.update(bytes([value]) * plane.buffer_size)
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        if sound is not None:
            for packet in _silence(sound):
                container.mux(packet)
    return buffer.getvalue()


def _silence(stream):
    samples = stream.codec_context.frame_size or 1024
    for index in range(10):
        frame = av.AudioFrame(format="fltp", layout="stereo", samples=samples)
        for plane in frame.planes:
            plane.update(b"\x00" * plane.buffer_size)
        frame.sample_rate = 48000
        frame.pts = index * samples
        yield from stream.encode(frame)
    yield from stream.encode()


def decoded_frames(data: bytes) -> int:
    """How many video frames PyAV decodes from `data` (raises when it cannot be read at all)."""
    with av.open(io.BytesIO(data)) as container:
        return sum(1 for _frame in container.decode(video=0))

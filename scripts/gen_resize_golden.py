#!/usr/bin/python3
"""Golden arrays for tests/image: Pillow's BICUBIC resize and Pillow's decode + convert("RGB").

Run with Debian's Python (python3-pil, python3-numpy): /usr/bin/python3 scripts/gen_resize_golden.py
Writes tests/image/data/: golden.json (cases and shapes), *.u8 (raw HWC uint8 RGB), *.png / *.jpg
(small encoded inputs). Everything is deterministic; the outputs are committed.

Resize sources are not stored: they come from pattern(), which tests/image/golden.h reimplements.
"""
import io
import json
import os
import struct
import sys
import warnings
import zlib

import numpy as np
import PIL
from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "image", "data")


def pattern(width, height):
    """Gradients with wrap-around edges plus hash noise: smooth areas, hard edges and clipping."""
    y, x, c = np.meshgrid(np.arange(height, dtype=np.uint64), np.arange(width, dtype=np.uint64),
                          np.arange(3, dtype=np.uint64), indexing="ij")
    mask = np.uint64(0xFFFFFFFF)
    noise = ((x * np.uint64(73856093)) & mask) ^ ((y * np.uint64(19349663)) & mask) ^ \
            ((c * np.uint64(83492791)) & mask)
    value = x * x + np.uint64(3) * y * y + np.uint64(7) * x * y + np.uint64(50) * c + noise % np.uint64(61)
    return (value % np.uint64(256)).astype(np.uint8)


# (source width, source height, target width, target height)
RESIZE_CASES = [
    (37, 23, 20, 13),    # down by non-integer factors
    (37, 23, 11, 7),
    (37, 23, 36, 22),    # barely down
    (37, 23, 1, 1),      # to one pixel
    (37, 23, 64, 40),    # up
    (37, 23, 37, 50),    # vertical only (horizontal pass skipped)
    (37, 23, 90, 23),    # horizontal only (vertical pass skipped)
    (37, 23, 5, 60),     # down one axis, up the other
    (7, 5, 60, 43),      # strong upscale
    (1, 1, 4, 3),        # from one pixel
    (400, 300, 17, 11),  # strong downscale: wide filter support
    (400, 300, 133, 100),
    (1000, 7, 3, 7),
]


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_png(width, height, color_type, bit_depth, samples, extra_chunks=b""):
    """A minimal PNG writer (Pillow cannot write every color type and depth): samples is
    [height][width * channels] of ints; filter 0 on every row, no interlace."""
    rows = []
    for row in samples:
        if bit_depth == 16:
            rows.append(b"\x00" + b"".join(struct.pack(">H", v) for v in row))
        elif bit_depth == 8:
            rows.append(b"\x00" + bytes(row))
        else:
            per_byte = 8 // bit_depth
            packed = bytearray()
            for i in range(0, len(row), per_byte):
                byte = 0
                for j, v in enumerate(row[i:i + per_byte]):
                    byte |= v << (8 - bit_depth * (j + 1))
                packed.append(byte)
            rows.append(b"\x00" + bytes(packed))
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + extra_chunks +
            png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + png_chunk(b"IEND", b""))


def decode_inputs():
    """(file name, encoded bytes) for every PNG / JPEG flavour the decoder must match Pillow on."""
    w, h = 13, 11
    rng = np.random.default_rng(20250101)
    inputs = []

    def samples(channels, maximum):
        return rng.integers(0, maximum + 1, size=(h, w * channels)).tolist()

    for depth in (1, 2, 4, 8, 16):
        inputs.append((f"gray{depth}.png", write_png(w, h, 0, depth, samples(1, (1 << depth) - 1))))
    # 16-bit gray with small values too, so that Pillow's clipping (not scaling) shows.
    inputs.append(("gray16_low.png", write_png(w, h, 0, 16, samples(1, 400))))
    inputs.append(("gray8_trns.png", write_png(w, h, 0, 8, samples(1, 255), png_chunk(b"tRNS", struct.pack(">H", 7)))))
    inputs.append(("gray_alpha8.png", write_png(w, h, 4, 8, samples(2, 255))))
    inputs.append(("gray_alpha16.png", write_png(w, h, 4, 16, samples(2, 65535))))
    inputs.append(("rgb8.png", write_png(w, h, 2, 8, samples(3, 255))))
    inputs.append(("rgb16.png", write_png(w, h, 2, 16, samples(3, 65535))))
    inputs.append(("rgba8.png", write_png(w, h, 6, 8, samples(4, 255))))
    inputs.append(("rgba16.png", write_png(w, h, 6, 16, samples(4, 65535))))
    palette = rng.integers(0, 256, size=16 * 3).astype(np.uint8).tobytes()
    plte = png_chunk(b"PLTE", palette)
    inputs.append(("palette4.png", write_png(w, h, 3, 4, samples(1, 15), plte)))
    trns = png_chunk(b"tRNS", bytes(rng.integers(0, 256, size=16).astype(np.uint8)))
    inputs.append(("palette8_trns.png", write_png(w, h, 3, 8, samples(1, 15), plte + trns)))

    photo = Image.fromarray(pattern(45, 29))

    def jpeg(image, **options):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", **options)
        return buffer.getvalue()

    inputs.append(("rgb420_q90.jpg", jpeg(photo, quality=90)))
    inputs.append(("rgb444_q95.jpg", jpeg(photo, quality=95, subsampling=0)))
    inputs.append(("rgb422_q75.jpg", jpeg(photo, quality=75, subsampling=1)))
    inputs.append(("progressive.jpg", jpeg(photo, quality=85, progressive=True)))
    inputs.append(("gray.jpg", jpeg(photo.convert("L"), quality=90)))
    inputs.append(("cmyk.jpg", jpeg(photo.convert("CMYK"), quality=90)))
    return inputs


def main():
    # convert("RGB") of a palette PNG with tRNS is exactly what we want to pin down; no warning needed.
    warnings.filterwarnings("ignore", message="Palette images with Transparency")
    os.makedirs(OUT, exist_ok=True)
    golden = {"generator": "scripts/gen_resize_golden.py", "pillow": PIL.__version__,
              "numpy": np.__version__, "resize": [], "decode": []}
    for sw, sh, tw, th in RESIZE_CASES:
        source = Image.fromarray(pattern(sw, sh), "RGB")
        resized = np.asarray(source.resize((tw, th), Image.BICUBIC))
        assert resized.shape == (th, tw, 3)
        name = f"resize_{sw}x{sh}_to_{tw}x{th}.u8"
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(resized.tobytes())
        golden["resize"].append({"source_width": sw, "source_height": sh, "width": tw, "height": th,
                                 "expected": name})
    for name, data in decode_inputs():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        opened = Image.open(os.path.join(OUT, name))
        mode = opened.mode
        rgb = np.asarray(opened.convert("RGB"))
        expected = name + ".rgb.u8"
        with open(os.path.join(OUT, expected), "wb") as f:
            f.write(rgb.tobytes())
        golden["decode"].append({"input": name, "pillow_mode": mode, "width": rgb.shape[1],
                                 "height": rgb.shape[0], "expected": expected})
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, to {os.path.normpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

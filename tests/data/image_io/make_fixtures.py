#!/usr/bin/env python3
"""Writes the small image fixtures used by test_image_io and the CLI tests (stdlib only).

Pixel formulas are repeated in tests/core/test_image_io.cpp; change both together.
Run from anywhere: python3 tests/data/image_io/make_fixtures.py
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(width, height, bit_depth, color_type, rows):
    """rows: list of bytes objects, one per row, already packed (no filter byte)."""
    raw = b"".join(b"\x00" + r for r in rows)
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def rgb_pixel(x, y):
    return ((x * 37 + y * 11) % 256, (x * 5 + y * 53) % 256, (x * y * 7 + 3) % 256)


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def main():
    # 8-bit RGB 8 x 6 with rgb_pixel(x, y); includes 0 and 255 via the corners below.
    w, h = 8, 6
    rows = []
    for y in range(h):
        row = bytearray()
        for x in range(w):
            row += bytes(rgb_pixel(x, y))
        rows.append(bytes(row))
    rows[0] = bytes([0, 0, 0]) + rows[0][3:]               # (0, 0) black
    rows[h - 1] = rows[h - 1][:-3] + bytes([255, 255, 255])  # (w-1, h-1) white
    write("rgb_8x6.png", png(w, h, 8, 2, rows))

    # 8-bit gray 5 x 4: value (x * 60 + y * 7) % 256.
    write("gray_5x4.png", png(5, 4, 8, 0, [bytes((x * 60 + y * 7) % 256 for x in range(5)) for y in range(4)]))

    # 16-bit RGB 4 x 3: channel values v * 257 with v = (x * 64 + y * 30 + c * 5) % 256, so /257 gives v.
    rows = []
    for y in range(3):
        row = b""
        for x in range(4):
            for c in range(3):
                row += struct.pack(">H", ((x * 64 + y * 30 + c * 5) % 256) * 257)
        rows.append(row)
    write("rgb16_4x3.png", png(4, 3, 16, 2, rows))

    # 8-bit RGBA 4 x 4: RGB = (10 * x, 20 * y, 200), alpha varies (must be dropped, not blended).
    write("rgba_4x4.png", png(4, 4, 8, 6, [b"".join(bytes((10 * x, 20 * y, 200, 60 * x)) for x in range(4))
                                           for y in range(4)]))

    # 24-bit BMP 3 x 2 (bottom-up BGR rows padded to 4 bytes): pixel (x, y) = rgb_pixel(x, y).
    w, h = 3, 2
    stride = (w * 3 + 3) & ~3
    pixels = b""
    for y in reversed(range(h)):
        row = b"".join(bytes(reversed(rgb_pixel(x, y))) for x in range(w))
        pixels += row + b"\x00" * (stride - len(row))
    header = struct.pack("<2sIHHI", b"BM", 54 + len(pixels), 0, 0, 54)
    dib = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    write("rgb_3x2.bmp", header + dib + pixels)

    # Binary PGM 3 x 2 with a comment in the header.
    write("gray_3x2.pgm", b"P5\n# fixture\n3 2\n255\n" + bytes([0, 128, 255, 10, 20, 30]))

    # A 48 x 40 RGB gradient used by the CLI tests.
    w, h = 48, 40
    write("gradient_48x40.png", png(w, h, 8, 2, [b"".join(bytes((x * 5, y * 6, (x + y) * 2)) for x in range(w))
                                                 for y in range(h)]))

    # Bad inputs.
    write("empty.png", b"")
    write("text_as.png", b"This is a text file that was renamed to .png; it holds no image.\n")
    whole = open(os.path.join(HERE, "rgb_8x6.png"), "rb").read()
    write("truncated.png", whole[: len(whole) // 2])
    damaged = bytearray(whole)
    damaged[50] ^= 0xFF  # inside the IDAT data: the chunk's CRC no longer matches
    write("crc_damaged.png", bytes(damaged))
    # Headers that claim 20000 x 20000 (400 megapixels) with a valid IHDR CRC and a tiny IDAT.
    ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
    write("huge_header.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
          + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))
    write("huge_header.bmp", struct.pack("<2sIHHI", b"BM", 54, 0, 0, 54)
          + struct.pack("<IiiHHIIiiII", 40, 30000, -30000, 1, 24, 0, 0, 2835, 2835, 0, 0))
    # JPEG: SOI, an APP0 segment, then SOF0 claiming 16000 x 12000 (192 megapixels), then EOI.
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, 12000, 16000, 3) + b"\x01\x11\x00\x02\x11\x01\x03\x11\x01"
    write("huge_header.jpg", b"\xff\xd8" + app0 + sof0 + b"\xff\xd9")


if __name__ == "__main__":
    main()

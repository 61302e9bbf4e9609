#!/usr/bin/env python3
"""Writes the small IDX and image fixtures test_dataset reads. Run from anywhere:
python3 tests/data/idx/make_fixtures.py  (output is deterministic; gzip mtime is 0)."""
import gzip
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)


def pixel(i, total):
    """Fixture image bytes, flat index i: 0 first, 255 last, (37 i + 11) mod 256 between."""
    if i == 0:
        return 0
    if i == total - 1:
        return 255
    return (37 * i + 11) % 256


def idx3(count, rows, cols, payload, magic=0x00000803):
    return struct.pack('>IIII', magic, count, rows, cols) + bytes(payload)


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def write(rel, data):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


def png(width, height, channels, values):
    """Minimal 8-bit PNG (colour type 0 gray or 2 RGB), no filtering."""
    def chunk(tag, body):
        return struct.pack('>I', len(body)) + tag + body + struct.pack('>I', zlib.crc32(tag + body) & 0xFFFFFFFF)
    raw = b''
    stride = width * channels
    for y in range(height):
        raw += b'\x00' + bytes(values[y * stride:(y + 1) * stride])
    colour = 0 if channels == 1 else 2
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, colour, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))


def main():
    n, r, c = 5, 3, 4
    total = n * r * c
    good = idx3(n, r, c, [pixel(i, total) for i in range(total)])
    write('plain/train-images-idx3-ubyte', good)
    write('gz/train-images-idx3-ubyte.gz', gz(good))
    # Only a test split: 3 images of 2 x 2, bytes 10 i.
    write('t10k/t10k-images-idx3-ubyte.gz', gz(idx3(3, 2, 2, [10 * i for i in range(12)])))

    write('bad/truncated-idx3-ubyte', good[:16 + 30])          # 2.5 of 5 images
    write('bad/truncated-idx3-ubyte.gz', gz(good[:16 + 30]))  # a complete gzip of a short file
    whole = gz(good)
    write('bad/cut-stream-idx3-ubyte.gz', whole[:len(whole) // 2])  # the gzip stream itself cut
    write('bad/corrupt-idx3-ubyte.gz', whole[:10] + bytes((b * 7 + 3) % 256 for b in whole[10:]))
    write('bad/labels-idx1-ubyte', struct.pack('>II', 0x00000801, 5) + bytes([1, 2, 3, 4, 5]))
    write('bad/float-idx3-ubyte', idx3(1, 1, 1, [0, 0, 0, 0], magic=0x00000D03))
    write('bad/zero-rows-idx3-ubyte', idx3(5, 0, 4, []))
    write('bad/zero-count-idx3-ubyte', idx3(0, 3, 4, []))
    write('bad/huge-count-idx3-ubyte', idx3(0xFFFFFFFF, 28, 28, [0] * 784))
    write('bad/huge-side-idx3-ubyte', idx3(1, 100000, 2, [0] * 16))
    # Announces 1,000,000 images of 4 x 4 but holds 2: fine with limit <= 2, truncated otherwise.
    write('bad/lying-count-idx3-ubyte', idx3(1000000, 4, 4, list(range(32))))
    write('bad/short-header-idx3-ubyte', good[:10])
    write('bad/text-idx3-ubyte', b'this is not an IDX file\n')

    # A tiny image folder: one RGB and one gray 4 x 4 PNG (mixed, so loaded as RGB), and a
    # text file that must be skipped.
    folder = os.path.join(DATA, 'images', 'tiny_folder')
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'a_rgb.png'), 'wb') as f:
        f.write(png(4, 4, 3, [(16 * i) % 256 for i in range(48)]))
    with open(os.path.join(folder, 'b_gray.png'), 'wb') as f:
        f.write(png(4, 4, 1, [17 * i for i in range(16)]))
    with open(os.path.join(folder, 'notes.txt'), 'w') as f:
        f.write('Not an image: folder: specs skip files without an image extension.\n')


if __name__ == '__main__':
    main()

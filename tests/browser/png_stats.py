"""usage: png_stats.py FILE.png [RRGGBB ...]
Prints 'W H nonwhite_fraction colours' of an 8-bit RGB or RGBA PNG (what chromium's
--screenshot writes; every other pixel sampled), then for each RRGGBB given the number of
sampled pixels of that colour (each channel within 6): the browser test's check that a screenshot is not blank and
shows the charts' series colours. Standard library only."""
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "want 8-bit RGB or RGBA, got %d/%d" % (depth, ctype)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


w, h, bpp, rows = decode(sys.argv[1])
colours, nonwhite = {}, 0
for line in rows[::2]:
    for x in range(0, w * bpp, 2 * bpp):
        px = bytes(line[x:x + 3])
        colours[px] = colours.get(px, 0) + 1
        nonwhite += px != b"\xff\xff\xff"
print(w, h, "%.4f" % (nonwhite / (len(rows[::2]) * len(range(0, w * bpp, 2 * bpp)))), len(colours))
for want in sys.argv[2:]:
    t = bytes.fromhex(want)
    print(want, sum(n for c, n in colours.items() if max(abs(c[i] - t[i]) for i in range(3)) <= 6))

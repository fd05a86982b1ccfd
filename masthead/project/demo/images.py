"""Locally generated lead images for the demo content.

Every picture is drawn with Pillow alone: a sky gradient, soft clouds, a sun or
moon with a glow, and a few layers of silhouettes (hills, roofs, waves, trees,
people) that fade into the haze the further away they are. Film grain and a
light vignette make the result read as an atmospheric photograph rather than a
flat vector drawing. Nothing is downloaded and nothing depends on the clock:
the same ``(scene, seed)`` always gives the same bytes.
"""

from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter

SCENES = ("city", "sea", "mountains", "night", "field", "crowd", "river", "winter")

Color = tuple[int, int, int]

# Muted palettes, several per scene; one is picked per seed and then nudged.
PALETTES: dict[str, list[dict[str, Color]]] = {
    "city": [
        {
            "top": (38, 52, 84),
            "mid": (112, 108, 136),
            "horizon": (214, 160, 124),
            "haze": (150, 128, 138),
            "near": (26, 28, 40),
            "light": (255, 204, 140),
        },
        {
            "top": (112, 124, 138),
            "mid": (150, 158, 166),
            "horizon": (196, 196, 192),
            "haze": (158, 162, 168),
            "near": (52, 56, 64),
            "light": (240, 214, 170),
        },
        {
            "top": (22, 34, 60),
            "mid": (50, 68, 104),
            "horizon": (118, 128, 156),
            "haze": (78, 90, 120),
            "near": (14, 18, 30),
            "light": (255, 196, 120),
        },
    ],
    "sea": [
        {
            "top": (72, 98, 136),
            "mid": (150, 150, 160),
            "horizon": (232, 192, 146),
            "haze": (170, 150, 150),
            "near": (34, 46, 62),
            "light": (255, 228, 176),
            "water": (150, 140, 140),
            "deep": (34, 52, 72),
        },
        {
            "top": (104, 118, 134),
            "mid": (150, 160, 168),
            "horizon": (204, 206, 204),
            "haze": (160, 168, 172),
            "near": (60, 70, 78),
            "light": (236, 236, 226),
            "water": (132, 144, 150),
            "deep": (46, 62, 72),
        },
        {
            "top": (84, 92, 132),
            "mid": (156, 140, 160),
            "horizon": (228, 182, 168),
            "haze": (168, 146, 158),
            "near": (48, 44, 66),
            "light": (255, 222, 196),
            "water": (156, 132, 144),
            "deep": (40, 44, 70),
        },
    ],
    "mountains": [
        {
            "top": (92, 132, 176),
            "mid": (160, 178, 196),
            "horizon": (222, 216, 202),
            "haze": (172, 182, 196),
            "near": (38, 48, 58),
            "light": (255, 244, 220),
        },
        {
            "top": (58, 58, 96),
            "mid": (150, 116, 128),
            "horizon": (238, 172, 124),
            "haze": (150, 118, 136),
            "near": (32, 28, 44),
            "light": (255, 214, 160),
        },
        {
            "top": (120, 130, 142),
            "mid": (168, 174, 180),
            "horizon": (210, 210, 206),
            "haze": (160, 166, 174),
            "near": (46, 52, 58),
            "light": (240, 240, 232),
        },
    ],
    "night": [
        {
            "top": (8, 12, 28),
            "mid": (20, 30, 58),
            "horizon": (46, 60, 96),
            "haze": (40, 52, 84),
            "near": (6, 8, 16),
            "light": (236, 232, 214),
        },
        {
            "top": (12, 10, 26),
            "mid": (30, 28, 58),
            "horizon": (84, 64, 92),
            "haze": (56, 46, 76),
            "near": (8, 6, 16),
            "light": (240, 226, 200),
        },
    ],
    "field": [
        {
            "top": (98, 136, 178),
            "mid": (160, 176, 186),
            "horizon": (232, 212, 168),
            "haze": (168, 176, 160),
            "near": (64, 70, 40),
            "light": (255, 236, 190),
            "ground": (168, 150, 86),
        },
        {
            "top": (132, 142, 152),
            "mid": (168, 174, 176),
            "horizon": (206, 204, 194),
            "haze": (150, 158, 150),
            "near": (58, 66, 48),
            "light": (240, 238, 226),
            "ground": (118, 128, 82),
        },
        {
            "top": (86, 96, 136),
            "mid": (166, 140, 146),
            "horizon": (236, 180, 130),
            "haze": (156, 132, 124),
            "near": (44, 38, 34),
            "light": (255, 210, 150),
            "ground": (150, 110, 70),
        },
    ],
    "crowd": [
        {
            "top": (40, 44, 64),
            "mid": (98, 88, 104),
            "horizon": (168, 126, 112),
            "haze": (110, 96, 104),
            "near": (18, 18, 24),
            "light": (255, 196, 130),
        },
        {
            "top": (88, 96, 108),
            "mid": (130, 136, 142),
            "horizon": (176, 176, 172),
            "haze": (126, 130, 136),
            "near": (30, 32, 38),
            "light": (240, 220, 180),
        },
    ],
    "river": [
        {
            "top": (118, 142, 168),
            "mid": (168, 180, 188),
            "horizon": (216, 210, 194),
            "haze": (170, 178, 176),
            "near": (48, 62, 52),
            "light": (255, 240, 210),
        },
        {
            "top": (70, 80, 116),
            "mid": (150, 128, 140),
            "horizon": (232, 180, 140),
            "haze": (150, 126, 128),
            "near": (30, 32, 36),
            "light": (255, 214, 160),
        },
    ],
    "winter": [
        {
            "top": (150, 164, 184),
            "mid": (188, 196, 208),
            "horizon": (226, 228, 232),
            "haze": (196, 204, 216),
            "near": (42, 52, 58),
            "light": (250, 246, 236),
            "snow": (236, 238, 242),
            "shade": (176, 188, 206),
        },
        {
            "top": (96, 108, 140),
            "mid": (170, 164, 180),
            "horizon": (228, 200, 190),
            "haze": (178, 176, 192),
            "near": (36, 40, 52),
            "light": (255, 226, 204),
            "snow": (226, 224, 232),
            "shade": (150, 156, 182),
        },
    ],
}


# --------------------------------------------------------------------------
# small helpers


def _mix(a: Color, b: Color, t: float) -> Color:
    t = max(0.0, min(1.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _jitter(rng: random.Random, c: Color, amount: int = 8) -> Color:
    shift = rng.randint(-amount, amount)  # common shift keeps the hue muted
    return tuple(max(0, min(255, v + shift + rng.randint(-3, 3))) for v in c)  # type: ignore[return-value]


def _vgradient(size: tuple[int, int], stops: list[tuple[float, Color]]) -> Image.Image:
    """Vertical gradient through (position 0..1, colour) stops."""
    w, h = size
    col = Image.new("RGB", (1, h))
    px = []
    for y in range(h):
        t = y / max(1, h - 1)
        for (p0, c0), (p1, c1) in zip(stops, stops[1:], strict=False):
            if p0 <= t <= p1:
                px.append(_mix(c0, c1, (t - p0) / max(1e-6, p1 - p0)))
                break
        else:
            px.append(stops[-1][1] if t > stops[-1][0] else stops[0][1])
    col.putdata(px)
    return col.resize((w, h), Image.Resampling.NEAREST)


_RADIAL = Image.radial_gradient("L")  # 256x256, 0 in the centre, 255 at the rim


def _glow(
    img: Image.Image,
    centre: tuple[float, float],
    radius: float,
    color: Color,
    strength: float = 1.0,
    falloff: float = 1.6,
) -> None:
    """Soft radial light added onto img in place."""
    size = max(2, int(radius * 2))
    mask = _RADIAL.resize((size, size), Image.Resampling.BILINEAR)
    lut = [round(255 * strength * max(0.0, 1 - v / 255) ** falloff) for v in range(256)]
    mask = mask.point(lut)
    x, y = int(centre[0] - size / 2), int(centre[1] - size / 2)
    img.paste(Image.new("RGB", (size, size), color), (x, y), mask)


def _ridge(
    rng: random.Random, w: int, base: float, amp: float, rough: float = 0.55, detail: int = 7
) -> list[tuple[float, float]]:
    """A skyline of hills by midpoint displacement; y grows downwards."""
    n = 2**detail
    pts = [0.0] * (n + 1)
    pts[0], pts[n] = rng.uniform(-1, 1), rng.uniform(-1, 1)
    step, scale = n, 1.0
    while step > 1:
        half = step // 2
        for i in range(half, n, step):
            pts[i] = (pts[i - half] + pts[i + half]) / 2 + rng.uniform(-scale, scale)
        step, scale = half, scale * rough
    lo, hi = min(pts), max(pts)
    span = (hi - lo) or 1.0
    return [(w * i / n, base - amp * (p - lo) / span) for i, p in enumerate(pts)]


def _rolling(
    rng: random.Random, w: int, base: float, amp: float, waves: int = 3
) -> list[tuple[float, float]]:
    """Gentle hills made from a few sine waves."""
    comps = [
        (rng.uniform(0.6, 1.0) / (k + 1), rng.uniform(0.5, 1.5) * (k + 1), rng.uniform(0, math.tau))
        for k in range(waves)
    ]
    pts = []
    for i in range(65):
        x = w * i / 64
        v = sum(a * math.sin(f * math.pi * x / w + ph) for a, f, ph in comps)
        pts.append((x, base - amp * (0.5 + 0.5 * v / max(1e-6, sum(c[0] for c in comps)))))
    return pts


def _fill_below(
    draw: ImageDraw.ImageDraw, pts: list[tuple[float, float]], h: int, color: Color
) -> None:
    w = pts[-1][0]
    draw.polygon(pts + [(w + 2, h + 2), (-2, h + 2)], fill=color)


def _clouds(
    img: Image.Image,
    rng: random.Random,
    color: Color,
    top: float,
    bottom: float,
    count: int,
    alpha: float,
) -> None:
    w, h = img.size
    mask = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(mask)
    for _ in range(count):
        cx, cy = rng.uniform(-0.1, 1.1) * w, rng.uniform(top, bottom) * h
        cw = rng.uniform(0.12, 0.35) * w
        for _ in range(rng.randint(3, 7)):
            ox, oy = rng.uniform(-0.5, 0.5) * cw, rng.uniform(-0.08, 0.08) * cw
            rx, ry = rng.uniform(0.15, 0.4) * cw, rng.uniform(0.04, 0.12) * cw
            d.ellipse(
                (cx + ox - rx, cy + oy - ry, cx + ox + rx, cy + oy + ry), fill=rng.randint(90, 200)
            )
    mask = mask.filter(ImageFilter.GaussianBlur(w / 60)).point(lambda v: int(v * alpha))
    img.paste(Image.new("RGB", (w, h), color), (0, 0), mask)


def _sky(size: tuple[int, int], pal: dict[str, Color], horizon: float) -> Image.Image:
    return _vgradient(
        size,
        [
            (0.0, pal["top"]),
            (horizon * 0.55, pal["mid"]),
            (horizon, pal["horizon"]),
            (1.0, pal["horizon"]),
        ],
    )


def _tree(
    draw: ImageDraw.ImageDraw, rng: random.Random, x: float, y: float, s: float, color: Color
) -> None:
    """Broadleaf tree: trunk plus a cluster of blobs."""
    draw.rectangle((x - s * 0.05, y - s * 0.55, x + s * 0.05, y), fill=color)
    for _ in range(9):
        ox, oy = rng.uniform(-0.35, 0.35) * s, rng.uniform(-1.0, -0.55) * s
        r = rng.uniform(0.18, 0.3) * s
        draw.ellipse((x + ox - r, y + oy - r, x + ox + r, y + oy + r), fill=color)


def _fir(draw: ImageDraw.ImageDraw, x: float, y: float, s: float, color: Color) -> None:
    draw.rectangle((x - s * 0.03, y - s * 0.15, x + s * 0.03, y), fill=color)
    for k in range(4):
        top = y - s * (0.45 + 0.18 * k)
        half = s * (0.24 - 0.045 * k)
        base = y - s * (0.1 + 0.2 * k)
        draw.polygon([(x, top - s * 0.12), (x - half, base), (x + half, base)], fill=color)


# --------------------------------------------------------------------------
# scenes; each draws onto a small canvas (the final image is upscaled later)


def _scene_city(img, rng, pal):
    w, h = img.size
    horizon = rng.uniform(0.6, 0.72)
    img.paste(_sky((w, h), pal, horizon))
    _clouds(img, rng, _mix(pal["mid"], pal["horizon"], 0.5), 0.05, 0.45, rng.randint(2, 5), 0.5)
    _glow(img, (rng.uniform(0.15, 0.85) * w, horizon * h), w * 0.5, pal["light"], 0.45, 2.2)
    d = ImageDraw.Draw(img)
    windows = []
    layers = 4
    for layer in range(layers):
        depth = layer / (layers - 1)
        color = _mix(pal["haze"], pal["near"], 0.35 + 0.65 * depth)
        base = h * (horizon + 0.05 + 0.12 * depth)
        x = -rng.uniform(0, 40)
        while x < w:
            bw = rng.uniform(0.03, 0.09) * w * (0.6 + depth)
            bh = rng.uniform(0.08, 0.32) * h * (1.1 - 0.3 * depth)
            top = base - bh
            d.rectangle((x, top, x + bw, h), fill=color)
            r = rng.random()
            if r < 0.15:
                d.rectangle((x + bw * 0.45, top - bh * 0.25, x + bw * 0.5, top), fill=color)
            elif r < 0.3:
                d.polygon([(x, top), (x + bw / 2, top - bw * 0.35), (x + bw, top)], fill=color)
            elif r < 0.4:
                d.rectangle((x + bw * 0.2, top - bh * 0.12, x + bw * 0.8, top), fill=color)
            if layer >= layers - 2:
                windows.append((x, top, bw, depth))
            x += bw + rng.uniform(-0.2, 0.25) * bw
    lit = _mix(pal["light"], pal["near"], 0.15)
    for x, top, bw, depth in windows:
        step = 4 + 3 * depth
        cols = max(1, int(bw / step))
        yy = top + step
        while yy < h * 0.97:
            for c in range(cols):
                if rng.random() < 0.12:
                    wx = x + c * step + 1.5
                    d.rectangle(
                        (wx, yy, wx + step * 0.45, yy + step * 0.5),
                        fill=_mix(color, lit, rng.uniform(0.4, 0.9)),
                    )
            yy += step * 1.3
    d.rectangle((0, h * 0.96, w, h), fill=pal["near"])


def _scene_sea(img, rng, pal):
    w, h = img.size
    horizon = rng.uniform(0.5, 0.62)
    hy = horizon * h
    img.paste(_sky((w, h), pal, horizon))
    _clouds(
        img, rng, _mix(pal["mid"], pal["light"], 0.3), 0.05, horizon - 0.08, rng.randint(3, 6), 0.55
    )
    sx = rng.uniform(0.2, 0.8) * w
    sy = hy - rng.uniform(0.03, 0.2) * h
    _glow(img, (sx, sy), w * 0.6, pal["light"], 0.5, 2.4)
    d = ImageDraw.Draw(img)
    r = w * rng.uniform(0.025, 0.04)
    d.ellipse((sx - r, sy - r, sx + r, sy + r), fill=_mix(pal["light"], (255, 255, 255), 0.3))
    # a headland on one side
    if rng.random() < 0.75:
        side = rng.choice((0, 1))
        reach = w * rng.uniform(0.3, 0.5)
        pts = _ridge(rng, int(reach), hy + 1, h * rng.uniform(0.05, 0.12), 0.5, 6)
        # taper towards the open sea so the headland slopes into the water
        pts = [(x, hy + 1 - (hy + 1 - y) * min(1.0, 1.6 * (1 - x / reach)) ** 0.8) for x, y in pts]
        if side:
            pts = [(w - x, y) for x, y in reversed(pts)]
        d.polygon(
            pts + ([(w, hy + 1)] if side else [(0, hy + 1)]),
            fill=_mix(pal["haze"], pal["near"], 0.55),
        )
    water = _vgradient((w, h - int(hy)), [(0.0, pal["water"]), (1.0, pal["deep"])])
    img.paste(water, (0, int(hy)))
    # sun path and waves
    _glow(img, (sx, hy + (h - hy) * 0.3), (h - hy) * 0.9, pal["light"], 0.28, 1.4)
    y = hy + 1
    while y < h:
        t = (y - hy) / (h - hy)
        seg = 6 + 60 * t
        x = rng.uniform(-seg, 0)
        while x < w:
            L = seg * rng.uniform(0.6, 2.5)
            near_sun = max(0.0, 1 - abs(x - sx) / (w * (0.08 + 0.25 * t)))
            if rng.random() < 0.55:
                col = (
                    _mix(pal["deep"], pal["light"], 0.15 + 0.6 * near_sun)
                    if rng.random() < 0.6
                    else _mix(pal["deep"], pal["near"], 0.5)
                )
                d.line((x, y, x + L, y), fill=col, width=max(1, int(1 + 2 * t)))
            x += L + seg * rng.uniform(0.3, 1.5)
        y += 1 + 5 * t * t + rng.uniform(0, 1.5)


def _scene_mountains(img, rng, pal):
    w, h = img.size
    horizon = rng.uniform(0.55, 0.7)
    img.paste(_sky((w, h), pal, horizon))
    _clouds(img, rng, _mix(pal["mid"], pal["light"], 0.4), 0.05, 0.4, rng.randint(2, 5), 0.5)
    sx, sy = rng.uniform(0.15, 0.85) * w, rng.uniform(0.15, 0.4) * h
    _glow(img, (sx, sy), w * 0.45, pal["light"], 0.55, 2.0)
    d = ImageDraw.Draw(img)
    r = w * 0.018
    d.ellipse((sx - r, sy - r, sx + r, sy + r), fill=_mix(pal["light"], (255, 255, 255), 0.4))
    layers = rng.randint(4, 5)
    for i in range(layers):
        depth = i / (layers - 1)
        color = _mix(pal["haze"], pal["near"], 0.15 + 0.85 * depth**1.3)
        base = h * (horizon - 0.05 + 0.38 * depth)
        amp = h * (0.34 - 0.18 * depth) * rng.uniform(0.8, 1.2)
        pts = _ridge(rng, w, base, amp, 0.58 - 0.1 * depth, 7)
        _fill_below(d, pts, h, color)
        # mist between ranges
        mist = Image.new("L", (w, h), 0)
        md = ImageDraw.Draw(mist)
        md.rectangle((0, base - amp * 0.1, w, base + h * 0.06), fill=70)
        mist = mist.filter(ImageFilter.GaussianBlur(h * 0.04))
        img.paste(Image.new("RGB", (w, h), pal["haze"]), (0, 0), mist)


def _scene_night(img, rng, pal):
    w, h = img.size
    horizon = rng.uniform(0.62, 0.75)
    img.paste(_sky((w, h), pal, horizon))
    d = ImageDraw.Draw(img)
    for _ in range(int(w * h / 900)):
        x, y = rng.uniform(0, w), rng.uniform(0, horizon * h) ** 1.0
        b = rng.random() ** 3
        d.point((x, y * rng.uniform(0.3, 1.0)), fill=_mix(pal["mid"], pal["light"], 0.3 + 0.7 * b))
    _clouds(img, rng, _mix(pal["mid"], pal["haze"], 0.5), 0.1, 0.5, rng.randint(2, 4), 0.45)
    mx, my = rng.uniform(0.15, 0.85) * w, rng.uniform(0.12, 0.35) * h
    _glow(img, (mx, my), w * 0.35, _mix(pal["light"], pal["mid"], 0.4), 0.45, 2.2)
    r = w * rng.uniform(0.02, 0.03)
    d = ImageDraw.Draw(img)
    d.ellipse((mx - r, my - r, mx + r, my + r), fill=pal["light"])
    if rng.random() < 0.6:  # crescent
        off = r * rng.uniform(0.4, 0.8)
        d.ellipse(
            (mx - r + off, my - r - off * 0.3, mx + r + off, my + r - off * 0.3),
            fill=img.getpixel((int(min(w - 1, mx + r * 1.8)), int(my)))[:3],
        )
    far = _ridge(rng, w, horizon * h, h * 0.12, 0.5, 7)
    _fill_below(d, far, h, _mix(pal["haze"], pal["near"], 0.5))
    # a small town in the foreground with a handful of lit windows
    base = h * rng.uniform(0.86, 0.92)
    x = -5.0
    lamp = _mix(pal["light"], (255, 190, 110), 0.6)
    while x < w:
        bw = rng.uniform(0.03, 0.07) * w
        bh = rng.uniform(0.04, 0.14) * h
        d.rectangle((x, base - bh, x + bw, h), fill=pal["near"])
        if rng.random() < 0.5:
            d.polygon(
                [(x - 2, base - bh), (x + bw / 2, base - bh - bw * 0.4), (x + bw + 2, base - bh)],
                fill=pal["near"],
            )
        for _ in range(rng.randint(0, 3)):
            wx, wy = x + rng.uniform(0.15, 0.75) * bw, base - bh + rng.uniform(0.15, 0.8) * bh
            d.rectangle((wx, wy, wx + 3, wy + 4), fill=lamp)
        x += bw + rng.uniform(0, 0.03) * w
    for _ in range(rng.randint(2, 5)):
        _glow(img, (rng.uniform(0, w), base - rng.uniform(0, 0.05) * h), w * 0.05, lamp, 0.35, 2.0)


def _scene_field(img, rng, pal):
    w, h = img.size
    horizon = rng.uniform(0.5, 0.62)
    hy = horizon * h
    img.paste(_sky((w, h), pal, horizon))
    _clouds(
        img, rng, _mix(pal["light"], pal["mid"], 0.2), 0.05, horizon - 0.05, rng.randint(4, 8), 0.7
    )
    sx = rng.uniform(0.1, 0.9) * w
    _glow(img, (sx, hy - h * 0.05), w * 0.5, pal["light"], 0.45, 2.0)
    d = ImageDraw.Draw(img)
    far = _rolling(rng, w, hy + 2, h * 0.05)
    _fill_below(d, far, h, _mix(pal["haze"], pal["near"], 0.35))
    # tree line on the far hills
    tl = _mix(pal["haze"], pal["near"], 0.6)
    for x, y in far[rng.randint(0, 20) : rng.randint(35, 64)]:
        for _ in range(2):
            r = rng.uniform(4, 9)
            d.ellipse((x - r, y - r * 1.4 + 3, x + r, y + 3), fill=tl)
    mid = _rolling(rng, w, hy + h * 0.08, h * 0.06)
    ground = pal["ground"]
    field = _vgradient(
        (w, h),
        [
            (0.0, _mix(ground, pal["haze"], 0.45)),
            (horizon + 0.05, _mix(ground, pal["haze"], 0.3)),
            (1.0, _mix(ground, pal["near"], 0.55)),
        ],
    )
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).polygon(mid + [(w + 2, h + 2), (-2, h + 2)], fill=255)
    img.paste(field, (0, 0), mask)
    # furrows converging to a vanishing point
    vx = rng.uniform(0.2, 0.8) * w
    row = _mix(ground, pal["near"], 0.35)
    for k in range(-30, 31):
        x_end = vx + k * w * 0.06
        d.line((vx + k * w * 0.004, max(p[1] for p in mid) + 2, x_end, h), fill=row, width=1)
    # a lone tree and a few poles
    tx = rng.choice((rng.uniform(0.08, 0.35), rng.uniform(0.65, 0.92))) * w
    _tree(d, rng, tx, hy + h * rng.uniform(0.1, 0.16), h * rng.uniform(0.22, 0.32), pal["near"])
    if rng.random() < 0.6:
        py = hy + h * 0.09
        prev = None
        for i in range(6):
            x = w * (0.1 + 0.17 * i) + rng.uniform(-5, 5)
            top = py - h * 0.09
            d.line((x, py, x, top), fill=_mix(pal["near"], pal["haze"], 0.3), width=2)
            d.line(
                (x - 6, top + 3, x + 6, top + 3), fill=_mix(pal["near"], pal["haze"], 0.3), width=1
            )
            if prev:
                d.line(
                    (prev[0], prev[1], x, top + 3),
                    fill=_mix(pal["near"], pal["haze"], 0.45),
                    width=1,
                )
            prev = (x, top + 3)


def _scene_crowd(img, rng, pal):
    w, h = img.size
    horizon = rng.uniform(0.55, 0.65)
    img.paste(_sky((w, h), pal, horizon))
    _clouds(img, rng, _mix(pal["mid"], pal["horizon"], 0.4), 0.02, 0.35, rng.randint(2, 4), 0.5)
    d = ImageDraw.Draw(img)
    # street facades
    x = -10.0
    fac = _mix(pal["haze"], pal["near"], 0.5)
    while x < w:
        bw = rng.uniform(0.08, 0.18) * w
        bh = rng.uniform(0.25, 0.45) * h
        top = horizon * h - bh
        d.rectangle((x, top, x + bw, h), fill=_jitter(rng, fac, 6))
        for wy in range(int(top + 10), int(h * 0.75), 14):
            for wx in range(int(x + 6), int(x + bw - 8), 12):
                if rng.random() < 0.5:
                    d.rectangle(
                        (wx, wy, wx + 5, wy + 7),
                        fill=_mix(fac, pal["light"], rng.uniform(0.05, 0.4)),
                    )
        x += bw + 2
    # blurred street lights (bokeh)
    bokeh = Image.new("RGB", (w, h), (0, 0, 0))
    bd = ImageDraw.Draw(bokeh)
    for _ in range(rng.randint(18, 35)):
        bx, by, r = rng.uniform(0, w), rng.uniform(0.25, 0.65) * h, rng.uniform(4, 14)
        bd.ellipse(
            (bx - r, by - r, bx + r, by + r),
            fill=_mix((0, 0, 0), pal["light"], rng.uniform(0.25, 0.6)),
        )
    img.paste(ImageChops.screen(img, bokeh.filter(ImageFilter.GaussianBlur(3))))
    haze = Image.new("L", (w, h), 0)
    ImageDraw.Draw(haze).rectangle((0, h * 0.5, w, h), fill=90)
    img.paste(
        Image.new("RGB", (w, h), pal["haze"]),
        (0, 0),
        haze.filter(ImageFilter.GaussianBlur(h * 0.08)),
    )
    d = ImageDraw.Draw(img)
    # rows of people, back to front
    rows = 6
    placard = _mix((214, 208, 196), pal["haze"], 0.35)
    for rrow in range(rows):
        depth = rrow / (rows - 1)
        color = _mix(pal["haze"], pal["near"], 0.35 + 0.65 * depth)
        s = h * (0.03 + 0.16 * depth**2)
        base = h * (0.7 + 0.4 * depth**1.5)
        x = rng.uniform(-s, 0)
        while x < w + s:
            hx = x + rng.uniform(-0.2, 0.2) * s
            top = base - s * rng.uniform(1.5, 1.9)
            if rng.random() < 0.06 and depth < 0.9:
                pw = s * rng.uniform(1.2, 2.0)
                ph = pw * rng.uniform(0.5, 0.75)
                py = top - s * 1.6
                d.line((hx, py + ph, hx, top), fill=color, width=max(1, int(s * 0.06)))
                d.rectangle(
                    (hx - pw / 2, py, hx + pw / 2, py + ph),
                    fill=_mix(placard, color, 0.2 + 0.4 * depth),
                )
            hr = s * 0.3
            d.ellipse((hx - hr, top - hr * 2, hx + hr, top + hr * 0.2), fill=color)
            d.rounded_rectangle(
                (hx - s * 0.55, top + hr * 0.1, hx + s * 0.55, base + s * 2),
                radius=s * 0.35,
                fill=color,
            )
            x += s * rng.uniform(0.7, 1.15)


def _scene_river(img, rng, pal):
    w, h = img.size
    horizon = rng.uniform(0.5, 0.6)
    hy = int(horizon * h)
    img.paste(_sky((w, h), pal, horizon))
    _clouds(
        img, rng, _mix(pal["light"], pal["mid"], 0.3), 0.05, horizon - 0.08, rng.randint(3, 6), 0.55
    )
    sx = rng.uniform(0.2, 0.8) * w
    _glow(img, (sx, hy - h * 0.08), w * 0.45, pal["light"], 0.45, 2.2)
    d = ImageDraw.Draw(img)
    # far bank: low ridge, tree line, sometimes a steeple or a bridge
    bank = _mix(pal["haze"], pal["near"], 0.5)
    far = _ridge(rng, w, hy, h * rng.uniform(0.03, 0.08), 0.45, 6)
    d.polygon(far + [(w, hy), (0, hy)], fill=bank)
    for x, y in far:
        if rng.random() < 0.8:
            r = rng.uniform(3, 9)
            d.ellipse((x - r, y - r * 1.6, x + r, y + 2), fill=bank)
    if rng.random() < 0.5:
        tx = rng.uniform(0.1, 0.9) * w
        top = min(y for x, y in far) - h * 0.09
        d.rectangle((tx - 7, top + h * 0.035, tx + 7, hy), fill=bank)
        d.polygon([(tx - 8, top + h * 0.035), (tx, top), (tx + 8, top + h * 0.035)], fill=bank)
    else:
        deck = hy - h * rng.uniform(0.04, 0.07)
        x0, x1 = rng.uniform(-0.1, 0.3) * w, rng.uniform(0.7, 1.1) * w
        col = _mix(pal["haze"], pal["near"], 0.65)
        d.rectangle((x0, deck, x1, deck + h * 0.012), fill=col)
        span = (x1 - x0) / rng.randint(5, 8)
        x = x0
        while x <= x1 + 1:
            d.rectangle((x - 3, deck, x + 3, hy), fill=col)
            x += span
    # water: the sky and bank mirrored, darkened and softened
    refl = img.crop((0, 0, w, hy)).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    refl = Image.blend(refl, Image.new("RGB", refl.size, pal["near"]), 0.3)
    refl = refl.resize((w, h - hy)).filter(ImageFilter.BoxBlur(1))
    img.paste(refl, (0, hy))
    d = ImageDraw.Draw(img)
    y = hy + 3.0
    while y < h:
        t = (y - hy) / (h - hy)
        for _ in range(int(3 + 10 * t)):
            x = rng.uniform(0, w)
            L = rng.uniform(6, 40) * (0.3 + 1.5 * t)
            near_sun = max(0.0, 1 - abs(x - sx) / (w * 0.2))
            d.line(
                (x, y, x + L, y),
                fill=_mix(pal["mid"], pal["light"], 0.15 + 0.5 * near_sun),
                width=1,
            )
        y += 2 + 7 * t
    # near bank with reeds in one corner
    side = rng.choice((-1, 1))
    edge = 0 if side < 0 else w
    reach = rng.uniform(0.3, 0.5) * w
    pts = [(edge, h * rng.uniform(0.78, 0.86))]
    for i in range(1, 9):
        t = i / 8
        pts.append(
            (edge - side * reach * t, pts[0][1] + (h - pts[0][1]) * t**0.6 + rng.uniform(-3, 3))
        )
    d.polygon(pts + [(edge, h)], fill=pal["near"])
    for _ in range(int(reach / 2)):
        t = rng.random()
        bx = edge - side * reach * t * 0.95
        by = pts[0][1] + (h - pts[0][1]) * t**0.6 + 4
        rh = h * rng.uniform(0.06, 0.18) * (1 - 0.6 * t)
        d.line(
            (bx, by, bx + rng.uniform(-8, 8), by - rh),
            fill=pal["near"],
            width=rng.choice((1, 1, 2)),
        )


def _scene_winter(img, rng, pal):
    w, h = img.size
    horizon = rng.uniform(0.5, 0.62)
    hy = horizon * h
    img.paste(_sky((w, h), pal, horizon))
    _clouds(
        img, rng, _mix(pal["mid"], pal["snow"], 0.5), 0.0, horizon - 0.1, rng.randint(4, 8), 0.6
    )
    sx, sy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.4) * h
    _glow(img, (sx, sy), w * 0.35, pal["light"], 0.5, 2.0)
    d = ImageDraw.Draw(img)
    r = w * 0.015
    d.ellipse((sx - r, sy - r, sx + r, sy + r), fill=_mix(pal["light"], pal["snow"], 0.3))
    far = _ridge(rng, w, hy, h * 0.12, 0.5, 7)
    _fill_below(d, far, h, _mix(pal["haze"], pal["shade"], 0.5))
    # distant forest band
    forest = _mix(pal["haze"], pal["near"], 0.45)
    for x, y in far:
        for _ in range(3):
            fx = x + rng.uniform(-6, 6)
            _fir(d, fx, y + h * 0.025, h * rng.uniform(0.025, 0.045), forest)
    snowfield = _vgradient(
        (w, h), [(0.0, pal["shade"]), (horizon + 0.08, pal["shade"]), (1.0, pal["snow"])]
    )
    mid = _rolling(rng, w, hy + h * 0.09, h * 0.07)
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).polygon(mid + [(w + 2, h + 2), (-2, h + 2)], fill=255)
    img.paste(snowfield, (0, 0), mask)
    near = _mix(pal["near"], pal["shade"], 0.15)
    trees = sorted((rng.uniform(0, w), rng.uniform(0.0, 1.0)) for _ in range(rng.randint(6, 16)))
    for x, t in sorted(trees, key=lambda v: v[1]):
        y = hy + h * (0.12 + 0.35 * t)
        _fir(d, x, y, h * (0.08 + 0.35 * t), _mix(pal["shade"], near, 0.4 + 0.6 * t))
    # falling snow
    flakes = Image.new("L", (w, h), 0)
    fd = ImageDraw.Draw(flakes)
    for _ in range(int(w * h / rng.choice((400, 900, 3000)))):
        x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.5, 1.6)
        fd.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(120, 230))
    img.paste(
        Image.new("RGB", (w, h), pal["snow"]), (0, 0), flakes.filter(ImageFilter.GaussianBlur(0.7))
    )


_SCENES = {
    "city": _scene_city,
    "sea": _scene_sea,
    "mountains": _scene_mountains,
    "night": _scene_night,
    "field": _scene_field,
    "crowd": _scene_crowd,
    "river": _scene_river,
    "winter": _scene_winter,
}


# --------------------------------------------------------------------------


def generate_lead_image(*, scene: str, seed: int, width: int = 1600, height: int = 900) -> bytes:
    """Return a JPEG (quality ~82, progressive) of an abstract but photo-like scene, deterministic for (scene, seed)."""
    if scene not in _SCENES:
        raise ValueError(f"unknown scene {scene!r}; expected one of {', '.join(SCENES)}")
    rng = random.Random(f"masthead-demo:{scene}:{seed}")
    pal = {k: _jitter(rng, v, 8) for k, v in rng.choice(PALETTES[scene]).items()}

    # Draw small, then upscale: soft edges read as depth of field, and it is fast.
    sw, sh = max(160, width // 2), max(90, height // 2)
    small = Image.new("RGB", (sw, sh), pal["top"])
    _SCENES[scene](small, rng, pal)
    small = small.filter(ImageFilter.GaussianBlur(0.6))
    img = small.resize((width, height), Image.Resampling.BICUBIC)

    # Vignette.
    vig = _RADIAL.resize((width, height), Image.Resampling.BILINEAR)
    vig = vig.point([round(255 * 0.42 * max(0.0, (v - 90) / 165) ** 1.5) for v in range(256)])
    img.paste(Image.new("RGB", (width, height), _mix(pal["near"], (0, 0, 0), 0.5)), (0, 0), vig)

    # Film grain from the seeded generator (Image.effect_noise is not seedable).
    gw, gh = max(1, width // 2), max(1, height // 2)
    grain = Image.frombytes("L", (gw, gh), rng.randbytes(gw * gh))
    grain = grain.point([128 + round((v - 128) * 0.09) for v in range(256)])
    grain = grain.resize((width, height), Image.Resampling.BILINEAR)
    img = ImageChops.add(img, Image.merge("RGB", (grain, grain, grain)), 1.0, -128)

    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=82, progressive=True, optimize=True)
    return buf.getvalue()

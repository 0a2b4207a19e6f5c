//! Generated camera photos of a citizen ID card, for tests, benchmarks and
//! replay folders: a card with its QR code (top right of the front, as on
//! the chip card) held by a thumb, turned and tilted in front of a 1280×720
//! camera, over a cluttered desk, unevenly lit, slightly blurred, noisy, and
//! encoded as a colour JPEG the way a webcam's MJPEG frames come.
//!
//! Deterministic: the same [`Photo`] gives the same bytes. Nothing here is a
//! real person; use synthetic payloads only.

use std::path::{Path, PathBuf};

use motcua_scan::Gray;
use motcua_scan::synth::{Rng, add_noise, box_blur};
use qrcode::{Color, QrCode};

use crate::error::one_line;

/// Width of a generated photo.
pub const WIDTH: u32 = 1280;
/// Height of a generated photo.
pub const HEIGHT: u32 = 720;
/// The card's size in millimetres (ISO/IEC 7810 ID-1).
pub const CARD_MM: (f64, f64) = (85.6, 53.98);
/// The QR code's square on the card: left, top and side in millimetres.
pub const QR_MM: (f64, f64, f64) = (66.0, 4.0, 17.0);
/// Focal length of the simulated camera, in pixels (about 65° across).
const FOCAL_PX: f64 = 1000.0;
/// Quality of the generated JPEGs: a webcam's MJPEG is about this.
const JPEG_QUALITY: u8 = 85;

/// Why a photo could not be generated or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SynthError {
    #[error("the text does not fit a QR code: {0}")]
    Qr(String),
    #[error("the card cannot be placed in front of the camera")]
    Geometry,
    #[error("the photo could not be encoded: {0}")]
    Encode(String),
    #[error("cannot write {}: {reason}", path.display())]
    Io { path: PathBuf, reason: String },
}

/// How the card is held in front of the camera.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// The text of the card's QR code; `None`: a card without one.
    pub qr: Option<String>,
    /// Turn in the image plane, degrees, counter-clockwise on screen.
    pub angle_deg: f64,
    /// Tilt about the card's horizontal and vertical axes, degrees: the
    /// perspective of a card not held square to the camera.
    pub tilt_deg: (f64, f64),
    /// How wide the card appears when held square, in pixels.
    pub width_px: f64,
    /// The card's centre relative to the frame's centre, in pixels.
    pub offset_px: (f64, f64),
}

/// One generated camera frame: a desk, maybe a card.
#[derive(Debug, Clone, PartialEq)]
pub struct Photo {
    /// The card in view; `None`: only the desk.
    pub card: Option<Card>,
    /// Seed of the desk's clutter, the lighting and the noise.
    pub seed: u64,
}

impl Photo {
    /// A card whose QR holds `text`, held square a little below the
    /// frame's centre, about 55 % of the frame's width (its QR about 150
    /// pixels, 3 per module for an ID card's payload).
    pub fn of_card(text: &str, seed: u64) -> Self {
        Self {
            card: Some(Card {
                qr: Some(text.to_owned()),
                angle_deg: 0.0,
                tilt_deg: (0.0, 0.0),
                width_px: 700.0,
                offset_px: (0.0, 40.0),
            }),
            seed,
        }
    }

    /// A card like [`Photo::of_card`] but without a QR code.
    pub fn card_without_qr(seed: u64) -> Self {
        let mut photo = Self::of_card("", seed);
        if let Some(card) = &mut photo.card {
            card.qr = None;
        }
        photo
    }

    /// The desk alone.
    pub fn empty(seed: u64) -> Self {
        Self { card: None, seed }
    }

    /// Turns the card by `degrees` in the image plane.
    pub fn turned(mut self, degrees: f64) -> Self {
        if let Some(card) = &mut self.card {
            card.angle_deg = degrees;
        }
        self
    }

    /// Tilts the card about its horizontal (`x`) and vertical (`y`) axes.
    pub fn tilted(mut self, x_degrees: f64, y_degrees: f64) -> Self {
        if let Some(card) = &mut self.card {
            card.tilt_deg = (x_degrees, y_degrees);
        }
        self
    }

    /// Sets how wide the card appears, in pixels (nearer or farther).
    pub fn sized(mut self, width_px: f64) -> Self {
        if let Some(card) = &mut self.card {
            card.width_px = width_px;
        }
        self
    }

    /// Moves the card's centre by (`dx`, `dy`) pixels from the frame's centre.
    pub fn shifted(mut self, dx: f64, dy: f64) -> Self {
        if let Some(card) = &mut self.card {
            card.offset_px = (dx, dy);
        }
        self
    }

    /// The photo as interleaved 8-bit RGB, [`WIDTH`]×[`HEIGHT`].
    pub fn rgb(&self) -> Result<Vec<u8>, SynthError> {
        let mut rng = Rng::new(self.seed);
        let mut img = Planes::new(WIDTH, HEIGHT);
        desk(&mut img, &mut rng);
        clutter(&mut img, &mut rng);
        if let Some(card) = &self.card {
            let modules = card.qr.as_deref().map(Modules::of).transpose()?;
            let text_seed = u64::from(rng.next_u32());
            draw_card(&mut img, card, modules.as_ref(), text_seed)?;
        }
        light(&mut img, &mut rng);
        let noise_seed = u64::from(rng.next_u32());
        for (k, plane) in img.0.iter_mut().enumerate() {
            *plane = box_blur(plane, 1, 2);
            add_noise(plane, 5, noise_seed ^ k as u64);
        }
        Ok(img.interleave())
    }

    /// The photo as a colour JPEG.
    pub fn jpeg(&self) -> Result<Vec<u8>, SynthError> {
        let rgb = self.rgb()?;
        let mut out = Vec::new();
        jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY)
            .encode(
                &rgb,
                WIDTH as u16,
                HEIGHT as u16,
                jpeg_encoder::ColorType::Rgb,
            )
            .map_err(|e| SynthError::Encode(one_line(e)))?;
        Ok(out)
    }
}

/// Writes `count` JPEG frames `frame-000.jpg`… into `dir` (which must
/// exist): the desk alone, a card without a QR, and a card whose QR holds
/// `text` at varying angles and tilts, in a repeating order of that kind.
/// Frame `i` has the QR exactly when `has_qr(i)`. Returns the paths written.
pub fn write_replay_folder(
    dir: &Path,
    text: &str,
    count: usize,
    seed: u64,
) -> Result<Vec<PathBuf>, SynthError> {
    let mut paths = Vec::with_capacity(count);
    for i in 0..count {
        let frame_seed = seed.wrapping_add(i as u64);
        let photo = match i % 4 {
            0 => Photo::empty(frame_seed),
            1 => Photo::card_without_qr(frame_seed).turned(-8.0),
            _ => {
                // A few different poses: -12°…+18°, tilts up to 15°.
                let k = (i / 4) as f64;
                let turn = -12.0 + (k * 11.0 + (i % 4) as f64 * 7.0) % 30.0;
                let tilt = (k * 5.0) % 15.0;
                Photo::of_card(text, frame_seed)
                    .turned(turn)
                    .tilted(tilt / 2.0, -tilt)
            }
        };
        let path = dir.join(format!("frame-{i:03}.jpg"));
        let bytes = photo.jpeg()?;
        std::fs::write(&path, bytes).map_err(|e| SynthError::Io {
            path: path.clone(),
            reason: one_line(e),
        })?;
        paths.push(path);
    }
    Ok(paths)
}

/// Whether frame `i` of [`write_replay_folder`] shows the QR code.
pub fn has_qr(i: usize) -> bool {
    i % 4 >= 2
}

/// Three 8-bit planes, red, green and blue.
struct Planes([Gray; 3]);

impl Planes {
    fn new(width: u32, height: u32) -> Self {
        Self(std::array::from_fn(|_| Gray::filled(width, height, 0)))
    }

    fn set(&mut self, i: usize, c: [f64; 3]) {
        for (plane, v) in self.0.iter_mut().zip(c) {
            plane.data[i] = v.clamp(0.0, 255.0) as u8;
        }
    }

    fn get(&self, i: usize) -> [f64; 3] {
        self.0.each_ref().map(|p| f64::from(p.data[i]))
    }

    fn fill_rect(&mut self, x0: i64, y0: i64, w: i64, h: i64, c: [f64; 3]) {
        let (fw, fh) = (i64::from(WIDTH), i64::from(HEIGHT));
        for y in y0.max(0)..(y0 + h).min(fh) {
            for x in x0.max(0)..(x0 + w).min(fw) {
                self.set((y * fw + x) as usize, c);
            }
        }
    }

    fn interleave(&self) -> Vec<u8> {
        let [r, g, b] = &self.0;
        let mut out = Vec::with_capacity(r.data.len() * 3);
        for ((&r, &g), &b) in r.data.iter().zip(&g.data).zip(&b.data) {
            out.extend_from_slice(&[r, g, b]);
        }
        out
    }
}

fn unit(rng: &mut Rng) -> f64 {
    f64::from(rng.next_u32()) / f64::from(u32::MAX)
}

fn between(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * unit(rng)
}

fn scaled(c: [f64; 3], k: f64) -> [f64; 3] {
    c.map(|v| v * k)
}

/// A desk: wood-like or laminate grain in one of a few colours.
fn desk(img: &mut Planes, rng: &mut Rng) {
    const COLOURS: [[f64; 3]; 4] = [
        [150.0, 108.0, 72.0],
        [118.0, 120.0, 126.0],
        [72.0, 70.0, 80.0],
        [192.0, 180.0, 158.0],
    ];
    let base = COLOURS[rng.range(0, 4) as usize];
    let (fx, phase) = (between(rng, 0.004, 0.012), between(rng, 0.0, 6.3));
    for y in 0..HEIGHT {
        let yf = f64::from(y);
        for x in 0..WIDTH {
            let xf = f64::from(x);
            let grain = (xf * fx + 6.0 * (yf * 0.004 + phase).sin()).sin() * 0.5
                + (yf * 0.09 + xf * 0.003).sin() * 0.2;
            img.set((y * WIDTH + x) as usize, scaled(base, 1.0 + 0.14 * grain));
        }
    }
}

/// Things lying on the desk: papers with text, dark objects, coloured
/// discs, a keyboard's keys.
fn clutter(img: &mut Planes, rng: &mut Rng) {
    let (fw, fh) = (i64::from(WIDTH), i64::from(HEIGHT));
    for _ in 0..rng.range(10, 18) {
        let x0 = i64::from(rng.range(0, WIDTH + 100)) - 100;
        let y0 = i64::from(rng.range(0, HEIGHT + 100)) - 100;
        let (w, h) = (i64::from(rng.range(60, 420)), i64::from(rng.range(40, 300)));
        match rng.range(0, 6) {
            0 | 1 => {
                let paper = between(rng, 215.0, 245.0);
                img.fill_rect(x0, y0, w, h, [paper, paper, paper - 6.0]);
                let mut y = y0 + 12;
                while y + 6 < y0 + h {
                    let len = i64::from(rng.range(20, w.max(21) as u32));
                    img.fill_rect(x0 + 10, y, len - 10, 5, [40.0, 40.0, 60.0]);
                    y += 14;
                }
            }
            2 => {
                let v = between(rng, 15.0, 60.0);
                img.fill_rect(x0, y0, w, h, [v, v, v + 5.0]);
            }
            3 | 4 => {
                let c = [0; 3].map(|_| between(rng, 30.0, 230.0));
                let r = i64::from(rng.range(20, 120));
                let (cx, cy) = (x0 + r, y0 + r);
                for y in (cy - r).max(0)..(cy + r).min(fh) {
                    for x in (cx - r).max(0)..(cx + r).min(fw) {
                        if (x - cx).pow(2) + (y - cy).pow(2) <= r * r {
                            img.set((y * fw + x) as usize, c);
                        }
                    }
                }
            }
            _ => {
                img.fill_rect(x0, y0, w, h, [30.0, 30.0, 34.0]);
                let mut y = y0 + 4;
                while y + 18 < y0 + h {
                    let mut x = x0 + 4;
                    while x + 18 < x0 + w {
                        img.fill_rect(x, y, 18, 18, [200.0, 200.0, 205.0]);
                        x += 22;
                    }
                    y += 22;
                }
            }
        }
    }
}

/// A QR code's modules, row-major, `true` = dark.
struct Modules {
    side: usize,
    dark: Vec<bool>,
}

impl Modules {
    fn of(text: &str) -> Result<Self, SynthError> {
        let code = QrCode::new(text.as_bytes()).map_err(|e| SynthError::Qr(one_line(e)))?;
        Ok(Self {
            side: code.width(),
            dark: code.to_colors().iter().map(|&c| c == Color::Dark).collect(),
        })
    }
}

type M3 = [[f64; 3]; 3];

/// The matrix taking card-plane points (mm, from the card's centre) to
/// homogeneous pixel coordinates: a pinhole camera looking at the card.
fn card_matrix(card: &Card) -> Option<M3> {
    let (sa, ca) = card.angle_deg.to_radians().sin_cos();
    let (sx, cx) = card.tilt_deg.0.to_radians().sin_cos();
    let (sy, cy) = card.tilt_deg.1.to_radians().sin_cos();
    // Screen y points down: counter-clockwise on screen is a negative
    // angle in these coordinates.
    let rz: M3 = [[ca, sa, 0.0], [-sa, ca, 0.0], [0.0, 0.0, 1.0]];
    let rx: M3 = [[1.0, 0.0, 0.0], [0.0, cx, -sx], [0.0, sx, cx]];
    let ry: M3 = [[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]];
    let r = mul(&rz, &mul(&rx, &ry));
    if card.width_px <= 1.0 {
        return None;
    }
    let z = FOCAL_PX * CARD_MM.0 / card.width_px;
    let t = [
        card.offset_px.0 * z / FOCAL_PX,
        card.offset_px.1 * z / FOCAL_PX,
        z,
    ];
    let k: M3 = [
        [FOCAL_PX, 0.0, f64::from(WIDTH) / 2.0],
        [0.0, FOCAL_PX, f64::from(HEIGHT) / 2.0],
        [0.0, 0.0, 1.0],
    ];
    let plane: M3 = [
        [r[0][0], r[0][1], t[0]],
        [r[1][0], r[1][1], t[1]],
        [r[2][0], r[2][1], t[2]],
    ];
    Some(mul(&k, &plane))
}

fn mul(a: &M3, b: &M3) -> M3 {
    std::array::from_fn(|i| std::array::from_fn(|j| (0..3).map(|k| a[i][k] * b[k][j]).sum()))
}

fn invert(m: &M3) -> Option<M3> {
    let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    if det.abs() < 1e-12 {
        return None;
    }
    // The adjugate's entries: cofactors, transposed.
    let c =
        |r0: usize, c0: usize, r1: usize, c1: usize| m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
    Some(
        [
            [c(1, 1, 2, 2), -c(0, 1, 2, 2), c(0, 1, 1, 2)],
            [-c(1, 0, 2, 2), c(0, 0, 2, 2), -c(0, 0, 1, 2)],
            [c(1, 0, 2, 1), -c(0, 0, 2, 1), c(0, 0, 1, 1)],
        ]
        .map(|row| row.map(|v| v / det)),
    )
}

fn project(m: &M3, x: f64, y: f64) -> Option<(f64, f64)> {
    let d = m[2][0] * x + m[2][1] * y + m[2][2];
    if d <= 1e-9 {
        return None;
    }
    Some((
        (m[0][0] * x + m[0][1] * y + m[0][2]) / d,
        (m[1][0] * x + m[1][1] * y + m[1][2]) / d,
    ))
}

/// Draws the card (and the thumb holding it), 2×2 samples per pixel.
fn draw_card(
    img: &mut Planes,
    card: &Card,
    modules: Option<&Modules>,
    text_seed: u64,
) -> Result<(), SynthError> {
    let forward = card_matrix(card).ok_or(SynthError::Geometry)?;
    let back = invert(&forward).ok_or(SynthError::Geometry)?;
    let (cw, ch) = CARD_MM;
    // The region drawn, in card millimetres from the centre: the card and
    // the thumb over its lower left corner.
    let (u0, u1, v0, v1) = (
        -cw / 2.0 - 20.0,
        cw / 2.0 + 2.0,
        -ch / 2.0 - 2.0,
        ch / 2.0 + 14.0,
    );
    let mut bbox = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (u, v) in [(u0, v0), (u1, v0), (u1, v1), (u0, v1)] {
        let (x, y) = project(&forward, u, v).ok_or(SynthError::Geometry)?;
        bbox = (bbox.0.min(x), bbox.1.min(y), bbox.2.max(x), bbox.3.max(y));
    }
    let clampx = |v: f64| v.clamp(0.0, f64::from(WIDTH)) as u32;
    let clampy = |v: f64| v.clamp(0.0, f64::from(HEIGHT)) as u32;
    let face = Face { modules, text_seed };
    for y in clampy(bbox.1)..clampy(bbox.3 + 1.0) {
        for x in clampx(bbox.0)..clampx(bbox.2 + 1.0) {
            let i = (y * WIDTH + x) as usize;
            let desk = img.get(i);
            let mut sum = [0.0; 3];
            let mut hit = false;
            for (dx, dy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                let colour = project(&back, f64::from(x) + dx, f64::from(y) + dy)
                    .and_then(|(u, v)| face.colour(u + cw / 2.0, v + ch / 2.0));
                hit |= colour.is_some();
                let c = colour.unwrap_or(desk);
                for k in 0..3 {
                    sum[k] += c[k] / 4.0;
                }
            }
            if hit {
                img.set(i, sum);
            }
        }
    }
    Ok(())
}

/// The card's front, as a colour at each point (mm from its top left).
struct Face<'a> {
    modules: Option<&'a Modules>,
    text_seed: u64,
}

impl Face<'_> {
    fn colour(&self, u: f64, v: f64) -> Option<[f64; 3]> {
        const INK: [f64; 3] = [35.0, 35.0, 55.0];
        let (cw, ch) = CARD_MM;
        // The thumb holding the card, over its lower left corner.
        let (tu, tv) = ((u - 4.0) / 15.0, (v - 50.0) / 8.0);
        if tu * tu + tv * tv <= 1.0 {
            let shade = 1.0 - 0.25 * (tu * tu + tv * tv);
            return Some(scaled([205.0, 158.0, 132.0], shade));
        }
        if !inside_rounded(u, v, cw, ch, 3.0) {
            return None;
        }
        // The QR and its quiet zone on plain light ground.
        let (qx, qy, qs) = QR_MM;
        if u >= qx - 1.5 && u < qx + qs + 1.5 && v >= qy - 1.5 && v < qy + qs + 1.5 {
            if let Some(m) = self.modules
                && u >= qx
                && v >= qy
                && u < qx + qs
                && v < qy + qs
            {
                let col = ((u - qx) / qs * m.side as f64) as usize;
                let row = ((v - qy) / qs * m.side as f64) as usize;
                if m.dark.get(row * m.side + col).copied().unwrap_or(false) {
                    return Some([25.0, 25.0, 32.0]);
                }
            }
            return Some([236.0, 239.0, 234.0]);
        }
        // The national emblem: a red disc with a yellow star-like centre.
        let (eu, ev) = (u - 10.5, v - 9.5);
        let e2 = eu * eu + ev * ev;
        if e2 <= 2.5 * 2.5 {
            return Some([235.0, 200.0, 40.0]);
        }
        if e2 <= 6.5 * 6.5 {
            return Some([200.0, 40.0, 40.0]);
        }
        // The portrait: a head and shoulders on light blue.
        if (4.0..23.0).contains(&u) && (18.0..43.0).contains(&v) {
            let (hu, hv) = ((u - 13.5) / 5.0, (v - 26.5) / 6.5);
            let (su, sv) = ((u - 13.5) / 9.0, (v - 43.0) / 8.0);
            if hu * hu + hv * hv <= 1.0 || su * su + sv * sv <= 1.0 {
                return Some([95.0, 72.0, 62.0]);
            }
            return Some([188.0, 204.0, 222.0]);
        }
        // Heading: two lines of capitals, centred between emblem and QR.
        for top in [3.0, 5.8] {
            if (top..top + 1.7).contains(&v) && (20.0..62.0).contains(&u) && self.glyph(u, top) {
                return Some([170.0, 40.0, 40.0]);
            }
        }
        // Field lines: label and value.
        for (n, top) in [18.5, 23.0, 27.5, 32.0, 36.5, 41.0, 45.5]
            .into_iter()
            .enumerate()
        {
            let end = 40.0 + 40.0 * hash01(n as i64, 7, self.text_seed);
            if (top..top + 1.8).contains(&v) && (26.0..end).contains(&u) && self.glyph(u, top) {
                return Some(INK);
            }
        }
        // Pale blue-green ground with a fine guilloche.
        let t = (u / cw + v / ch) / 2.0;
        let wave = (0.9 * u + 2.5 * (0.35 * v).sin()).sin() * (0.5 * v).cos();
        let ground = [206.0 + 26.0 * t, 224.0 + 12.0 * t, 228.0 - 6.0 * t];
        Some(ground.map(|c| c + 6.0 * wave))
    }

    /// Whether a letter's ink covers column `u` of the line at `top`:
    /// letters about 1.1 mm wide with gaps, and word spaces.
    fn glyph(&self, u: f64, top: f64) -> bool {
        let cell = (u / 1.1).floor() as i64;
        let within = u / 1.1 - cell as f64;
        within < 0.75 && hash01(cell, (top * 10.0) as i64, self.text_seed) > 0.15
    }
}

fn inside_rounded(u: f64, v: f64, w: f64, h: f64, r: f64) -> bool {
    if !(0.0..w).contains(&u) || !(0.0..h).contains(&v) {
        return false;
    }
    let dx = (r - u).max(u - (w - r)).max(0.0);
    let dy = (r - v).max(v - (h - r)).max(0.0);
    dx * dx + dy * dy <= r * r
}

/// A deterministic value in 0..1 from two integers and a seed.
fn hash01(a: i64, b: i64, seed: u64) -> f64 {
    let mut h = seed ^ (a as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (b as u64).rotate_left(29);
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Uneven light: a lamp's bright area somewhere, falling off to dim corners,
/// plus a gentle gradient across the frame.
fn light(img: &mut Planes, rng: &mut Rng) {
    let (lx, ly) = (
        between(rng, 0.2, 0.8) * f64::from(WIDTH),
        between(rng, 0.1, 0.7) * f64::from(HEIGHT),
    );
    let (gx, gy) = (between(rng, -0.2, 0.2), between(rng, -0.2, 0.2));
    let sigma2 = 2.0 * 480.0f64.powi(2);
    for y in 0..HEIGHT {
        let yf = f64::from(y);
        for x in 0..WIDTH {
            let xf = f64::from(x);
            let d2 = (xf - lx).powi(2) + (yf - ly).powi(2);
            let k = 0.45
                + 0.6 * (-d2 / sigma2).exp()
                + gx * (xf / f64::from(WIDTH) - 0.5)
                + gy * (yf / f64::from(HEIGHT) - 0.5);
            let i = (y * WIDTH + x) as usize;
            let c = img.get(i);
            img.set(i, scaled(c, k.clamp(0.35, 1.1)));
        }
    }
}

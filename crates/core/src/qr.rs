//! QR codes of a text (the device flow's verification URI), made once here with the `qrcode`
//! crate and drawn two ways: SVG path data for the desktop (a `<path>` in a `<svg>`, no markup
//! to inject) and Unicode half blocks for a terminal (`signin --device`). Both keep the quiet
//! zone of four modules that scanners need.

use serde::Serialize;

/// Modules of white space around the code (ISO/IEC 18004's quiet zone).
pub const QUIET_ZONE: usize = 4;

/// A QR code: its modules (dark or light), row by row, without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QrCode {
    /// The side of the drawing in modules, quiet zone included (the SVG `viewBox` is
    /// `0 0 size size`).
    pub size: u32,
    /// SVG path data of the dark modules, in module units, quiet zone included.
    pub svg_path: String,
    /// The text encoded.
    pub text: String,
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    width: usize,
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    dark: Vec<bool>,
}

impl QrCode {
    /// The QR code of `text` (error correction M, the smallest version that holds it); an error
    /// when the text is too long for any QR code.
    pub fn new(text: &str) -> Result<Self, String> {
        let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)
            .map_err(|e| format!("no QR code for this text: {e}"))?;
        let width = code.width();
        let dark: Vec<bool> = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        let mut qr = Self {
            size: u32::try_from(width + 2 * QUIET_ZONE).unwrap_or(u32::MAX),
            svg_path: String::new(),
            text: text.to_owned(),
            width,
            dark,
        };
        qr.svg_path = qr.path();
        Ok(qr)
    }

    /// The modules per side, without the quiet zone.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether the module at (`x`, `y`) is dark; outside the code (the quiet zone) it is not.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// One `M x y h n v 1 h -n z` rectangle per horizontal run of dark modules.
    fn path(&self) -> String {
        let mut out = String::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < self.width && self.is_dark(x, y) {
                    x += 1;
                }
                let run = x - start;
                out.push_str(&format!(
                    "M{} {}h{run}v1h-{run}z",
                    start + QUIET_ZONE,
                    y + QUIET_ZONE
                ));
            }
        }
        out
    }

    /// The code for a terminal: two rows of modules per line with the half blocks `▀ ▄ █` and
    /// spaces, dark modules drawn as light-on-dark (`█` is a light module), so it scans on the
    /// usual dark terminal and, inverted, on a light one. Quiet zone included.
    pub fn terminal(&self) -> String {
        let side = self.width + 2 * QUIET_ZONE;
        // Light modules are drawn (the terminal's text colour), dark ones left as background.
        let light = |x: usize, y: usize| -> bool {
            let inside = |v: usize| v >= QUIET_ZONE && v < QUIET_ZONE + self.width;
            !(inside(x) && inside(y) && self.is_dark(x - QUIET_ZONE, y - QUIET_ZONE))
        };
        let mut out = String::new();
        for y in (0..side).step_by(2) {
            for x in 0..side {
                let top = light(x, y);
                let bottom = y + 1 < side && light(x, y + 1);
                out.push(match (top, bottom) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                });
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URI: &str = "http://127.0.0.1:4000/tenant/device?user_code=WDJB-MJHT";

    #[test]
    fn the_svg_path_draws_exactly_the_dark_modules_inside_the_quiet_zone() {
        let qr = QrCode::new(URI).unwrap();
        assert_eq!(qr.size as usize, qr.width() + 8);
        // Paint the path back into a grid and compare with the modules.
        let side = qr.size as usize;
        let mut grid = vec![false; side * side];
        for rect in qr.svg_path.split('z').filter(|r| !r.is_empty()) {
            let nums: Vec<usize> = rect
                .trim_start_matches('M')
                .split(['h', 'v', ' '])
                .filter(|n| !n.is_empty() && !n.starts_with('-'))
                .map(|n| n.parse().unwrap())
                .collect();
            let (x, y, run) = (nums[0], nums[1], nums[2]);
            for dx in 0..run {
                grid[y * side + x + dx] = true;
            }
        }
        for y in 0..side {
            for x in 0..side {
                let inside = (4..4 + qr.width()).contains(&x) && (4..4 + qr.width()).contains(&y);
                let dark = inside && qr.is_dark(x - 4, y - 4);
                assert_eq!(grid[y * side + x], dark, "module ({x}, {y})");
            }
        }
        // The finder pattern's corner is dark, the quiet zone is not.
        assert!(qr.is_dark(0, 0) && !qr.is_dark(7, 0));
    }

    #[test]
    fn the_terminal_drawing_holds_two_rows_per_line_and_inverts_the_dark_modules() {
        let qr = QrCode::new(URI).unwrap();
        let text = qr.terminal();
        let lines: Vec<&str> = text.lines().collect();
        let side = qr.width() + 8;
        assert_eq!(lines.len(), side.div_ceil(2));
        assert!(lines.iter().all(|l| l.chars().count() == side));
        // The quiet zone's first two rows are light: full blocks.
        assert!(lines[0].chars().all(|c| c == '█'), "{}", lines[0]);
        // Row 4 (line 2, top half) starts the finder pattern: dark module (4, 4) is not drawn.
        let line2: Vec<char> = lines[2].chars().collect();
        assert!(matches!(line2[4], ' ' | '▄'), "{:?}", line2[4]);
        assert!(matches!(line2[3], '█' | '▀'), "{:?}", line2[3]);
    }

    #[test]
    fn a_text_too_long_for_any_qr_code_is_an_error_not_a_panic() {
        let long = "x".repeat(5000);
        assert!(QrCode::new(&long).unwrap_err().contains("no QR code"));
    }
}

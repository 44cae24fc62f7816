//! QR code images (TOTP provisioning URL, NOTP approval link): a base64 PNG, greyscale,
//! 4 pixels per module with a 4-module quiet zone.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use qrcode::{Color, QrCode};

const SCALE: usize = 4;
const QUIET: usize = 4;

/// The PNG bytes of a QR code of `text`.
pub fn png(text: &str) -> Result<Vec<u8>, String> {
    let code = QrCode::new(text.as_bytes()).map_err(|e| e.to_string())?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c != Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET, i / modules + QUIET);
        for y in my * SCALE..(my + 1) * SCALE {
            let row = y * side;
            for p in pixels.iter_mut().skip(row + mx * SCALE).take(SCALE) {
                *p = 0;
            }
        }
    }
    let side32 = u32::try_from(side).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, side32, side32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        w.write_image_data(&pixels).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// `png(text)` as standard base64 (the `image` field of TOTP and NOTP answers).
pub fn png_base64(text: &str) -> Result<String, String> {
    png(text).map(|b| STANDARD.encode(b))
}

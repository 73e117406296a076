//! One palette and one set of text sizes for every chart, so won/lost and
//! fit/engagement look the same everywhere.

use plotters::prelude::*;
use plotters::style::{FontFamily, FontStyle};

pub const WIDTH: u32 = 1600;
pub const HEIGHT: u32 = 1000;

pub const WON: RGBColor = RGBColor(0x1b, 0x9e, 0x77);
pub const LOST: RGBColor = RGBColor(0xd9, 0x5f, 0x02);
pub const FIT: RGBColor = RGBColor(0x37, 0x7e, 0xb8);
pub const ENGAGEMENT: RGBColor = RGBColor(0x98, 0x4e, 0xa3);
pub const NEGATIVE: RGBColor = RGBColor(0xc6, 0x28, 0x28);
pub const TRAINING: RGBColor = RGBColor(0x9e, 0x9e, 0x9e);
pub const HOLDOUT: RGBColor = RGBColor(0x1f, 0x3b, 0x73);
pub const CAPACITY: RGBColor = RGBColor(0xc6, 0x28, 0x28);
pub const BAND: RGBColor = RGBColor(0x1b, 0x9e, 0x77);
pub const CURRENT: RGBColor = RGBColor(0x9e, 0x9e, 0x9e);
pub const CANDIDATE: RGBColor = RGBColor(0x1f, 0x3b, 0x73);
pub const INK: RGBColor = RGBColor(0x21, 0x21, 0x21);
pub const GRID: RGBColor = RGBColor(0xe6, 0xe6, 0xe6);

pub fn title_font_sized(size: f64) -> TextStyle<'static> {
    FontDesc::new(FontFamily::SansSerif, size, FontStyle::Bold).color(&INK)
}

pub fn panel_font() -> TextStyle<'static> {
    FontDesc::new(FontFamily::SansSerif, 28.0, FontStyle::Bold).color(&INK)
}

pub fn label_font() -> TextStyle<'static> {
    FontDesc::new(FontFamily::SansSerif, 24.0, FontStyle::Normal).color(&INK)
}

pub fn small_font() -> TextStyle<'static> {
    FontDesc::new(FontFamily::SansSerif, 21.0, FontStyle::Normal).color(&INK)
}

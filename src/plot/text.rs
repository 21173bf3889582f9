//! Even text in PNG charts: a drawing backend that wraps another and draws text itself.
//!
//! plotters' own ab_glyph text drawing places each glyph's outline at the pen position
//! without the glyph's left side bearing, so narrow digits such as "1" sit too far left
//! and numbers look unevenly spaced. This wrapper lays glyphs out with their bearings and
//! kerning (same font, size, anchors and rotation as plotters), and passes everything else
//! through. SVG charts do not need it: the browser sets their text.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::style::{FontStyle, FontTransform};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

/// `B` with its text drawn by [`draw_text`](DrawingBackend::draw_text) below.
pub struct EvenText<B> {
    pub inner: B,
}

/// The embedded DejaVu Sans face of a style.
fn face(style: FontStyle) -> Option<FontRef<'static>> {
    let bytes = match style {
        FontStyle::Bold => dejavu::sans::bold(),
        _ => dejavu::sans::regular(),
    };
    FontRef::try_from_slice(bytes).ok()
}

impl<B: DrawingBackend> DrawingBackend for EvenText<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        (iw, ih): (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.blit_bitmap(pos, (iw, ih), src)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let Some(font) = face(style.style()) else {
            return self.inner.draw_text(text, style, pos);
        };
        let size = style.size() as f32;
        let scaled = font.as_scaled(PxScale::from(size));
        // The same box plotters estimates, so anchors and chart layout stay as they were.
        let ((min_x, min_y), (max_x, max_y)) = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let (width, height) = (max_x - min_x, max_y - min_y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let trans: FontTransform = style.transform();
        let (w, h) = self.inner.get_size();
        let mut pen = 0f32;
        let mut prev = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                pen += scaled.kern(p, id);
            }
            prev = Some(id);
            // The glyph at the pen position: its pixel bounds include the side bearing.
            let glyph = id.with_scale_and_position(PxScale::from(size), point(pen, 0.0));
            if let Some(outline) = font.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                // Vertical placement as plotters does it: top of the box half a size above
                // the baseline.
                let y0 = (size / 2.0 + bounds.min.y) as i32;
                let x0 = bounds.min.x.round() as i32;
                let mut pixels = Vec::new();
                outline.draw(|x, y, a| pixels.push((x as i32 + x0, y as i32 + y0, a)));
                for (x, y, a) in pixels {
                    if a <= 0.0 {
                        continue;
                    }
                    let (x, y) = trans.transform(x + dx - min_x, y + dy - min_y);
                    let (x, y) = (pos.0 + x, pos.1 + y);
                    if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                        self.inner.draw_pixel(
                            (x, y),
                            BackendColor {
                                alpha: color.alpha * f64::from(a.min(1.0)),
                                rgb: color.rgb,
                            },
                        )?;
                    }
                }
            }
            pen += scaled.h_advance(id);
        }
        Ok(())
    }
}

//! Rendering: the [`Chart`] trait every chart implements, the embedded fonts, and the
//! atomic PNG + SVG output (or SVG text in memory) shared by every chart family.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::error::{Error, Result};
use crate::files::write_atomic;

/// Size of every chart in pixels (PNG) or user units (SVG).
pub(super) const SIZE: (u32, u32) = (1200, 800);
/// Font family every text is drawn with; registered by [`register_fonts`].
pub(super) const FAMILY: &str = "sans-serif";

/// Registers the embedded DejaVu Sans (regular and bold) as [`FAMILY`], once per process.
///
/// Without it ab_glyph has no font and every text fails with `FontUnavailable`. The outcome is
/// kept so that a failure is reported on every call rather than only the first.
pub(super) fn register_fonts() -> Result<()> {
    static REGISTERED: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular())
                .and_then(|()| register_font(FAMILY, FontStyle::Bold, dejavu::sans::bold()))
                .map_err(|_| "the embedded DejaVu Sans font could not be loaded".to_string())
        })
        .clone()
        .map_err(Error::Usage)
}

/// What drawing code returns: any plotters error, boxed so both backends share the code.
pub(crate) type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// A chart that can be drawn on any plotters backend (PNG bitmap or SVG).
pub(crate) trait Chart {
    /// Draws the whole chart onto `root`, which is already filled white.
    fn draw<DB>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static;
}

/// Fills `root` white, draws `chart` and flushes the backend.
fn draw_root<DB, C>(root: &DrawingArea<DB, Shift>, chart: &C) -> DrawResult
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
    C: Chart,
{
    root.fill(&WHITE)?;
    chart.draw(root)?;
    root.present()?;
    Ok(())
}

/// Writes `DIR/STEM.png` and `DIR/STEM.svg`, each complete or not at all.
///
/// The PNG is written by plotters itself (it picks the encoder from the extension, hence the
/// temporary name ends in `.png`) and renamed; the SVG is rendered into memory and written with
/// [`write_atomic`].
pub(crate) fn render<C: Chart>(dir: &Path, stem: &str, chart: &C) -> Result<Vec<PathBuf>> {
    register_fonts()?;
    let drawing_error = |path: &Path, e: Box<dyn std::error::Error>| {
        Error::Usage(format!("cannot draw {}: {e}", path.display()))
    };

    let png = dir.join(format!("{stem}.png"));
    let tmp = dir.join(format!(".{stem}.tmp.png"));
    let drawn = {
        let root = super::text::EvenText {
            inner: BitMapBackend::new(&tmp, SIZE),
        }
        .into_drawing_area();
        draw_root(&root, chart)
        // The backend is dropped here; after a failure its drop may still write `tmp`.
    };
    if let Err(e) = drawn {
        let _ = std::fs::remove_file(&tmp);
        return Err(drawing_error(&png, e));
    }
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .and_then(|()| std::fs::rename(&tmp, &png))
        .map_err(|e| Error::io(&png, e))?;

    let svg = dir.join(format!("{stem}.svg"));
    write_atomic(&svg, render_svg(stem, chart)?.as_bytes())?;
    Ok(vec![png, svg])
}

/// The chart as an SVG document.
pub(super) fn render_svg<C: Chart>(stem: &str, chart: &C) -> Result<String> {
    register_fonts()?;
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, SIZE).into_drawing_area();
        draw_root(&root, chart)
            .map_err(|e| Error::Usage(format!("cannot draw {stem}.svg: {e}")))?;
    }
    Ok(text)
}

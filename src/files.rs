//! Output files and folders, below every writer (`report`, `sweep`, `compare`, the
//! instruments, `plot`, `html`, `workbook`): each file written to a temporary name and renamed
//! into place, so a file that exists is complete; CSV and JSON bytes, and CSV rows read
//! back into the types they were written from (`read_rows`); fresh, staged and
//! replaced result folders (`--out`, `--force`), which only ever empty or replace folders
//! holding parcelsim output.

use crate::error::{Error, InputError, Result};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a temporary file in the same folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let io = |e| Error::io(path, e);
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// Serialises rows as CSV (header from the struct's fields).
pub fn csv_bytes<T: Serialize>(rows: &[T]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)
            .map_err(|e| Error::Usage(format!("cannot write CSV: {e}")))?;
    }
    w.into_inner()
        .map_err(|e| Error::Usage(format!("cannot write CSV: {e}")))
}

/// Reads a CSV file into rows of `T` (a type of `format`, as a writer serialised them with
/// [`csv_bytes`]); a missing column or a bad cell is an input error naming the line.
pub fn read_rows<T: serde::de::DeserializeOwned>(file: &Path) -> Result<Vec<T>> {
    let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
    csv::Reader::from_reader(bytes.as_slice())
        .deserialize()
        .collect::<std::result::Result<Vec<T>, csv::Error>>()
        .map_err(|e| {
            Error::Input(InputError {
                file: file.to_path_buf(),
                line: e.position().map(|p| p.line() as usize),
                field: None,
                message: e.to_string(),
            })
        })
}

/// Serialises a value as pretty JSON with a final newline.
pub fn json_bytes<T: Serialize>(v: &T) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(v).expect("plain data serialises");
    s.push('\n');
    s.into_bytes()
}

/// Picks the folder of a run or sweep: `--out DIR` (refused when non-empty unless
/// `force`), or the next free `output/<name>/<kind>-NNN`.
pub fn fresh_dir(out: Option<&Path>, force: bool, name: &str, kind: &str) -> Result<PathBuf> {
    match out {
        Some(dir) => {
            if dir.exists() {
                let non_empty = std::fs::read_dir(dir)
                    .map_err(|e| Error::io(dir, e))?
                    .next()
                    .is_some();
                if non_empty && !force {
                    return Err(Error::Usage(format!(
                        "{}: folder exists and is not empty; pass --force to write into it",
                        dir.display()
                    )));
                }
                if non_empty {
                    empty_output_dir(dir)?;
                }
            }
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            Ok(dir.to_path_buf())
        }
        None => {
            let base = Path::new("output").join(name);
            std::fs::create_dir_all(&base).map_err(|e| Error::io(&base, e))?;
            for n in 1.. {
                let dir = base.join(format!("{kind}-{n:03}"));
                // create_dir fails if it exists, so two runs never share a folder.
                match std::fs::create_dir(&dir) {
                    Ok(()) => return Ok(dir),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(Error::io(&dir, e)),
                }
            }
            unreachable!()
        }
    }
}

/// Files one of parcelsim's folders (run, sweep, compare, explain, instruments) always holds.
const OUTPUT_MARKERS: &[&str] = &[
    "summary.json",
    "run_info.json",
    "sweep.json",
    "runs.csv",
    "compare.json",
    "explain.json",
    "marginal.json",
    "sensitivity.json",
    "calibrate.json",
];

/// Whether `dir` holds one of parcelsim's output files: only such a folder is emptied or
/// replaced by `--force`, so that a mistyped `--out` never wipes other files.
fn looks_like_output(dir: &Path) -> bool {
    OUTPUT_MARKERS.iter().any(|f| dir.join(f).exists())
}

/// Removes everything inside an output folder (`--force`), so that no old file survives
/// beside the new ones.
fn empty_output_dir(dir: &Path) -> Result<()> {
    if !looks_like_output(dir) {
        return Err(Error::Usage(format!(
            "{}: folder is not empty and holds no parcelsim output; --force only replaces \
             parcelsim output folders, choose another --out",
            dir.display()
        )));
    }
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let p = entry.map_err(|e| Error::io(dir, e))?.path();
        let r = if p.is_dir() && !p.is_symlink() {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
        r.map_err(|e| Error::io(&p, e))?;
    }
    Ok(())
}

/// A fresh, empty folder beside `target` to write a run into before it replaces `target`
/// (see [`replace_dir`]). `target` must be absent, empty, or a parcelsim output folder.
pub fn staging_dir(target: &Path) -> Result<PathBuf> {
    if target.exists() {
        if !target.is_dir() {
            return Err(Error::Usage(format!(
                "{}: exists and is not a folder",
                target.display()
            )));
        }
        let non_empty = std::fs::read_dir(target)
            .map_err(|e| Error::io(target, e))?
            .next()
            .is_some();
        if non_empty && !looks_like_output(target) {
            return Err(Error::Usage(format!(
                "{}: folder is not empty and holds no parcelsim output; --force only replaces \
                 parcelsim output folders, choose another --out",
                target.display()
            )));
        }
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "run".into());
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let tmp = parent.join(format!(".{name}.new-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    }
    std::fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
    Ok(tmp)
}

/// Puts the complete folder `staged` in the place of `target`: the old folder is moved
/// aside, the new one renamed into place, then the old one removed.
pub fn replace_dir(staged: &Path, target: &Path) -> Result<()> {
    if target.exists() {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "run".into());
        let old = target.with_file_name(format!(".{name}.old-{}", std::process::id()));
        std::fs::rename(target, &old).map_err(|e| Error::io(target, e))?;
        std::fs::rename(staged, target).map_err(|e| Error::io(target, e))?;
        std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))
    } else {
        std::fs::rename(staged, target).map_err(|e| Error::io(target, e))
    }
}

//! Checking a parsed scenario (`validate`): each section struct checks its own fields in its
//! own file (`Demand::validate` in `demand.rs`, …) through a [`Check`], which builds the dotted
//! field path and words the common errors; this file calls the sections in the order of
//! the file format, then checks the references between sections and the numeric bounds.
//! Every error names its dotted field and line.

use super::Scenario;
use super::bounds::bounds;
use super::costs::validate_vehicles;
use super::load::{Source, time_of_day};
use crate::error::{InputError, show_num, show_text};

/// Checks a scenario: the top-level fields, then each section in the order of the file
/// format (`demand`, `network`, `operations`, `costs`, `emissions`, `vehicles`, `quality`, `org`,
/// `revenue`, `operating_model`, `shop`), then the references between sections, then every
/// number against its upper bound. The first error found is returned, so a file with
/// several errors reports the one in the earliest section first.
pub fn validate(sc: &Scenario, src: &Source) -> Result<(), InputError> {
    let top = Check::new(src);
    check_name(&sc.name).map_err(|m| top.error("name", m))?;
    if sc.days == 0 {
        return Err(top.error("days", "must be at least 1"));
    }
    sc.demand.validate(&top.at("demand"))?;
    sc.network.validate(&top.at("network"))?;
    sc.operations.validate(&top.at("operations"))?;
    sc.costs.validate(&top.at("costs"))?;
    sc.emissions.validate(&top.at("emissions"))?;
    validate_vehicles(&sc.vehicles, &top.at("vehicles"))?;
    sc.quality.validate(&top.at("quality"))?;
    sc.org.validate(&top.at("org"))?;
    sc.revenue.validate(&top.at("revenue"))?;
    sc.operating_model.validate(&top.at("operating_model"))?;
    if let Some(shop) = &sc.shop {
        shop.validate(&top.at("shop"))?;
    }
    references(sc, &top)?;
    bounds(sc, src)
}

/// Fields that name something in another section.
fn references(sc: &Scenario, top: &Check) -> Result<(), InputError> {
    let lh = &sc.operations.linehaul;
    if !sc.vehicles.iter().any(|v| v.name == lh.default_vehicle) {
        return Err(top.error(
            "operations.linehaul.default_vehicle",
            format!("no vehicle named `{}`", show_text(&lh.default_vehicle)),
        ));
    }
    Ok(())
}

/// Where a section's check is in the file: the dotted path of a struct (`operations.pickup`,
/// `shop.carriers[2]`) and the source that locates its fields' lines. The common checks
/// take a field name relative to it and word their errors alike everywhere.
pub(crate) struct Check<'a> {
    src: &'a Source,
    path: String,
}

type Checked = Result<(), InputError>;

impl<'a> Check<'a> {
    /// The top of the file (no path).
    pub(crate) fn new(src: &'a Source) -> Self {
        Check {
            src,
            path: String::new(),
        }
    }

    /// The dotted path of field `name` of this struct (the struct itself when empty).
    pub(crate) fn field(&self, name: &str) -> String {
        match (self.path.is_empty(), name.is_empty()) {
            (_, true) => self.path.clone(),
            (true, false) => name.to_string(),
            (false, false) => format!("{}.{name}", self.path),
        }
    }

    /// The check of sub-struct or list `name`.
    pub(crate) fn at(&self, name: &str) -> Check<'a> {
        Check {
            src: self.src,
            path: self.field(name),
        }
    }

    /// The check of item `i` of this list.
    pub(crate) fn item(&self, i: usize) -> Check<'a> {
        Check {
            src: self.src,
            path: format!("{}[{i}]", self.path),
        }
    }

    /// An error at field `name` of this struct (at the struct itself when empty).
    pub(crate) fn error(&self, name: &str, message: impl Into<String>) -> InputError {
        self.src.error(&self.field(name), message)
    }

    pub(crate) fn positive(&self, name: &str, v: f64) -> Checked {
        if v.is_finite() && v > 0.0 {
            Ok(())
        } else {
            Err(self.error(
                name,
                format!("must be a positive number, got {}", show_num(v)),
            ))
        }
    }

    pub(crate) fn non_negative(&self, name: &str, v: f64) -> Checked {
        if v.is_finite() && v >= 0.0 {
            Ok(())
        } else {
            Err(self.error(
                name,
                format!("must be zero or positive, got {}", show_num(v)),
            ))
        }
    }

    pub(crate) fn probability(&self, name: &str, v: f64) -> Checked {
        if (0.0..=1.0).contains(&v) {
            Ok(())
        } else {
            Err(self.error(
                name,
                format!("must be a probability in [0, 1], got {}", show_num(v)),
            ))
        }
    }

    /// A count that must be at least 1.
    pub(crate) fn at_least_one(&self, name: &str, n: u64) -> Checked {
        if n == 0 {
            Err(self.error(name, "must be at least 1"))
        } else {
            Ok(())
        }
    }

    /// A list of at most `max` items.
    pub(crate) fn at_most(&self, name: &str, n: usize, max: usize) -> Checked {
        if n > max {
            Err(self.error(name, format!("has {n} items; at most {max}")))
        } else {
            Ok(())
        }
    }

    /// A time of day "HH:MM".
    pub(crate) fn time_of_day(&self, name: &str, t: &str) -> Checked {
        time_of_day(t).map(|_| ()).map_err(|e| self.error(name, e))
    }

    /// A non-empty list of at most [`MAX_TIMES`] times of day (waves, departures).
    pub(crate) fn times(&self, name: &str, v: &[String]) -> Checked {
        if v.is_empty() {
            return Err(self.error(name, "needs at least one time of day"));
        }
        if v.len() > MAX_TIMES {
            return Err(self.error(
                name,
                format!("has {} times; at most {MAX_TIMES} a day", v.len()),
            ));
        }
        let list = self.at(name);
        for (i, t) in v.iter().enumerate() {
            list.item(i).time_of_day("", t)?;
        }
        Ok(())
    }
}

/// Most times of day in one list (waves, departures, shifts): one every 15 minutes.
pub const MAX_TIMES: usize = 96;

/// Most vehicle types, packaging kinds or other carriers.
pub const MAX_KINDS: usize = 100;

/// Longest scenario name (characters): with `output/<name>/run-NNN` it stays well inside
/// the 255-byte file-name limit of common file systems, in any script.
pub const MAX_NAME_CHARS: usize = 64;

/// A scenario name becomes a folder name: letters and digits of any script, `_`, `-`
/// and `.` (not first), at most [`MAX_NAME_CHARS`] characters.
pub fn check_name(name: &str) -> Result<(), String> {
    let n = name.chars().count();
    if n == 0 {
        return Err("is empty; give the scenario a name".into());
    }
    if n > MAX_NAME_CHARS {
        return Err(format!(
            "is {n} characters long; at most {MAX_NAME_CHARS} (it names the output folder)"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|&c| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
    {
        return Err(format!(
            "`{}` contains `{}`; use letters, digits, `_`, `-` and `.` only",
            crate::error::show_text(name),
            crate::error::show_text(&c.to_string())
        ));
    }
    if name.starts_with('.') {
        return Err("must not start with `.`".into());
    }
    Ok(())
}

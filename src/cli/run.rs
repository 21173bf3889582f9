//! `parcelsim run`: simulate a scenario and write its run folder.

use super::ExtrasArgs;
use parcelsim::error::{Error, Result};
use parcelsim::files;
use parcelsim::report;
use parcelsim::run::{self, RunOptions, RunOutput};
use parcelsim::workload::Limits;
use std::path::PathBuf;

/// The arguments of `parcelsim run` (their help is the command's, in `cli/mod.rs`).
#[derive(clap::Args)]
pub struct Args {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Output folder (default: a fresh output/<scenario>/run-NNN).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write into a non-empty --out folder.
    #[arg(long)]
    force: bool,
    /// Seed of every random stream (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Trace this many parcels step by step into parcels.csv.
    #[arg(long, default_value_t = 0)]
    trace: usize,
    /// Measured parcels that carry their own costs, for the distribution of cost per
    /// parcel in summary.json (default 10,000: about ±1 % on the mean).
    #[arg(long)]
    cost_sample: Option<usize>,
    /// Worker threads inside the run: outlets pick up and deliver in parallel
    /// (default: one per core). The results are the same for any number.
    #[arg(long)]
    threads: Option<usize>,
    /// No progress and no summary table.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    extras: ExtrasArgs,
}

/// Runs `parcelsim run`.
pub fn execute(args: Args, limits: Limits) -> Result<()> {
    let Args {
        scenario,
        out,
        force,
        seed,
        trace,
        cost_sample,
        threads,
        quiet,
        extras,
    } = args;
    if trace > MAX_TRACE {
        return Err(Error::Usage(format!(
            "--trace {trace}: at most {MAX_TRACE} parcels can be traced"
        )));
    }
    if let Some(n) = cost_sample
        && n > MAX_COST_SAMPLE
    {
        return Err(Error::Usage(format!(
            "--cost-sample {n}: at most {MAX_COST_SAMPLE} parcels can carry their own costs"
        )));
    }
    let l = run::load_with(&scenario, &limits)?;
    // With --force the run is written into a fresh folder beside --out that
    // replaces it only when complete: no old file survives, and a run killed
    // midway leaves the old folder as it was.
    let target = match (&out, force) {
        (Some(dir), true) => Some(dir.clone()),
        _ => None,
    };
    let dir = match &target {
        Some(t) => files::staging_dir(t)?,
        None => files::fresh_dir(out.as_deref(), force, &l.scenario.name, "run")?,
    };
    let opts = RunOptions {
        seed,
        trace,
        progress: super::progress::bars(!quiet),
        extra_demand: 0.0,
        cost_sample,
    };
    let pool = parcelsim::sweep::thread_pool(threads)?;
    let result = pool.install(|| run::run(&l.scenario, &l.network, &l.sha256, &opts));
    let output = match result {
        Ok(o) => o,
        Err(e) => {
            // Leave no empty folder that looks like a run.
            let _ = std::fs::remove_dir(&dir);
            return Err(e);
        }
    };
    // Inputs first, summary.json last of the results, then the charts, workbook
    // and report made from them: all before a --force folder is replaced.
    let mut charts = 0;
    let written = parcelsim::folder::write_inputs(&dir, &scenario, &l, output.summary.seed, trace)
        .and_then(|()| report::write_run(&dir, &output))
        .and_then(|()| {
            charts = extras.write_files(&dir)?;
            Ok(())
        });
    let dir = match (written, target) {
        (Ok(()), Some(t)) => {
            files::replace_dir(&dir, &t)?;
            t
        }
        (Ok(()), None) => dir,
        (Err(e), Some(_)) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
        (Err(e), None) => return Err(e),
    };
    if !quiet {
        print_summary(&output);
    }
    let s = &output.summary;
    if let Some(w) = s.steady_state.warning(s.warmup_days) {
        eprintln!("warning: {w}");
    }
    if let Some(w) = parcelsim::run::SteadyState::drain_warning(s) {
        eprintln!("warning: {w}");
    }
    ExtrasArgs::say(charts, &dir);
    say!("run written to {}", dir.display());
    Ok(())
}

/// Most parcels `run --trace` follows.
const MAX_TRACE: usize = 100_000;
/// Most parcels in the cost sample (each carries its costs by activity).
const MAX_COST_SAMPLE: usize = 1_000_000;

fn print_summary(o: &RunOutput) {
    let s = &o.summary;
    say!(
        "scenario {} (seed {}): {} measured days after {} warm-up days",
        s.scenario,
        s.seed,
        s.days_measured,
        s.warmup_days
    );
    say!(
        "parcels: {} generated, {} delivered, {} lost, {} in flight at the end",
        s.parcels_generated,
        s.parcels_delivered,
        s.parcels_lost,
        s.parcels_in_flight
    );
    say!(
        "measured: {} picked up in the window, {} of them delivered ({:.1} days simulated)",
        s.measured_parcels_picked_up,
        s.measured_parcels_delivered,
        s.days_simulated
    );
    say!();
    say!(
        "{:<22} {:>12} {:>8}",
        "cost by activity",
        "yuan/parcel",
        "share"
    );
    // In the order a parcel meets the activities, not alphabetically.
    let mut activities: Vec<(&String, &f64)> = s.cost_by_activity.iter().collect();
    activities.sort_by_key(|(a, _)| parcelsim::folder::activity_rank(a));
    for (a, v) in activities {
        let share = if s.cost_per_parcel_yuan > 0.0 {
            v / s.cost_per_parcel_yuan
        } else {
            0.0
        };
        say!("{:<22} {:>12.4} {:>7.1}%", a, v, share * 100.0);
    }
    say!(
        "{:<22} {:>12.4} {:>7.1}%",
        "total",
        s.cost_per_parcel_yuan,
        100.0
    );
    say!();
    say!(
        "transit hours: mean {:.1}, p50 {:.1}, p95 {:.1}; on time ({} h): {:.1}%",
        s.transit_hours_mean,
        s.transit_hours_p50,
        s.transit_hours_p95,
        s.promise_hours,
        s.on_time_rate * 100.0
    );
    say!(
        "truck fill rate {:.1}%, feeder fill rate {:.1}%, attempts per parcel {:.3}",
        s.truck_fill_rate * 100.0,
        s.feeder_fill_rate * 100.0,
        s.delivery_attempts_per_parcel
    );
    let a = &s.accounts;
    say!(
        "accounts ({}; yuan/parcel): {}; chain margin {:.3}",
        a.kind,
        a.parties
            .iter()
            .map(|(p, x)| format!(
                "{p} received {:.3}, paid {:.3}, resources {:.3}, margin {:.3}",
                x.received, x.paid, x.resources, x.margin
            ))
            .collect::<Vec<_>>()
            .join("; "),
        a.chain_margin
    );
    if let Some(sh) = &s.shop {
        say!(
            "shop: {} orders, {} shipped, {} cancelled before shipping, {} still at the shop; packed {:.1} h after ordering; {:.1}% returned, rating {:.2}; {:.3} yuan per shipped order (labour {:.3}, packaging {:.3}, shipping {:.2}, returns {:.3}, claims recovered {:.4})",
            sh.orders_placed,
            sh.shipped,
            sh.cancelled_before_shipping,
            sh.waiting_at_shop,
            sh.placed_to_packed_hours_mean,
            sh.return_rate * 100.0,
            sh.mean_rating,
            sh.cost_per_order,
            sh.fulfilment_labour_per_order,
            sh.packaging_per_order,
            sh.shipping_price_per_order,
            sh.returns_shipping_per_order,
            sh.claims_recovered_per_order
        );
    }
    let q = &s.quality;
    say!(
        "service: {:.2}% late, {:.0} damaged and {:.0} lost per million, {:.1} complaints per million, claims {:.4} yuan/parcel",
        q.late_rate * 100.0,
        q.damaged_per_million,
        q.lost_per_million,
        q.complaints_per_million,
        q.claims_yuan_per_parcel
    );
    let w = &s.welfare;
    say!(
        "staff: couriers {:.1} h/day on tours, {:.0} deliveries/day, {:.1} yuan/h; sorters {:.1} h/day at {:.1} yuan/h; {} managers over {:.0} staff in {} layers",
        w.courier_hours_per_day,
        w.deliveries_per_courier_day,
        w.courier_pay_per_hour,
        w.sorter_hours_per_day,
        w.sorter_pay_per_hour,
        s.org.managers,
        s.org.front_line_staff,
        s.org.layers
    );
    if s.other_revenue_per_parcel_yuan > 0.0 {
        say!(
            "other revenue {:.4} yuan/parcel (not netted above): net cost {:.4} yuan/parcel",
            s.other_revenue_per_parcel_yuan,
            s.net_cost_per_parcel_yuan
        );
    }
    let e = &s.emissions;
    say!(
        "CO2e {:.4} kg/parcel: {}; by party {}{}",
        e.co2e_kg_per_parcel,
        {
            let mut by: Vec<(&String, &f64)> = e.co2e_kg_per_parcel_by_activity.iter().collect();
            by.sort_by_key(|(a, _)| parcelsim::folder::activity_rank(a));
            by.iter()
                .map(|(a, v)| format!("{a} {v:.4}"))
                .collect::<Vec<_>>()
                .join(", ")
        },
        e.co2e_kg_per_parcel_by_party
            .iter()
            .map(|(p, v)| format!("{p} {v:.4}"))
            .collect::<Vec<_>>()
            .join(", "),
        if e.carbon_price_yuan_per_t > 0.0 {
            format!(
                "; at {} yuan/t it costs {:.4} yuan/parcel",
                e.carbon_price_yuan_per_t, e.carbon_cost_per_parcel_yuan
            )
        } else {
            String::new()
        }
    );
    let m = &s.money;
    say!(
        "money: spent {:.0} yuan = measured parcels {:.0} + parcels before the window {:.0} + after it {:.0} + unabsorbed {:.0}",
        m.spent_total,
        m.attributed_to_measured,
        m.attributed_to_parcels_before_window,
        m.attributed_to_parcels_after_window,
        m.unabsorbed
    );
    let c = &s.cost_sample;
    if c.parcels > 0 {
        say!(
            "cost per parcel over {} sampled parcels: mean {:.4} ± {:.4} yuan (exact {:.4}), median {:.4}, 95th percentile {:.4}",
            c.parcels,
            c.mean_yuan,
            c.ci95_yuan,
            c.exact_mean_yuan,
            c.p50_yuan,
            c.p95_yuan
        );
    }
    say!(
        "simulated {} events in {:.2} s ({:.2} M parcels/s); an event is one scheduled step for many parcels at once (a pickup or delivery wave, a vehicle leaving or arriving, a shift or day ending), so there are far fewer events than parcels",
        o.info.events,
        o.info.simulate_s,
        o.info.parcels_per_s / 1e6
    );
}

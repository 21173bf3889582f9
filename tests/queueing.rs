//! The engine's standard models agree with queueing theory.

use parcelsim::queueing::{TandemParams, mmc, mmc_analytic, tandem};

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!((got / want - 1.0).abs() < tol, "{what}: {got} vs {want}");
}

#[test]
fn mmc_matches_erlang_c_and_littles_law() {
    let (lam, mu, c) = (900.0, 100.0, 10);
    let r = mmc(lam, mu, c, 1500.0, 100.0, 1);
    let (_, wq, w, lq, l) = mmc_analytic(lam, mu, c);
    close(r.mean_wait_h, wq, 0.05, "Wq");
    close(r.mean_system_h, w, 0.03, "W");
    close(r.mean_queue_len, lq, 0.06, "Lq");
    close(r.mean_in_system, l, 0.04, "L");
    close(r.utilization, 0.9, 0.01, "utilisation");
    // Little's law with the measured arrival rate and the measured time in system.
    close(r.mean_in_system, lam * r.mean_system_h, 0.02, "Little");
    assert_eq!(r.timing.model_events, r.arrivals + r.served);
}

#[test]
fn tandem_end_to_end_time_is_the_sum_of_both_centres_and_the_delay() {
    let r = tandem(TandemParams {
        lam: 900.0,
        c_a: 10,
        mu_a: 100.0,
        d: 6.0,
        c_b: 12,
        mu_b: 90.0,
        hours: 1000.0,
        warmup: 100.0,
        seed: 2,
    });
    let (_, wqa, wa, ..) = mmc_analytic(900.0, 100.0, 10);
    let (_, wqb, wb, ..) = mmc_analytic(900.0, 90.0, 12);
    close(r.mean_e2e_h, 6.0 + wa + wb, 0.005, "E2E");
    close(r.mean_wait_a_h, wqa, 0.08, "Wq A");
    close(r.mean_wait_b_h, wqb, 0.08, "Wq B");
    close(
        r.utilization_b,
        900.0 / (12.0 * 90.0),
        0.02,
        "utilisation B",
    );
}

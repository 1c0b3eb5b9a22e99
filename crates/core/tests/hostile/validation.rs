//! Hostile provider, 2: every validation check fails when it should.

use super::*;

/// Runs one case through a full sign-in; describes everything that was not as it should be.
async fn run_case(case: Case) -> Result<(), String> {
    let mut h = Harness::new().await;
    (case.setup)(&mut h);
    h.provider.set_token(case.token.clone());
    let outcome = h
        .sign_in()
        .await
        .map_err(|e| format!("{}: the sign-in ended in an error: {e} ({e:?})", case.name))?;
    let report = &outcome.report;
    let mut problems = Vec::new();
    match report.get(case.check) {
        None => problems.push(format!("no `{}` check was made", case.check)),
        Some(c) if c.ok => problems.push(format!("`{}` passed: {}", case.check, c.detail)),
        Some(c) if !c.detail.contains(case.detail) => problems.push(format!(
            "`{}` failed, but says {:?} instead of {:?}",
            case.check, c.detail, case.detail
        )),
        Some(_) => {}
    }
    for c in report.failures() {
        if c.name != case.check && !case.also_fails.contains(&c.name) {
            problems.push(format!("`{}` failed too: {}", c.name, c.detail));
        }
    }
    if outcome.passed() {
        problems.push("the outcome counts as passed".into());
    }
    if outcome.id_token.is_none() {
        problems.push("the failing ID token is not shown".into());
    }
    let rt = &outcome.refresh_token;
    if !rt.received || rt.stored || !rt.note.contains("failed validation") {
        problems.push(format!("refresh token status: {rt:?}"));
    }
    if let Some(stored) = h.stored_refresh_token() {
        problems.push(format!(
            "a refresh token was stored: {} bytes",
            stored.len()
        ));
    }
    if let Some(want) = case.jwks_fetches {
        let hits = h.provider.hits(JWKS_PATH);
        let counted = h.engine.jwks_fetch_count(&h.profile.authority).await;
        if hits != want || counted != want {
            problems.push(format!(
                "JWKS fetched {hits} times (engine counted {counted}), expected {want}"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        let checks: Vec<String> = report
            .checks
            .iter()
            .map(|c| {
                format!(
                    "[{}] {}: {}",
                    if c.ok { "ok" } else { "FAIL" },
                    c.name,
                    c.detail
                )
            })
            .collect();
        Err(format!(
            "{}:\n    {}\n  checks:\n    {}",
            case.name,
            problems.join("\n    "),
            checks.join("\n    ")
        ))
    }
}

#[test]
fn every_check_of_a_sign_in_has_a_case_that_fails_it() {
    let mut cases = validation_cases();
    cases.extend(subject_cases());
    // Crit is made only when it refuses the token, and that is a sign-in's case too.
    let ids = testkit::checks_of_a_good_sign_in()
        .into_iter()
        .chain([CheckId::Crit]);
    for id in ids {
        assert!(
            cases.iter().any(|c| c.check == id),
            "no case makes `{id}` fail"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_validation_check_fails_the_sign_in_shows_the_token_and_stores_nothing() {
    run_in_parallel("cases", validation_cases(), run_case).await;
}

#[tokio::test]
async fn key_rotation_refetches_the_keys_once_and_passes() {
    let h = Harness::new().await;
    // The first key set predates the signing key; the second has it.
    h.provider
        .configure(|c| c.jwks = vec![testkit::jwks_of(&["rsa2"]), testkit::jwks()]);
    let outcome = h.sign_in_ok().await;
    let kid = outcome.report.get(CheckId::Kid).unwrap();
    assert!(kid.detail.contains("kid rsa1 was new"), "{}", kid.detail);
    assert_eq!(h.provider.hits(JWKS_PATH), 2);
    assert_eq!(h.engine.jwks_fetch_count(&h.profile.authority).await, 2);
    assert_eq!(h.stored_refresh_token(), Some(h.provider.refresh_token(1)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_token_without_a_proper_sub_fails_the_sub_check() {
    run_in_parallel("sub cases", subject_cases(), run_case).await;
}

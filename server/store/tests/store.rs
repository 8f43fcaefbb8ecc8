//! Store conformance: every test here runs on SQLite and on PostgreSQL (see `store::testkit`).

// A test crate: its helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use model::platform::status::DatabaseBackend;
use store::testkit::{TestDatabase, backend};

#[tokio::test]
async fn connects_to_the_requested_backend() {
    let db = TestDatabase::new().await;
    assert_eq!(db.store.backend(), backend());
    db.store.ping().await.unwrap();
}

#[tokio::test]
async fn migrating_brings_the_schema_to_the_latest_known_version() {
    let db = TestDatabase::unmigrated().await;
    assert_eq!(db.store.applied_migration().await.unwrap(), None);

    db.store.migrate().await.unwrap();
    let applied = db.store.applied_migration().await.unwrap().unwrap();
    assert_eq!(applied.version, db.store.latest_known_migration());
    assert!(!applied.description.is_empty());
}

#[tokio::test]
async fn migrating_again_is_a_no_op() {
    let db = TestDatabase::new().await;
    let before = db.store.applied_migration().await.unwrap();
    db.store.migrate().await.unwrap();
    assert_eq!(db.store.applied_migration().await.unwrap(), before);
}

#[tokio::test]
async fn reports_the_server_version() {
    let db = TestDatabase::new().await;
    let version = db.store.server_version().await.unwrap();
    let major: u32 = version.split('.').next().unwrap().parse().unwrap();
    match backend() {
        DatabaseBackend::Sqlite => assert_eq!(major, 3, "{version}"),
        DatabaseBackend::Postgres => assert!(major >= 15, "{version}"),
    }
}

#[tokio::test]
async fn postgres_has_pgvector_and_sqlite_ranks_in_process() {
    let db = TestDatabase::new().await;
    let vector = db.store.vector_extension_version().await.unwrap();
    match backend() {
        DatabaseBackend::Sqlite => assert_eq!(vector, None),
        DatabaseBackend::Postgres => {
            let version = vector.expect("pgvector installed by the first migration");
            // The test command builds 0.8 (scripts/lib/postgres.sh), whose iterative index
            // scans the knowledge tests rely on.
            let parts: Vec<u32> = version.split('.').map(|p| p.parse().unwrap()).collect();
            assert!(parts[..2] >= [0, 8][..], "{version}");
        }
    }
}

#[tokio::test]
async fn installation_time_is_recorded_once() {
    let db = TestDatabase::new().await;
    assert_eq!(db.store.installed_at().await.unwrap(), None);

    let first = db
        .store
        .ensure_installed_at(1_700_000_000_000)
        .await
        .unwrap();
    assert_eq!(first, 1_700_000_000_000);
    let second = db
        .store
        .ensure_installed_at(1_800_000_000_000)
        .await
        .unwrap();
    assert_eq!(
        second, first,
        "a later start must not move the installation time"
    );
    assert_eq!(db.store.installed_at().await.unwrap(), Some(first));
}

#[tokio::test]
async fn concurrent_first_starts_agree_on_one_installation_time() {
    let db = TestDatabase::new().await;
    let starts = (0..8).map(|i| {
        let store = db.store.clone();
        tokio::spawn(async move { store.ensure_installed_at(1_000 + i).await })
    });
    let mut seen = Vec::new();
    for start in starts {
        seen.push(start.await.unwrap().unwrap());
    }
    seen.dedup();
    assert_eq!(seen.len(), 1, "{seen:?}");
}

#[tokio::test]
async fn one_claim_wins_each_period_of_a_periodic_job() {
    let db = TestDatabase::new().await;
    // Eight instances ticking at once: one runs the job.
    let claims = (0..8).map(|_| {
        let store = db.store.clone();
        tokio::spawn(async move { store.claim_periodic_run("purge", 10_000, 1_000).await })
    });
    let mut won = 0;
    for claim in claims {
        won += usize::from(claim.await.unwrap().unwrap());
    }
    assert_eq!(won, 1);
    // Within the period nobody else runs it; once a run is older than `not_before`, one may.
    let store = &db.store;
    assert!(
        !store
            .claim_periodic_run("purge", 15_000, 9_000)
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_periodic_run("purge", 20_000, 11_000)
            .await
            .unwrap()
    );
    assert!(
        !store
            .claim_periodic_run("purge", 20_001, 11_000)
            .await
            .unwrap()
    );
    // Each job has its own periods.
    assert!(
        store
            .claim_periodic_run("insights", 20_001, 11_000)
            .await
            .unwrap()
    );
}

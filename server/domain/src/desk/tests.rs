//! Seed 001's session and identity behaviours worth keeping (opencom.md §5.2), on the real
//! store, with a clock moved by hand. The email merge case is inverted: a claim never reaches
//! another contact.

use std::sync::Arc;

use model::desk::contacts::ContactQuery;
use model::desk::identity::{UpdateIdentityVerification, VerificationMode};
use model::desk::widget::{BootRequest, BootResponse, IdentifyRequest};
use model::platform::apps::AppPatch;
use model::platform::users::Role;
use store::testkit::{TestDatabase, dump_all_tables};

use super::identity::{PREVIOUS_SECRET_GRACE_MS, user_hash};
use super::widget_sessions::REFRESH_CAP_MS;
use crate::platform::apps::tests::new_app;
use crate::platform::users::tests::member;
use crate::platform::workspaces::DEFAULT_SESSION_LIFETIME_MS;
use crate::ports::testing::ManualClock;
use crate::{Actor, Error, Integrations, Services};

const SHOP: &str = "https://shop.example.com";
const HOUR: i64 = 60 * 60 * 1_000;

struct Desk {
    _db: TestDatabase,
    services: Services,
    clock: Arc<ManualClock>,
}

async fn desk() -> Desk {
    let db = TestDatabase::new().await;
    let clock = ManualClock::starting_at(1_800_000_000_000);
    let mut ports = crate::ports::testing::offline();
    ports.clock = clock.clone();
    let services = Services::new(
        db.store.clone(),
        Integrations::default(),
        ports,
        crate::platform::encryption::Keyring::ephemeral().unwrap(),
    );
    services
        .platform()
        .create_app(&Actor::operator(), new_app("shop"))
        .await
        .unwrap();
    services
        .platform()
        .update_app(
            &Actor::operator(),
            "shop",
            AppPatch {
                allowed_origins: Some(Some(vec!["https://*.example.com".to_owned()])),
                ..AppPatch::default()
            },
        )
        .await
        .unwrap();
    Desk {
        _db: db,
        services,
        clock,
    }
}

fn boot_request(device_id: &str) -> BootRequest {
    BootRequest {
        app_slug: "shop".to_owned(),
        device_id: device_id.to_owned(),
        email: None,
        name: None,
        external_user_id: None,
        user_hash: None,
        device: None,
        location: None,
    }
}

impl Desk {
    async fn boot(&self, request: BootRequest) -> crate::Result<BootResponse> {
        self.services.desk().boot(request, Some(SHOP), None).await
    }

    /// Turns identity verification on in `mode`; answers the secret the first time.
    async fn verify_identities(
        &self,
        mode: VerificationMode,
        allow_anonymous: bool,
    ) -> Option<String> {
        self.services
            .desk()
            .update_identity_verification(
                &Actor::operator(),
                "shop",
                UpdateIdentityVerification {
                    enabled: true,
                    mode,
                    allow_anonymous,
                },
            )
            .await
            .unwrap()
            .secret
    }
}

#[tokio::test]
async fn boot_answers_a_hashed_wst_token_only_from_an_allowed_origin() {
    let desk = desk().await;
    let booted = desk.boot(boot_request("device-0001")).await.unwrap();
    assert!(booted.session_token.starts_with("wst_"));
    assert_eq!(booted.session_token.len(), 68);
    assert_eq!(
        booted.expires_at,
        crate::ports::Clock::now_ms(&*desk.clock) + DEFAULT_SESSION_LIFETIME_MS
    );
    let dump = dump_all_tables(desk.services.store()).await;
    assert!(
        !dump.contains(&booted.session_token),
        "stored in plain text"
    );

    for origin in [None, Some("https://example.com"), Some("https://evil.net")] {
        let refused = desk
            .services
            .desk()
            .boot(boot_request("device-0001"), origin, None)
            .await;
        assert!(
            matches!(refused, Err(Error::PermissionDenied(_))),
            "{origin:?}: {refused:?}"
        );
    }
    // An unknown app is not found; bad fields are all reported.
    let mut unknown = boot_request("device-0001");
    unknown.app_slug = "nope".to_owned();
    assert!(matches!(
        desk.boot(unknown).await,
        Err(Error::NotFound("app"))
    ));
    let mut bad = boot_request("short");
    bad.email = Some("not-an-email".to_owned());
    let Err(Error::InvalidFields(fields)) = desk.boot(bad).await else {
        panic!("bad fields accepted");
    };
    let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, ["deviceId", "email"]);
}

#[tokio::test]
async fn the_workspace_lists_origins_for_apps_without_their_own() {
    let desk = desk().await;
    desk.services
        .platform()
        .update_app(
            &Actor::operator(),
            "shop",
            AppPatch {
                allowed_origins: Some(None),
                ..AppPatch::default()
            },
        )
        .await
        .unwrap();
    // Nothing configured: no origin may boot.
    assert!(desk.boot(boot_request("device-0001")).await.is_err());
    let app = desk
        .services
        .platform()
        .app_by_slug(&Actor::operator(), "shop")
        .await
        .unwrap();
    let store = desk.services.store();
    let mut workspace = store
        .workspace_by_id(&app.workspace_id)
        .await
        .unwrap()
        .unwrap();
    workspace.allowed_origins = Some(vec![SHOP.to_owned()]);
    store.update_workspace_settings(&workspace).await.unwrap();
    desk.boot(boot_request("device-0001")).await.unwrap();
}

#[tokio::test]
async fn a_token_refreshes_once_in_its_last_quarter_and_never_past_the_cap() {
    let desk = desk().await;
    let widget = desk.services.desk();
    let booted = desk.boot(boot_request("device-0001")).await.unwrap();
    let visitor = widget
        .authenticate_widget_token(&booted.session_token)
        .await
        .unwrap();
    assert_eq!(visitor.contact_id, booted.contact.id);

    // Too early: more than a quarter of the lifetime is left.
    let early = widget.refresh_widget_session(&booted.session_token).await;
    assert!(matches!(early, Err(Error::Conflict(_))), "{early:?}");

    desk.clock.advance(DEFAULT_SESSION_LIFETIME_MS * 3 / 4);
    let refreshed = widget
        .refresh_widget_session(&booted.session_token)
        .await
        .unwrap();
    assert_ne!(refreshed.session_token, booted.session_token);
    assert!(refreshed.expires_at > booted.expires_at);
    // The old token is spent: it neither authenticates nor refreshes again.
    for spent in [
        widget
            .authenticate_widget_token(&booted.session_token)
            .await
            .map(|_| ()),
        widget
            .refresh_widget_session(&booted.session_token)
            .await
            .map(|_| ()),
    ] {
        assert!(matches!(spent, Err(Error::Unauthenticated)), "{spent:?}");
    }
    widget
        .authenticate_widget_token(&refreshed.session_token)
        .await
        .unwrap();

    // An expired token is refused, and cannot be refreshed.
    desk.clock.advance(DEFAULT_SESSION_LIFETIME_MS);
    for expired in [
        widget
            .authenticate_widget_token(&refreshed.session_token)
            .await
            .map(|_| ()),
        widget
            .refresh_widget_session(&refreshed.session_token)
            .await
            .map(|_| ()),
    ] {
        assert!(matches!(expired, Err(Error::SessionExpired)), "{expired:?}");
    }

    // However often it is refreshed, a session ends REFRESH_CAP_MS after the boot.
    let booted = desk.boot(boot_request("device-0002")).await.unwrap();
    let cap = booted.refresh_until;
    let mut token = booted.session_token;
    let mut refreshes = 0;
    loop {
        desk.clock.advance(DEFAULT_SESSION_LIFETIME_MS * 3 / 4 + 1);
        match widget.refresh_widget_session(&token).await {
            Ok(next) => {
                assert!(next.expires_at <= cap);
                token = next.session_token;
                refreshes += 1;
            }
            Err(Error::SessionExpired) => break,
            Err(other) => panic!("{other:?}"),
        }
        assert!(refreshes < 100, "refreshed forever");
    }
    assert_eq!(
        refreshes,
        REFRESH_CAP_MS / (DEFAULT_SESSION_LIFETIME_MS * 3 / 4 + 1)
    );
}

#[tokio::test]
async fn revoking_ends_a_session_and_an_unknown_token_revokes_quietly() {
    let desk = desk().await;
    let widget = desk.services.desk();
    let booted = desk.boot(boot_request("device-0001")).await.unwrap();
    widget
        .revoke_widget_session(&booted.session_token)
        .await
        .unwrap();
    let revoked = widget
        .authenticate_widget_token(&booted.session_token)
        .await;
    assert!(
        matches!(revoked, Err(Error::Unauthenticated)),
        "{revoked:?}"
    );
    widget
        .revoke_widget_session(&format!("wst_{}", "0".repeat(64)))
        .await
        .unwrap();
    widget.revoke_widget_session("garbage").await.unwrap();
    // A token is always required: nothing else stands for a visitor.
    assert!(widget.authenticate_widget_token("").await.is_err());
}

#[tokio::test]
async fn a_claimed_email_never_reaches_another_contacts_history() {
    let desk = desk().await;
    let mut victim = boot_request("victim-device");
    victim.email = Some("victim@example.com".to_owned());
    victim.name = Some("Victim".to_owned());
    let victim = desk.boot(victim).await.unwrap();

    // Seed 001's original attached this boot to the victim's visitor. Here it gets its own.
    let mut attacker = boot_request("attacker-device");
    attacker.email = Some("VICTIM@example.com".to_owned());
    let attacker = desk.boot(attacker).await.unwrap();
    assert_ne!(attacker.contact.id, victim.contact.id);
    assert_eq!(
        attacker.contact.email.as_deref(),
        Some("victim@example.com")
    );
    assert!(!attacker.contact.identity_verified);
    // Identifying by email later does not move the session either.
    let visitor = desk
        .services
        .desk()
        .authenticate_widget_token(&attacker.session_token)
        .await
        .unwrap();
    let identified = desk
        .services
        .desk()
        .identify(
            &visitor,
            IdentifyRequest {
                email: Some("victim@example.com".to_owned()),
                ..IdentifyRequest::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(identified.id, attacker.contact.id);
    let victim_now = desk
        .services
        .desk()
        .contact(&Actor::operator(), &victim.contact.id)
        .await
        .unwrap();
    assert_eq!(victim_now.contact.name.as_deref(), Some("Victim"));

    // The same device comes back to its own contact.
    let again = desk.boot(boot_request("victim-device")).await.unwrap();
    assert_eq!(again.contact.id, victim.contact.id);
}

#[tokio::test]
async fn only_a_valid_user_hash_links_a_visitor_to_a_user() {
    let desk = desk().await;
    let secret = desk
        .verify_identities(VerificationMode::Optional, true)
        .await
        .unwrap();
    let dump = dump_all_tables(desk.services.store()).await;
    assert!(
        !dump.contains(&secret),
        "the identity secret is sealed at rest"
    );

    let mut laptop = boot_request("laptop-0001");
    laptop.external_user_id = Some("user-42".to_owned());
    laptop.user_hash = Some(user_hash(&secret, "user-42").to_uppercase());
    let laptop = desk.boot(laptop).await.unwrap();
    assert!(laptop.contact.identity_verified);

    // The same user on another device, proved: the same contact.
    let mut phone = boot_request("phone-00001");
    phone.external_user_id = Some("user-42".to_owned());
    phone.user_hash = Some(user_hash(&secret, "user-42"));
    let phone = desk.boot(phone).await.unwrap();
    assert_eq!(phone.contact.id, laptop.contact.id);

    // Claimed without proof (optional mode): an unverified contact of its own.
    let mut forged = boot_request("forger-0001");
    forged.external_user_id = Some("user-42".to_owned());
    forged.user_hash = Some(user_hash("wrong secret", "user-42"));
    let forged = desk.boot(forged).await.unwrap();
    assert_ne!(forged.contact.id, laptop.contact.id);
    assert!(!forged.contact.identity_verified);

    // An anonymous visitor who proves who they are later joins that user's contact.
    let anonymous = desk.boot(boot_request("kiosk-00001")).await.unwrap();
    let visitor = desk
        .services
        .desk()
        .authenticate_widget_token(&anonymous.session_token)
        .await
        .unwrap();
    let wrong = desk
        .services
        .desk()
        .identify(
            &visitor,
            IdentifyRequest {
                external_user_id: Some("user-42".to_owned()),
                ..IdentifyRequest::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(wrong.id, anonymous.contact.id, "no hash, no link");
    let linked = desk
        .services
        .desk()
        .identify(
            &visitor,
            IdentifyRequest {
                external_user_id: Some("user-42".to_owned()),
                user_hash: Some(user_hash(&secret, "user-42")),
                ..IdentifyRequest::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(linked.id, laptop.contact.id);
    let moved = desk
        .services
        .desk()
        .authenticate_widget_token(&anonymous.session_token)
        .await
        .unwrap();
    assert_eq!(moved.contact_id, laptop.contact.id);
}

#[tokio::test]
async fn required_mode_refuses_unproved_claims_and_may_refuse_anonymous_visitors() {
    let desk = desk().await;
    let secret = desk
        .verify_identities(VerificationMode::Required, true)
        .await
        .unwrap();
    let mut unproved = boot_request("device-0001");
    unproved.external_user_id = Some("user-1".to_owned());
    let refused = desk.boot(unproved).await;
    assert!(
        matches!(refused, Err(Error::PermissionDenied(_))),
        "{refused:?}"
    );
    // Anonymous visitors (an email is only a claim) still boot while allowed.
    let mut anonymous = boot_request("device-0002");
    anonymous.email = Some("someone@example.com".to_owned());
    desk.boot(anonymous).await.unwrap();

    assert!(
        desk.verify_identities(VerificationMode::Required, false)
            .await
            .is_none(),
        "the secret is shown once"
    );
    let refused = desk.boot(boot_request("device-0003")).await;
    assert!(
        matches!(refused, Err(Error::PermissionDenied(_))),
        "{refused:?}"
    );
    let mut proved = boot_request("device-0003");
    proved.external_user_id = Some("user-1".to_owned());
    proved.user_hash = Some(user_hash(&secret, "user-1"));
    assert!(desk.boot(proved).await.unwrap().contact.identity_verified);
}

#[tokio::test]
async fn after_a_rotation_the_previous_secret_verifies_for_a_grace_period() {
    let desk = desk().await;
    let old = desk
        .verify_identities(VerificationMode::Required, true)
        .await
        .unwrap();
    let rotated = desk
        .services
        .desk()
        .rotate_identity_secret(&Actor::operator(), "shop")
        .await
        .unwrap();
    let new = rotated.secret.unwrap();
    assert_ne!(new, old);
    let settings = desk
        .services
        .desk()
        .identity_verification(&Actor::operator(), "shop")
        .await
        .unwrap();
    assert!(settings.has_secret);
    assert!(settings.previous_secret_expires_at.is_some());
    let boot_with = |secret: &str, device: &str| {
        let mut request = boot_request(device);
        request.external_user_id = Some("user-1".to_owned());
        request.user_hash = Some(user_hash(secret, "user-1"));
        request
    };
    desk.boot(boot_with(&old, "device-0001")).await.unwrap();
    desk.boot(boot_with(&new, "device-0002")).await.unwrap();
    desk.clock.advance(PREVIOUS_SECRET_GRACE_MS + 1);
    assert!(desk.boot(boot_with(&old, "device-0003")).await.is_err());
    desk.boot(boot_with(&new, "device-0004")).await.unwrap();
}

#[tokio::test]
async fn contacts_are_listed_searched_and_paged_within_the_members_workspace() {
    let desk = desk().await;
    for (device, email, name) in [
        ("device-0001", "ada@example.com", "Ada Lovelace"),
        ("device-0002", "alan@example.com", "Alan Turing"),
        ("device-0003", "grace@example.com", "Grace 100%_Hopper"),
    ] {
        let mut request = boot_request(device);
        request.email = Some(email.to_owned());
        request.name = Some(name.to_owned());
        desk.boot(request).await.unwrap();
        desk.clock.advance(HOUR);
    }
    let app = desk
        .services
        .platform()
        .app_by_slug(&Actor::operator(), "shop")
        .await
        .unwrap();
    let viewer = member(
        &desk.services,
        "viewer@example.com",
        Role::Viewer,
        &app.workspace_id,
    )
    .await;
    let list = |search: Option<&str>, cursor: Option<String>, limit| ContactQuery {
        search: search.map(str::to_owned),
        cursor,
        limit,
        ..ContactQuery::default()
    };
    let desk_ops = desk.services.desk();
    let all = desk_ops
        .list_contacts(&viewer, list(None, None, Some(2)))
        .await
        .unwrap();
    let names: Vec<_> = all.contacts.iter().filter_map(|c| c.name.clone()).collect();
    assert_eq!(names, ["Grace 100%_Hopper", "Alan Turing"]);
    let rest = desk_ops
        .list_contacts(&viewer, list(None, all.next_cursor, Some(2)))
        .await
        .unwrap();
    assert_eq!(rest.contacts.len(), 1);
    assert!(rest.next_cursor.is_none());
    for (term, expected) in [
        ("ALAN", 1),
        ("example.com", 3),
        ("100%_", 1),
        ("%", 1),
        ("zzz", 0),
    ] {
        let found = desk_ops
            .list_contacts(&viewer, list(Some(term), None, None))
            .await
            .unwrap();
        assert_eq!(found.contacts.len(), expected, "{term}");
    }
    // A member of another workspace sees neither the list nor a contact.
    let elsewhere = crate::platform::users::tests::workspace(&desk.services, "ws-other").await;
    let stranger = member(&desk.services, "s@example.com", Role::Owner, &elsewhere).await;
    let refused = desk_ops
        .list_contacts(
            &stranger,
            ContactQuery {
                workspace_id: Some(app.workspace_id.clone()),
                ..ContactQuery::default()
            },
        )
        .await;
    assert!(matches!(refused, Err(Error::NotFound(_))), "{refused:?}");
    let one = &names[0];
    let id = contact_id(&desk, &app.workspace_id, one).await;
    assert!(matches!(
        desk_ops.contact(&stranger, &id).await,
        Err(Error::NotFound("contact"))
    ));
    assert_eq!(
        desk_ops.contact(&viewer, &id).await.unwrap().live_sessions,
        1
    );
}

async fn contact_id(desk: &Desk, workspace_id: &str, name: &str) -> String {
    desk.services
        .desk()
        .list_contacts(
            &Actor::operator(),
            ContactQuery {
                workspace_id: Some(workspace_id.to_owned()),
                search: Some(name.to_owned()),
                ..ContactQuery::default()
            },
        )
        .await
        .unwrap()
        .contacts[0]
        .id
        .clone()
}

#[tokio::test]
async fn boots_per_address_and_writes_per_session_are_limited() {
    let desk = desk().await;
    let widget = desk.services.desk();
    let boot_from = |ip: &'static str, device: String| {
        let widget = desk.services.desk();
        async move {
            widget
                .boot(boot_request(&device), Some(SHOP), Some(ip))
                .await
        }
    };
    for n in 0..super::widget_sessions::BOOTS_PER_IP.limit {
        boot_from("203.0.113.7", format!("device-{n:04}"))
            .await
            .unwrap();
    }
    let refused = boot_from("203.0.113.7", "device-9999".to_owned()).await;
    assert!(matches!(refused, Err(Error::RateLimited(_))), "{refused:?}");
    // Another address is not held back by the first.
    let booted = boot_from("203.0.113.8", "device-9999".to_owned())
        .await
        .unwrap();

    let visitor = widget
        .authenticate_widget_token(&booted.session_token)
        .await
        .unwrap();
    let write = || model::desk::conversations::WriteMessage {
        body: "hello".to_owned(),
    };
    let (_, thread) = widget
        .open_chat(
            &visitor,
            model::desk::conversations::OpenChat {
                body: Some("hello".to_owned()),
            },
        )
        .await
        .unwrap();
    for _ in 1..super::widget_sessions::WRITES_PER_SESSION.limit {
        widget
            .visitor_write(&visitor, &thread.conversation.id, write())
            .await
            .unwrap();
    }
    let refused = widget
        .visitor_write(&visitor, &thread.conversation.id, write())
        .await;
    assert!(matches!(refused, Err(Error::RateLimited(_))), "{refused:?}");
    // A minute later the session writes again.
    desk.clock.advance(60_000);
    widget
        .visitor_write(&visitor, &thread.conversation.id, write())
        .await
        .unwrap();
}

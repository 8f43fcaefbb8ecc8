//! `TestApp`: the real router over a fresh test database, driven without a socket.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use domain::agent::knowledge::embeddings::EmbeddingSettings;
use domain::{Actor, Integrations, NewUser, Services};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use model::platform::apps::{AppSettings, CreateApp};
use model::platform::users::Role;
use serde_json::Value;
use server::http::cors::CorsPolicy;
use server::router::{self, HttpSettings};
use server::state::AppState;
use store::testkit::TestDatabase;
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub db: TestDatabase,
    pub services: Services,
}

/// An app created through the service layer, with its credentials.
pub struct Tenant {
    pub slug: String,
    pub secret: String,
    pub session_token: String,
}

impl Tenant {
    /// `body` with the app's slug and secret in it, as seed 000's examples send them.
    pub fn with_secret(&self, mut body: Value) -> Value {
        body["appSlug"] = Value::from(self.slug.as_str());
        body["appSecret"] = Value::from(self.secret.as_str());
        body
    }

    /// `body` with the app's session token in it.
    pub fn with_token(&self, mut body: Value) -> Value {
        body["sessionToken"] = Value::from(self.session_token.as_str());
        body
    }
}

pub const PASSWORD: &str = "correct horse battery staple";
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// The headers a browser sends on a same-origin request to the test server.
pub const SAME_ORIGIN: &[(&str, &str)] = &[("host", "localhost"), ("origin", "http://localhost")];

/// What tests run with: the fakes listen on loopback, which the SSRF guard must let through,
/// and knowledge is embedded by the local model where `scripts/test` unpacks it.
pub fn test_integrations() -> Integrations {
    Integrations {
        outbound_allowed_hosts: domain::platform::outbound::AllowedHosts::parse("127.0.0.1")
            .unwrap(),
        embeddings: EmbeddingSettings {
            model_dir: domain::agent::knowledge::embeddings::test_model_dir(),
            ..EmbeddingSettings::default()
        },
        ..Integrations::default()
    }
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_cors(CorsPolicy::any_origin()).await
    }

    pub async fn with_cors(cors: CorsPolicy) -> TestApp {
        Self::build(cors, test_integrations()).await
    }

    /// A test app with these integrations (e.g. no SSRF exemption, or a fake Gemini).
    pub async fn with_integrations(integrations: Integrations) -> TestApp {
        Self::build(CorsPolicy::any_origin(), integrations).await
    }

    async fn build(cors: CorsPolicy, integrations: Integrations) -> TestApp {
        let db = TestDatabase::new().await;
        db.store
            .ensure_installed_at(domain::now_ms())
            .await
            .unwrap();
        let ports = ::integrations::ports(&integrations).unwrap();
        let services = Services::new(
            db.store.clone(),
            integrations,
            ports,
            domain::platform::encryption::Keyring::ephemeral().unwrap(),
        );
        let state = AppState {
            services: services.clone(),
            leptos_options: LeptosOptions::builder()
                .output_name(server::SITE_NAME)
                .site_root("target/site")
                .build(),
        };
        let settings = HttpSettings {
            cors,
            max_body_bytes: 1024 * 1024,
            record_metrics: true,
        };
        TestApp {
            router: router::build(state, &settings),
            db,
            services,
        }
    }

    /// A new app with its secret and a fresh session token.
    pub async fn tenant(&self, slug: &str) -> Tenant {
        self.tenant_with(slug, AppSettings::default()).await
    }

    /// A new app with these settings.
    pub async fn tenant_with(&self, slug: &str, settings: AppSettings) -> Tenant {
        let created = self
            .services
            .platform()
            .create_app(
                &Actor::operator(),
                CreateApp {
                    slug: slug.to_owned(),
                    name: format!("App {slug}"),
                    secret: None,
                    workspace_id: None,
                    settings,
                },
            )
            .await
            .unwrap();
        let caller = self
            .services
            .platform()
            .authenticate_app_secret(slug, &created.app_secret)
            .await
            .unwrap();
        let session = self
            .services
            .platform()
            .create_session_token(&caller, None)
            .await
            .unwrap();
        Tenant {
            slug: slug.to_owned(),
            secret: created.app_secret,
            session_token: session.session_token,
        }
    }

    /// A workspace of its own, for multi-workspace tests.
    pub async fn workspace(&self, id: &str) -> String {
        self.db
            .store
            .insert_workspace(&store::WorkspaceRecord::new(
                id.to_owned(),
                format!("Workspace {id}"),
                90,
                domain::now_ms(),
            ))
            .await
            .unwrap();
        id.to_owned()
    }

    /// A dashboard user with `role` in `workspace_id`, signed in: their `Cookie` header value.
    pub async fn signed_in(&self, email: &str, role: Role, workspace_id: &str) -> String {
        self.services
            .platform()
            .create_user(
                &Actor::operator(),
                NewUser {
                    email: email.to_owned(),
                    name: "Test".to_owned(),
                    password: PASSWORD.to_owned(),
                    role,
                    workspace_id: Some(workspace_id.to_owned()),
                },
            )
            .await
            .unwrap();
        let response = self
            .post_json(
                "/api/admin/login",
                SAME_ORIGIN,
                serde_json::json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(response.status, 200, "{}", response.text);
        let cookie = response.header("set-cookie").unwrap();
        cookie.split(';').next().unwrap().to_owned()
    }

    /// POSTs JSON.
    pub async fn post_json(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: Value,
    ) -> TestResponse {
        let mut all = vec![("content-type", "application/json")];
        all.extend_from_slice(headers);
        self.send(Method::POST, path, &all, Body::from(body.to_string()))
            .await
    }

    /// POSTs `body` with the tenant's slug and secret in it.
    pub async fn post_as(&self, tenant: &Tenant, path: &str, body: Value) -> TestResponse {
        self.post_json(path, &[], tenant.with_secret(body)).await
    }

    /// Sends `method` with the tenant's secret as `Authorization: Bearer` + `X-App-Slug`.
    pub async fn call_as(
        &self,
        tenant: &Tenant,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> TestResponse {
        let bearer = format!("Bearer {}", tenant.secret);
        let mut headers = vec![
            ("authorization", bearer.as_str()),
            ("x-app-slug", tenant.slug.as_str()),
        ];
        let body = match body {
            Some(body) => {
                headers.push(("content-type", "application/json"));
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        self.send(method, path, &headers, body).await
    }

    /// GETs `path` with the tenant's secret in the headers.
    pub async fn get_as(&self, tenant: &Tenant, path: &str) -> TestResponse {
        self.call_as(tenant, Method::GET, path, None).await
    }

    pub async fn request(&self, request: Request<Body>) -> TestResponse {
        let described = format!("{} {}", request.method(), request.uri());
        // A stalled answer fails its test with a message instead of hanging the run.
        let response = tokio::time::timeout(REQUEST_TIMEOUT, self.router.clone().oneshot(request))
            .await
            .unwrap_or_else(|_| panic!("{described}: no answer within {REQUEST_TIMEOUT:?}"))
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(Method::GET, path, &[], Body::empty()).await
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Body,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.request(request.body(body).unwrap()).await
    }
}

//! The browser session rules shared by the JSON API and the pages' server functions: the
//! session cookie and the same-origin check that protects cookie-authenticated writes from
//! cross-site forgery. Pure functions over header values.

pub const SESSION_COOKIE: &str = "sb_session";

/// The session token among `Cookie` header values.
pub fn session_cookie<'a>(cookie_headers: impl IntoIterator<Item = &'a str>) -> Option<String> {
    cookie_headers
        .into_iter()
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, Secure over https.
pub fn session_cookie_value(token: &str, max_age_secs: i64, https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    )
}

/// `Set-Cookie` that deletes the session cookie.
pub fn cleared_session_cookie_value() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Whether a request's `Origin` (or, failing that, `Referer`) names the `Host` it was sent to.
/// Browsers always send `Origin` on cross-site writes, so a mismatch or an absence is refused.
pub fn is_same_origin(host: Option<&str>, origin: Option<&str>, referer: Option<&str>) -> bool {
    let source_host = origin
        .or(referer)
        .and_then(|url| url.split_once("://"))
        .map(|(_, rest)| rest.split('/').next().unwrap_or_default());
    matches!((host, source_host), (Some(host), Some(source)) if host.eq_ignore_ascii_case(source))
}

/// A value for a query string: unreserved characters and `/` stay, the rest is
/// percent-encoded.
pub fn query_value(text: &str) -> String {
    percent_encode(text, true)
}

/// One segment of a path: as [`query_value`], with `/` encoded too.
pub fn path_segment(text: &str) -> String {
    percent_encode(text, false)
}

fn percent_encode(text: &str, keep_slash: bool) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b'/' if keep_slash => "/".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        assert_eq!(
            session_cookie(["theme=dark; sb_session=sbu_abc; lang=en"]).as_deref(),
            Some("sbu_abc")
        );
        assert_eq!(
            session_cookie(["a=1", "sb_session=sbu_x"]).as_deref(),
            Some("sbu_x")
        );
        assert_eq!(session_cookie(["sb_session="]), None);
        assert_eq!(session_cookie([]), None);
    }

    #[test]
    fn only_requests_from_our_own_origin_pass() {
        assert!(is_same_origin(
            Some("127.0.0.1:3000"),
            Some("http://127.0.0.1:3000"),
            None
        ));
        assert!(is_same_origin(
            Some("sb.example.com"),
            None,
            Some("https://sb.example.com/apps")
        ));
        assert!(!is_same_origin(
            Some("sb.example.com"),
            Some("https://evil.example"),
            None
        ));
        assert!(!is_same_origin(Some("sb.example.com"), None, None));
        assert!(!is_same_origin(Some("sb.example.com"), Some("null"), None));
        assert!(!is_same_origin(None, Some("http://x"), None));
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_over_https() {
        let plain = session_cookie_value("t", 60, false);
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Lax"));
        assert!(!plain.contains("Secure"));
        assert!(session_cookie_value("t", 60, true).ends_with("; Secure"));
        assert!(cleared_session_cookie_value().contains("Max-Age=0"));
    }
}

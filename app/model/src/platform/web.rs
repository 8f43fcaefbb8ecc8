//! The browser session rules shared by the JSON API and the pages' server functions: the
//! session cookie and the same-origin rule that protects cookie-authenticated writes from
//! cross-site forgery. Pure functions over header values; `app::request` reads them from a
//! request.

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

/// Whether a request's `Origin` (or, failing that, `Referer`) is this server's own origin: the
/// same scheme, host and port as the `Host` it was sent to over `https` (or plain http).
/// Browsers always send `Origin` on cross-site writes, so a mismatch or an absence is refused.
pub fn is_same_origin(
    host: Option<&str>,
    https: bool,
    origin: Option<&str>,
    referer: Option<&str>,
) -> bool {
    let scheme = if https { "https" } else { "http" };
    let Some(ours) = host.and_then(|host| normalized_authority(scheme, host)) else {
        return false;
    };
    let Some((their_scheme, rest)) = origin.or(referer).and_then(|url| url.split_once("://"))
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    their_scheme.eq_ignore_ascii_case(scheme)
        && normalized_authority(scheme, authority).is_some_and(|theirs| theirs == ours)
}

/// `host[:port]` in lowercase with the scheme's default port left out, or `None` for an
/// authority with credentials or without a host.
fn normalized_authority(scheme: &str, authority: &str) -> Option<String> {
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    Some(
        authority
            .strip_suffix(default_port)
            .unwrap_or(&authority)
            .to_owned(),
    )
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
        let host = Some("127.0.0.1:3000");
        assert!(is_same_origin(
            host,
            false,
            Some("http://127.0.0.1:3000"),
            None
        ));
        assert!(is_same_origin(
            Some("sb.example.com"),
            true,
            None,
            Some("https://sb.example.com/apps")
        ));
        assert!(is_same_origin(
            Some("SB.example.com"),
            true,
            Some("https://sb.example.com:443"),
            None
        ));
        assert!(!is_same_origin(
            Some("sb.example.com"),
            true,
            Some("https://evil.example"),
            None
        ));
        assert!(!is_same_origin(Some("sb.example.com"), true, None, None));
        assert!(!is_same_origin(
            Some("sb.example.com"),
            true,
            Some("null"),
            None
        ));
        assert!(!is_same_origin(None, false, Some("http://x"), None));
    }

    #[test]
    fn the_scheme_and_port_must_match_too() {
        let host = Some("127.0.0.1:3000");
        // The same host under another scheme is another origin.
        assert!(!is_same_origin(
            host,
            false,
            Some("https://127.0.0.1:3000"),
            None
        ));
        assert!(!is_same_origin(
            host,
            true,
            Some("http://127.0.0.1:3000"),
            None
        ));
        assert!(!is_same_origin(
            host,
            false,
            Some("http://127.0.0.1:3001"),
            None
        ));
        assert!(!is_same_origin(host, false, Some("http://127.0.0.1"), None));
        assert!(!is_same_origin(
            host,
            false,
            None,
            Some("http://user@127.0.0.1:3000/")
        ));
        assert!(is_same_origin(
            Some("sb.example.com:80"),
            false,
            Some("http://sb.example.com"),
            None
        ));
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

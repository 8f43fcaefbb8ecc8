//! Formatting shared by server rendering and the islands, which must produce identical text:
//! no time zones or locales, only UTC computed from the epoch.

pub use model::platform::web::{path_segment, query_value};

/// `1_700_000_000_000` → `2023-11-14 22:13 UTC`.
pub fn utc_minutes(epoch_ms: i64) -> String {
    let seconds = epoch_ms.div_euclid(1_000);
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        second_of_day / 3_600,
        second_of_day % 3_600 / 60
    )
}

/// `1_700_000_000_000` → `2023-11-14`.
pub fn utc_day(epoch_ms: i64) -> String {
    let (year, month, day) = civil_from_days(epoch_ms.div_euclid(86_400_000));
    format!("{year:04}-{month:02}-{day:02}")
}

/// `1_700_000_000_000` → `Nov 14`, for chart axes.
pub fn short_day(epoch_ms: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (_, month, day) = civil_from_days(epoch_ms.div_euclid(86_400_000));
    let name = MONTHS.get(month as usize - 1).copied().unwrap_or("?");
    format!("{name} {day}")
}

/// `YYYY-MM-DD` → the first millisecond of that UTC day; `None` unless a real date. Filters are
/// read on the server only.
#[cfg(any(feature = "ssr", test))]
pub fn day_start_ms(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let year: i64 = year.parse().ok()?;
    let month: u32 = month.parse().ok()?;
    let day: u32 = day.parse().ok()?;
    if !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // Day 31 of a 30-day month rolls over: only dates that come back unchanged are real.
    (civil_from_days(days) == (year, month, day)).then_some(days * 86_400_000)
}

/// A duration: `42s`, `3m 05s`, `1h 02m`.
pub fn duration(ms: i64) -> String {
    let seconds = ms.max(0) / 1_000;
    match seconds {
        0..60 => format!("{seconds}s"),
        60..3_600 => format!("{}m {:02}s", seconds / 60, seconds % 60),
        _ => format!("{}h {:02}m", seconds / 3_600, seconds % 3_600 / 60),
    }
}

/// A ratio as a whole percentage: `0.4567` → `46%`.
pub fn percent(ratio: f64) -> String {
    format!("{:.0}%", ratio * 100.0)
}

/// A query string of the non-empty `params`, `?` included (just `?` when there are none).
pub fn query_string(params: &[(&str, String)]) -> String {
    let pairs: Vec<String> = params
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={}", query_value(value)))
        .collect();
    format!("?{}", pairs.join("&"))
}

/// A latency in milliseconds, with a precision that suits its size.
pub fn latency(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 1_000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1_000.0)
    }
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// (year, month, day) → days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
#[cfg(any(feature = "ssr", test))]
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Text to put inside a `<textarea>`. Leptos writes a textarea's children without escaping
/// them (the element holds raw text, as `<script>` does), so text containing `</textarea>`
/// would end the element and inject markup. Escaping `&` and `<` is enough: the browser decodes
/// the entities back into the text the textarea shows and submits.
pub fn textarea_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textarea_text_cannot_close_its_textarea() {
        assert_eq!(
            textarea_text("a </textarea><script>x()</script> & b"),
            "a &lt;/textarea>&lt;script>x()&lt;/script> &amp; b"
        );
    }

    #[test]
    fn formats_epoch_milliseconds_as_utc() {
        assert_eq!(utc_minutes(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_minutes(1_700_000_000_000), "2023-11-14 22:13 UTC");
        assert_eq!(utc_minutes(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(utc_minutes(-1), "1969-12-31 23:59 UTC");
    }

    #[test]
    fn days_round_trip_and_impossible_dates_are_refused() {
        assert_eq!(day_start_ms("1970-01-01"), Some(0));
        assert_eq!(day_start_ms("2023-11-14"), Some(1_699_920_000_000));
        assert_eq!(day_start_ms("2000-02-29"), Some(951_782_400_000));
        assert_eq!(utc_day(1_700_000_000_000), "2023-11-14");
        assert_eq!(short_day(1_700_000_000_000), "Nov 14");
        for bad in [
            "2023-02-29",
            "2023-13-01",
            "2023-04-31",
            "2023-1-01",
            "yesterday",
            "",
        ] {
            assert_eq!(day_start_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_and_percentages_read_naturally() {
        assert_eq!(duration(42_400), "42s");
        assert_eq!(duration(185_000), "3m 05s");
        assert_eq!(duration(3_720_000), "1h 02m");
        assert_eq!(duration(-5), "0s");
        assert_eq!(percent(0.4567), "46%");
    }

    #[test]
    fn urls_are_encoded_for_where_they_go() {
        assert_eq!(query_value("/apps/a b?c"), "/apps/a%20b%3Fc");
        assert_eq!(path_segment("call/1 é"), "call%2F1%20%C3%A9");
        assert_eq!(
            query_string(&[
                ("status", "resolved".to_owned()),
                ("channel", String::new()),
                ("cursor", "a=b".to_owned())
            ]),
            "?status=resolved&cursor=a%3Db"
        );
        assert_eq!(query_string(&[]), "?");
    }

    #[test]
    fn latency_precision_follows_magnitude() {
        assert_eq!(latency(0.4321), "0.43 ms");
        assert_eq!(latency(42.4), "42 ms");
        assert_eq!(latency(1_530.0), "1.5 s");
    }
}

//! Charts drawn as SVG on the server: readable without JavaScript, and no charting library
//! in the bundle.

use leptos::prelude::*;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
/// Room for the y-axis labels on the left and the x-axis labels below.
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 26.0;
const TOP: f64 = 10.0;
const PLOT_WIDTH: f64 = WIDTH - LEFT - 8.0;
const PLOT_HEIGHT: f64 = HEIGHT - TOP - BOTTOM;

/// One bar: its axis label and its value, with the tooltip text.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub tooltip: String,
}

/// One line of a line chart: a value per x position, `None` where there is no data.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: &'static str,
    /// A CSS class giving the line its colour (`series-a`, `series-b`).
    pub class: &'static str,
    pub values: Vec<Option<f64>>,
}

/// A bar chart, with gridlines at the top value and its half.
#[component]
pub fn BarChart(
    id: &'static str,
    title: &'static str,
    bars: Vec<Bar>,
    /// Formats a value on the y axis.
    axis: fn(f64) -> String,
) -> impl IntoView {
    let top = nice_ceiling(bars.iter().map(|b| b.value).fold(0.0, f64::max));
    let slot = PLOT_WIDTH / bars.len().max(1) as f64;
    let bar_width = (slot * 0.7).max(1.0);
    let labels = x_labels(bars.iter().map(|b| b.label.clone()).collect(), slot);
    let total: f64 = bars.iter().map(|b| b.value).sum();
    let description = format!("{} bars, {} in all", bars.len(), axis(total));
    view! {
        <svg
            class="chart"
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            role="img"
            aria-labelledby=format!("{id}-title {id}-desc")
            id=id
        >
            <title id=format!("{id}-title")>{title}</title>
            <desc id=format!("{id}-desc")>{description}</desc>
            <Grid top axis />
            {bars
                .into_iter()
                .enumerate()
                .map(|(i, bar)| {
                    let height = if top > 0.0 { bar.value / top * PLOT_HEIGHT } else { 0.0 };
                    let x = LEFT + i as f64 * slot + (slot - bar_width) / 2.0;
                    view! {
                        <rect
                            class="bar"
                            x=round(x)
                            y=round(TOP + PLOT_HEIGHT - height)
                            width=round(bar_width)
                            height=round(height)
                        >
                            <title>{bar.tooltip}</title>
                        </rect>
                    }
                })
                .collect_view()}
            {labels}
        </svg>
    }
}

/// A line chart of ratios (0 to 1), one line per series, gaps where a value is missing.
#[component]
pub fn RateChart(
    id: &'static str,
    title: &'static str,
    labels: Vec<String>,
    series: Vec<Series>,
) -> impl IntoView {
    let points = labels.len().max(1);
    let slot = PLOT_WIDTH / points as f64;
    let x_of = move |i: usize| LEFT + (i as f64 + 0.5) * slot;
    let y_of = |value: f64| TOP + PLOT_HEIGHT - value.clamp(0.0, 1.0) * PLOT_HEIGHT;
    let axis_labels = x_labels(labels, slot);
    let legend = series.iter().map(|s| (s.name, s.class)).collect::<Vec<_>>();
    view! {
        <svg
            class="chart"
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            role="img"
            aria-labelledby=format!("{id}-title")
            id=id
        >
            <title id=format!("{id}-title")>{title}</title>
            <Grid top=1.0 axis=crate::format::percent />
            {series
                .into_iter()
                .map(|s| {
                    let path = line_path(&s.values, x_of, y_of);
                    let dots = s
                        .values
                        .iter()
                        .enumerate()
                        .filter_map(|(i, v)| v.map(|v| (i, v)))
                        .map(|(i, v)| {
                            view! {
                                <circle class=format!("dot {}", s.class) cx=round(x_of(i)) cy=round(y_of(v)) r="2.5">
                                    <title>{format!("{}: {}", s.name, crate::format::percent(v))}</title>
                                </circle>
                            }
                        })
                        .collect_view();
                    view! {
                        <path class=format!("line {}", s.class) d=path />
                        {dots}
                    }
                })
                .collect_view()}
            {axis_labels}
        </svg>
        <ul class="legend">
            {legend
                .into_iter()
                .map(|(name, class)| {
                    view! {
                        <li>
                            <span class=format!("swatch {class}") aria-hidden="true"></span>
                            {name}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Horizontal gridlines at 0, half and the top, labelled on the left.
#[component]
fn Grid(top: f64, axis: fn(f64) -> String) -> impl IntoView {
    [0.0, 0.5, 1.0]
        .into_iter()
        .map(|fraction| {
            let y = round(TOP + PLOT_HEIGHT - fraction * PLOT_HEIGHT);
            view! {
                <line class="grid" x1=LEFT x2=WIDTH - 8.0 y1=y.clone() y2=y.clone() />
                <text class="axis" x=LEFT - 6.0 y=y text-anchor="end" dominant-baseline="middle">
                    {axis(top * fraction)}
                </text>
            }
        })
        .collect_view()
}

/// At most seven evenly spaced labels under the x axis, so they never overlap.
fn x_labels(labels: Vec<String>, slot: f64) -> impl IntoView {
    let count = labels.len();
    let step = count.div_ceil(7).max(1);
    labels
        .into_iter()
        .enumerate()
        .filter(move |(i, _)| i % step == 0)
        .map(move |(i, label)| {
            view! {
                <text class="axis" x=round(LEFT + (i as f64 + 0.5) * slot) y=HEIGHT - 8.0 text-anchor="middle">
                    {label}
                </text>
            }
        })
        .collect_view()
}

/// An SVG path through the present values; a missing value breaks the line.
fn line_path(
    values: &[Option<f64>],
    x_of: impl Fn(usize) -> f64,
    y_of: impl Fn(f64) -> f64,
) -> String {
    let mut path = String::new();
    let mut drawing = false;
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(v) => {
                path.push_str(if drawing { " L" } else { " M" });
                path.push_str(&format!("{} {}", round(x_of(i)), round(y_of(*v))));
                drawing = true;
            }
            None => drawing = false,
        }
    }
    path.trim_start().to_owned()
}

/// The smallest of 2, 4, 10 × 10ⁿ at or above `value` (at least 2): a readable axis top whose
/// half, the middle gridline, is a whole number too.
fn nice_ceiling(value: f64) -> f64 {
    if value <= 2.0 {
        return 2.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 4.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|candidate| *candidate >= value && candidate % 2.0 == 0.0)
        .unwrap_or(value)
}

/// Coordinates with one decimal: shorter markup, same picture.
fn round(value: f64) -> String {
    format!("{:.1}", value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_tops_are_round_numbers_with_whole_halves() {
        assert_eq!(nice_ceiling(0.0), 2.0);
        assert_eq!(nice_ceiling(1.0), 2.0);
        assert_eq!(nice_ceiling(3.0), 4.0);
        assert_eq!(nice_ceiling(5.0), 10.0);
        assert_eq!(nice_ceiling(12.0), 20.0);
        assert_eq!(nice_ceiling(31.0), 40.0);
        assert_eq!(nice_ceiling(41.0), 100.0);
        assert_eq!(nice_ceiling(100.0), 100.0);
    }

    #[test]
    fn missing_values_break_the_line() {
        let path = line_path(
            &[Some(0.0), Some(1.0), None, Some(0.5)],
            |i| i as f64,
            |v| v * 10.0,
        );
        assert_eq!(path, "M0.0 0.0 L1.0 10.0 M3.0 5.0");
    }
}

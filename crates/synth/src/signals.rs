//! Signals: one table drives the config, the feature names, the weights and the outcome.

use std::fmt::Write as _;

use crate::attributes::{
    Lead, ACTIVITIES, BLOG, CASE, CLICK, DEMO, EBOOK, N_ACT, OPEN, PRICING, TARGET_COUNTRIES,
    UNSUB, WEBINAR,
};

/// The true model's intercept.
pub const INTERCEPT: f64 = -4.0;

/// Feature column names of the true model, in config order (`signal`, `signal=level`,
/// `signal=[lo,hi)`).
pub fn feature_names() -> Vec<String> {
    let mut names = Vec::new();
    for s in SIGNALS {
        s.push_feature_names(&mut names);
    }
    names
}

/// True weights, aligned with [`feature_names`].
pub fn feature_weights() -> Vec<f64> {
    let mut w = Vec::new();
    for s in SIGNALS {
        s.push_weights(&mut w);
    }
    w
}

enum Kind {
    Categorical {
        column: &'static str,
        levels: &'static [(&'static str, f64)],
    },
    /// `kind = "numeric"` with `bins`; blank → `default`.
    Bins {
        column: &'static str,
        default: f64,
        edges: &'static [f64],
        weights: &'static [f64],
    },
    Flag {
        column: &'static str,
        equals: &'static [&'static str],
        weight: f64,
    },
    Events {
        activity: usize,
        cap: u32,
        weight: f64,
    },
}

pub(crate) struct Signal {
    name: &'static str,
    pub(crate) axis: &'static str,
    comment: &'static str,
    kind: Kind,
}

pub(crate) const SIGNALS: &[Signal] = &[
    // ---- fit -------------------------------------------------------------------------------
    Signal {
        name: "title",
        axis: "fit",
        comment: "Seniority from the job title; baseline = individual contributor.",
        kind: Kind::Categorical {
            column: "title_seniority",
            levels: &[
                ("c-level", 0.8),
                ("vp", 0.7),
                ("director", 0.5),
                ("manager", 0.3),
                ("student", -1.2),
            ],
        },
    },
    Signal {
        name: "employees",
        axis: "fit",
        comment: "Company size in bins; below 10 employees (and blank) is the baseline.",
        kind: Kind::Bins {
            column: "company_size",
            default: 0.0,
            edges: &[10.0, 50.0, 200.0, 1000.0, 5000.0],
            weights: &[0.2, 0.5, 0.7, 0.5, 0.3],
        },
    },
    Signal {
        name: "industry",
        axis: "fit",
        comment: "Target industries score, education and government less; baseline = all others.",
        kind: Kind::Categorical {
            column: "industry",
            levels: &[
                ("software", 0.5),
                ("financial services", 0.4),
                ("healthcare", 0.3),
                ("education", -0.4),
                ("government", -0.2),
            ],
        },
    },
    Signal {
        name: "target_geo",
        axis: "fit",
        comment: "1 for the countries sales covers.",
        kind: Kind::Flag {
            column: "country",
            equals: &TARGET_COUNTRIES,
            weight: 0.35,
        },
    },
    Signal {
        name: "email_domain",
        axis: "fit",
        comment: "Negative fit: personal, student and competitor e-mail domains; baseline = business.",
        kind: Kind::Categorical {
            column: "email_domain_type",
            levels: &[("personal", -0.8), ("student", -1.4), ("competitor", -2.5)],
        },
    },
    // ---- engagement ------------------------------------------------------------------------
    Signal {
        name: "demo_request",
        axis: "engagement",
        comment: "Decision stage: any demo request inside the window.",
        kind: Kind::Events {
            activity: DEMO,
            cap: 1,
            weight: 2.4,
        },
    },
    Signal {
        name: "pricing_page",
        axis: "engagement",
        comment: "Decision stage: pricing page visits, capped at 3.",
        kind: Kind::Events {
            activity: PRICING,
            cap: 3,
            weight: 0.6,
        },
    },
    Signal {
        name: "webinar",
        axis: "engagement",
        comment: "Webinar registrations, capped at 2.",
        kind: Kind::Events {
            activity: WEBINAR,
            cap: 2,
            weight: 0.5,
        },
    },
    Signal {
        name: "case_study",
        axis: "engagement",
        comment: "Consideration stage: case study downloads, capped at 2.",
        kind: Kind::Events {
            activity: CASE,
            cap: 2,
            weight: 0.5,
        },
    },
    Signal {
        name: "ebook",
        axis: "engagement",
        comment: "Awareness content: ebook downloads, capped at 3.",
        kind: Kind::Events {
            activity: EBOOK,
            cap: 3,
            weight: 0.15,
        },
    },
    Signal {
        name: "email_click",
        axis: "engagement",
        comment: "E-mail clicks, capped at 5.",
        kind: Kind::Events {
            activity: CLICK,
            cap: 5,
            weight: 0.15,
        },
    },
    Signal {
        name: "email_open",
        axis: "engagement",
        comment: "E-mail opens, capped at 10 (weak).",
        kind: Kind::Events {
            activity: OPEN,
            cap: 10,
            weight: 0.03,
        },
    },
    Signal {
        name: "blog",
        axis: "engagement",
        comment: "Awareness content: blog visits, capped at 5.",
        kind: Kind::Events {
            activity: BLOG,
            cap: 5,
            weight: 0.1,
        },
    },
    Signal {
        name: "blog_binge",
        axis: "engagement",
        comment:
            "Binge readers: the same blog visits capped at 40, with a negative weight, so that\n\
                  # with `blog` the blog effect rises to 5 visits and falls beyond (researchers, not buyers).",
        kind: Kind::Events {
            activity: BLOG,
            cap: 40,
            weight: -0.05,
        },
    },
    Signal {
        name: "unsubscribe",
        axis: "engagement",
        comment: "Negative engagement: unsubscribed inside the window.",
        kind: Kind::Events {
            activity: UNSUB,
            cap: 1,
            weight: -1.0,
        },
    },
];

fn fmt_edge(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

impl Signal {
    fn push_feature_names(&self, out: &mut Vec<String>) {
        match &self.kind {
            Kind::Categorical { levels, .. } => {
                for (level, _) in levels.iter() {
                    out.push(format!("{}={}", self.name, level));
                }
            }
            Kind::Bins { edges, .. } => {
                for i in 0..edges.len() {
                    let hi = edges
                        .get(i + 1)
                        .map(|&e| fmt_edge(e))
                        .unwrap_or_else(|| "inf".into());
                    out.push(format!("{}=[{},{})", self.name, fmt_edge(edges[i]), hi));
                }
            }
            Kind::Flag { .. } | Kind::Events { .. } => out.push(self.name.to_string()),
        }
    }

    fn push_weights(&self, out: &mut Vec<f64>) {
        match &self.kind {
            Kind::Categorical { levels, .. } => out.extend(levels.iter().map(|(_, w)| *w)),
            Kind::Bins { weights, .. } => out.extend_from_slice(weights),
            Kind::Flag { weight, .. } | Kind::Events { weight, .. } => out.push(*weight),
        }
    }

    /// Add this signal's contribution to the logit.
    pub(crate) fn logit_part(&self, lead: &Lead, counts: &[u32; N_ACT]) -> f64 {
        match &self.kind {
            Kind::Categorical { column, levels } => {
                let v = lead.text(column);
                levels
                    .iter()
                    .filter(|(l, _)| *l == v)
                    .map(|(_, w)| *w)
                    .sum()
            }
            Kind::Bins {
                column,
                default,
                edges,
                weights,
            } => {
                let v = lead.number(column).unwrap_or(*default);
                // bin i covers [edges[i], edges[i+1]); below edges[0] is the baseline
                let mut part = 0.0;
                for i in 0..edges.len() {
                    let hi = edges.get(i + 1).copied().unwrap_or(f64::INFINITY);
                    if v >= edges[i] && v < hi {
                        part = weights[i];
                    }
                }
                part
            }
            Kind::Flag {
                column,
                equals,
                weight,
            } => {
                if equals.contains(&lead.text(column)) {
                    *weight
                } else {
                    0.0
                }
            }
            Kind::Events {
                activity,
                cap,
                weight,
            } => counts[*activity].min(*cap) as f64 * weight,
        }
    }

    pub(crate) fn toml(&self, out: &mut String) {
        let _ = writeln!(out, "# {}", self.comment);
        let _ = writeln!(out, "[[signals]]");
        let _ = writeln!(out, "name = \"{}\"", self.name);
        let _ = writeln!(out, "axis = \"{}\"", self.axis);
        match &self.kind {
            Kind::Categorical { column, levels } => {
                let _ = writeln!(out, "kind = \"categorical\"");
                let _ = writeln!(out, "column = \"{column}\"");
                let lv: Vec<String> = levels.iter().map(|(l, _)| format!("\"{l}\"")).collect();
                let _ = writeln!(out, "levels = [{}]", lv.join(", "));
            }
            Kind::Bins {
                column,
                default,
                edges,
                ..
            } => {
                let _ = writeln!(out, "kind = \"numeric\"");
                let _ = writeln!(out, "column = \"{column}\"");
                let _ = writeln!(out, "default = {}", fmt_edge(*default));
                let e: Vec<String> = edges.iter().map(|&e| fmt_edge(e)).collect();
                let _ = writeln!(out, "bins = [{}]", e.join(", "));
            }
            Kind::Flag { column, equals, .. } => {
                let _ = writeln!(out, "kind = \"flag\"");
                let _ = writeln!(out, "column = \"{column}\"");
                let eq: Vec<String> = equals.iter().map(|l| format!("\"{l}\"")).collect();
                let _ = writeln!(out, "equals = [{}]", eq.join(", "));
            }
            Kind::Events { activity, cap, .. } => {
                let _ = writeln!(out, "kind = \"events\"");
                let _ = writeln!(out, "activity = [\"{}\"]", ACTIVITIES[*activity]);
                let _ = writeln!(out, "cap = {cap}");
                let _ = writeln!(out, "decay = \"none\"");
            }
        }
        out.push('\n');
    }
}

//! The points model (scorecard) that production embeds: its types, loading a
//! model file or an analyst's hand-made points sheet, and scoring one lead.
//! Depends on serde, chrono (date patterns) and little else (no polars, no linfa, no plotters).

mod calibration;
mod dates;
mod id_case;
mod model;
mod numbers;
mod period;
mod recipe;
mod rule;
mod score;
mod sheet;
mod spelling;
mod time_zone;
pub mod export;
pub use calibration::{interpolate, CalibrationMethod, CalibrationTable, WholeScores};
pub use dates::{civil_to_days, compact_pattern, dmy_parts, looks_like_serial_days, month_name_pattern, numeric_date, short_year_patterns, unix_layout, DateLayout, DatePart, LastDay};
pub use model::{
    Axis, FileFingerprint, FitSummary, GroupCap, Model, ModelSignal, ModelSource, Override, OverrideRule, Provenance, RoundingCost, ScorecardError,
    Training, MAX_POINTS_MAGNITUDE,
};
pub use recipe::{
    clip_and_scale, detail_holds_text, detail_texts_problem, folded, same_detail_text, CellProblem, Decay, EventColumns, EventWindow, EventsRule, Inputs, NumberRead, NumberRule, RawEvent, RawLead, Reads, Recipe, RecipeError, MAX_DETAIL_TEXTS_PER_ACTIVITY,
    TextTest,
};
pub use id_case::IdCase;
pub use numbers::{band, blank_writer, excel_text_formula, formatted_number, is_spreadsheet_error, money, BlankWriter, DecimalMark, ReadBy};
pub use period::Period;
pub use rule::{check_sales_cells, Decision, Grades, LeadRoute, MqlRule, Region, RouteCases, RuleKeys, TwoAxisRule, MAX_BANDS};
pub use score::{Explained, Points, Ranked, Reason, Score, Scorer, Tier};
pub use sheet::{load_points_sheet, PointsSheet};
pub use spelling::{level_key, names_cell, plain_whole_number, spelled_levels, spelling, whole_number_twin, written_forms, yes_or_no, SpelledLevel};
pub use time_zone::TimeZone;

/// The model file format version a model is written as unless it needs a newer one
/// ([`Model::needed_schema_version`]): readers of version 1 read it.
pub const SCHEMA_VERSION: u32 = 1;

/// The newest model file format version this crate reads. Version 2: level recipes may
/// carry a `separator` (multi-select fields); version 3: other `spellings` of a level;
/// version 4: an engagement window that starts before creation
/// (`inputs.starts_before_seconds`); version 5: ids matched ignoring case
/// (`inputs.id_case`); version 6: events matched by another leads column than the id
/// (`inputs.events_key_column`); version 7: times read on a time zone's wall clock
/// (`inputs.time_zone`); version 8: events recipes filtered by the events' detail
/// (`detail_contains`); version 9: events matched by other ids of a lead
/// (`inputs.events_also_key_columns`, `events_also_key_separator`); version 10: a level or
/// a flag's value that is a whole number, which counts cells written with or without `.0`
/// (`2` and `2.0`, [`names_cell`]). A reader of an older version would misread each (an
/// exact match of the level alone; events from creation only; ids as written; events by
/// the id; instants as UTC; every event of an activity; the events by a lead's other ids
/// lost; `2.0` another value than `2`), so such a model is written as the version it needs
/// and older readers refuse it.
pub const NEWEST_SCHEMA_VERSION: u32 = 10;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    pub(crate) fn model() -> Model {
        let sig = |name: &str, axis, points| ModelSignal { name: name.into(), axis, points, coefficient: None, std_error: None, p_value: None, recipe: None };
        Model {
            schema_version: SCHEMA_VERSION,
            tool_version: "t".into(),
            source: ModelSource::Fitted,
            inputs: None,
            signals: vec![
                sig("demo", Axis::Engagement, 100),
                sig("blog", Axis::Engagement, 8),
                sig("ebook", Axis::Engagement, 10),
                sig("title=vp", Axis::Fit, 15),
                sig("domain=competitor", Axis::Fit, -100),
            ],
            base_points: 0,
            group_caps: vec![GroupCap { name: "awareness".into(), signals: vec!["blog".into(), "ebook".into()], max_points: 20 }],
            overrides: vec![
                Override { signal: "demo".into(), rule: OverrideRule::AlwaysMql },
                Override { signal: "domain=competitor".into(), rule: OverrideRule::NeverMql },
            ],
            threshold: Some(50),
            hot_threshold: Some(80),
            rule: None,
            calibration: Some(CalibrationTable { method: CalibrationMethod::Platt, score: vec![0.0, 100.0], probability: vec![0.1, 0.5] }),
            fit: None,
            training: None,
            rounding_cost: None,
            metrics: BTreeMap::new(),
            provenance: None,
        }
    }

    /// `detail_contains` holds a text anywhere in the detail, A-Z in either case, every
    /// other character as written (the SQL exports fold A-Z alone on every engine).
    #[test]
    fn a_detail_holds_a_text_whatever_the_case_of_its_ascii_letters() {
        for (detail, text, holds) in [
            ("https://www.Acme.com/Pricing?utm=Q3", "acme.com/pricing", true),
            ("acme.com/pricing", "ACME.COM/PRICING", true),
            ("acme.com/pricing", "acme.com/pricing-faq", false),
            ("acme.com/blog/pricing-models", "acme.com/pricing", false),
            ("Démo Request", "DéMO", true),
            ("Démo Request", "DÉMO", false),
            ("é", "\u{a9}", false),
            ("", "x", false),
        ] {
            assert_eq!(detail_holds_text(detail, text), holds, "{detail:?} {text:?}");
        }
        assert!(same_detail_text("/Pricing", "/PRICING") && !same_detail_text("/é", "/É"));
    }

    #[test]
    fn scores_with_caps_and_overrides() {
        let m = model();
        // 3 blog visits (24) + 1 ebook (10) capped at 20; VP 15 -> 35, below 50.
        let s = m.score(&[0.0, 3.0, 1.0, 1.0, 0.0]);
        assert_eq!((s.total, s.fit, s.engagement, s.mql), (35, 15, 20, Some(false)));
        assert!((s.probability.unwrap() - 0.24).abs() < 1e-12);
        // Demo request: always an MQL.
        assert_eq!(m.score(&[1.0, 0.0, 0.0, 0.0, 0.0]).mql, Some(true));
        // Demo request from a competitor: never wins.
        assert_eq!(m.score(&[1.0, 0.0, 0.0, 0.0, 1.0]).mql, Some(false));
    }

    #[test]
    fn absurd_values_saturate_and_never_panic() {
        let m = model();
        // -100 points × 1e18 saturates at i64::MIN: the reason still prints.
        let e = m.explain(&[0.0, 0.0, 0.0, 0.0, 1e18]);
        assert_eq!(e.reasons[0].points, i64::MIN);
        assert!(e.reasons[0].text.ends_with(&format!("(−{})", i64::MIN.unsigned_abs())), "{}", e.reasons[0].text);
        assert_eq!(e.score.fit, i64::MIN);
    }

    #[test]
    fn reason_codes_show_the_capped_group() {
        let m = model();
        // 5 blog visits (40) + 1 ebook (10) = 50 over a cap of 20: one capped reason of +20.
        let e = m.explain(&[0.0, 5.0, 1.0, 1.0, 0.0]);
        assert_eq!((e.score.total, e.score.engagement), (35, 20));
        let texts: Vec<&str> = e.reasons.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, vec!["awareness: blog ×5, ebook (+20, capped)", "title: vp (+15)"]);
        assert_eq!(e.reasons.iter().map(|r| r.points).sum::<i64>(), e.score.total);
        // Under the cap, members are listed one by one with their own points.
        let e = m.explain(&[0.0, 1.0, 1.0, 0.0, 0.0]);
        let texts: Vec<&str> = e.reasons.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, vec!["ebook (+10)", "blog (+8)"]);
    }

    #[test]
    fn validation_catches_bad_models() {
        let mut m = model();
        m.schema_version = 99;
        assert!(m.validate("m.json").unwrap_err().to_string().contains("schema_version 99"));
        // A multi-select level needs version 2: written so, and refused as version 1.
        m.schema_version = SCHEMA_VERSION;
        assert_eq!(m.needed_schema_version(), SCHEMA_VERSION);
        m.signals[0].recipe = Some(Recipe::Level { column: "c".into(), value: "v".into(), separator: Some(";".into()), spellings: vec![] });
        assert_eq!(m.needed_schema_version(), 2);
        assert!(m.validate("m.json").unwrap_err().to_string().contains("needs schema_version 2"));
        m.schema_version = 2;
        assert!(m.validate("m.json").is_ok());
        // Other spellings of a level need version 3, with or without a separator.
        for separator in [None, Some(";".to_string())] {
            m.schema_version = 2;
            m.signals[0].recipe = Some(Recipe::Level { column: "c".into(), value: "v".into(), separator, spellings: vec!["V".into()] });
            assert_eq!(m.needed_schema_version(), 3);
            let refused = m.validate("m.json").unwrap_err().to_string();
            assert!(refused.contains("schema_version 2, but a level recipe lists other spellings, which needs schema_version 3"), "{refused}");
            m.schema_version = 3;
            assert!(m.validate("m.json").is_ok());
        }
        // Each newer need: the version it needs, refused a version lower with what and why, taken at it.
        let needs = |m: &mut Model, version: u32, refusal: &str| {
            assert_eq!(m.needed_schema_version(), version);
            m.schema_version = version - 1;
            let refused = m.validate("m.json").unwrap_err().to_string();
            assert!(refused.contains(refusal), "{refused}");
            m.schema_version = version;
            assert!(m.validate("m.json").is_ok());
        };
        // A window that starts before creation needs version 4 (a reader of 3 would count from creation).
        m.inputs = Some(Inputs { window_days: Some(30), starts_before_seconds: Some(60), ..Default::default() });
        needs(&mut m, 4, "schema_version 3, but the engagement window starts before creation (inputs.starts_before_seconds), which needs schema_version 4: a reader of version 3 would count events from creation only");
        m.inputs = Some(Inputs { window_days: Some(30), starts_before_seconds: Some(86_401), ..Default::default() });
        assert!(m.validate("m.json").unwrap_err().to_string().contains("inputs.starts_before_seconds = 86401: expected at most 86400"));
        // Ids matched ignoring case need version 5 (a reader of 4 would match them as written).
        m.inputs = Some(Inputs { window_days: Some(30), starts_before_seconds: Some(60), id_case: IdCase::Ignore, ..Default::default() });
        needs(&mut m, 5, "schema_version 4, but its ids are matched ignoring case (inputs.id_case), which needs schema_version 5: a reader of version 4 would match the events' lead ids as written");
        // Events named by another leads column than the id need version 6.
        m.inputs = Some(Inputs { window_days: Some(30), events_key_column: Some("email".into()), ..Default::default() });
        needs(&mut m, 6, "schema_version 5, but the events name leads by another column than the id (inputs.events_key_column), which needs schema_version 6: a reader of version 5 would match the events to the ids and lose them");
        // Instants moved onto a time zone's wall clock need version 7.
        m.inputs = Some(Inputs { window_days: Some(30), time_zone: Some(crate::TimeZone::named("Europe/Berlin").unwrap()), ..Default::default() });
        needs(&mut m, 7, "schema_version 6, but its times are read on a time zone's wall clock (inputs.time_zone), which needs schema_version 7: a reader of version 6 would read instants as UTC");
        // An events recipe filtered by the events' detail needs version 8 (a reader of 7
        // would count every event of the activity).
        let plain = m.signals[0].recipe.take();
        let filtered = EventsRule { activities: vec!["Visit Web Page".into()], detail_contains: vec!["/pricing".into()], cap: None, scale: 1.0, decay: Decay::None };
        m.signals[0].recipe = Some(Recipe::Events(filtered.clone()));
        let columns = EventColumns { lead_id: "lead".into(), occurred_at: "at".into(), activity: "what".into(), occurred_at_format: None, detail: Some("page".into()) };
        m.inputs = Some(Inputs { window_days: Some(30), event_columns: Some(columns.clone()), ..Default::default() });
        needs(&mut m, 8, "schema_version 7, but an events recipe counts only events whose detail holds a text (detail_contains), which needs schema_version 8: a reader of version 7 would count every event of the activity, whatever its detail");
        // As the config checks them: the column it filters on, at most 10 texts an activity.
        m.inputs = Some(Inputs { window_days: Some(30), event_columns: Some(EventColumns { detail: None, ..columns.clone() }), ..Default::default() });
        assert!(m.validate("m.json").unwrap_err().to_string().contains("its recipe's detail_contains needs the events column it filters on, inputs.event_columns.detail"));
        m.inputs = Some(Inputs { window_days: Some(30), event_columns: Some(columns), ..Default::default() });
        m.signals[0].recipe = Some(Recipe::Events(EventsRule { detail_contains: (0..11).map(|k| format!("/p{k}")).collect(), ..filtered.clone() }));
        assert!(m.validate("m.json").unwrap_err().to_string().contains("list 11 detail_contains texts between them, more than 10"));
        m.signals[0].recipe = Some(Recipe::Events(EventsRule { detail_contains: vec!["/pricing ".into()], ..filtered }));
        assert!(m.validate("m.json").unwrap_err().to_string().contains("detail_contains holds \"/pricing \": expected a text without spaces at either end"));
        m.signals[0].recipe = plain;
        // Events found by a lead's other ids need version 9 (a reader of 8 would lose them);
        // a hand-edited separator is checked as the config checks it.
        let also = |columns: &[&str], separator: Option<&str>| Inputs {
            window_days: Some(30),
            events_key_column: Some("email".into()),
            events_also_key_columns: columns.iter().map(|c| c.to_string()).collect(),
            events_also_key_separator: separator.map(str::to_string),
            ..Default::default()
        };
        m.inputs = Some(also(&["hs_merged_object_ids"], Some(";")));
        needs(&mut m, 9, "schema_version 8, but the events may name a lead by another of its ids (inputs.events_also_key_columns), which needs schema_version 9: a reader of version 8 would lose the events that name a lead by those ids");
        for (columns, separator, refusal) in [
            (&[][..], Some(";"), "inputs.events_also_key_separator needs inputs.events_also_key_columns"),
            (&["merged"][..], Some("a"), "inputs.events_also_key_separator = \"a\": expected ASCII punctuation"),
            (&["merged"][..], Some(""), "inputs.events_also_key_separator = \"\": expected ASCII punctuation"),
            (&["email"][..], None, "inputs.events_also_key_columns holds \"email\": expected other leads columns than the one the events name leads by (\"email\")"),
            (&[" "][..], None, "inputs.events_also_key_columns holds \" \""),
        ] {
            m.inputs = Some(also(columns, separator));
            let refused = m.validate("m.json").unwrap_err().to_string();
            assert!(refused.contains(refusal), "{refused}");
        }
        m.inputs = None;
        // A whole number among a level's texts or a flag's values needs version 10 (a reader
        // of 9 would take `2.0` for another value than `2`); other numbers do not.
        let whole = "schema_version 9, but a level or a flag's value is a whole number, which counts the cells that write it with or without .0 (2 and 2.0), which needs schema_version 10: a reader of version 9 would take a cell written the other way (2.0 for 2) for another value";
        for recipe in [
            Recipe::Level { column: "c".into(), value: "2".into(), separator: None, spellings: vec![] },
            Recipe::Level { column: "c".into(), value: "v".into(), separator: Some(";".into()), spellings: vec!["-7.0".into()] },
            Recipe::Flag { column: "c".into(), equals: vec!["Yes".into(), "1".into()] },
        ] {
            m.signals[0].recipe = Some(recipe);
            needs(&mut m, 10, whole);
        }
        for recipe in [
            Recipe::Level { column: "c".into(), value: "2.5".into(), separator: None, spellings: vec![] },
            Recipe::Level { column: "c".into(), value: "02".into(), separator: None, spellings: vec![] },
            Recipe::Flag { column: "c".into(), equals: vec!["Yes".into(), "2.00".into()] },
        ] {
            m.signals[0].recipe = Some(recipe);
            assert_eq!(m.needed_schema_version(), SCHEMA_VERSION);
        }
        m.schema_version = 11;
        assert!(m.validate("m.json").unwrap_err().to_string().contains("reads versions 1 to 10"));
        // A level's share of the training leads lies in [0, 1], as the schema says.
        m.schema_version = 7;
        let mut training: Training = serde_json::from_str(r#"{"cohorts": [], "holdout_cohorts": [], "won": 1, "lost": 1}"#).unwrap();
        for (share, ok) in [(0.0, true), (1.0, true), (0.25, true), (1.5, false), (-0.1, false)] {
            training.level_shares = [("industry=healthcare".to_string(), share)].into();
            m.training = Some(training.clone());
            assert_eq!(m.validate("m.json").is_ok(), ok, "{share}");
        }
        assert!(m.validate("m.json").unwrap_err().to_string().contains("training.level_shares[\"industry=healthcare\"] = -0.1: expected the share of the training leads that had it, from 0 to 1"));
        training.level_shares.clear();
        training.nonzero_shares = [("webinar".to_string(), 1.25)].into();
        m.training = Some(training);
        assert!(m.validate("m.json").unwrap_err().to_string().contains("training.nonzero_shares[\"webinar\"] = 1.25: expected the share"));
        let mut m = model();
        m.overrides[0].signal = "nope".into();
        assert!(m.validate("m.json").unwrap_err().to_string().contains("\"nope\""));
        let mut m = model();
        m.hot_threshold = Some(40);
        assert!(m.validate("m.json").unwrap_err().to_string().contains("below the MQL threshold 50"));
        let mut m = model();
        m.calibration.as_mut().unwrap().score = vec![5.0, 1.0];
        assert!(m.validate("m.json").is_err());
    }

    #[test]
    fn points_sheet_loads_and_names_unknown_signals() {
        let dir = std::env::temp_dir().join(format!("mqlcal-sheet-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("current.toml");
        std::fs::write(&path, "threshold = 60\n[points]\ndemo = 100\n\"title=vp\" = 15\n").unwrap();
        let columns = vec![("demo".to_string(), Axis::Engagement), ("title=vp".to_string(), Axis::Fit)];
        let m = load_points_sheet(&path, &columns).unwrap();
        assert_eq!(m.threshold, Some(60));
        assert_eq!(m.signals[1].points, 15);
        std::fs::write(&path, "threshold = 60\n[points]\nwebinar = 30\n").unwrap();
        let err = load_points_sheet(&path, &columns).unwrap_err().to_string();
        assert!(err.contains("\"webinar\"") && err.contains("demo, title=vp"), "{err}");
        std::fs::write(&path, "[points]\ndemo = 1.5\n").unwrap();
        assert!(load_points_sheet(&path, &columns).unwrap_err().to_string().contains("integer"));
        // Reading needs no columns: a bad value is refused before any data is read;
        // an unknown signal only when the sheet meets the data.
        assert!(PointsSheet::read(&path).unwrap_err().to_string().contains("integer"));
        std::fs::write(&path, "threshold = 60\n[points]\nwebinar = 30\n").unwrap();
        let sheet = PointsSheet::read(&path).unwrap();
        assert_eq!((sheet.threshold, sheet.points.get("webinar")), (Some(60), Some(&30)));
        assert!(sheet.model(&columns).unwrap_err().to_string().contains("\"webinar\""));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[cfg(test)]
mod recipe_tests {
    use std::collections::BTreeMap;

    use super::*;

    fn model() -> Model {
        let signal = |name: &str, axis, points, recipe| ModelSignal { name: name.into(), axis, points, coefficient: None, std_error: None, p_value: None, recipe: Some(recipe) };
        let number = |column: &str| NumberRule { column: column.into(), floor: None, cap: Some(1000.0), scale: 1.0, default: Some(0.0), non_negative: true };
        Model {
            schema_version: SCHEMA_VERSION,
            tool_version: "t".into(),
            source: ModelSource::Fitted,
            inputs: Some(Inputs { id_column: "id".into(), created_at_column: Some("created".into()), missing: vec!["".into(), "Select".into()], window_days: Some(30), ..Default::default() }),
            signals: vec![
                signal("title=vp", Axis::Fit, 20, Recipe::Level { column: "title".into(), value: "VP".into(), separator: None, spellings: vec![] }),
                signal("size=[50,500)", Axis::Fit, 10, Recipe::Bin { number: number("employees"), min: 50.0, max: Some(500.0) }),
                signal("domain_competitor", Axis::Fit, -100, Recipe::Flag { column: "domain".into(), equals: vec!["competitor".into()] }),
                signal("pricing_page", Axis::Engagement, 25, Recipe::Events(EventsRule { activities: vec!["pricing".into()], detail_contains: Vec::new(), cap: Some(3.0), scale: 1.0, decay: Decay::Standard })),
            ],
            base_points: 0,
            group_caps: vec![],
            overrides: vec![Override { signal: "domain_competitor".into(), rule: OverrideRule::NeverMql }],
            threshold: Some(40),
            hot_threshold: Some(70),
            rule: None,
            calibration: None,
            fit: None,
            training: None,
            rounding_cost: None,
            metrics: BTreeMap::new(),
            provenance: None,
        }
    }

    fn lead(title: &str, employees: &str, domain: &str, pricing_days: &[i64]) -> RawLead {
        let day = 86_400;
        let created = 1_700_000_000;
        RawLead {
            cells: [("title", title), ("employees", employees), ("domain", domain)].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            created_at: Some(created),
            events: pricing_days.iter().map(|d| RawEvent { occurred_at: created + d * day, activity: "pricing".into(), detail: None }).collect(),
        }
    }

    #[test]
    fn raw_leads_score_with_tiers_and_reasons() {
        let m = model();
        // VP, 120 employees, pricing visits at days 29 (weight 1.0), 10 (0.8), 40 (outside), -1 (before creation).
        let e = m.score_raw(&lead(" VP ", "120", "business", &[29, 10, 40, -1])).unwrap();
        assert_eq!(m.features_from_raw(&lead(" VP ", "120", "business", &[29, 10, 40, -1])).unwrap(), vec![1.0, 1.0, 0.0, 1.8]);
        // 20 + 10 + round(25 × 1.8) = 75 ≥ 70: hot.
        assert_eq!((e.score.total, e.tier), (75, Some(Tier::Hot)));
        let texts: Vec<&str> = e.reasons.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, vec!["pricing page ×1.80 (+45)", "title: vp (+20)", "size: [50,500) (+10)"]);
        // Warm, not MQL, never MQL.
        assert_eq!(m.score_raw(&lead("VP", "120", "business", &[29])).unwrap().tier, Some(Tier::Warm));
        assert_eq!(m.score_raw(&lead("Select", "", "business", &[])).unwrap().tier, None);
        let competitor = m.score_raw(&lead("VP", "120", "competitor", &[29, 28, 27])).unwrap();
        assert_eq!((competitor.score.mql, competitor.tier), (Some(false), None));
        assert_eq!(competitor.reasons[0].text, "domain competitor (−100)");
    }

    #[test]
    fn raw_lead_errors_name_the_column() {
        let m = model();
        let mut l = lead("VP", "many", "business", &[]);
        assert_eq!(m.features_from_raw(&l).unwrap_err().to_string(), "column \"employees\": \"many\" is not a number (signal \"size=[50,500)\")");
        l.cells.insert("employees".into(), "-3".into());
        assert!(m.features_from_raw(&l).unwrap_err().to_string().contains("negative"));
        l.cells.remove("title");
        assert_eq!(m.features_from_raw(&l).unwrap_err().to_string(), "the lead has no column \"title\", which signal \"title=vp\" reads");
        let mut no_recipe = model();
        no_recipe.signals[0].recipe = None;
        assert!(no_recipe.features_from_raw(&lead("VP", "1", "b", &[])).unwrap_err().to_string().contains("no recipe"));
        // The model file round-trips with its recipes.
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Model>(&text).unwrap(), m);
    }

    #[test]
    fn a_recipe_reads_one_cell_kind_and_says_what_is_wrong_with_a_number() {
        let rule = NumberRule { column: "n".into(), floor: Some(1.0), cap: Some(10.0), scale: 2.0, default: None, non_negative: true };
        let number = Recipe::Number(rule.clone());
        let Reads::Number(read) = number.reads() else { panic!("a number recipe reads a number") };
        assert_eq!(read.value(Some(0.0)), Ok(2.0)); // floored to 1, times 2
        assert_eq!(read.value(Some(50.0)), Ok(20.0)); // capped at 10, times 2
        assert_eq!(read.value(None), Err(CellProblem::Blank));
        assert_eq!(read.value(Some(-1.0)), Err(CellProblem::Negative(-1.0)));
        assert!(matches!(read.value(Some(f64::INFINITY)), Err(CellProblem::NotFinite(_))));
        // A bin tests the clipped, scaled value: [4, 8) holds 2..3.99 raw.
        let bin = Recipe::Bin { number: NumberRule { default: Some(0.0), ..rule }, min: 4.0, max: Some(8.0) };
        let Reads::Number(read) = bin.reads() else { panic!("a bin reads a number") };
        assert_eq!([None, Some(2.0), Some(3.9), Some(4.0)].map(|v| read.value(v).unwrap()), [0.0, 1.0, 1.0, 0.0]);
        // Text tests see the cleaned cell; a blank is never a level.
        let flag = Recipe::Flag { column: "c".into(), equals: vec!["Yes".into(), "Y".into()] };
        let Reads::Text { column, test } = flag.reads() else { panic!("a flag reads text") };
        assert_eq!((column, [Some("Y"), Some("No"), None].map(|c| test.value(c))), ("c", [1.0, 0.0, 0.0]));
        // A multi-select level is one of the values the cell lists, as written.
        let listed = Recipe::Level { column: "c".into(), value: "Pricing".into(), separator: Some(";".into()), spellings: vec![] };
        let Reads::Text { test, .. } = listed.reads() else { panic!("a level reads text") };
        let cells = [Some("Pricing"), Some("Webinar;Pricing"), Some("Pricing;Demo"), Some("Pricing Plus;Demo"), Some("Demo; Pricing"), Some(";"), None];
        assert_eq!(cells.map(|c| test.value(c)), [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
        let text = serde_json::to_string(&listed).unwrap();
        assert!(text.contains("\"separator\":\";\"") && !serde_json::to_string(&Recipe::Level { column: "c".into(), value: "v".into(), separator: None, spellings: vec![] }).unwrap().contains("separator"));
        assert_eq!(serde_json::from_str::<Recipe>(&text).unwrap(), listed);
        // Other spellings of a level count as the level, alone or listed; nothing else does.
        let spelled = Recipe::Level { column: "c".into(), value: "software".into(), separator: None, spellings: vec!["Software".into(), "SOFTWARE".into()] };
        let Reads::Text { test, .. } = spelled.reads() else { panic!("a level reads text") };
        let cells = [Some("software"), Some("Software"), Some("SOFTWARE"), Some("SoftWare"), Some("software;Software"), None];
        assert_eq!(cells.map(|c| test.value(c)), [1.0, 1.0, 1.0, 0.0, 0.0, 0.0]);
        let listed = Recipe::Level { column: "c".into(), value: "Pricing".into(), separator: Some(";".into()), spellings: vec!["pricing".into()] };
        let Reads::Text { test, .. } = listed.reads() else { panic!("a level reads text") };
        let cells = [Some("pricing"), Some("Webinar;pricing"), Some("PRICING;Demo"), Some("Demo")];
        assert_eq!(cells.map(|c| test.value(c)), [1.0, 1.0, 0.0, 0.0]);
        let text = serde_json::to_string(&spelled).unwrap();
        assert!(text.contains("\"spellings\":[\"Software\",\"SOFTWARE\"]"), "{text}");
        assert_eq!(serde_json::from_str::<Recipe>(&text).unwrap(), spelled);
        // An events rule: decayed weights summed, capped, scaled.
        let events = EventsRule { activities: vec!["a".into()], detail_contains: Vec::new(), cap: Some(1.5), scale: 2.0, decay: Decay::Standard };
        assert!(events.counts("a", None) && events.counts("a", Some("x")) && !events.counts("b", None));
        // Filtered by the detail: only an event whose detail holds a text counts (A-Z in either case).
        let filtered = EventsRule { detail_contains: vec!["/pricing".into(), "/plans".into()], ..events.clone() };
        assert!(filtered.counts("a", Some("acme.com/plans?x=1")) && filtered.counts("a", Some("/pricing")) && filtered.counts("a", Some("acme.com/PRICING")));
        assert!(!filtered.counts("a", Some("acme.com/prices")) && !filtered.counts("a", None) && !filtered.counts("b", Some("/pricing")));
        let text = serde_json::to_string(&Recipe::Events(filtered.clone())).unwrap();
        assert!(text.contains("\"detail_contains\":[\"/pricing\",\"/plans\"]"), "{text}");
        assert!(!serde_json::to_string(&Recipe::Events(events.clone())).unwrap().contains("detail_contains"), "unfiltered: written as before");
        assert_eq!((events.weight(3.0), events.weight(45.0), events.finish(1.0), events.finish(9.0)), (1.0, 0.6, 2.0, 3.0));
    }
}

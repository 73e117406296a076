use super::*;

const MINIMAL: &str = r#"
[input]
leads = "leads.csv"
events = "events.csv"
[columns]
id = "lead_id"
created_at = "created_at"
outcome = "stage"
segments = ["channel"]
[outcome]
won = ["Closed Won"]
lost = ["Closed Lost"]
[events]
window_days = 14
[[signals]]
name = "title"
axis = "fit"
kind = "categorical"
column = "title"
levels = ["VP", "Director"]
[[signals]]
name = "size"
axis = "fit"
kind = "numeric"
column = "employees"
cap = 1000
bins = [50, 500]
[[signals]]
name = "demo"
axis = "engagement"
kind = "events"
activity = "demo_request"
"#;

fn load(text: &str) -> Result<Config, ConfigError> {
    Config::from_toml_str(text, Path::new("/cfg/mqlcal.toml"), Path::new("/cfg"))
}

#[test]
fn minimal_config_resolves_paths_and_names_features() {
    let config = load(MINIMAL).unwrap();
    assert_eq!(
        config.layout,
        Layout::OutcomeColumn {
            leads: vec![PathBuf::from("/cfg/leads.csv")],
            outcome_columns: vec!["stage".into()]
        }
    );
    assert_eq!(config.events.as_ref().unwrap().window_days, 14);
    assert_eq!(config.events.as_ref().unwrap().starts_before_seconds, 0);
    assert_eq!(config.model_inputs().starts_before_seconds, None, "0 is not recorded: model files stay as they were");
    assert_eq!(
        config.feature_names(),
        vec!["title=VP", "title=Director", "size=[50,500)", "size=[500,inf)", "demo"]
    );
    assert_eq!(
        config.leads_columns(),
        vec!["lead_id", "created_at", "stage", "channel", "title", "employees"]
    );
}

#[test]
fn unknown_key_suggests_nearest() {
    let text = MINIMAL.replace("window_days = 14", "windw_days = 14");
    let err = load(&text).unwrap_err().to_string();
    assert!(err.contains("windw_days"), "{err}");
    assert!(err.contains("did you mean `window_days`"), "{err}");
    assert!(err.contains("line "), "{err}");
}

#[test]
fn key_of_another_kind_is_rejected() {
    let text = MINIMAL.replace("activity = \"demo_request\"", "activity = \"demo_request\"\nlevels = [\"a\"]");
    let err = load(&text).unwrap_err().to_string();
    assert!(err.contains("`levels` does not apply"), "{err}");
}

#[test]
fn misspelt_kind_suggests() {
    let text = MINIMAL.replace("kind = \"categorical\"", "kind = \"categorial\"");
    let err = load(&text).unwrap_err().to_string();
    assert!(err.contains("did you mean \"categorical\""), "{err}");
}

#[test]
fn layouts_are_checked() {
    let won_lost = MINIMAL.replace("leads = \"leads.csv\"", "won = \"w.csv\"\nlost = \"l.csv\"");
    assert!(matches!(load(&won_lost).unwrap().layout, Layout::SeparateFiles { .. }));
    let won_ids = MINIMAL.replace("leads = \"leads.csv\"", "leads = \"leads.csv\"\nwon_ids = \"ids.csv\"");
    // With won ids, [columns] outcome is a status column: it must say which values are open.
    assert!(load(&won_ids).unwrap_err().to_string().contains("with won_ids: list under [outcome] open"));
    let with_open = won_ids.replace("lost = [\"Closed Lost\"]", "lost = [\"Closed Lost\"]\nopen = [\"Open\"]");
    assert!(matches!(load(&with_open).unwrap().layout, Layout::WonIds { status_column: Some(_), .. }));
    let no_status = won_ids.replace("outcome = \"stage\"\n", "");
    assert!(matches!(load(&no_status).unwrap().layout, Layout::WonIds { status_column: None, .. }));
    let only_won = MINIMAL.replace("leads = \"leads.csv\"", "won = \"w.csv\"");
    assert!(load(&only_won).unwrap_err().to_string().contains("go together"));
}

/// `[columns] events_key`: another column than the id, or none when it names the id.
#[test]
fn the_time_zone_is_recorded_unless_it_is_utc() {
    let on = |zone: &str| load(&MINIMAL.replace("events = \"events.csv\"", &format!("events = \"events.csv\"\ntime_zone = {zone:?}"))).unwrap();
    assert_eq!(on("America/New_York").time_zone.as_ref().map(|z| z.name().to_string()).as_deref(), Some("America/New_York"));
    assert_eq!(on(" Europe/Berlin ").model_inputs().time_zone.map(|z| z.name().to_string()).as_deref(), Some("Europe/Berlin"));
    assert_eq!(on("UTC").time_zone, None, "UTC changes nothing, and is not recorded");
    assert_eq!(on("Etc/UTC").model_inputs().time_zone, None);
    assert_eq!(load(MINIMAL).unwrap().time_zone, None);
}

#[test]
fn the_events_key_is_a_column_other_than_the_id() {
    let keyed = load(&MINIMAL.replace("id = \"lead_id\"", "id = \"lead_id\"\nevents_key = \"email\"")).unwrap();
    assert_eq!(keyed.events_key.as_deref(), Some("email"));
    assert_eq!(keyed.model_inputs().events_key_column.as_deref(), Some("email"));
    let same = load(&MINIMAL.replace("id = \"lead_id\"", "id = \"lead_id\"\nevents_key = \"lead_id\"")).unwrap();
    assert_eq!(same.events_key, None);
    assert_eq!(load(MINIMAL).unwrap().model_inputs().events_key_column, None);
}

/// `[columns] events_also_key`: columns apart from the key, recorded in the model file with
/// their separator (live leads' events are found by them as the history's were).
#[test]
fn other_event_keys_are_columns_apart_from_the_key_and_recorded_in_the_model() {
    let also = |setting: &str| load(&MINIMAL.replace("id = \"lead_id\"", &format!("id = \"lead_id\"\n{setting}")));
    let one = also("events_also_key = \"ConvertedContactId\"").unwrap();
    assert_eq!(one.events_also_key, ["ConvertedContactId"]);
    let (inputs, plain) = (one.model_inputs(), load(MINIMAL).unwrap().model_inputs());
    assert_eq!((inputs.events_also_key_columns.as_slice(), inputs.events_also_key_separator.as_deref()), (&["ConvertedContactId".to_string()][..], None));
    assert_eq!(mqlcal_scorecard::Inputs { events_also_key_columns: vec![], ..inputs }, plain, "nothing else changes");
    assert_eq!(also("events_also_key = [\"ConvertedContactId\", \"MergedInto\"]").unwrap().events_also_key, ["ConvertedContactId", "MergedInto"]);
    let keyed = also("events_key = \"email\"\nevents_also_key = \"email\"").unwrap_err().to_string();
    assert!(keyed.contains("the column the events already name leads by ([columns] events_key)"), "{keyed}");
    // HubSpot's merged ids, several in a cell.
    let merged = also("events_also_key = \"hs_merged_object_ids\"\nevents_also_key_separator = \";\"").unwrap();
    assert_eq!((merged.events_also_key_separator.as_deref(), merged.events_also_key.as_slice()), (Some(";"), &["hs_merged_object_ids".to_string()][..]));
    assert_eq!(merged.model_inputs().events_also_key_separator.as_deref(), Some(";"));
    assert_eq!(one.events_also_key_separator, None);
    let alone = also("events_also_key_separator = \";\"").unwrap_err().to_string();
    assert!(alone.contains("events_also_key_separator needs [columns] events_also_key"), "{alone}");
    for bad in ["", " ", "x", "0", "; ", "\u{20ac}", "\u{200b}"] {
        let said = also(&format!("events_also_key = \"merged\"\nevents_also_key_separator = \"{bad}\"")).unwrap_err().to_string();
        assert!(said.contains("expected the punctuation between the ids of one cell"), "{bad:?}: {said}");
    }
}

#[test]
fn bad_values_are_named() {
    let cases = [
        (MINIMAL.replace("window_days = 14", "window_days = -3"), "window_days"),
        (MINIMAL.replace("window_days = 14", "window_days = 14\nstarts_before_seconds = -60"), "[events] starts_before_seconds = -60: expected 0 to 86400 seconds"),
        (MINIMAL.replace("window_days = 14", "window_days = 14\nstarts_before_seconds = 86401"), "starts_before_seconds = 86401: expected 0 to 86400"),
        (MINIMAL.replace("cap = 1000", "cap = 1000\nfloor = 2000"), "floor 2000 is above cap"),
        (MINIMAL.replace("bins = [50, 500]", "bins = [500, 50]"), "strictly increasing"),
        (MINIMAL.replace("axis = \"fit\"", "axis = \"fitt\""), "axis"),
        (MINIMAL.replace("lost = [\"Closed Lost\"]", "lost = [\"Closed Won\"]"), "both"),
        (MINIMAL.replace("[input]\nleads = \"leads.csv\"\nevents = \"events.csv\"", "[input]\nleads = \"leads.csv\"").replace("[events]\nwindow_days = 14", ""), "needs an events file"),
        (MINIMAL.replace("[input]\nleads = \"leads.csv\"\nevents = \"events.csv\"", "[input]\nleads = \"leads.csv\""), "[events] is set"),
        (
            MINIMAL.replace("[input]\nleads = \"leads.csv\"\nevents = \"events.csv\"", "[input]\nleads = \"leads.csv\"").replace("[events]\nwindow_days = 14", "").replace("id = \"lead_id\"", "id = \"lead_id\"\nevents_key = \"email\""),
            "[columns] events_key needs an events file",
        ),
        (MINIMAL.replace("id = \"lead_id\"", "id = \"lead_id\"\nevents_key = \" \""), "[columns] events_key = \"\": expected the leads column"),
        (MINIMAL.replace("events = \"events.csv\"", "events = \"events.csv\"\nid_case = \"upper\""), "[input] id_case = \"upper\": expected \"exact\""),
        (
            MINIMAL.replace("events = \"events.csv\"", "events = \"events.csv\"\ntime_zone = \"Europe/Berlim\""),
            "[input] time_zone = \"Europe/Berlim\": unknown time zone \"Europe/Berlim\": expected an IANA time zone name; did you mean \"Europe/Berlin\"",
        ),
        (MINIMAL.replace("events = \"events.csv\"", "events = \"events.csv\"\ntime_zone = \"CEST\""), "[input] time_zone = \"CEST\": time zone \"CEST\" is an abbreviation, which names half a year's offset"),
        (MINIMAL.replace("activity = \"demo_request\"", "activity = [\"demo_request\", \" \"]"), "activity name is blank"),
        // A value of the wrong shape names its line, key and the shapes that are taken,
        // never serde's "did not match any variant of untagged enum".
        (MINIMAL.replace("activity = \"demo_request\"", "activity = 5"), "line 32 ([[signals]] activity): expected a text or a list of texts"),
        (MINIMAL.replace("activity = \"demo_request\"", "activity = [\"demo_request\", 3]"), "expected a text or a list of texts"),
        (MINIMAL.replace("levels = [\"VP\", \"Director\"]", "levels = [\"VP\", \"Director\"]\nspellings = { VP = true }"), "spellings): expected a text or a list of texts"),
        (MINIMAL.replace("bins = [50, 500]", "bins = [50, \"x\"]"), "line 27 ([[signals]] bins): expected \"auto\" or a list of edges"),
        (MINIMAL.replace("[events]", "[model]\nalpha = true\n[events]"), "alpha): expected a number >= 0 or \"auto\""),
        (MINIMAL.replace("[events]", "[model]\nbase_points = 1.5\n[events]"), "base_points): expected \"auto\""),
        (MINIMAL.replace("[events]", "[model]\nbase_points = \"autoo\"\n[events]"), "[model] base_points = \"autoo\": expected \"auto\""),
        (MINIMAL.replace("[events]", "[model]\nbase_points = 5000000\n[events]"), "[model] base_points = 5000000: expected \"auto\""),
        (MINIMAL.replace("events = \"events.csv\"", "events = \"events.csv\"\nlatest_date = 20251231"), "latest_date): expected a date such as"),
    ];
    for (text, needle) in cases {
        let err = load(&text).unwrap_err().to_string();
        assert!(err.contains(needle), "expected {needle:?} in {err}");
    }
}

#[test]
fn bins_and_decay() {
    let t = NumericTransform { floor: None, cap: Some(1000.0), scale: 1.0, default: None, bins: vec![50.0, 500.0], auto_bins: None };
    assert_eq!(t.bin_of(10.0), None);
    assert_eq!(t.bin_of(50.0), Some(0));
    assert_eq!(t.bin_of(499.9), Some(0));
    assert_eq!(t.bin_of(500.0), Some(1));
    assert_eq!(t.apply(5000.0), 1000.0);
    assert_eq!(Decay::Standard.weight(7.0), 1.0);
    assert_eq!(Decay::Standard.weight(8.0), 0.8);
    assert_eq!(Decay::Standard.weight(91.0), 0.2);
}

#[test]
fn sales_and_backtest_sections() {
    let c = load(MINIMAL).unwrap();
    assert_eq!(c.sales, SalesSpec::default());
    assert_eq!(c.backtest, BacktestSpec::default());

    let c = load(&format!(
        "{MINIMAL}\n[sales]\nreps = 6\nleads_per_rep_per_month = 50\ntarget_conversion = [0.2, 0.35]\nhot_capacity_per_month = 60\n[backtest]\nseed = 7\nbootstrap_resamples = 1000\n"
    ))
    .unwrap();
    assert_eq!(c.sales.capacity_per_month, Some(300.0));
    assert_eq!(c.sales.target_conversion, (0.2, 0.35));
    assert_eq!(c.sales.hot_capacity_per_month, Some(60.0));
    assert_eq!((c.backtest.seed, c.backtest.bootstrap_resamples), (7, 1000));

    let err = |extra: &str| load(&format!("{MINIMAL}\n{extra}\n")).unwrap_err().to_string();
    assert!(err("[sales]\ncapacity_per_month = 0").contains("capacity_per_month = 0: expected a number of leads > 0"));
    assert!(err("[sales]\ncapacity_per_month = -5").contains("> 0"));
    assert!(err("[sales]\ntarget_conversion = [0.3, 0.1]").contains("low end is above the high end"));
    assert!(err("[sales]\ntarget_conversion = [13, 25]").contains("between 0 and 1"));
    assert!(err("[sales]\ntarget_conversion = [0.1]").contains("expected [low, high]"));
    assert!(err("[sales]\nreps = 5").contains("needs leads_per_rep_per_month"));
    assert!(err("[sales]\ncapacity_per_month = 100\nreps = 5\nleads_per_rep_per_month = 10").contains("not both"));
    assert!(err("[sales]\ncapacity_per_month = 100\nhot_capacity_per_month = 200").contains("above the capacity"));
    assert!(err("[sales]\ncapacity_per_mnth = 100").contains("did you mean `capacity_per_month`"));
    assert!(err("[backtest]\nbootstrap_resamples = 100").contains("at least 1000"));
    assert!(err("[backtest]\nconfidence = 90").contains("between 0.5 and 1"));
}

#[test]
fn rule_defaults_to_total_and_reads_a_two_axis_rule_with_grades() {
    assert_eq!(load(MINIMAL).unwrap().rule, RuleSpec::Total);
    let text = format!(
        "{MINIMAL}[rule]\nkind = \"two_axis\"\nfit_min = 40\nengagement_min = \"auto\"\nfit_grades = [60, 40, 20]\nengagement_grades = [60, 30]\n[rule.routes]\nA1 = \"sales\"\nc1 = \"Nurture\"\n"
    );
    let rule = load(&text).unwrap().rule;
    let spec = rule.two_axis().unwrap();
    assert_eq!((spec.fit_min, spec.engagement_min), (Some(40), None));
    let grades = spec.grades.as_ref().unwrap();
    assert_eq!(grades.routes.get("C1"), Some(&mqlcal_scorecard::LeadRoute::Nurture));
    assert_eq!(grades.fit, vec![60, 40, 20]);
}

#[test]
fn bad_rules_name_the_key() {
    let err = |extra: &str| load(&format!("{MINIMAL}{extra}")).unwrap_err().to_string();
    let two = "[rule]\nkind = \"two_axis\"\n";
    let cases: Vec<(String, &str)> = vec![
        ("[rule]\nkind = \"two_axes\"\n".into(), "did you mean \"two_axis\"?"),
        ("[rule]\nfit_min = 40\n".into(), "[rule] fit_min belongs to a two-axis rule"),
        (format!("{two}fit_min = 40.5\n"), "[rule] fit_min = 40.5: expected whole points"),
        (format!("{two}engagement_min = \"high\"\n"), "[rule] engagement_min = \"high\""),
        (format!("{two}fit_grades = [20, 40, 60]\nengagement_grades = [30]\n"), "[rule] fit_grades = [20, 40, 60]: the bounds are not in order"),
        (format!("{two}fit_grades = [40, 40]\nengagement_grades = [30]\n"), "two bands start at 40"),
        (format!("{two}fit_grades = [40]\n"), "[rule] fit_grades needs engagement_grades"),
        (format!("{two}fit_grades = [40]\nengagement_grades = [30]\n[rule.routes]\nA1 = \"sales_team\"\n"), "[rule.routes] A1 = \"sales_team\": a route is one of"),
        (format!("{two}fit_grades = [40]\nengagement_grades = [30]\n[rule.routes]\nC1 = \"nurture\"\n"), "[rule.routes] C1: no such cell"),
        (format!("{two}fit_min = 50\nengagement_min = 10\nfit_grades = [40]\nengagement_grades = [30]\n[rule.routes]\nA1 = \"sales\"\n"), "A1 = \"sales\", but A1 holds fit scores below [rule] fit_min = 50"),
        (format!("{two}[rule.routes]\nA1 = \"sales\"\n"), "[rule.routes] names grade cells"),
    ];
    for (extra, expected) in cases {
        let e = err(&extra);
        assert!(e.contains(expected), "{extra}\n→ {e}");
        assert!(e.lines().count() <= 2, "{e}");
    }
    let no_engagement = MINIMAL.replace("axis = \"engagement\"", "axis = \"fit\"");
    let e = load(&format!("{no_engagement}{two}")).unwrap_err().to_string();
    assert!(e.contains("needs engagement signals"), "{e}");
}

#[test]
fn decided_at_ends_windows_and_needs_events_and_a_creation_date() {
    let with = |lines: &str| MINIMAL.replacen("[columns]\n", &format!("[columns]\n{lines}\n"), 1);
    let c = load(&with("decided_at = \"CloseDate\"\ndate_format = \"day_first\"")).unwrap();
    let decided = c.decided_at.as_ref().unwrap();
    assert_eq!((decided.column.as_str(), &decided.date_format), ("CloseDate", &c.date_format), "the leads' format by default");
    assert!(c.leads_columns().contains(&"CloseDate".to_string()));
    let c = load(&with("decided_at = \"CloseDate\"\ndecided_at_format = \"%d/%m/%Y\"")).unwrap();
    assert_eq!(c.decided_at.unwrap().date_format, DateFormat::Fixed(DateLayout::Pattern("%d/%m/%Y".into())));
    assert!(load(MINIMAL).unwrap().decided_at.is_none());

    let err = |text: String| load(&text).unwrap_err().to_string();
    assert!(err(with("decided_at = \" \"")).contains("[columns] decided_at = \"\": expected the column"));
    assert!(err(with("decided_at_format = \"iso\"")).contains("decided_at_format is set but [columns] decided_at names no column"));
    assert!(err(with("decided_at = \"CloseDate\"\ndecided_at_format = \"whenever\"")).contains("[columns] decided_at_format = \"whenever\""));
    let no_events = with("decided_at = \"CloseDate\"").replace("events = \"events.csv\"\n", "").replace("[events]\nwindow_days = 14\n", "");
    let no_events: String = no_events.split("[[signals]]\nname = \"demo\"").next().unwrap().to_string();
    assert!(err(no_events).contains("[input] events names no events file: there is no window to end"));
    let undated = with("decided_at = \"CloseDate\"").replace("created_at = \"created_at\"\n", "");
    assert!(err(undated).contains("needs [columns] created_at"));
    // Won ids without a status column and with the stale-open rule: lost leads are unknown when the dates are read.
    let won_ids = with("decided_at = \"CloseDate\"").replace("outcome = \"stage\"\n", "").replace("leads = \"leads.csv\"", "leads = \"leads.csv\"\nwon_ids = \"won.csv\"");
    let won_ids = won_ids.replace("[outcome]\nwon = [\"Closed Won\"]\nlost = [\"Closed Lost\"]", "[outcome]\nopen_after_days = 90");
    assert!(err(won_ids.clone()).contains("only won leads' windows would end at their decisions"), "{}", err(won_ids.clone()));
    assert!(load(&won_ids.replace("open_after_days = 90", "")).is_ok());
}

#[test]
fn other_spellings_of_a_level_are_checked() {
    let with = |key: &str| MINIMAL.replacen("levels = [\"VP\", \"Director\"]", &format!("levels = [\"VP\", \"Director\"]\n{key}"), 1);
    let c = load(&with("spellings = { VP = [\"vp\", \"V.P.\"], Director = \"director\" }")).unwrap();
    let SignalSource::Categorical { spellings, .. } = &c.signals[0].source else { panic!("a categorical") };
    assert_eq!(spellings.get("VP"), Some(&vec!["vp".to_string(), "V.P.".to_string()]));
    assert_eq!((c.signals[0].source.level_named("V.P."), c.signals[0].source.level_named("director"), c.signals[0].source.level_named("DIRECTOR")), (Some("VP"), Some("Director"), None));
    assert!(matches!(&c.recipes()[0].1, Recipe::Level { spellings, .. } if spellings == &["vp", "V.P."]));
    assert!(matches!(&c.recipes()[1].1, Recipe::Level { spellings, .. } if spellings == &["director"]));
    // The table form init writes, after the signal's other keys.
    let table = MINIMAL.replacen("levels = [\"VP\", \"Director\"]", "levels = [\"VP\", \"Director\"]\n[signals.spellings]\nVP = [\"vp\"]", 1);
    assert!(matches!(&load(&table).unwrap().recipes()[0].1, Recipe::Level { spellings, .. } if spellings == &["vp"]));
    let err = |key: &str| load(&with(key)).unwrap_err().to_string();
    assert!(err("spellings = { Directr = [\"director\"] }").contains("spellings names \"Directr\", which is not one of its levels; did you mean \"Director\"?"));
    assert!(err("spellings = { VP = [] }").contains("spellings of \"VP\" lists none"));
    assert!(err("spellings = { VP = [\" vp\"] }").contains("spelling \" vp\" of \"VP\" is blank or has spaces around it"));
    assert!(err("spellings = { VP = [\"\"] }").contains("is blank or has spaces around it"));
    // A multi-select cell's listed values are not trimmed: " vp" after "; " can be one.
    assert!(load(&with("separator = \";\"\nspellings = { VP = [\" vp\"] }")).is_ok());
    assert!(err("separator = \";\"\nspellings = { VP = [\" \"] }").contains("is blank"));
    assert!(err("spellings = { VP = [\"Director\"] }").contains("\"Director\" is a level and a spelling of \"VP\""));
    assert!(err("spellings = { VP = [\"x\"], Director = [\"x\"] }").contains("spelling \"x\" is listed for \"Director\" and \"VP\""));
    assert!(err("spellings = { VP = [\"x\", \"x\"] }").contains("spelling \"x\" is listed twice for \"VP\""));
    assert!(err("separator = \";\"\nspellings = { VP = [\"v;p\"] }").contains("spelling \"v;p\" contains the separator \";\""));
    let marker = with("spellings = { VP = [\"N/A\"] }");
    assert!(load(&marker).unwrap_err().to_string().contains("spelling \"N/A\" of \"VP\" is one of [input] missing"));
    assert!(load(&marker.replacen("[input]\n", "[input]\nmissing = [\"\"]\n", 1)).is_ok());
    let flag = MINIMAL.replacen("bins = [50, 500]", "bins = [50, 500]\nspellings = { a = [\"b\"] }", 1);
    assert!(load(&flag).unwrap_err().to_string().contains("`spellings` does not apply to kind = \"numeric\""));
}

/// A whole-number level counts its cells written with or without `.0`: two levels of one
/// number would both count a cell, and a spelling that is another level so written would
/// make a cell stand for two levels; its own level so written adds nothing, and is taken.
#[test]
fn levels_of_one_whole_number_written_two_ways_are_refused() {
    let codes = |levels: &str| MINIMAL.replacen("levels = [\"VP\", \"Director\"]", levels, 1);
    let c = load(&codes("levels = [\"2\", \"3.0\"]")).unwrap();
    let source = &c.signals[0].source;
    assert_eq!([source.level_named("2.0"), source.level_named("3"), source.level_named("20"), source.level_named("2.00")], [Some("2"), Some("3.0"), None, None]);
    let err = |levels: &str| load(&codes(levels)).unwrap_err().to_string();
    assert!(err("levels = [\"2\", \"4\", \"2.0\"]").contains("levels \"2\" and \"2.0\" are one whole number written two ways, and a level counts the cells written either way: a cell would count for both; list one"));
    assert!(err("levels = [\"2\", \"3\"]\nspellings = { 2 = [\"3.0\"] }").contains("spelling \"3.0\" of \"2\" is the level \"3\" written the other way"));
    assert!(err("levels = [\"2\", \"3\"]\nspellings = { 2 = [\"two\"], 3 = [\"two\"] }").contains("spelling \"two\" is listed for \"2\" and \"3\""));
    assert!(err("levels = [\"2\", \"3\"]\nspellings = { 2 = [\"7\"], 3 = [\"7.0\"] }").contains("spelling \"7.0\" is listed for \"2\" and \"3\""));
    let own = load(&codes("levels = [\"2\", \"3\"]\nspellings = { 2 = [\"2.0\", \"two\"] }")).unwrap();
    assert_eq!(own.signals[0].source.level_named("two"), Some("2"));
}

#[test]
fn a_multi_select_separator_is_checked() {
    let with = |key: &str| MINIMAL.replacen("levels = [\"VP\", \"Director\"]", &format!("levels = [\"VP\", \"Director\"]\n{key}"), 1);
    let c = load(&with("separator = \";\"")).unwrap();
    assert!(matches!(&c.signals[0].source, SignalSource::Categorical { separator: Some(s), .. } if s == ";"));
    assert!(matches!(&c.recipes()[0].1, Recipe::Level { separator: Some(s), .. } if s == ";"));
    assert!(load(&with("separator = \"; \"")).is_ok());
    let err = |key: &str| load(&with(key)).unwrap_err().to_string();
    assert!(err("separator = \" \"").contains("separator = \" \": expected the text between"));
    assert!(err("separator = \";;\"").contains("begins with what it ends with"));
    assert!(load(&with("separator = \"é;\"")).is_ok() && load(&with("separator = \"•|\"")).is_ok(), "multi-byte separators are checked by character");
    assert!(err("separator = \"é;é\"").contains("begins with what it ends with"));
    assert!(err("separator = \"r\"").contains("level \"Director\" contains the separator \"r\""));
    let numeric = MINIMAL.replacen("bins = [50, 500]", "bins = [50, 500]\nseparator = \";\"", 1);
    assert!(load(&numeric).unwrap_err().to_string().contains("`separator` does not apply to kind = \"numeric\""));
}

/// `[exclude]`: per leads column, values whose leads are left out (a merged duplicate, a
/// test record, a partner's lead), in every layout; never also an outcome.
/// The outcome lists count a whole number written with or without `.0` (pandas writes a
/// 1/0 column with blanks as `1.0`/`0.0`): one number under two lists is refused.
#[test]
fn an_outcome_number_is_listed_once_in_either_form() {
    let lists = |won: &str, lost: &str| MINIMAL.replacen("won = [\"Closed Won\"]\nlost = [\"Closed Lost\"]", &format!("won = [{won}]\nlost = [{lost}]"), 1);
    assert!(load(&lists("\"1\"", "\"0\"")).is_ok());
    let err = load(&lists("\"1\"", "\"0\", \"1.0\"")).unwrap_err().to_string();
    assert!(err.contains("[outcome] value \"1\" under `won` and \"1.0\" under `lost` are one whole number written two ways, and a list counts the cells written either way: list it once"), "{err}");
    let err = load(&lists("\"1\"", "\"1\"")).unwrap_err().to_string();
    assert!(err.contains("[outcome] value \"1\" is listed under both `won` and `lost`"), "{err}");
    let mut with_exclude = lists("\"1\"", "\"0\"");
    with_exclude.push_str("\n[exclude]\nstage = \"0.0\"\n");
    assert!(load(&with_exclude).unwrap_err().to_string().contains("[exclude] \"stage\" holds \"0.0\", which [outcome] lost lists too"));
}

#[test]
fn columns_values_may_exclude_their_leads() {
    let with = |exclude: &str| format!("{MINIMAL}\n[exclude]\n{exclude}\n");
    let c = load(&with("stage = [\"Duplicate\", \"Test\"]\n\"Lead Source\" = \"Partner\"")).unwrap();
    let listed: Vec<(&str, Vec<&str>)> = c.exclude.iter().map(|e| (e.column.as_str(), e.values.iter().map(String::as_str).collect())).collect();
    assert_eq!(listed, [("Lead Source", vec!["Partner"]), ("stage", vec!["Duplicate", "Test"])]);
    assert!(load(MINIMAL).unwrap().exclude.is_empty());
    let err = |text: &str| load(text).unwrap_err().to_string();
    for (exclude, message) in [
        ("stage = [\"Closed Lost\"]", "[exclude] \"stage\" holds \"Closed Lost\", which [outcome] lost lists too: a lead is either counted or left out"),
        ("stage = [\" Test\"]", "[exclude] \"stage\" holds \" Test\": expected a value as a cell holds it, trimmed and not blank"),
        ("stage = []", "[exclude] \"stage\" = []: list the values"),
        ("\" \" = \"x\"", "[exclude] has a blank column name"),
        ("stage = [\"Test\", \"Test\"]", "[exclude] \"stage\" lists \"Test\" twice: list it once"),
        // A whole number counts its cells written with or without .0: one value.
        ("stage = [\"9\", \"9.0\"]", "[exclude] \"stage\" lists \"9.0\" twice: list it once"),
        ("stage = \"NA\"", "[exclude] \"stage\" holds \"NA\", one of [input] missing"),
        ("created_at = \"2024-01-01\"", "[exclude] \"created_at\" is a date column"),
    ] {
        assert!(err(&with(exclude)).contains(message), "{}\n  expected: {message}", err(&with(exclude)));
    }
    let with_features = with("stage = \"Test\"").replacen("[input]\n", "[input]\nfeatures = \"features.csv\"\n", 1);
    assert!(err(&with_features).contains("with [input] features the table is read as it is"), "{}", err(&with_features));
    // Another layout: a column of the won ids' leads file.
    let won_ids = with("\"Lead Source\" = \"Partner\"").replace("outcome = \"stage\"\n", "").replace("leads = \"leads.csv\"", "leads = \"leads.csv\"\nwon_ids = \"won.csv\"");
    let won_ids = won_ids.replace("[outcome]\nwon = [\"Closed Won\"]\nlost = [\"Closed Lost\"]", "[outcome]\nopen_after_days = 90");
    assert_eq!(load(&won_ids).unwrap().exclude.len(), 1);
}

#[test]
fn a_column_filled_in_at_conversion_is_an_outcome() {
    let with = |outcome: &str| MINIMAL.replacen("[outcome]\nwon = [\"Closed Won\"]\nlost = [\"Closed Lost\"]", &format!("[outcome]\n{outcome}"), 1);
    let c = load(&with("filled_is = \"won\"\nopen_after_days = 120")).unwrap();
    assert!(c.outcome.filled_is_won && c.outcome.won.is_empty() && c.outcome.open_after_days == Some(120));
    // Lists still name what they name: a value that says lost, the rest filled is won.
    assert!(load(&with("filled_is = \"won\"\nlost = [\"Disqualified\"]")).is_ok());
    let err = |outcome: &str| load(&with(outcome)).unwrap_err().to_string();
    assert!(err("filled_is = \"won\"").contains("nothing says lost; set open_after_days"));
    assert!(err("filled_is = \"lost\"\nopen_after_days = 90").contains("filled_is = \"lost\": expected \"won\""));
    assert!(err("open_after_days = 90").contains("needs at least one value for `won`"));
    let won_ids = MINIMAL
        .replace("outcome = \"stage\"\n", "")
        .replace("leads = \"leads.csv\"", "leads = \"leads.csv\"\nwon_ids = \"won.csv\"")
        .replace("[outcome]\nwon = [\"Closed Won\"]\nlost = [\"Closed Lost\"]", "[outcome]\nfilled_is = \"won\"\nopen_after_days = 90");
    assert!(load(&won_ids).unwrap_err().to_string().contains("reads the outcome column of the one-file layout; with won_ids the won leads are the listed ids"));
    assert!(err("filled_is = \"won\"\nblank_is = \"error\"\nopen_after_days = 90").contains("every lead would be won"));
}

/// `[events] starts_before_seconds` starts the window before creation, in the rule every
/// reader shares and in what the model file records.
#[test]
fn a_window_can_start_before_creation() {
    let config = load(&MINIMAL.replace("window_days = 14", "window_days = 14\nstarts_before_seconds = 90")).unwrap();
    let window = config.events.as_ref().unwrap().window();
    assert_eq!((window.seconds, window.starts_before), (14 * 86_400, 90));
    assert_eq!(config.model_inputs().starts_before_seconds, Some(90));
    assert_eq!(config.model_inputs().window(), window, "the model's window is the config's");
    let created = 1_700_000_000;
    assert!(window.contains(created, created - 90) && !window.contains(created, created - 91));
    assert!(window.contains(created, created + 14 * 86_400) && !window.contains(created, created + 14 * 86_400 + 1));
    // Aged as at creation: its decay weight is an event's at creation.
    assert_eq!(window.age_days(created, created - 60), 14.0);
    assert_eq!(window.age_days(created, created + 86_400), 13.0);
}

/// `detail_contains` filters an events signal by the events' detail (`[events] detail`):
/// recorded in the recipe and the model's event columns; refused without the column, with
/// a blank or padded text, with an empty list, and beyond 10 texts for one activity.
#[test]
fn events_are_filtered_by_their_detail_when_the_column_is_named() {
    let with_detail = MINIMAL.replace("window_days = 14", "window_days = 14\ndetail = \"Primary Attribute Value\"");
    let config = load(&with_detail.replace("activity = \"demo_request\"", "activity = \"Visit Web Page\"\ndetail_contains = [\"/pricing\", \"/plans\"]")).unwrap();
    assert_eq!(config.events.as_ref().unwrap().detail.as_deref(), Some("Primary Attribute Value"));
    assert_eq!(config.model_inputs().event_columns.unwrap().detail.as_deref(), Some("Primary Attribute Value"));
    let recipes = config.recipes();
    let rule = recipes.iter().find_map(|(_, r)| r.events()).unwrap();
    assert_eq!(rule.detail_contains, ["/pricing", "/plans"]);
    assert!(rule.counts("Visit Web Page", Some("https://a.com/plans?x")) && !rule.counts("Visit Web Page", Some("https://a.com/blog")));
    assert!(!rule.counts("Visit Web Page", None) && !rule.counts("Fill Out Form", Some("/pricing")));
    assert!(rule.counts("Visit Web Page", Some("https://A.com/Plans")), "A-Z in either case");
    // Unfiltered, the column is still recorded (it is the config's), and every detail counts.
    let config = load(&with_detail).unwrap();
    assert!(config.recipes().iter().find_map(|(_, r)| r.events()).unwrap().counts("demo_request", None));
    let filtered = |filter: &str| with_detail.replace("activity = \"demo_request\"", &format!("activity = \"Visit Web Page\"\n{filter}"));
    let many: Vec<String> = (0..11).map(|k| format!("\"/p{k}\"")).collect();
    for (text, message) in [
        (MINIMAL.replace("activity = \"demo_request\"", "activity = \"Visit Web Page\"\ndetail_contains = \"/pricing\""), "signal \"demo\": detail_contains needs the events column that says what each event was about: set [events] detail"),
        (filtered("detail_contains = \" /pricing\""), "detail_contains holds \" /pricing\": expected a text without spaces at either end"),
        (filtered("detail_contains = \"\""), "detail_contains holds \"\""),
        (filtered("detail_contains = []"), "detail_contains = []: list the texts"),
        (filtered(&format!("detail_contains = [{}]", many.join(", "))), "list 11 detail_contains texts between them, more than 10"),

        (with_detail.replace("detail = \"Primary Attribute Value\"", "detail = \" \""), "[events] detail = \" \": expected the events column"),
        (MINIMAL.replace("column = \"title\"", "column = \"title\"\ndetail_contains = \"x\""), "`detail_contains` does not apply to kind = \"categorical\""),
    ] {
        let e = load(&text).unwrap_err().to_string();
        assert!(e.contains(message), "{e}\n  expected: {message}");
    }
    // Ten texts and one of them again in capitals: ten (they hold the same details).
    load(&filtered(&format!("detail_contains = [{}, \"/P0\"]", many[..10].join(", ")))).unwrap();
}

/// `[input] events`: one file, a list read in order, or a pattern (the files it matches, by
/// name); a pattern that matches none, a file named twice, an empty entry and a number are
/// refused with what to write.
#[test]
fn events_name_one_file_a_list_or_a_pattern() {
    let paths = |config: Config| config.events.unwrap().paths;
    assert_eq!(paths(load(MINIMAL).unwrap()), [PathBuf::from("/cfg/events.csv")]);
    let listed = MINIMAL.replace("events = \"events.csv\"", "events = [\"b.csv\", \"a.csv\"]");
    assert_eq!(paths(load(&listed).unwrap()), [PathBuf::from("/cfg/b.csv"), PathBuf::from("/cfg/a.csv")]);
    let dir = tempfile::tempdir().unwrap();
    for month in ["2024-02", "2024-01", "2023-12"] {
        std::fs::write(dir.path().join(format!("events-{month}.csv")), "lead_id,occurred_at,activity\n").unwrap();
    }
    std::fs::write(dir.path().join("leads.csv"), "").unwrap();
    let pattern = MINIMAL.replace("events = \"events.csv\"", "events = \"events-*.csv\"");
    let config = Config::from_toml_str(&pattern, &dir.path().join("mqlcal.toml"), dir.path()).unwrap();
    let found: Vec<String> = paths(config).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(found, ["events-2023-12.csv", "events-2024-01.csv", "events-2024-02.csv"]);
    // A folder whose name holds a bracket is a name, not a pattern.
    let bracketed = dir.path().join("Q1 [draft]");
    std::fs::create_dir(&bracketed).unwrap();
    std::fs::write(bracketed.join("events-1.csv"), "").unwrap();
    let config = Config::from_toml_str(&pattern.replace("events-*.csv", "events-?.csv"), &bracketed.join("mqlcal.toml"), &bracketed).unwrap();
    assert_eq!(paths(config), [bracketed.join("events-1.csv")]);
    // A pattern matching nothing here is kept as written (a command that reads no events needs none).
    let none = MINIMAL.replace("events = \"events.csv\"", "events = \"none-*.csv\"");
    assert_eq!(paths(load(&none).unwrap()), [PathBuf::from("/cfg/none-*.csv")]);
    let refused = |events: &str| load(&MINIMAL.replace("events = \"events.csv\"", events)).unwrap_err().to_string();
    // One file named two ways is named twice.
    let folder = dir.path().file_name().unwrap().to_string_lossy().into_owned();
    let two_ways = MINIMAL.replace("events = \"events.csv\"", &format!("events = [\"events-2024-01.csv\", \"../{folder}/events-2024-01.csv\"]"));
    let e = Config::from_toml_str(&two_ways, &dir.path().join("mqlcal.toml"), dir.path()).unwrap_err().to_string();
    assert!(e.contains("events-2024-01.csv twice (its rows would count twice)"), "{e}");
    assert!(refused("events = [\"a.csv\", \"a.csv\"]").contains("names /cfg/a.csv twice"));
    assert!(refused("events = [\"a.csv\", \" \"]").contains("[input] events: expected the path of the events file"));
    assert!(refused("events = []").contains("[input] events: expected the path of the events file"));
    assert!(refused("events = 3").contains("expected a path, or a list of paths"));
}

#[test]
fn several_outcome_columns_are_read_as_one_outcome() {
    let both = MINIMAL.replace("outcome = \"stage\"", "outcome = [\"stage\", \"Lead Status\"]");
    let config = load(&both).unwrap();
    assert_eq!(config.layout.outcome_columns(), ["stage", "Lead Status"]);
    assert!(config.leads_columns().iter().any(|c| c == "Lead Status"), "{:?}", config.leads_columns());
    let err = |text: &str| load(text).unwrap_err().to_string();
    assert!(err(&MINIMAL.replace("outcome = \"stage\"", "outcome = []")).contains("[columns] outcome: expected the leads column"));
    assert!(err(&MINIMAL.replace("outcome = \"stage\"", "outcome = [\"stage\", \" \"]")).contains("[columns] outcome: expected the leads column"));
    assert!(err(&MINIMAL.replace("outcome = \"stage\"", "outcome = [\"stage\", \"stage\"]")).contains("[columns] outcome lists \"stage\" twice"));
    let filled = both.replace("lost = [\"Closed Lost\"]", "lost = [\"Closed Lost\"]\nfilled_is = \"won\"");
    assert!(err(&filled).contains("filled_is = \"won\" reads one outcome column"), "{}", err(&filled));
    let won_ids = both.replace("leads = \"leads.csv\"", "leads = \"leads.csv\"\nwon_ids = \"won.csv\"").replace("lost = [\"Closed Lost\"]", "lost = []\nopen = [\"Open\"]");
    assert!(err(&won_ids).contains("with [input] won_ids: the won ids say who won, and one status column"), "{}", err(&won_ids));
    // [exclude] on the second column holds no value an outcome list names, as on the first.
    let excluded = format!("{both}\n[exclude]\n\"Lead Status\" = [\"Closed Lost\"]\n");
    assert!(err(&excluded).contains("which [outcome] lost lists too"), "{}", err(&excluded));
}

//! The scorecard crate computes features from raw cells and events with the
//! model file's recipes alone. On every lead of the bundled sample they must
//! equal what mqlcal's own ingest computes, so production scores match the backtest.

use std::collections::{BTreeMap, HashMap};

use mqlcal_config::Config;
use mqlcal_scorecard::{Model, ModelSignal, ModelSource, RawEvent, RawLead, SCHEMA_VERSION};

fn seconds(text: &str) -> i64 {
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S") {
        return t.and_utc().timestamp();
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp()
}

#[test]
fn recipes_reproduce_the_ingest_on_every_sample_lead() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("notebooks-data");
    let config = Config::load(&root.join("mqlcal.toml")).unwrap();
    let table = mqlcal_data::build_features(&config).unwrap().table;
    let (inputs, recipes) = (config.model_inputs(), config.recipes());
    assert_eq!(recipes.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(), table.column_names());
    let model = Model {
        schema_version: SCHEMA_VERSION,
        tool_version: "test".into(),
        source: ModelSource::Fitted,
        inputs: Some(inputs),
        signals: table
            .columns
            .iter()
            .zip(&recipes)
            .enumerate()
            .map(|(j, (c, (_, recipe)))| ModelSignal {
                name: c.name.clone(),
                axis: c.axis,
                points: (j as i64 % 7) * 10 - 20,
                coefficient: None,
                std_error: None,
                p_value: None,
                recipe: Some(recipe.clone()),
            })
            .collect(),
        base_points: 0,
        group_caps: vec![],
        overrides: vec![],
        threshold: Some(40),
        hot_threshold: Some(80),
        rule: None,
        calibration: None,
        fit: None,
        training: None,
        rounding_cost: None,
        metrics: BTreeMap::new(),
        provenance: None,
    };

    let mut events: HashMap<String, Vec<RawEvent>> = HashMap::new();
    for line in std::fs::read_to_string(root.join("events.csv")).unwrap().lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        events.entry(cells[0].to_string()).or_default().push(RawEvent { occurred_at: seconds(cells[1]), activity: cells[2].to_string(), detail: None });
    }
    let leads_text = std::fs::read_to_string(root.join("leads.csv")).unwrap();
    let mut lines = leads_text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row_of: HashMap<&str, usize> = table.ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let mut checked = 0;
    let mut tiers = [0usize; 3];
    for line in lines {
        let cells: BTreeMap<String, String> = header.iter().map(|h| h.to_string()).zip(line.split(',').map(str::to_string)).collect();
        let id = cells["lead_id"].clone();
        let lead = RawLead { created_at: Some(seconds(&cells["created_at"])), events: events.remove(&id).unwrap_or_default(), cells };
        let ours = model.features_from_raw(&lead).unwrap();
        let row = table.matrix.row(row_of[id.as_str()]);
        for (j, (a, b)) in ours.iter().zip(row.iter()).enumerate() {
            assert!((a - b).abs() < 1e-12, "lead {id}, column {}: recipe {a} vs ingest {b}", table.columns[j].name);
        }
        let explained = model.explain(&ours);
        assert_eq!(explained.score, model.score(&row.to_vec()));
        tiers[match explained.tier {
            Some(mqlcal_scorecard::Tier::Hot) => 0,
            Some(mqlcal_scorecard::Tier::Warm) => 1,
            None => 2,
        }] += 1;
        assert!(explained.reasons.len() <= 3);
        checked += 1;
    }
    assert_eq!(checked, table.len());
    assert!(tiers.iter().all(|&t| t > 0), "hot, warm and not-MQL leads all occur: {tiers:?}");
}

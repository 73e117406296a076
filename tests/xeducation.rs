//! The X Education config reproduces the reference design matrix
//! (tests/fixtures/reference/xeducation_design.csv): same 23 names, same values to 1e-12, every row.

mod common;

use common::*;

#[test]
fn features_reproduce_the_reference_design_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("xe.csv");
    let config = repo_root().join("tests/xeducation/mqlcal.toml");
    let (code, _, err) = run_in(&repo_root(), &["features", "--config", config.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (ours_header, ours) = read_csv(&out);
    let (ref_header, reference) = read_csv(&fixtures().join("reference/xeducation_design.csv"));
    let features = &ref_header[..ref_header.len() - 1];
    assert_eq!(features.len(), 23);
    assert_eq!(&ours_header[4..], features, "same names in the same order");
    assert_eq!(ours.len(), reference.len());
    assert_eq!(ours.len(), 9240);
    for (row, (a, b)) in ours.iter().zip(&reference).enumerate() {
        for j in 0..features.len() {
            let x: f64 = a[4 + j].parse().unwrap();
            let y: f64 = b[j].parse().unwrap();
            assert!((x - y).abs() <= 1e-12, "row {row}, {}: {x} vs {y}", features[j]);
        }
        let won = a[3] == "won";
        assert_eq!(won, b[23] == "1", "row {row}: outcome");
    }
}

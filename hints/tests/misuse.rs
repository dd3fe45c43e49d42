//! Misused hints are compile errors at the offending span (trybuild), and correct uses
//! compile.

#[test]
fn hints() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass_*.rs");
    t.compile_fail("tests/ui/fail_*.rs");
}

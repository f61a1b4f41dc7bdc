//! Splitting a run into shards.

use super::*;

#[test]
fn shards_split_blocks_contiguously_and_completely() {
    let total = 103;
    let mut next = 0;
    for k in 0..7 {
        let r = Shard { index: k, count: 7 }.blocks(total).unwrap();
        assert_eq!(r.start, next);
        next = r.end;
    }
    assert_eq!(next, total);
}

#[test]
fn shard_syntax_is_checked() {
    assert!(Shard::parse("3/64").is_ok());
    for bad in ["3", "64/64", "a/4", "1/0", "-1/4"] {
        assert!(Shard::parse(bad).is_err(), "{bad}");
    }
    assert!(Shard { index: 0, count: 9 }.blocks(8).is_err());
}

#[test]
fn the_build_identifier_is_the_version_and_a_source_hash() {
    let (version, hash) = BUILD_ID.split_once('+').unwrap();
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    assert_eq!(hash.len(), 16);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{BUILD_ID}");
}

//! The exhaustive companions (point 3 of the crate's doc): every truncation and odd value at
//! every path of each example, and single cases (long strings, deep nesting, numbers beyond 64
//! bits, duplicate and empty keys, UUID forms).

use super::*;

/// A decoder's check: `Ok(())` when it behaved (see `check_link`...).
type Check = fn(&[u8]) -> Result<(), TestCaseError>;

/// Each decoder with the example it reads.
fn examples() -> [(&'static str, &'static Value, Check); 3] {
    [
        ("hpp-link-response.json", &RESPONSE, check_link),
        (
            "transaction-notification.json",
            &NOTIFICATION,
            check_notification,
        ),
        ("hpp-link-request.json", &REQUEST, check_request),
    ]
}

fn ok(result: Result<(), TestCaseError>, what: &str) {
    if let Err(e) = result {
        panic!("{what}: {e}");
    }
}

/// Every proper prefix of each example (as written in `fixtures/` and compact) is a typed error;
/// the whole example decodes.
#[test]
fn every_truncation_is_a_typed_error() {
    for (file, value, check) in examples() {
        let written = paymentoptions_hpp_testkit::fixture_bytes(file);
        let compact = serde_json::to_vec(value).unwrap();
        for body in [written.trim_ascii_end(), &compact[..]] {
            for len in 0..body.len() {
                let prefix = &body[..len];
                ok(check(prefix), &format!("{file} cut at {len}"));
                let decoded = match file {
                    "hpp-link-response.json" => Link::from_json(prefix).is_ok(),
                    "transaction-notification.json" => parse_notification(prefix).is_ok(),
                    _ => LinkRequest::from_json(prefix).is_ok(),
                };
                assert!(!decoded, "{file} cut at {len} decodes");
            }
            ok(check(body), file);
        }
        assert!(Link::from_json(&serde_json::to_vec(&*RESPONSE).unwrap()).is_ok());
        assert!(parse_notification(&serde_json::to_vec(&*NOTIFICATION).unwrap()).is_ok());
        assert!(LinkRequest::from_json(&serde_json::to_vec(&*REQUEST).unwrap()).is_ok());
    }
}

/// Every odd value replacing, and duplicating, every member of each example; every member
/// dropped; every odd value added as an unknown member of every object.
#[test]
fn every_odd_value_at_every_path() {
    let odd = strategy::odd_values();
    for (file, value, check) in examples() {
        for path in strategy::paths(value) {
            let object = value.pointer(&pointer(&path)).unwrap().is_object();
            let edits = std::iter::once(Edit::Drop).chain(odd.iter().flat_map(|raw| {
                let mut edits = vec![Edit::Replace(raw.clone()), Edit::Duplicate(raw.clone())];
                if object {
                    edits.push(Edit::Insert("zz_unknown".into(), raw.clone()));
                }
                edits
            }));
            for edit in edits {
                let mutation = Mutation {
                    edits: vec![(path.clone(), edit)],
                    bytes: strategy::ByteEdit::Keep,
                };
                let body = mutation.apply(value);
                ok(check(&body), &format!("{file}: {mutation:?}"));
            }
        }
    }
}

/// A 256 KiB string in every string field of each example: read or refused, and errors quote
/// at most 512 bytes of it.
#[test]
fn a_very_long_string_in_every_field() {
    let huge = format!("\"{}\"", "x".repeat(256 << 10)).into_bytes();
    for (file, value, check) in examples() {
        for path in strategy::paths(value) {
            if !value.pointer(&pointer(&path)).unwrap().is_string() {
                continue;
            }
            let mutation = Mutation {
                edits: vec![(path.clone(), Edit::Replace(huge.clone()))],
                bytes: strategy::ByteEdit::Keep,
            };
            ok(
                check(&mutation.apply(value)),
                &format!("{file} at {path:?}"),
            );
        }
    }
}

/// Nesting 10,000 deep anywhere never overflows the stack. Where the model expects a value,
/// serde_json's recursion limit (128) makes it an error; in an unknown member, the tolerant
/// readers (link, notification) skip it without recursing, and the request reader, which
/// refuses unknown members, reports the limit.
#[test]
fn deep_nesting_anywhere_is_an_error_or_skipped() {
    for (file, value, _) in examples() {
        for path in strategy::paths(value) {
            let leaf = !value.pointer(&pointer(&path)).unwrap().is_object();
            for kind in 0..3 {
                let deep = strategy::deeply_nested(strategy::DEEP, kind, true);
                for edit in [
                    Edit::Replace(deep.clone()),
                    Edit::Insert("zz_unknown".into(), deep.clone()),
                ] {
                    let inserted = matches!(edit, Edit::Insert(..));
                    if inserted && leaf {
                        continue; // nowhere to insert a member
                    }
                    let mutation = Mutation {
                        edits: vec![(path.clone(), edit)],
                        bytes: strategy::ByteEdit::Keep,
                    };
                    let body = mutation.apply(value);
                    let what = format!("{file}: {mutation:?}");
                    ok(check_all(&body), &what);
                    assert!(LinkRequest::from_json(&body).is_err(), "{what}");
                    if !inserted && (leaf || path.is_empty()) {
                        assert!(Link::from_json(&body).is_err(), "{what}");
                        assert!(parse_notification(&body).is_err(), "{what}");
                    }
                    if inserted && !leaf {
                        match file {
                            "hpp-link-response.json" => {
                                assert!(Link::from_json(&body).is_ok(), "{what}")
                            }
                            "transaction-notification.json" => {
                                assert!(parse_notification(&body).is_ok(), "{what}")
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
    }
}

/// Numbers no 64-bit integer holds are errors at their field; the extremes of `int64` decode.
#[test]
fn numbers_outside_int64_are_errors_at_their_field() {
    let at = |key: &str| vec![Step::Key(key.into())];
    let replace = |value: &Value, path: Vec<Step>, raw: &str| {
        Mutation {
            edits: vec![(path, Edit::Replace(raw.as_bytes().to_vec()))],
            bytes: strategy::ByteEdit::Keep,
        }
        .apply(value)
    };
    for raw in [
        "1e400",
        "-1e400",
        "18446744073709551616",
        "9223372036854775808",
        "-9223372036854775809",
        "1.5",
        "1e3",
    ] {
        let err = Link::from_json(&replace(&RESPONSE, at("amount"), raw)).unwrap_err();
        assert_eq!(err.path(), "amount", "{raw}: {err}");
        let err = LinkRequest::from_json(&replace(&REQUEST, at("amount"), raw)).unwrap_err();
        if raw.contains("e400") {
            // No `serde_json::Value` holds it: the body is not read at all.
            assert_eq!(err.field(), "", "{raw}: {err}");
            assert!(
                err.to_string().contains("number out of range"),
                "{raw}: {err}"
            );
        } else {
            assert_eq!(err.field(), "amount", "{raw}: {err}");
        }
        let path = vec![
            Step::Key("transaction_details".into()),
            Step::Key("ref".into()),
        ];
        let err = parse_notification(&replace(&NOTIFICATION, path, raw)).unwrap_err();
        assert_eq!(err.path(), "transaction_details.ref", "{raw}: {err}");
    }
    for (raw, amount) in [
        ("-9223372036854775808", i64::MIN),
        ("9223372036854775807", i64::MAX),
    ] {
        let link = Link::from_json(&replace(&RESPONSE, at("amount"), raw)).unwrap();
        assert_eq!(link.response().amount, Some(amount));
    }
    let err = LinkRequest::from_json(&replace(&REQUEST, at("amount"), "-9223372036854775808"))
        .unwrap_err();
    assert_eq!(err.field(), "amount");
}

/// A key written twice is an error in every decoder: the first value must not be dropped
/// silently (a proxy or log that reads the first one would disagree with what is sent).
#[test]
fn duplicate_keys_are_errors() {
    for (file, value, _) in examples() {
        for path in strategy::paths(value) {
            let Some(Step::Key(key)) = path.last() else {
                continue;
            };
            let same = serde_json::to_vec(value.pointer(&pointer(&path)).unwrap()).unwrap();
            let mutation = Mutation {
                edits: vec![(path.clone(), Edit::Duplicate(same))],
                bytes: strategy::ByteEdit::Keep,
            };
            let body = mutation.apply(value);
            let what = format!("{file}: `{key}` twice at {path:?}");
            match file {
                "hpp-link-response.json" => {
                    let err = Link::from_json(&body).expect_err(&what);
                    assert!(err.message().contains("duplicate field"), "{what}: {err}");
                }
                "transaction-notification.json" => {
                    let err = parse_notification(&body).expect_err(&what);
                    assert!(err.message().contains("duplicate field"), "{what}: {err}");
                }
                _ => {
                    let err = LinkRequest::from_json(&body).expect_err(&what);
                    assert!(err.to_string().contains("duplicate field"), "{what}: {err}");
                }
            }
        }
    }
}

fn pointer(path: &[Step]) -> String {
    path.iter()
        .map(|s| match s {
            Step::Key(k) => format!("/{}", k.replace('~', "~0").replace('/', "~1")),
            Step::Index(i) => format!("/{i}"),
        })
        .collect()
}

/// An error inside the value of an empty key names that key (`""`), never an empty path.
#[test]
fn errors_under_an_empty_key_name_it() {
    let cut = br#"{"id": "f49173ce-4916-445c-a831-3c1468acf14e", "": "#;
    assert_eq!(Link::from_json(cut).unwrap_err().path(), "\"\"");
    let cut = br#"{"id": "f49173ce-4916-445c-a831-3c1468acf14e", "billing_address": {"": "#;
    assert_eq!(
        Link::from_json(cut).unwrap_err().path(),
        "billing_address.\"\""
    );
    let err = LinkRequest::from_json(br#"{"amount": 1, "currency": "JPY", "": 2}"#).unwrap_err();
    assert_eq!((err.field(), err.rule()), ("\"\"", &Rule::UnknownField));
    let err = LinkRequest::from_json(br#"{"return_url": {"": null, "": null}}"#).unwrap_err();
    assert_eq!(err.field(), "return_url.\"\"");
}

/// The same for notifications.
#[test]
fn notification_errors_under_an_empty_key_name_it() {
    let cut = br#"{"transaction_details": {"id": "x"}, "": "#;
    let err = parse_notification(cut).unwrap_err();
    assert_eq!(err.path(), "\"\"", "{err}");
}

/// The one spec-valid value a model does not give back byte for byte: a UUID `id` written in
/// upper case (or braced, or as a URN) decodes to the same UUID and is written back in the
/// canonical lower-case form, which is why the generator only writes that form.
#[test]
fn uuids_come_back_canonical() {
    let canonical = "f49173ce-4916-445c-a831-3c1468acf14e";
    for written in [
        "F49173CE-4916-445C-A831-3C1468ACF14E",
        "{f49173ce-4916-445c-a831-3c1468acf14e}",
        "urn:uuid:f49173ce-4916-445c-a831-3c1468acf14e",
        "f49173ce4916445ca8313c1468acf14e",
    ] {
        let body = format!(r#"{{"id": "{written}", "url": "https://x.example/p"}}"#);
        let link = Link::from_json(body.as_bytes()).unwrap();
        assert_eq!(link.id().to_string(), canonical);
        assert_eq!(
            serde_json::to_value(link.response()).unwrap()["id"],
            canonical
        );
    }
}

/// The generator's own rules: it refuses a keyword it does not know, and honours the ones it
/// does (checked on a schema the spec does not have yet).
#[test]
fn the_generator_refuses_unknown_keywords() {
    let spec = serde_json::json!({});
    let result = std::panic::catch_unwind(|| {
        strategy::schema(
            &spec,
            &serde_json::json!({"type": "string", "multipleOf": 2}),
        )
    });
    assert!(result.is_err());
}

#[test]
fn the_generator_honours_rules_the_spec_may_gain() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let spec = serde_json::json!({});
    let schema = serde_json::json!({
        "type": "object",
        "required": ["n", "e"],
        "properties": {
            "n": {"type": "integer", "format": "int32", "minimum": 5, "maximum": 9, "exclusiveMaximum": true},
            "e": {"enum": ["a", "b"]},
            "s": {"type": "string", "minLength": 2, "maxLength": 4},
            "d": {"type": "string", "format": "date-time"},
            "l": {"type": "array", "items": {"type": "boolean"}, "minItems": 1, "maxItems": 2}
        }
    });
    let generated = strategy::schema(&spec, &schema);
    let mut runner = TestRunner::deterministic();
    for _ in 0..200 {
        let value = generated.new_tree(&mut runner).unwrap().current();
        let n = value["n"].as_i64().unwrap();
        assert!((5..9).contains(&n), "{value}");
        assert!(
            ["a", "b"].contains(&value["e"].as_str().unwrap()),
            "{value}"
        );
        if let Some(s) = value.get("s") {
            assert!(
                (2..=4).contains(&s.as_str().unwrap().chars().count()),
                "{value}"
            );
        }
        if let Some(l) = value.get("l") {
            assert!((1..=2).contains(&l.as_array().unwrap().len()), "{value}");
        }
    }
}

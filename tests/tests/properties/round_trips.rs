//! Every generated model round-trips through JSON (point 1 of the crate's doc): one module per
//! component schema, named after it (`Address::decodes_and_encodes_unchanged`...).

use super::*;

/// `value` was generated for component `name`: it is valid for the spec (as the sandbox reads
/// it), decodes into `T` from a `Value` and from text, and encodes back to the same JSON.
fn round_trip<T>(
    name: &str,
    validator: &SchemaValidator,
    value: &Value,
) -> Result<(), TestCaseError>
where
    T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug + PartialEq,
{
    let errors = validator.errors(value);
    prop_assert!(
        errors.is_empty(),
        "the generator made a value the spec refuses for {}: {:?}\n{}",
        name,
        errors,
        value
    );
    let expected = strategy::round_tripped(&SPEC, schema_of(name), value);

    let decoded: T = serde_json::from_value(value.clone())
        .map_err(|e| TestCaseError::fail(format!("{name}: a valid value does not decode: {e}")))?;
    prop_assert_eq!(&serde_json::to_value(&decoded).unwrap(), &expected);

    // As a body arrives: from text.
    let text = serde_json::to_vec(value).unwrap();
    let from_text: T = serde_json::from_slice(&text)
        .map_err(|e| TestCaseError::fail(format!("{name}: a valid body does not decode: {e}")))?;
    prop_assert_eq!(&from_text, &decoded);
    Ok(())
}

macro_rules! round_trip_property {
    ($t:ident) => {
        /// Round trips of the component schema of the same name.
        #[allow(non_snake_case)]
        mod $t {
            use super::*;

            static VALIDATOR: LazyLock<SchemaValidator> =
                LazyLock::new(|| SchemaValidator::for_component(stringify!($t)));

            proptest! {
                #![proptest_config(config(ROUND_TRIP_CASES))]

                #[test]
                fn decodes_and_encodes_unchanged(value in component(stringify!($t))) {
                    round_trip::<crate::model_types::$t>(
                        stringify!($t),
                        &VALIDATOR,
                        &value,
                    )?;
                }
            }
        }
    };
}

for_each_component!(round_trip_property);

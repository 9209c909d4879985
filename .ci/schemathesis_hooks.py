"""Values of the spec's own string formats for schemathesis (loaded with SCHEMATHESIS_HOOKS).

The spec's `iso4217` and `iso3166-alpha2` formats are not JSON Schema's, so schemathesis would
draw any string of their pattern (`YOE`, `AAA`) and call the sandbox's refusal a rejection of
valid data. What the formats admit is defined once, in the client crate's `formats` module;
these are only sample codes of each, to draw from. A wrong one fails the run loudly.
"""

import schemathesis
from hypothesis import strategies as st

schemathesis.openapi.format(
    "iso4217", st.sampled_from(["JPY", "USD", "EUR", "GBP", "KWD", "BHD", "SGD"])
)
schemathesis.openapi.format(
    "iso3166-alpha2", st.sampled_from(["JP", "US", "GB", "DE", "FR", "SG"])
)

"""Hostile values for every kind of form field."""

import datetime
import os

from hypothesis import settings
from hypothesis import strategies as st

# `make test` runs a quick subset; scripts/fuzz-long.sh runs the long one (see
# docs/benchmarks.md). Deadlines are off: the machine's load must not fail a property.
settings.register_profile("quick", max_examples=30, deadline=None, derandomize=True)
settings.register_profile("long", max_examples=600, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE disclosures_supportitem; --",
    "' OR '1'='1",
    "{{ 7*7 }}{% debug %}",
    "\x00\x01\x02\x1b[31m",
    "\u202e\u200b\ufeff",
    "山田花子 やまだ ﾔﾏﾀﾞ Ｙａｍａｄａ",
    "𠮷野家 🧪",
    "-1e308",
    "NaN",
    "Infinity",
    "9" * 400,
    "0000-0000-0000-000X",
    "https://ror.org/../../etc/passwd",
]

hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=50),
    st.text(min_size=1000, max_size=20_000),
    st.builds(lambda a, b: a + b, st.sampled_from(PAYLOADS), st.text(max_size=30)),
)

numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    hostile_text,
)

dates = st.one_of(
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(
        datetime.date.isoformat
    ),
    st.sampled_from(["2027-02-30", "0000-00-00", "99999-01-01", "1.1.2027", ""]),
    hostile_text,
)

checkbox = st.sampled_from(["on", "", "off", "1", "true", "<b>"])


def value_for(field) -> st.SearchStrategy:
    """A strategy of raw POST values for a Django form field."""
    from django import forms

    if isinstance(field, forms.BooleanField):
        return checkbox
    if isinstance(field, forms.DateField):
        return dates
    if isinstance(field, (forms.DecimalField, forms.IntegerField, forms.FloatField)):
        return numbers
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        valid = [str(v) for v, _label in field.choices if v != ""]
        return st.one_of(st.sampled_from(valid or [""]), hostile_text)
    return hostile_text


def form_data(form_class, prefix="", **kwargs) -> st.SearchStrategy:
    """A dict of raw values for every field of a form."""
    form = form_class(prefix=prefix or None, **kwargs)
    return st.fixed_dictionaries(
        {
            form.add_prefix(name): value_for(field)
            for name, field in form.fields.items()
            if not isinstance(field.widget, type(None))
        }
    )

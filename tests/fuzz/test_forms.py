"""Property: whatever a form is given, it either accepts it or says what is wrong at a
field; it never raises. (Hypothesis; quick profile in make test.)"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.forms import ScreenForm
from disclosures.forms import SECTION_FORMS, ApplicationForm, CertifyForm, ProfileForm
from tests.fuzz.strategies import form_data, hostile_text

pytestmark = pytest.mark.django_db
# Hostile inputs are big on purpose (20,000-character strings).
FIXTURES_OK = settings(
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ]
)


def _assert_clean_outcome(form):
    valid = form.is_valid()  # must not raise
    if not valid:
        assert form.errors
        for name, messages in form.errors.items():
            assert name == "__all__" or name in form.fields, name
            assert all(isinstance(m, str) and m.strip() for m in messages)
    return valid


@pytest.mark.parametrize("form_class", list(SECTION_FORMS.values()), ids=list(SECTION_FORMS))
@FIXTURES_OK
@given(data=st.data())
def test_section_row_forms(form_class, data):
    raw = data.draw(form_data(form_class))
    form = form_class(data=raw)
    if _assert_clean_outcome(form):
        # What is accepted is within the model's own limits.
        form.instance.full_clean(exclude=["version", "document"], validate_constraints=False)


@FIXTURES_OK
@given(data=st.data())
def test_application_form(data):
    _assert_clean_outcome(ApplicationForm(data=data.draw(form_data(ApplicationForm))))


@FIXTURES_OK
@given(data=st.data())
def test_profile_form(data):
    _assert_clean_outcome(ProfileForm(data=data.draw(form_data(ProfileForm))))


@FIXTURES_OK
@given(
    signature=hostile_text,
    password=hostile_text,
    revision=hostile_text,
    agree=st.sampled_from(["on", ""]),
)
def test_certify_form(signature, password, revision, agree):
    from tests.factories import researcher

    user = researcher()
    form = CertifyForm(
        data={"signature": signature, "password": password, "revision": revision, "agree": agree},
        user=user,
    )
    assert not _assert_clean_outcome(form)  # random text is never the password


@FIXTURES_OK
@given(name=hostile_text, country=hostile_text)
def test_screen_form(name, country):
    _assert_clean_outcome(ScreenForm(data={"name": name, "country": country}))

"""Property: hostile input through the real views and importers never causes a server
error; it is saved, or refused with a message naming the field or line."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.importers import (
    parse_crossref,
    parse_csl,
    parse_meti_csv,
    parse_openalex,
    parse_opensanctions,
    parse_orcid,
    parse_outside_posts,
    parse_ror,
)
from disclosures.forms import SECTION_FORMS, ApplicationForm
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


@pytest.fixture
def filing(client):
    from tests.factories import researcher, start_application

    user = researcher()
    client.force_login(user)
    return start_application(user)


@FIXTURES_OK
@given(data=st.data())
def test_declaration_page_never_errors(client, filing, data):
    section = data.draw(st.sampled_from(list(SECTION_FORMS)))
    row = data.draw(form_data(SECTION_FORMS[section], prefix=f"{section}-0"))
    post = {"revision": str(filing.declaration.versions.get().revision)}
    for key in SECTION_FORMS:
        post[f"{key}-TOTAL_FORMS"] = "1" if key == section else "0"
        post[f"{key}-INITIAL_FORMS"] = "0"
    post.update(row)
    post.update(data.draw(form_data(ApplicationForm, prefix="application")))
    response = client.post(reverse("declaration_edit", args=[filing.pk]), post)
    assert response.status_code in (302, 400, 409), response.status_code
    if response.status_code == 400:
        assert "Nothing was saved yet" in response.content.decode()


PARSERS = {
    "csl": parse_csl,
    "meti_csv": parse_meti_csv,
    "opensanctions": parse_opensanctions,
    "ror": parse_ror,
    "orcid": parse_orcid,
    "crossref": parse_crossref,
    "openalex": parse_openalex,
    "outside_posts": parse_outside_posts,
}

lines = st.lists(hostile_text.map(lambda t: t.replace("\n", " ")), max_size=8)


@pytest.mark.parametrize("kind", list(PARSERS))
@FIXTURES_OK
@given(
    body=st.one_of(
        lines.map("\n".join), st.binary(max_size=2000).map(lambda b: b.decode("latin-1"))
    )
)
def test_importers_report_errors_instead_of_raising(kind, body):
    result = PARSERS[kind](body.encode("utf-8", "surrogatepass"))
    for error in result.errors:
        assert str(error).strip()

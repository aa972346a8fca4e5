"""The review queue: the institution's filings, filtered, searched, sorted and paged, with
open-flag counts, in a bounded number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from checks.models import Flag
from funding.models import Application
from tests.factories import InstitutionFactory, ProgrammeFactory
from tests.review.conftest import SECRET_TITLE, filing, named_researcher, open_flag

pytestmark = pytest.mark.django_db


def titles(response):
    return [a.title for a in response.context["page"].object_list]


def test_queue_lists_the_institutions_filings_with_their_columns(office_client, world):
    draft = filing(world["institution"], certified=False, title="Still a draft")
    elsewhere = filing(InstitutionFactory(), title="Another university's filing")
    open_flag(world["application"])
    open_flag(world["application"], rule="duplicate_funding", subject="grant")
    open_flag(world["application"], rule="restricted_entity", status=Flag.Status.DISMISSED)

    response = office_client.get(reverse("review:queue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert set(titles(response)) == {SECRET_TITLE, draft.title}
    assert elsewhere.title not in body
    row = {a.pk: a for a in response.context["page"].object_list}[world["application"].pk]
    assert row.open_flags == 2  # the dismissed one is not open
    assert row.latest_number == 1 and row.latest_status == "certified"
    assert row.last_certified_at is not None
    assert "Hanako Yamada" in body and "山田 花子" in body and "12345678" in body
    assert reverse("review:application", args=[world["application"].pk]) in body
    assert 'name="applications"' in body  # the bulk-endorse checkboxes


@pytest.fixture
def varied(world):
    """Filings that differ in every filterable way."""
    institution = world["institution"]
    today = timezone.localdate()
    early = ProgrammeFactory(closes_on=today + datetime.timedelta(days=3), title="Early call")
    late = ProgrammeFactory(closes_on=today + datetime.timedelta(days=40), title="Late call")
    suzuki = named_researcher(
        institution,
        latin=("Ichiro", "Suzuki"),
        kanji=("鈴木", "一郎"),
        kana=("すずき", "いちろう"),
        number="87654321",
    )
    tanaka = named_researcher(
        institution,
        latin=("Keiko", "Tanaka"),
        kanji=("田中", "恵子"),
        kana=("タナカ", "ケイコ"),
    )
    a = filing(institution, user=suzuki, programme=early, title="Alpha")
    b = filing(institution, user=tanaka, programme=late, title="Beta")
    c = filing(institution, user=tanaka, programme=early, certified=False, title="Gamma")
    open_flag(a)
    Application.objects.filter(pk=b.pk).update(status=Application.Status.ENDORSED)
    return {"a": a, "b": b, "c": c, "early": early, "late": late}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "endorsed"}, {"Beta"}),
        ({"status": "draft"}, {"Gamma"}),
        ({"open_flags": "yes"}, {"Alpha"}),
        ({"open_flags": "no"}, {"Beta", "Gamma", SECRET_TITLE}),
        ({"q": "suzuki"}, {"Alpha"}),
        ({"q": "Ichiro Suzuki"}, {"Alpha"}),
        ({"q": "鈴木"}, {"Alpha"}),
        ({"q": "鈴木一郎"}, {"Alpha"}),
        ({"q": "すずき"}, {"Alpha"}),
        ({"q": "スズキ"}, {"Alpha"}),  # katakana finds a name stored in hiragana
        ({"q": "たなか"}, {"Beta", "Gamma"}),  # and hiragana one stored in katakana
        ({"q": "ﾀﾅｶ"}, {"Beta", "Gamma"}),  # half-width katakana
        ({"q": "87654321"}, {"Alpha"}),
        ({"q": "8765"}, {"Alpha"}),
        ({"q": "Nobody"}, set()),
    ],
)
def test_filters_and_search(office_client, varied, params, expected):
    response = office_client.get(reverse("review:queue"), params)
    assert response.status_code == 200
    assert set(titles(response)) == expected


def test_programme_and_deadline_filters(office_client, varied):
    today = timezone.localdate()
    response = office_client.get(reverse("review:queue"), {"programme": varied["early"].pk})
    assert set(titles(response)) == {"Alpha", "Gamma"}
    after = (today + datetime.timedelta(days=20)).isoformat()
    assert set(titles(office_client.get(reverse("review:queue"), {"deadline_after": after}))) == {
        "Beta"
    }
    before = (today + datetime.timedelta(days=5)).isoformat()
    assert set(titles(office_client.get(reverse("review:queue"), {"deadline_before": before}))) == {
        "Alpha",
        "Gamma",
    }


def test_invalid_filters_are_reported_at_the_field_and_the_rest_still_apply(office_client, varied):
    other_programme = ProgrammeFactory()
    response = office_client.get(
        reverse("review:queue"),
        {"programme": other_programme.pk, "deadline_after": "not a date", "status": "endorsed"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "programme" in form.errors and "deadline_after" in form.errors
    assert set(titles(response)) == {"Beta"}
    body = response.content.decode()
    assert "is-invalid" in body and "Some filters could not be applied" in body
    # The programme choices are only this institution's programmes.
    choices = [str(choice[0]) for choice in form.fields["programme"].choices]
    assert str(other_programme.pk) not in choices


def test_deadline_range_the_wrong_way_round_is_an_error(office_client, varied):
    response = office_client.get(
        reverse("review:queue"), {"deadline_after": "2030-01-02", "deadline_before": "2030-01-01"}
    )
    assert "deadline_before" in response.context["form"].errors


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("researcher", ["Alpha", "Beta", "Gamma", SECRET_TITLE]),  # Suzuki, Tanaka, Yamada
        ("-researcher", [SECRET_TITLE, "Gamma", "Beta", "Alpha"]),
        ("-flags", ["Alpha", "Gamma", SECRET_TITLE, "Beta"]),  # then soonest deadline
        ("deadline", ["Alpha", "Gamma", SECRET_TITLE, "Beta"]),  # same day: flagged first
        ("-deadline", ["Beta", SECRET_TITLE, "Alpha", "Gamma"]),
        ("nonsense", ["Alpha", "Gamma", SECRET_TITLE, "Beta"]),  # the default, deadline
    ],
)
def test_sorting(office_client, varied, sort, expected):
    assert titles(office_client.get(reverse("review:queue"), {"sort": sort})) == expected


def test_sorting_by_updated(office_client, varied):
    Application.objects.filter(pk=varied["c"].pk).update(
        updated_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert titles(office_client.get(reverse("review:queue"), {"sort": "-updated"}))[0] == "Gamma"
    assert titles(office_client.get(reverse("review:queue"), {"sort": "updated"}))[-1] == "Gamma"


def test_column_headers_toggle_the_sort_and_say_which(office_client, varied):
    response = office_client.get(reverse("review:queue"), {"sort": "deadline", "status": "draft"})
    links = response.context["sort_links"]
    assert links["deadline"]["aria_sort"] == "ascending"
    assert (
        "sort=-deadline" in links["deadline"]["url"] and "status=draft" in links["deadline"]["url"]
    )
    assert links["researcher"]["aria_sort"] == "none"
    assert 'aria-sort="ascending"' in response.content.decode()


def test_pagination_keeps_the_filters(office_client, world):
    user = world["owner"]
    for n in range(27):
        filing(world["institution"], user=user, certified=False, title=f"Draft {n:02d}")
    response = office_client.get(reverse("review:queue"), {"status": "draft"})
    page = response.context["page"]
    assert page.paginator.count == 27 and len(page.object_list) == 25
    assert "status=draft&amp;page=2" in response.content.decode()
    second = office_client.get(reverse("review:queue"), {"status": "draft", "page": 2})
    assert len(second.context["page"].object_list) == 2


def test_query_count_does_not_grow_with_rows(office_client, world, django_assert_max_num_queries):
    def load():
        response = office_client.get(reverse("review:queue"))
        assert response.status_code == 200
        return response

    with django_assert_max_num_queries(10):
        load()
    users = [
        named_researcher(
            world["institution"], latin=(f"Given{n}", f"Family{n}"), number=f"{n + 20000000}"
        )
        for n in range(3)
    ]
    for n in range(24):
        application = filing(
            world["institution"], user=users[n % 3], certified=n % 2 == 0, title=f"Filing {n}"
        )
        if n % 3 == 0:
            open_flag(application)
    with django_assert_max_num_queries(10):
        response = load()
    assert len(response.context["page"].object_list) == 25

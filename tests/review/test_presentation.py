"""The audit trail on the review page names what changed in words, in the reader's
language: the field's verbose name and the label of its value, never the code names."""

from django.utils import translation

from audit.models import AuditEvent
from portal.text import list_join
from review.presentation import present_audit


def _changes(event: AuditEvent, lang: str) -> list[tuple[str, str, str]]:
    with translation.override(lang):
        [row] = present_audit([event])
        return [(c.field, c.before, c.after) for c in row.changes]


def test_a_field_of_the_model_shows_its_verbose_name_and_the_label_of_its_value():
    event = AuditEvent(
        action="application.status",
        object_type="funding.Application",
        before={"status": "submitted"},
        after={"status": "changes_requested"},
    )
    assert _changes(event, "en") == [("Status", "Submitted", "Changes requested")]
    assert _changes(event, "ja") == [("状態", "提出済み", "修正依頼中")]


def test_keys_that_are_no_field_have_labels_of_their_own():
    amend = AuditEvent(
        action="declaration.amend",
        object_type="disclosures.DeclarationVersion",
        before={"latest": 1},
        after={"draft": 2},
    )
    assert _changes(amend, "en") == [
        ("Latest version", "1", "—"),
        ("New draft version", "—", "2"),
    ]
    lift = AuditEvent(
        action="restriction.lift",
        object_type="enforcement.Restriction",
        before={"lifted": False},
        after={"lifted": True},
    )
    assert _changes(lift, "ja") == [("解除", "いいえ", "はい")]


def test_a_context_gives_the_case_its_own_words_and_lists_join_in_the_language():
    event = AuditEvent(
        action="case.open",
        object_type="enforcement.Case",
        before={},
        after={"status": "open", "flags": [3, 5]},
    )
    assert _changes(event, "en") == [("Status", "—", "Open"), ("Flags", "—", "3, 5")]
    assert _changes(event, "ja")[0] == ("進行状況", "—", "調査中")
    assert _changes(event, "ja")[1][2] == "3、5"


def test_list_join_follows_the_active_language():
    with translation.override("en"):
        assert list_join(["ORCID", "ROR", "e-Rad"]) == "ORCID, ROR, e-Rad"
    with translation.override("ja"):
        assert list_join(["ORCID", "ROR", "e-Rad"]) == "ORCID、ROR、e-Rad"

"""Tags and notes on evidence items."""

from __future__ import annotations

import json

import pytest

from evidentia.cases import services as cases
from evidentia.cases.models import ItemTag, Note, Tag
from evidentia.core.errors import NotFound, PermissionDenied, Rejected
from evidentia.custody import events
from evidentia.custody.models import Event


def test_tags_are_trimmed_and_lower_cased(olivia, olivias_clip):
    link, created = cases.add_tag(olivia, olivias_clip.pk, "  Use   of FORCE ")
    assert created and link.tag.name == "use of force"


def test_tagging_twice_keeps_one_tag(olivia, olivias_clip):
    cases.add_tag(olivia, olivias_clip.pk, "dui")
    _, created = cases.add_tag(olivia, olivias_clip.pk, "DUI")
    assert not created
    assert ItemTag.objects.count() == 1 and Tag.objects.count() == 1


def test_adding_and_removing_a_tag_are_ledger_events(olivia, olivias_clip):
    cases.add_tag(olivia, olivias_clip.pk, "dui")
    assert cases.remove_tag(olivia, olivias_clip.pk, "dui")
    kinds = list(Event.objects.filter(item_id=olivias_clip.pk).values_list("kind", flat=True))
    assert events.ITEM_TAGGED in kinds and events.ITEM_UNTAGGED in kinds


def test_a_tag_longer_than_sixty_characters_is_refused(olivia, olivias_clip):
    with pytest.raises(Rejected):
        cases.add_tag(olivia, olivias_clip.pk, "x" * 61)


def test_an_auditor_cannot_tag(audrey, olivias_clip):
    with pytest.raises(PermissionDenied):
        cases.add_tag(audrey, olivias_clip.pk, "reviewed")


def test_an_officer_cannot_tag_what_she_cannot_see(oscar, olivias_clip):
    with pytest.raises(NotFound):
        cases.add_tag(oscar, olivias_clip.pk, "mine")


def test_an_item_note_is_kept_with_its_author(sam, olivias_clip):
    note = cases.add_item_note(sam, olivias_clip.pk, "Good de-escalation at 01:20.")
    assert note.author == sam and note.item == olivias_clip
    body = json.loads(Event.objects.get(kind=events.ITEM_NOTE_ADDED).body)
    assert "de-escalation" not in json.dumps(body)  # the ledger holds a hash, not the words


def test_notes_offer_no_way_to_change_them(sam, olivias_clip):
    cases.add_item_note(sam, olivias_clip.pk, "First.")
    cases.add_item_note(sam, olivias_clip.pk, "Correction: second.")
    assert list(Note.objects.values_list("text", flat=True)) == ["First.", "Correction: second."]
    assert not hasattr(cases, "edit_note") and not hasattr(cases, "delete_note")

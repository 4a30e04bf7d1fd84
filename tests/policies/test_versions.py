from __future__ import annotations

import json

import pytest

from evidentia.core.errors import Conflict, PermissionDenied, Rejected
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.policies.services import versions


def test_versions_are_numbered_in_turn(policy):
    assert [v.number for v in policy.policy.versions.all()] == [2, 1]
    assert versions.current(policy.policy) == policy


def test_each_publication_is_a_ledger_event(policy):
    published = Event.objects.filter(kind=events.POLICY_PUBLISHED)
    details = [json.loads(e.body)["detail"] for e in published.order_by("seq")]
    assert [d["version"] for d in details] == [1, 2]


def test_publishing_the_same_text_again_is_refused(policy, adam):
    with pytest.raises(Rejected, match="same as version 2"):
        versions.publish_version(policy.policy, body=policy.body, change_note="x", actor=adam)


def test_an_empty_text_is_refused_and_nothing_is_saved(policy, adam):
    with pytest.raises(Rejected):
        versions.publish_version(policy.policy, body="  \n ", change_note="x", actor=adam)
    assert policy.policy.versions.count() == 2


def test_a_second_policy_with_the_same_address_is_a_conflict(policy, adam):
    with pytest.raises(Conflict):
        versions.create_policy(title="Body worn cameras", body="Other.", actor=adam)


def test_a_bad_effective_date_is_refused(policy, adam):
    with pytest.raises(Rejected, match="YYYY-MM-DD"):
        versions.publish_version(
            policy.policy, body="New.", change_note="x", effective_on="31/12/2026", actor=adam
        )


@pytest.mark.parametrize("persona", ["sam", "olivia", "carmen", "stella", "audrey"])
def test_only_an_administrator_publishes(policy, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        versions.publish_version(policy.policy, body="Mine.", change_note="x", actor=user)


def test_the_diff_marks_words_added_and_removed():
    pieces = versions.diff("Record every contact.", "Record from dispatch.")
    assert ("del", "every contact") in [(p.op, p.text) for p in pieces]
    assert ("ins", "from dispatch") in [(p.op, p.text) for p in pieces]
    assert versions.diff_stats(pieces) == {"added": 2, "removed": 2}


def test_html_in_a_policy_shows_as_text_in_the_public_diff(client, policy, adam):
    versions.publish_version(
        policy.policy,
        body=policy.body + '\n\n<script>alert("x")</script><b>bold</b>',
        change_note="Markup",
        actor=adam,
    )
    page = client.get("/public/policies/body-worn-cameras/compare/?from=2&to=3").content.decode()
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<ins>" in page


def test_html_in_a_policy_shows_as_text_on_its_public_page(client, policy, adam):
    versions.publish_version(
        policy.policy, body="<img src=x onerror=alert(1)>", change_note="x", actor=adam
    )
    page = client.get("/public/policies/body-worn-cameras/").content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_an_old_version_can_be_read_in_public(client, policy):
    page = client.get("/public/policies/body-worn-cameras/v1/").content.decode()
    assert "every enforcement contact" in page
    assert "not the current one" in page


def test_an_unknown_version_is_a_readable_404(client, policy):
    answer = client.get("/public/policies/body-worn-cameras/compare/?from=1&to=9")
    assert answer.status_code == 404
    assert "has no version 9" in answer.content.decode()


def _long_policy(paragraphs: int = 450) -> str:
    import random

    rng = random.Random(7)
    vocabulary = [f"w{n}" for n in range(3000)]
    return "\n\n".join(
        " ".join(rng.choice(vocabulary) for _ in range(20)) + "." for _ in range(paragraphs)
    )


def test_a_50_kb_policy_with_scattered_edits_diffs_in_well_under_a_second():
    import time

    old = _long_policy()
    assert len(old) > 50_000
    paras = old.split("\n\n")
    new = "\n\n".join(
        p.replace(" ", " amended ", 1) if n % 3 == 0 else p for n, p in enumerate(paras)
    )
    started = time.perf_counter()
    pieces = versions.diff(old, new)
    assert time.perf_counter() - started < 1.0  # was 12 s with one word diff over it all
    assert versions.diff_stats(pieces) == {"added": 150, "removed": 0}
    assert "".join(p.text for p in pieces if p.op != "ins") == old
    assert "".join(p.text for p in pieces if p.op != "del") == new


def test_a_rewritten_policy_diffs_fast_as_whole_paragraphs():
    import time

    old, new = _long_policy(), _long_policy(451)[::-1]
    started = time.perf_counter()
    pieces = versions.diff(old, new)
    assert time.perf_counter() - started < 1.0
    assert "".join(p.text for p in pieces if p.op != "ins") == old


def test_words_are_compared_only_inside_the_changed_paragraph():
    old = "Purpose\n\nOfficers record every contact.\n\nRecordings are evidence."
    new = "Purpose\n\nOfficers record from dispatch.\n\nRecordings are evidence."
    pieces = [(p.op, p.text) for p in versions.diff(old, new)]
    assert pieces[0] == ("same", "Purpose\n\nOfficers record ")
    assert ("del", "every contact") in pieces and ("ins", "from dispatch") in pieces


def test_the_compare_page_computes_a_diff_once_per_pair(client, policy):
    from django.core.cache import cache

    from evidentia.community.services._common import digest

    old = policy.policy.versions.get(number=1)
    key = f"policies:diff:v2:{digest(old.body)}:{digest(policy.body)}"
    cache.delete(key)
    client.get("/public/policies/body-worn-cameras/compare/?from=1&to=2")
    assert [p.op for p in cache.get(key)] == [p.op for p in versions.diff(old.body, policy.body)]


def test_the_public_page_shows_paragraphs_and_short_lines_as_headings(client, policy, adam):
    versions.publish_version(
        policy.policy,
        body="Purpose\n\nOfficers record <every> contact.\nEven short ones.\n\n- a list item",
        change_note="Headings",
        actor=adam,
    )
    page = client.get("/public/policies/body-worn-cameras/").content.decode()
    assert '<h2 class="policy-heading">Purpose</h2>' in page
    assert "<p>Officers record &lt;every&gt; contact.<br>Even short ones.</p>" in page
    assert "<p>- a list item</p>" in page

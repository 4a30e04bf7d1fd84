from evidentia.core.csvsafe import cell, row


def test_a_formula_gets_a_leading_apostrophe():
    assert cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'


def test_every_formula_start_is_neutralised():
    assert [cell(s + "1") for s in ("=", "+", "-", "@", "\t", "\r")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@1",
        "'\t1",
        "'\r1",
    ]


def test_numbers_and_plain_text_pass_through():
    assert row([-3, 4.5, "North", None]) == [-3, 4.5, "North", None]

"""Small text helpers of portal.core.text."""


def test_a_name_ending_in_a_full_stop_ends_a_sentence_once():
    from portal.core.text import single_stop

    assert single_stop("Applications of Justicia Cercana, A.C..") == (
        "Applications of Justicia Cercana, A.C."
    )
    assert single_stop("Wait...") == "Wait..."
    assert single_stop("S.A. de C.V. signed.") == "S.A. de C.V. signed."

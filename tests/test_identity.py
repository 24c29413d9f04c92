"""A learner's id comes from the app's own cookie: stable for one token, None for junk."""

import pytest

from core.jobs.identity import LEARNER_COOKIE, cookie_script, learner_id, new_token


def test_one_token_one_id_and_tokens_differ():
    token = new_token()
    assert learner_id(token) == learner_id(token)
    assert learner_id(token).startswith("learner-")
    assert learner_id(new_token()) != learner_id(token)
    assert token not in learner_id(token)  # the store only sees a hash


@pytest.mark.parametrize("junk", [None, "", "short", "x" * 65, "a'b" * 20, "<script>" * 5])
def test_junk_tokens_give_no_id(junk):
    assert learner_id(junk) is None


def test_the_cookie_lasts_and_cannot_be_injected():
    token = new_token()
    script = cookie_script(token)
    assert f"{LEARNER_COOKIE}={token}" in script and "max-age=34560000" in script
    with pytest.raises(ValueError):
        cookie_script("x'; alert(1); '" + "a" * 40)

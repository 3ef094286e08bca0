"""The guard that keeps a fuzz run's writes off records it did not create, and token refresh."""

from __future__ import annotations

import uuid

from codegen.fuzz.guard import created_id, replacements
from codegen.fuzz.oauth import AccessToken, refresh_interval

OURS = "3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b"
THEIRS = "11111111-2222-4333-8444-555555555555"


def test_a_write_to_an_id_the_run_did_not_create_goes_to_a_fresh_one() -> None:
    for method in ("PATCH", "DELETE", "PUT", "POST", "patch"):
        replaced = replacements(method, {"id": THEIRS}, {OURS})
        assert set(replaced) == {"id"}
        assert replaced["id"] != THEIRS
        assert uuid.UUID(replaced["id"]).version == 4
    # The API accepts upper case too: still someone else's user.
    assert set(replacements("DELETE", {"id": THEIRS.upper()}, {OURS})) == {"id"}


def test_writes_to_the_runs_own_ids_reads_and_impossible_ids_go_as_generated() -> None:
    assert replacements("PATCH", {"id": OURS}, {OURS}) == {}
    assert replacements("DELETE", {"id": OURS.upper()}, {OURS}) == {}
    assert replacements("GET", {"id": THEIRS}, {OURS}) == {}
    # Refused by its form before any table is read: the negative checks need it as it is.
    for impossible in ("0", "", "3f2b8c1e7a4d4e5f9b6a1c2d3e4f5a6b", "{" + THEIRS + "}", 5):
        assert replacements("DELETE", {"id": impossible}, set()) == {}


def test_the_created_id_is_the_locations_last_segment() -> None:
    assert created_id(f"/users/{OURS.upper()}") == OURS
    assert created_id(f"https://api.example.com/prod/users/{OURS}") == OURS


def test_a_token_is_fetched_again_well_before_it_expires() -> None:
    assert refresh_interval(3600) == 3300
    assert refresh_interval(120) == 60
    token = AccessToken("t", 3600, fetched_at=1000.0)
    assert token.fresh(now=1000.0 + 3000)
    assert not token.fresh(now=1000.0 + 3400)


def test_retry_after_in_seconds_or_as_a_date_capped() -> None:
    from codegen.fuzz.waiting import DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS, retry_after_seconds

    assert retry_after_seconds("2") == 2.0
    assert retry_after_seconds(None) == DEFAULT_WAIT_SECONDS  # API Gateway's 429 has none
    assert retry_after_seconds("86400") == MAX_WAIT_SECONDS
    date = "Wed, 21 Oct 2015 07:28:03 GMT"
    assert retry_after_seconds(date, now=1445412480.0) == 3.0
    assert retry_after_seconds("soon") == DEFAULT_WAIT_SECONDS


def test_a_location_is_resolved_as_a_client_resolves_it() -> None:
    from codegen.fuzz.ledger import absolute

    deployed = "https://abc.execute-api.eu-west-1.amazonaws.com/v1"
    assert absolute(deployed, f"/v1/users/{OURS}") == f"{deployed}/users/{OURS}"
    assert absolute("http://127.0.0.1:3000", f"/users/{OURS}") == (
        f"http://127.0.0.1:3000/users/{OURS}"
    )
    assert absolute(deployed, f"{deployed}/users/{OURS}") == f"{deployed}/users/{OURS}"


def test_schemathesis_gets_the_credentials_and_a_refresh_interval_not_a_token() -> None:
    import json
    import time

    from codegen.fuzz.handoff import VARIABLE, Handoff
    from codegen.fuzz.oauth import Grant
    from codegen.fuzz.target import Target

    grant = Grant("http://127.0.0.1:1/oauth2/token", "client", "secret", ("users/read",))
    target = Target("http://127.0.0.1:1", grant, "key")
    target._token = AccessToken("token", 3600, time.time())  # as fetched at the start
    environment = target.handoff().environment()
    assert "token" not in json.loads(environment[VARIABLE])
    handed = Handoff.from_environment(environment)
    assert handed == Handoff(grant, "key", 3300)


def test_a_write_to_someone_elses_id_goes_to_the_runs_last_live_user_when_there_is_one() -> None:
    assert replacements("PATCH", {"id": THEIRS}, {OURS}, alive=OURS) == {"id": OURS}
    assert replacements("PATCH", {"id": OURS}, {OURS}, alive=OURS) == {}

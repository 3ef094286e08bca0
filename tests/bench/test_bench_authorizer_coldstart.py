"""bench.authorizer_coldstart: both authorizers really decide, and the generated one's cold
start stays within the issue's budget of the hand-written one's."""

from __future__ import annotations

from bench import authorizer_coldstart


def test_the_generated_authorizer_starts_within_budget_of_a_hand_written_one() -> None:
    # measure() raises unless both authorizers allow the right key in every round.
    found = authorizer_coldstart.measure(rounds=6)
    assert found["generated_process_ms"] > 0 and found["manual_process_ms"] > 0
    assert found["process_ratio"] <= authorizer_coldstart.BUDGET, found

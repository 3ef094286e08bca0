"""bench.transaction: a create's added cost, the transaction against a plain put."""

from __future__ import annotations

from bench import transaction
from bench.report import transaction_lines
from bench.results import Results, TransactionCost


def test_child_measures_every_variant_on_moto() -> None:
    rows = transaction.child({"seed": 1, "rounds": 2}, calls_per_batch=2)
    assert [row["operation"] for row in rows] == [v[0] for v in transaction.VARIANTS]
    assert [row["wcu"] for row in rows] == [1.0, 4.0, 7.0]
    assert all(len(row["us"]) == 2 and min(row["us"]) > 0 for row in rows)


def test_report_shows_capacity_time_and_ratio_and_round_trips() -> None:
    results = Results()
    assert transaction_lines(results) == ["Not measured: section not run."]
    results.transaction = [
        TransactionCost("plain put (before)", 1.0, "PutItem", [100.0, 120.0, 110.0]),
        TransactionCost("create (user + email claim)", 4.0, "TransactWriteItems", [220.0]),
    ]
    text = "\n".join(transaction_lines(results))
    assert "| create (user + email claim) | 4 WCU | 220 us | 2.00x |" in text
    assert Results.from_json(results.to_json()).transaction == results.transaction
